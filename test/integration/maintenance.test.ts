// Maintenance of the embedded database, which has no autovacuum: a VACUUM (ANALYZE) round reaches
// every table of the platform, the entity tables and pg-boss's, and leaves the data as it was; the
// platform that owns an embedded database schedules rounds (on a server, autovacuum does this).
import { vacuumTables } from '../../engine/db/maintenance.ts';
import { startTestPlatform, testDatabaseKind, type TestPlatform } from '../support/database.ts';

let env: TestPlatform;

beforeAll(async () => {
  env = await startTestPlatform({ auditCheck: false, vacuumIntervalMs: 200 });
  const { knex } = env.platform;
  await knex.raw('CREATE TABLE public.vacuum_probe (id int PRIMARY KEY, n int NOT NULL)');
  await knex.raw('INSERT INTO public.vacuum_probe SELECT g, 0 FROM generate_series(1, 500) g');
  for (let i = 0; i < 3; i++) await knex.raw('UPDATE public.vacuum_probe SET n = n + 1');
}, 120_000);

afterAll(async () => {
  await env?.close();
});

const vacuumed = async (): Promise<Map<string, Date | null>> => {
  const { rows } = (await env.platform.knex.raw(`SELECT schemaname || '.' || relname AS name, greatest(last_vacuum, last_autovacuum) AS at FROM pg_stat_user_tables`)) as { rows: { name: string; at: Date | null }[] };
  return new Map(rows.map((r) => [r.name, r.at]));
};

test('a round vacuums and analyses every table of the maintained schemas; rows and statistics are right afterwards', async () => {
  const before = new Date(Date.now() - 1000);
  const report = await vacuumTables(env.platform.knex);
  expect(report.failed).toEqual([]);
  const after = await vacuumed();
  // The audit trail is partitioned by month (migration 049): its rows are in this month's partition.
  const auditMonth = `tessera.audit_log_${new Date().toISOString().slice(0, 7).replace('-', '_')}`;
  for (const table of ['public.vacuum_probe', auditMonth, 'tessera.process_instances', 'tessera_jobs.job_common']) {
    expect(after.get(table)?.getTime()).toBeGreaterThanOrEqual(before.getTime());
  }
  // Every table of the database (partitioned parents have no rows of their own: their partitions count).
  const { rows: missed } = (await env.platform.knex.raw(
    `SELECT s.schemaname || '.' || s.relname AS name FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE c.relkind = 'r' AND (greatest(s.last_vacuum, s.last_autovacuum) IS NULL OR greatest(s.last_vacuum, s.last_autovacuum) < ?)`,
    [before],
  )) as { rows: { name: string }[] };
  expect(missed).toEqual([]);
  expect(report.tables).toBeGreaterThan(30);
  const { rows } = (await env.platform.knex.raw(`SELECT count(*)::int AS n, min(n) AS lo, max(n) AS hi FROM public.vacuum_probe`)) as { rows: { n: number; lo: number; hi: number }[] };
  expect(rows[0]).toEqual({ n: 500, lo: 3, hi: 3 });
  const { rows: stats } = (await env.platform.knex.raw(`SELECT reltuples FROM pg_class WHERE oid = 'public.vacuum_probe'::regclass`)) as { rows: { reltuples: number }[] };
  expect(stats[0]!.reltuples).toBe(500);
});

// On a server autovacuum may run at any moment, so only the embedded database's own rounds are observable.
const embeddedOnly = testDatabaseKind() === 'embedded' ? test : test.skip;

embeddedOnly('the platform that owns an embedded database runs rounds by itself', async () => {
  await env.platform.knex.raw('UPDATE public.vacuum_probe SET n = n + 1');
  const since = Date.now();
  const deadline = since + 10_000;
  let at: Date | null | undefined = null;
  while (Date.now() < deadline) {
    at = (await vacuumed()).get('public.vacuum_probe');
    if (at && at.getTime() >= since - 50) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(at?.getTime()).toBeGreaterThanOrEqual(since - 50);
});
