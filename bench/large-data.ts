// Large data on a PostgreSQL server (BENCH=large; TESSERA_BENCH_PG_URL required): the shipped CRM
// with BENCH_LARGE_CONTRACTORS (1,000,000) contractors and BENCH_LARGE_ACTIVITIES (10,000,000)
// activities spread over them, one contractor holding BENCH_LARGE_TIMELINE (10,000). Measured
// through the records service (parsing, rights, the SQL, shaping the records — what the HTTP
// handlers call), as the administrator, BENCH_LARGE_SAMPLES (50) samples each:
//   - a contractor list with a filter and a sort (target p95 < 20 ms),
//   - the first page of the big contractor's timeline (target p95 < 20 ms),
//   - global search (target p95 < 100 ms),
//   - a group-by report over the activities (target p95 < 300 ms),
// and two metadata changes on the activity table: a nullable field (target < 1 s) and a field with
// a default, which must not rewrite the table (its relfilenode stays the same).
// BENCH_LARGE_DATABASE=<name> keeps the loaded database on the server, and a later run with the
// same sizes measures it again without loading (the load of 10M rows takes tens of minutes).
import { availableParallelism, loadavg } from 'node:os';
import pg from 'pg';
import { loadPackageDir, type PackageFiles } from '../metadata/index.ts';
import { startPlatform } from '../engine/platform.ts';
import type { RecordContext } from '../engine/records/index.ts';
import { searchRecords } from '../engine/records/search.ts';
import { SEED_METADATA_DIR } from '../seed/index.ts';
import { createServerDatabase } from '../test/support/database.ts';
import { scoreGoal, type ScaleGoal } from './scorecard.ts';

const BATCH = 250_000;
const KINDS = ['task', 'call', 'meeting', 'email', 'note'];
const TOWNS = ['Warszawa', 'Kraków', 'Łódź', 'Wrocław', 'Poznań', 'Gdańsk', 'Szczecin', 'Lublin', 'Cluj-Napoca', 'București'];

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function figures(samples: readonly number[], target: number, goal: ScaleGoal): string {
  const s = [...samples].sort((a, b) => a - b);
  const p95 = percentile(s, 95);
  scoreGoal(goal, { measured: `p95 ${p95.toFixed(1)} ms`, target: `p95 < ${target} ms`, met: p95 < target, note: `load average ${loadavg()[0]!.toFixed(1)}` });
  return `min ${s[0]!.toFixed(1)} / median ${percentile(s, 50).toFixed(1)} / p95 ${p95.toFixed(1)} / max ${s[s.length - 1]!.toFixed(1)} ms (target p95 < ${target} ms: ${p95 < target ? 'met' : 'NOT met'})`;
}

