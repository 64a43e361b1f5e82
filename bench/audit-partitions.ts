// The partitioned audit trail (BENCH=audit; migration 049): N audit rows (records × changes) spread
// over M months, each month a partition; then, in samples, the changes of the last 7 days (count,
// pruned to the partitions of that week), a record's trail as GET …/history reads it (by record id)
// and with its entity (both served by the (record_id, id) index), beside the same queries on an
// unpartitioned copy of the rows with the same indexes, and on that copy with migration 001's
// (entity, record_id, id) index alone, which a read by record id alone scans whole; migration 049
// itself over those rows; and the retention detaching the months past 12 into tessera_archive. On
// a PostgreSQL server when TESSERA_BENCH_PG_URL names one (scratch database), else on the embedded
// database.
import { loadavg } from 'node:os';
import { startPlatform } from '../engine/platform.ts';
import { archiveAuditMonths, auditPartitions, monthOf, monthStart } from '../engine/db/audit-partitions.ts';
import { down as unpartition, up as partition } from '../engine/db/migrations/049-audit-partitions.ts';
import { createServerDatabase } from '../test/support/database.ts';

function figures(samples: readonly number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  return `min ${s[0]!.toFixed(2)} / median ${s[Math.floor(s.length / 2)]!.toFixed(2)} / max ${s[s.length - 1]!.toFixed(2)} ms`;
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

export async function auditPartitionsBenchmark(options: { records: number; changes: number; months: number; samples: number; adminUrl?: string; log: (line: string) => void }): Promise<void> {
  const { records, changes, months, samples, log } = options;
  const scratch = options.adminUrl ? await createServerDatabase(options.adminUrl) : null;
  const platform = await startPlatform({ ...(scratch ? { url: scratch.url } : {}) });
  const { knex } = platform;
  try {
    const current = monthOf(new Date());
    for (let m = months - 1; m >= 0; m--) await knex.raw(`SELECT tessera.audit_log_partition(?::timestamptz)`, [monthStart(current, -m).toISOString()]);
    const rows = records * changes;
    const started = performance.now();
    // Record r's change c at a time spread evenly over the months (the newest rows now).
    const span = months * 30 * 86_400;
    for (let from = 0; from < rows; from += 200_000) {
      const to = Math.min(rows, from + 200_000) - 1;
      await knex.raw(
        `INSERT INTO tessera.audit_log (at, via, entity, record_id, action, changes, meta_version)
         SELECT now() - make_interval(secs => ?::double precision * (1 - g::double precision / ?)), 'system', 'contractor',
                ('00000000-0000-4000-8000-' || lpad(to_hex(g % ?), 12, '0'))::uuid,
                CASE WHEN g < ? THEN 'create' ELSE 'update' END, jsonb_build_object('name', jsonb_build_array('a' || g, 'b' || g)), 1
           FROM generate_series(?::bigint, ?::bigint) AS g`,
        [span, rows, records, records, from, to],
      );
    }
    await knex.raw(`CREATE TABLE public.bench_audit_flat AS SELECT * FROM tessera.audit_log`);
    await knex.raw(`ALTER TABLE public.bench_audit_flat ADD PRIMARY KEY (id)`);
    await knex.raw(`CREATE INDEX bench_audit_flat_record_ix ON public.bench_audit_flat (record_id, id)`);
    await knex.raw(`ANALYZE tessera.audit_log`);
    await knex.raw(`ANALYZE public.bench_audit_flat`);
    log(`audit partitions (${scratch ? `PostgreSQL server ${new URL(options.adminUrl!).host}` : 'embedded PGlite'}): ${rows.toLocaleString('en-US')} rows (${records.toLocaleString('en-US')} records × ${changes}) over ${(await auditPartitions(knex)).length} monthly partitions, loaded in ${((performance.now() - started) / 1000).toFixed(1)} s; load average ${load()}`);

    const time = async (sql: string, bindings: (table: string, i: number) => unknown[], table: string): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < samples; i++) {
        const t = performance.now();
        await knex.raw(sql.replace('$table', table), bindings(table, i) as readonly string[]);
        out.push(performance.now() - t);
      }
      return out;
    };
    const record = (i: number) => `00000000-0000-4000-8000-${((i * 7919) % records).toString(16).padStart(12, '0')}`;
    const queries = [
      ['changes of the last 7 days (count)', `SELECT count(*) FROM $table WHERE at >= now() - interval '7 days'`, () => []],
      ['a record\'s trail by record id (GET …/history)', `SELECT id, at, action, changes FROM $table WHERE record_id = ?::uuid ORDER BY id`, (_: string, i: number) => [record(i)]],
      ['a record\'s trail by entity and record id', `SELECT id, at, action, changes FROM $table WHERE entity = 'contractor' AND record_id = ?::uuid ORDER BY id`, (_: string, i: number) => [record(i)]],
    ] as const;
    for (const [name, sql, bindings] of queries) {
      const partitioned = await time(sql, bindings, 'tessera.audit_log');
      const flat = await time(sql, bindings, 'public.bench_audit_flat');
      log(`  ${name}: partitioned ${figures(partitioned)}; unpartitioned ${figures(flat)} (${samples} samples; load average ${load()})`);
    }
    await knex.raw(`DROP INDEX public.bench_audit_flat_record_ix`);
    await knex.raw(`CREATE INDEX bench_audit_flat_old_ix ON public.bench_audit_flat (entity, record_id, id)`);
    for (const [name, sql, bindings] of queries.slice(1)) log(`  ${name}, unpartitioned with the (entity, record_id, id) index of before: ${figures(await time(sql, bindings, 'public.bench_audit_flat'))}`);
    // The upgrade itself: back to the unpartitioned table, then migration 049 over these rows.
    await knex.raw(`DROP TABLE public.bench_audit_flat`);
    await knex.transaction((trx) => unpartition(trx));
    const migrationStarted = performance.now();
    await knex.transaction((trx) => partition(trx));
    log(`  migration 049 over ${rows.toLocaleString('en-US')} rows (copy into the partitions, in one transaction): ${((performance.now() - migrationStarted) / 1000).toFixed(1)} s; load average ${load()}`);
    await knex.raw(`ANALYZE tessera.audit_log`);
    const detachStarted = performance.now();
    const moved = await archiveAuditMonths(knex, 12);
    const detachMs = performance.now() - detachStarted;
    log(`  retention (12 months kept): ${moved.length} month(s) detached into tessera_archive in ${detachMs.toFixed(1)} ms (${moved.length ? (detachMs / moved.length).toFixed(1) : '-'} ms a month, counting its rows included); load average ${load()}`);
  } finally {
    await platform.close();
    await scratch?.drop();
  }
}
