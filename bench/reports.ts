// Report latency (BENCH=reports): the sales funnel's query — deals grouped by stage, count and sum
// of the value (per currency), under a filter (follow-up date in a year) — over 1,000,000 deals,
// through the records service's aggregate (parsing, rights, the GROUP BY, shaping the rows), as the
// administrator and as a salesperson who reads only their own deals; beside, in the same run, the
// same GROUP BY sent raw through pg; and the same query converting the money to PLN (convertTo) at
// one day's NBP rate and at each deal's own follow-up day's. On a PostgreSQL server when TESSERA_BENCH_PG_URL names one
// (scratch database), else on the embedded database.
import { accessFor, loadSubject } from '../engine/access/index.ts';
import { startPlatform } from '../engine/platform.ts';
import type { RecordContext } from '../engine/records/index.ts';
import { addDays, saveRates, type CurrencyRate } from '../engine/exchange-rates/index.ts';
import { createServerDatabase } from '../test/support/database.ts';
import { crmMiniPackage } from '../test/support/packages.ts';

const STAGES = ['new', 'meeting', 'offer', 'negotiation', 'won', 'lost'];
const OWNERS = 20;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function figures(samples: readonly number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  return `min ${s[0]!.toFixed(1)} / median ${percentile(s, 50).toFixed(1)} / p95 ${percentile(s, 95).toFixed(1)} / max ${s[s.length - 1]!.toFixed(1)} ms`;
}