async function sample(times: number, run: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await run(); // plans and caches
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await run();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Index definitions of a table other than its primary key and unique constraints. */
async function secondaryIndexes(client: pg.Client, table: string): Promise<{ name: string; definition: string }[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
      WHERE i.schemaname = current_schema() AND i.tablename = $1
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.contype IN ('p', 'u'))`,
    [table],
  );
  return rows;
}

/**
 * Loads a fixture the fast way a DBA would: the table's secondary indexes dropped, foreign-key
 * triggers off for the session (superuser only; the rows are generated consistent), the rows
 * inserted, then each index rebuilt in one sort with room to do it. Building a trigram index
 * once over 10M rows is minutes; maintaining it row by row was most of the 39 minutes 3M took.
 */
async function bulkLoad(client: pg.Client, table: string, insert: () => Promise<void>): Promise<void> {
  const indexes = await secondaryIndexes(client, table);
  for (const index of indexes) await client.query(`DROP INDEX ${pg.escapeIdentifier(index.name)}`);
  const superuser = (await client.query<{ s: string }>(`SELECT current_setting('is_superuser') AS s`)).rows[0]!.s === 'on';
  if (superuser) await client.query(`SET session_replication_role = replica`);
  try {
    await insert();
  } finally {
    // A failed load still leaves the table with its indexes and the session as it was.
    if (superuser) await client.query(`SET session_replication_role = DEFAULT`);
    await client.query(`SET maintenance_work_mem = '1GB'`);
    await client.query(`SET max_parallel_maintenance_workers = ${Math.max(0, availableParallelism() - 1)}`);
    for (const index of indexes) await client.query(index.definition);
  }
}

/** What a kept fixture database holds (BENCH_LARGE_DATABASE), so a later run measures without loading again. */
interface Fixture {
  readonly contractors: number;
  readonly activities: number;
  readonly timeline: number;
  readonly big: string;
}

async function keptFixture(client: pg.Client): Promise<Fixture | null> {
  const { rows } = await client
    .query<Fixture>(`SELECT contractors, activities, timeline, big::text AS big FROM bench_large_fixture WHERE loaded`)
    .catch(() => ({ rows: [] as Fixture[] }));
  return rows[0] ?? null;
}

/** The scratch database, or BENCH_LARGE_DATABASE kept between runs (created when missing). */
async function fixtureDatabase(adminUrl: string, kept: string | undefined): Promise<{ url: string; drop(): Promise<void> }> {
  if (!kept) return createServerDatabase(adminUrl);
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(kept)) throw new Error('BENCH_LARGE_DATABASE is a database name: lower-case letters, digits and _');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  let existed: boolean;
  try {
    existed = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [kept])).rows.length > 0;
    if (!existed) await admin.query(`CREATE DATABASE ${kept}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${kept}`;
  // Only a database this bench made and loaded: it drops indexes and turns triggers off while it loads.
  if (existed) {
    const probe = new pg.Client({ connectionString: url.toString() });
    await probe.connect();
    try {
      const { rows } = await probe.query<{ fixture: boolean }>(`SELECT to_regclass('public.bench_large_fixture') IS NOT NULL AS fixture`);
      if (!rows[0]!.fixture)
        throw new Error(`BENCH_LARGE_DATABASE ${kept} exists but holds no loaded fixture of this bench: drop it, or name a database that does not exist yet`);
    } finally {
      await probe.end();
    }
  }
  return { url: url.toString(), drop: async () => {} };
}

export async function largeDataBenchmark(options: {
  adminUrl: string;
  contractors: number;
  activities: number;
  timeline: number;
  samples: number;
  keep?: string;
  log: (line: string) => void;
}): Promise<void> {
  const { contractors, activities, timeline, samples, log } = options;
  const scratch = await fixtureDatabase(options.adminUrl, options.keep);
  const platform = await startPlatform({ url: scratch.url });
  const client = new pg.Client({ connectionString: scratch.url });
  await client.connect();
  try {
    const { knex } = platform;
    const { package: pkg } = await loadPackageDir(SEED_METADATA_DIR);
    let fixture = await keptFixture(client);
    if (fixture && (fixture.contractors !== contractors || fixture.activities !== activities || fixture.timeline !== timeline)) {
      throw new Error(
        `BENCH_LARGE_DATABASE ${options.keep} holds ${fixture.contractors} contractors and ${fixture.activities} activities, not the sizes asked for; drop it or ask for those`,
      );
    }
    // A kept database goes on from the metadata it has (earlier runs added fields to it).
    if (!fixture) await platform.applyMetadata(pkg, { source: 'cli' });
    const contractorTable = platform.runtime.entity('contractor').entity.table;
    const activityTable = platform.runtime.entity('activity').entity.table;
    const where = `PostgreSQL server ${new URL(options.adminUrl).host}, ${options.keep ? `database ${options.keep}, kept` : 'scratch database'}`;
    if (fixture) {
      log(
        `large data (${where}): ${contractors.toLocaleString('en-US')} contractors and ${activities.toLocaleString('en-US')} activities loaded by an earlier run`,
      );
    } else {
      // Bulk rows straight into the tables (a benchmark fixture, not business writes).
      let t0 = performance.now();
      await bulkLoad(client, contractorTable, async () => {
        for (let from = 1; from <= contractors; from += BATCH) {
          const to = Math.min(contractors, from + BATCH - 1);
          await client.query(
            `INSERT INTO ${pg.escapeIdentifier(contractorTable)} (name, contractor_type, tax_id, email, locality, country, active)
             SELECT 'Firma ' || g || ' ' || substr(md5(g::text), 1, 8), CASE WHEN g % 5 = 0 THEN 'natural_person' ELSE 'company' END, lpad(g::text, 10, '7'),
                    'biuro' || g || '@firma' || (g % 97) || '.pl', ($1::text[])[1 + g % 10], CASE WHEN g % 10 >= 8 THEN 'ro' ELSE 'pl' END, g % 13 <> 0
             FROM generate_series($2::int, $3::int) AS g`,
            [TOWNS, from, to],
          );
        }
      });
      await client.query(`CREATE TEMP TABLE bench_contractors AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM ${pg.escapeIdentifier(contractorTable)}`);
      await client.query('CREATE UNIQUE INDEX ON bench_contractors (n)');
      log(`large data (${where}): ${contractors.toLocaleString('en-US')} contractors in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      t0 = performance.now();
      const big = (await client.query<{ id: string }>('SELECT id FROM bench_contractors WHERE n = 1')).rows[0]!.id;
      const spread = Math.max(0, activities - timeline);
      const insertActivities = async (from: number, to: number, contractor: string | null) =>
        client.query(
          `INSERT INTO ${pg.escapeIdentifier(activityTable)} (kind, subject, status, priority, contractor, start_at, created_at)
           SELECT ($1::text[])[1 + g % 5], 'Kontakt ' || g, CASE WHEN g % 3 = 0 THEN 'open' ELSE 'resolved' END, 'normal',
                  ${contractor ? '$4::uuid' : 'c.id'}, TIMESTAMPTZ '2022-01-01' + (g % 1461) * INTERVAL '1 day', TIMESTAMPTZ '2022-01-01' + (g % 1461) * INTERVAL '1 day' + (g % 86400) * INTERVAL '1 second'
           FROM generate_series($2::int, $3::int) AS g ${contractor ? '' : 'JOIN bench_contractors c ON c.n = 2 + g % $4::int'}`,
          contractor ? [KINDS, from, to, contractor] : [KINDS, from, to, Math.max(1, contractors - 1)],
        );
      await bulkLoad(client, activityTable, async () => {
        for (let from = 1; from <= spread; from += BATCH) await insertActivities(from, Math.min(spread, from + BATCH - 1), null);
        if (timeline > 0) await insertActivities(1, timeline, big);
      });
      await client.query(`VACUUM ANALYZE ${pg.escapeIdentifier(contractorTable)}`);
      await client.query(`VACUUM ANALYZE ${pg.escapeIdentifier(activityTable)}`);
      fixture = { contractors, activities, timeline, big };
      if (options.keep) {
        await client.query('CREATE TABLE bench_large_fixture (contractors int, activities int, timeline int, big uuid, loaded boolean)');
        await client.query('INSERT INTO bench_large_fixture VALUES ($1, $2, $3, $4, true)', [contractors, activities, timeline, big]);
      }
      const size = (await client.query<{ s: string }>('SELECT pg_size_pretty(pg_total_relation_size($1::regclass)) AS s', [activityTable])).rows[0]!.s;
      log(
        `  ${activities.toLocaleString('en-US')} activities (${timeline.toLocaleString('en-US')} on one contractor) in ${((performance.now() - t0) / 1000).toFixed(1)} s, indexes built after the rows; activity table with indexes ${size}`,
      );
    }
    const big = fixture.big;

    // The machine may be shared: the figures below mean little without its load at the time.
    const load = () =>
      loadavg()
        .map((l) => l.toFixed(2))
        .join(', ');
    log(`  load average before measuring (1, 5, 15 min): ${load()} on ${availableParallelism()} cores`);
    const admin: RecordContext = { actor: { userId: null, via: 'system' } };
    const list = await sample(samples, () =>
      platform.records.list(admin, 'contractor', { filter: { country: { eq: 'pl' }, locality: { eq: 'Kraków' } }, sort: 'name', limit: 50 }),
    );
    log(`  contractor list, country + locality filter, sorted by name, 50 rows: ${figures(list, 20, 'largeList')}`);
    const page = await sample(samples, () => platform.records.timeline(admin, 'contractor', big, { limit: 50 }));
    log(`  timeline of a contractor with ${timeline.toLocaleString('en-US')} activities, first page of 50: ${figures(page, 20, 'largeTimeline')}`);
    const terms = ['firma 424242', 'biuro31337@', '7777123456', 'kontakt 99', 'zzzz-nothing'];
    let term = 0;
    const search = await sample(samples, () => searchRecords(platform.records, admin, { q: terms[term++ % terms.length]! }));
    log(`  global search over every type (${terms.length} terms in turn): ${figures(search, 100, 'largeSearch')}`);
    const report = await sample(samples, () =>
      platform.records.aggregate(admin, 'activity', {
        groupBy: ['kind', 'status'],
        measures: ['count'],
        filter: { start_at: { gte: '2024-01-01T00:00:00Z', lt: '2025-01-01T00:00:00Z' } },
      }),
    );
    log(`  report: activities of a year grouped by kind and status, count: ${figures(report, 300, 'largeReport')}`);
    log(`  load average after measuring: ${load()}`);

    // Two fields added to the activity table through a metadata change (the plan → apply path).
    let current: PackageFiles = { files: platform.runtime.snapshot.model.pkg.files };
    // Fresh names on every run: a kept database already has the fields of earlier runs.
    const run = Date.now().toString(36);
    const addField = async (field: Record<string, unknown>): Promise<{ ms: number; rewritten: boolean }> => {
      const node = async () => (await knex.raw('SELECT relfilenode FROM pg_class WHERE oid = ?::regclass', [activityTable])).rows[0].relfilenode as number;
      const before = await node();
      const kindPath = Object.keys(current.files).find(
        (p) => (current.files[p] as { kind?: string; name?: string }).kind === 'activityKind' && (current.files[p] as { name?: string }).name === 'call',
      )!;
      const kind = current.files[kindPath] as { fields?: unknown[] };
      const next: PackageFiles = { files: { ...current.files, [kindPath]: { ...kind, fields: [...(kind.fields ?? []), field] } } };
      const started = performance.now();
      await platform.applyMetadata(next, { source: 'cli' });
      current = next;
      return { ms: performance.now() - started, rewritten: (await node()) !== before };
    };
    // Baseline in the same run: an apply that changes no table (a field's label), the fixed cost of a
    // metadata version (validation, plan, the new version's row, caches), whatever the table's size.
    const relabel = async (): Promise<number> => {
      const kindPath = Object.keys(current.files).find(
        (p) => (current.files[p] as { kind?: string; name?: string }).kind === 'activityKind' && (current.files[p] as { name?: string }).name === 'call',
      )!;
      const kind = current.files[kindPath] as { label?: Record<string, string> };
      const next: PackageFiles = { files: { ...current.files, [kindPath]: { ...kind, label: { ...kind.label, en: `${kind.label?.en ?? 'Call'}.` } } } };
      const started = performance.now();
      await platform.applyMetadata(next, { source: 'cli' });
      current = next;
      return performance.now() - started;
    };
    log(`  baseline: an apply that changes no table (a label): ${(await relabel()).toFixed(0)} ms`);
    const nullable = await addField({
      id: `bench.call.line_quality_${run}`,
      name: `line_quality_${run}`,
      type: 'string',
      maxLength: 40,
      label: { en: 'Line quality' },
    });
    log(
      `  a nullable field added to the ${activities.toLocaleString('en-US')}-row activity table: ${nullable.ms.toFixed(0)} ms, table ${nullable.rewritten ? 'REWRITTEN' : 'not rewritten'} (target < 1,000 ms)`,
    );
    scoreGoal('largeNullable', { measured: `${nullable.ms.toFixed(0)} ms`, target: '< 1,000 ms, not rewritten', met: nullable.ms < 1000 && !nullable.rewritten });
    const defaulted = await addField({ id: `bench.call.recorded_${run}`, name: `recorded_${run}`, type: 'boolean', default: false, label: { en: 'Recorded' } });
    log(
      `  a field with a default added to it: ${defaulted.ms.toFixed(0)} ms, table ${defaulted.rewritten ? 'REWRITTEN' : 'not rewritten'} (target: not rewritten)`,
    );
    scoreGoal('largeDefault', { measured: `${defaulted.ms.toFixed(0)} ms, ${defaulted.rewritten ? 'rewritten' : 'not rewritten'}`, target: 'not rewritten', met: !defaulted.rewritten });
  } finally {
    await client.end();
    await platform.close();
    await scratch.drop();
  }
}