export async function reportsBenchmark(options: { rows: number; samples: number; adminUrl?: string; log: (line: string) => void }): Promise<void> {
  const { rows, samples, log } = options;
  const scratch = options.adminUrl ? await createServerDatabase(options.adminUrl) : null;
  const platform = await startPlatform({ ...(scratch ? { url: scratch.url } : {}) });
  try {
    const pkg = await crmMiniPackage({
      'roles/sales.json': { kind: 'role', id: 'b.role.sales', name: 'sales', label: { en: 'sales' }, permissions: [{ entity: 'deal', read: 'own' }] },
    });
    // The index a report over a period wants (docs/reports.md, "Performance"): live records only, the
    // filter's date first, then what the GROUP BY reads (stage, amount, currency): an index-only scan.
    // BENCH_REPORT_INDEX=off measures without it.
    const deal = pkg.files['entities/deal.json'] as { indexes?: unknown[] };
    const indexed = process.env.BENCH_REPORT_INDEX !== 'off';
    const files = indexed ? { ...pkg.files, 'entities/deal.json': { ...deal, indexes: [{ id: 'b.deal.ix.report_period', fields: ['follow_up', 'stage', 'value', 'value_currency'], live: true }] } } : pkg.files;
    await platform.applyMetadata({ files }, { source: 'cli' });
    const users = (await platform.knex('tessera.users')
      .insert(Array.from({ length: OWNERS }, (_, i) => ({ login: `sales${i}`, display_name: `Sales ${i}`, roles: ['sales'] })))
      .returning('id')) as { id: string }[];
    const table = platform.runtime.entity('deal').entity.table;
    const [contractor] = (await platform.knex('contractor').insert({ name: 'Bench client' }).returning('id')) as { id: string }[];
    const started = performance.now();
    for (let from = 0; from < rows; from += 100_000) {
      const to = Math.min(rows, from + 100_000) - 1;
      await platform.knex.raw(
        `INSERT INTO ?? (title, contractor, stage, value, value_currency, follow_up, owner)
         SELECT 'Deal ' || g, ?::uuid, (?::text[])[1 + g % 6], (g % 1000) * 100, CASE WHEN g % 5 = 0 THEN 'EUR' ELSE 'PLN' END,
                DATE '2024-01-01' + (g % 1096), (?::uuid[])[1 + g % ${OWNERS}]
         FROM generate_series(?::int, ?::int) AS g`,
        [table, contractor!.id, STAGES, users.map((u) => u.id), from, to],
      );
    }
    await platform.knex.raw('VACUUM ANALYZE ??', [table]);
    log(`reports (${scratch ? `PostgreSQL server ${new URL(options.adminUrl!).host}` : 'embedded PGlite: no server given in TESSERA_BENCH_PG_URL'}): ${rows.toLocaleString('en-US')} deals loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // An NBP EUR rate for every weekday of the deals' three years (what the connector's backfill stores).
    const rates: CurrencyRate[] = [];
    for (let day = '2023-12-20'; day <= '2026-12-31'; day = addDays(day, 1)) {
      if (![0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) rates.push({ source: 'nbp', currency: 'EUR', date: day, rate: 4.2 + (rates.length % 50) / 1000, multiplier: 1, table: null });
    }
    await saveRates(platform.knex, rates);
    await platform.knex.raw('ANALYZE tessera.currency_rates');
    const filter = { follow_up: { gte: '2025-01-01', lte: '2025-12-31' } };
    const query = { groupBy: ['stage'], measures: ['count', 'sum:value'], filter };
    const admin: RecordContext = { actor: { userId: null, via: 'system' } };
    const subject = (await loadSubject(platform.knex, users[0]!.id))!;
    const salesperson: RecordContext = { actor: { userId: subject.userId, via: 'api', access: accessFor(platform.runtime.snapshot.model, subject) } };
    const rawSql = `SELECT stage AS g0, value_currency AS c0, count(*) AS m0, sum(value) AS m1 FROM ${table}
      WHERE deleted_at IS NULL AND follow_up >= ? AND follow_up <= ?
      GROUP BY 1, 2 ORDER BY array_position(ARRAY['new','meeting','offer','negotiation','won','lost']::text[], stage::text) NULLS LAST, 2`;
    const period = ['2025-01-01', '2025-12-31'];
    const literalSql = rawSql.replace('>= ?', ">= '2025-01-01'").replace('<= ?', "<= '2025-12-31'");
    const plan = (await platform.knex.raw(`EXPLAIN ${literalSql}`)) as { rows: { 'QUERY PLAN': string }[] };
    // Warm-up: plans and caches, then alternating samples so both see the same machine.
    for (let i = 0; i < 3; i++) {
      await platform.records.aggregate(admin, 'deal', query);
      await platform.knex.raw(rawSql, period);
      await platform.knex.raw(literalSql);
    }
    const times = { admin: [] as number[], own: [] as number[], raw: [] as number[], literal: [] as number[], oneDay: [] as number[], ownDay: [] as number[] };
    const oneDay = { ...query, convertTo: 'PLN', rateDate: '2025-12-31' };
    const ownDay = { ...query, convertTo: 'PLN', rateDate: 'follow_up' };
    let groups = 0;
    for (let i = 0; i < samples; i++) {
      let t0 = performance.now();
      const result = await platform.records.aggregate(admin, 'deal', query);
      times.admin.push(performance.now() - t0);
      groups = result.rows.length;
      t0 = performance.now();
      await platform.records.aggregate(salesperson, 'deal', query);
      times.own.push(performance.now() - t0);
      t0 = performance.now();
      await platform.knex.raw(rawSql, period);
      times.raw.push(performance.now() - t0);
      t0 = performance.now();
      await platform.knex.raw(literalSql);
      times.literal.push(performance.now() - t0);
      t0 = performance.now();
      await platform.records.aggregate(admin, 'deal', oneDay);
      times.oneDay.push(performance.now() - t0);
      t0 = performance.now();
      await platform.records.aggregate(admin, 'deal', ownDay);
      times.ownDay.push(performance.now() - t0);
    }
    log(`  group by stage, count + sum of value per currency, follow-up in 2025 (${groups} groups), ${indexed ? 'live covering index (follow_up, stage, value, value_currency)' : 'no index'}, ${samples} samples each:`);
    log(`    aggregate API, administrator (every deal):      ${figures(times.admin)}  (target p95 < 300 ms)`);
    log(`    aggregate API, salesperson (own deals, 1/${OWNERS}):  ${figures(times.own)}`);
    log(`    raw SQL, the same GROUP BY through pg, bound:  ${figures(times.raw)}`);
    log(`    raw SQL, the same with the dates as literals:  ${figures(times.literal)}`);
    log(`    aggregate API, converted to PLN at one day:    ${figures(times.oneDay)}`);
    log(`    aggregate API, converted at each deal's day:    ${figures(times.ownDay)}`);
    log(`    plan: ${plan.rows.map((r) => r['QUERY PLAN'].trim()).filter((l) => /Scan|Aggregate/.test(l)).join(' | ')}`);
  } finally {
    await platform.close();
    await scratch?.drop();
  }
}
