// tessera.audit_log partitioned by month (migration 049): the migration over existing rows, the
// partitions made ahead by the maintenance step, rows of a missing month split out of the DEFAULT
// partition, retention detaching old months into tessera_archive, the export + drop of an archived
// month, and the history saying where the kept trail begins.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { down as unpartition, up as partition } from '../../engine/db/migrations/049-audit-partitions.ts';
import { archiveAuditMonths, archivedAuditMonths, auditPartitions, ensureAuditPartitions, exportArchivedMonth, monthOf, monthStart } from '../../engine/db/audit-partitions.ts';
import { configFromEnv } from '../../engine/config.ts';
import { startPlatform } from '../../engine/platform.ts';
import { auditGaps, startTestPlatform, testDatabaseKind, TEST_SECRET_KEY, type TestPlatform } from '../support/database.ts';
import pg from 'pg';
import { tessera } from '../support/cli.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';
import { crmMiniPackage } from '../support/packages.ts';

let env: TestPlatform;
let server: TestServer;
let dir: string;
const now = new Date();
const current = monthOf(now);
const SYSTEM = { actor: { userId: null, via: 'system' } } as const;

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata(await crmMiniPackage(), { source: 'cli' });
  server = await startTestServer(env.platform);
  dir = await mkdtemp(join(tmpdir(), 'tessera-audit-'));
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function partitionOf(id: number): Promise<string> {
  const { rows } = (await env.platform.knex.raw(`SELECT tableoid::regclass::text AS t FROM tessera.audit_log WHERE id = ?`, [id])) as { rows: { t: string }[] };
  return rows[0]!.t;
}

async function refused(sql: string): Promise<string> {
  return env.platform.knex.raw(sql).then(() => 'allowed', (error: Error) => error.message);
}

test('the migration moves existing rows into monthly partitions; the trail stays append-only and new rows land in their month', async () => {
  const { knex, records } = env.platform;
  const contractor = await records.create(SYSTEM, 'contractor', { name: 'Before partitions' });
  // Back to the unpartitioned table of migration 002, with rows of past months in it.
  await knex.transaction((trx) => unpartition(trx));
  expect((await knex.raw(`SELECT relkind FROM pg_class WHERE oid = 'tessera.audit_log'::regclass`)).rows[0].relkind).toBe('r');
  const old = monthStart(current, -14);
  await knex('tessera.audit_log').insert([1, 2, 3].map((i) => ({ at: new Date(old.getTime() + i * 86_400_000), via: 'system', entity: 'user', record_id: '00000000-0000-4000-8000-00000000000' + i, action: 'update', changes: '{}' })));
  const before = (await knex('tessera.audit_log').orderBy('id').select('*')) as Record<string, unknown>[];

  await knex.transaction((trx) => partition(trx));

  expect((await knex.raw(`SELECT relkind FROM pg_class WHERE oid = 'tessera.audit_log'::regclass`)).rows[0].relkind).toBe('p');
  expect(await knex('tessera.audit_log').orderBy('id').select('*')).toEqual(before);
  const months = await auditPartitions(knex);
  expect(months[0]).toBe(monthOf(old));
  expect(months.at(-1)).toBe(monthOf(monthStart(current, 2)));
  expect(months).toHaveLength(17);
  expect(await partitionOf(Number(before[before.length - 1]!.id))).toBe(`tessera.audit_log_${monthOf(old).replace('-', '_')}`);

  // Append-only on the parent, through it into a partition, and on a partition itself.
  expect(await refused(`UPDATE tessera.audit_log SET via = 'x'`)).toMatch(/append-only \(UPDATE refused\)/);
  expect(await refused(`DELETE FROM tessera.audit_log`)).toMatch(/append-only \(DELETE refused\)/);
  expect(await refused(`TRUNCATE tessera.audit_log`)).toMatch(/append-only \(TRUNCATE refused\)/);
  const partitionName = `tessera.audit_log_${current.replace('-', '_')}`;
  expect(await refused(`DELETE FROM ${partitionName}`)).toMatch(/append-only \(DELETE refused\)/);
  expect(await refused(`TRUNCATE ${partitionName}`)).toMatch(/append-only \(TRUNCATE refused\)/);
  expect(await refused(`TRUNCATE tessera.audit_log_default`)).toMatch(/append-only \(TRUNCATE refused\)/);

  // A new change goes to the current month; its id continues the sequence.
  await records.update(SYSTEM, 'contractor', String(contractor.id), { name: 'After partitions' }, { expectedVersion: 1 });
  const last = (await knex('tessera.audit_log').max('id as id').first()) as { id: string };
  expect(Number(last.id)).toBeGreaterThan(Number(before[before.length - 1]!.id));
  expect(await partitionOf(Number(last.id))).toBe(partitionName);
  const history = await jsonClient(`${server.url}/api`).get(`/records/contractor/${contractor.id}/history`);
  expect(history.body.data.map((h: { action: string }) => h.action)).toEqual(['create', 'update']);
});

test('the maintenance step makes the months ahead and splits rows that waited in the DEFAULT partition', async () => {
  const { knex } = env.platform;
  // Three months later: the engine did not run meanwhile, a row landed in DEFAULT.
  const later = monthStart(current, 3);
  await knex('tessera.audit_log').insert({ at: new Date(later.getTime() + 3_600_000), via: 'system', entity: 'user', record_id: '00000000-0000-4000-8000-000000000009', action: 'update', changes: '{}' });
  const waiting = (await knex('tessera.audit_log').max('id as id').first()) as { id: string };
  expect(await partitionOf(Number(waiting.id))).toBe('tessera.audit_log_default');

  const made = await ensureAuditPartitions(knex, new Date(later.getTime() + 86_400_000));
  expect(made).toEqual([monthOf(later), monthOf(monthStart(current, 4)), monthOf(monthStart(current, 5))]);
  expect(await partitionOf(Number(waiting.id))).toBe(`tessera.audit_log_${monthOf(later).replace('-', '_')}`);
  expect(await ensureAuditPartitions(knex, new Date(later.getTime() + 86_400_000))).toEqual([]);
  expect(await refused(`TRUNCATE tessera.audit_log_${monthOf(later).replace('-', '_')}`)).toMatch(/append-only/);
});

test('retention detaches old months into tessera_archive; export writes the month to a file and then drops it; history says where the trail begins', async () => {
  const { knex, records } = env.platform;
  const oldMonth = monthOf(monthStart(current, -14));
  const contractor = await records.create(SYSTEM, 'contractor', { name: 'Kept' });

  const moved = await archiveAuditMonths(knex, 12, now);
  // Kept: the current month and the 12 before it; the two older ones (one of them empty) move.
  expect(moved).toEqual([oldMonth, monthOf(monthStart(current, -13))]);
  expect(await auditPartitions(knex)).not.toContain(oldMonth);
  const table = `tessera_archive.audit_log_${oldMonth.replace('-', '_')}`;
  expect((await knex.raw(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n).toBe(3);
  expect(await refused(`DELETE FROM ${table}`)).toMatch(/append-only/);
  expect(await refused(`TRUNCATE ${table}`)).toMatch(/append-only/);
  expect(await archiveAuditMonths(knex, 12, now)).toEqual([]);
  expect(await auditGaps(env.platform)).toEqual([]);

  const history = await jsonClient(`${server.url}/api`).get(`/records/contractor/${contractor.id}/history`);
  expect(history.status).toBe(200);
  expect(history.body.archived).toEqual({ before: monthStart(current, -12).toISOString(), complete: true });

  const file = join(dir, `${oldMonth}.csv.gz`);
  const dbEnv = { DATABASE_URL: env.platform.db.url };
  const listed = await tessera(['audit-archive', 'list'], dbEnv);
  expect(listed.stdout).toContain(`${oldMonth}  3 row(s)`);
  const notArchived = await tessera(['audit-archive', 'export', current, join(dir, 'current.csv.gz')], dbEnv);
  expect(notArchived.code).toBe(1);
  expect(notArchived.stderr).toContain(`audit month ${current} is not archived`);
  // A file in the way: nothing written over, nothing dropped, a non-zero exit.
  await writeFile(file, 'not ours');
  const inTheWay = await tessera(['audit-archive', 'export', oldMonth, file], dbEnv);
  expect(inTheWay.code).toBe(1);
  expect(inTheWay.stderr).toContain(`writing ${file} failed`);
  expect(inTheWay.stderr).toContain('nothing dropped');
  expect(await readFile(file, 'utf8')).toBe('not ours');
  expect((await knex.raw(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n).toBe(3);
  await rm(file);
  const exported = await tessera(['audit-archive', 'export', oldMonth, file], dbEnv);
  expect(exported.stderr).toBe('');
  expect(exported.code).toBe(0);
  expect(exported.stdout).toContain(`audit month ${oldMonth}: 3 row(s) written to ${file}`);
  const lines = gunzipSync(await readFile(file)).toString('utf8').trimEnd().split('\n');
  expect(lines[0]).toBe('id,at,actor,via,entity,record_id,action,changes,meta_version,instance_id,origin');
  expect(lines.slice(1).map((l) => l.split(',').slice(3, 7).join(','))).toEqual([1, 2, 3].map((i) => `system,user,00000000-0000-4000-8000-00000000000${i},update`));
  expect(lines[1]).toMatch(/,"?\{\}"?,,,$/);
  expect(await knex.raw(`SELECT to_regclass(?) AS t`, [table]).then((r) => r.rows[0].t)).toBeNull();
  expect((await archivedAuditMonths(knex))[0]).toMatchObject({ month: oldMonth, rows: 3, exportedTo: file });
  const again = await exportArchivedMonth(knex, oldMonth, join(dir, 'again.csv.gz'));
  expect(again).toMatchObject({ ok: false, error: { code: 'ALREADY_DROPPED' } });
  expect(await exportArchivedMonth(knex, '1999-01', join(dir, 'none.csv.gz'))).toMatchObject({ ok: false, error: { code: 'NOT_ARCHIVED' } });
  // The file holds personal data: its owner's alone.
  expect((await stat(file)).mode & 0o777).toBe(0o600);

  // A row written later for the dropped month waits in DEFAULT: the month is not made again (its
  // next detach would collide with the archive's record of it), and the rounds go on.
  await knex.raw(`INSERT INTO tessera.audit_log (at, via, entity, record_id, action, changes) VALUES (?, 'system', 'user', '00000000-0000-4000-8000-000000000009', 'update', '{}')`, [monthStart(oldMonth).toISOString()]);
  expect(await ensureAuditPartitions(knex, now)).toEqual([]);
  expect(await auditPartitions(knex)).not.toContain(oldMonth);
  expect(await archiveAuditMonths(knex, 12, now)).toEqual([]);
});

test('a server process applies TESSERA_AUDIT_RETENTION_MONTHS at start (the hourly step runs once right away)', async () => {
  const { knex } = env.platform;
  expect(configFromEnv({ TESSERA_AUDIT_RETENTION_MONTHS: '6' }).auditRetentionMonths).toBe(6);
  expect(configFromEnv({}).auditRetentionMonths).toBeNull();
  expect(() => configFromEnv({ TESSERA_AUDIT_RETENTION_MONTHS: '0' })).toThrow(/TESSERA_AUDIT_RETENTION_MONTHS must be a positive whole number/);
  const old = monthOf(monthStart(current, -5));
  expect(await auditPartitions(knex)).toContain(old);
  const server = await startPlatform({ url: env.platform.db.url, secretKey: TEST_SECRET_KEY, auditPartitions: { intervalMs: 3_600_000, retentionMonths: 1 } });
  await server.close(); // waits for the round in progress
  expect(await auditPartitions(knex)).not.toContain(old);
  expect((await archivedAuditMonths(knex)).map((m) => m.month)).toContain(old);
});

test('a record whose whole trail was archived: history is empty and says so; the completeness check allows for it', async () => {
  const { knex, records } = env.platform;
  const contractor = await records.create(SYSTEM, 'contractor', { name: 'Archived whole' });
  // Two months on, with no months kept: this month's rows are archived too.
  expect((await archiveAuditMonths(knex, 0, monthStart(current, 2))).slice(-2)).toEqual([current, monthOf(monthStart(current, 1))]);
  const history = await jsonClient(`${server.url}/api`).get(`/records/contractor/${contractor.id}/history`);
  expect(history.status).toBe(200);
  expect(history.body).toEqual({ data: [], archived: { before: monthStart(current, 2).toISOString(), complete: false } });
  expect((await jsonClient(`${server.url}/api`).get(`/records/contractor/00000000-0000-4000-8000-0000000000aa/history`)).status).toBe(404);
  expect(await auditGaps(env.platform)).toEqual([]);
});

// Two sessions at once: the embedded database runs one at a time.
(testDatabaseKind() === 'server' ? test : test.skip)('making a partition gives up after its lock timeout instead of holding every audit write behind a long transaction', async () => {
  const holder = new pg.Client({ connectionString: env.platform.db.url });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    // What every record write's audit INSERT takes, held as a long transaction would.
    await holder.query('LOCK TABLE tessera.audit_log IN ROW EXCLUSIVE MODE');
    const error = await ensureAuditPartitions(env.platform.knex, monthStart(current, 40)).then(
      () => null,
      (e: unknown) => e as { code?: string },
    );
    expect(error?.code).toBe('55P03');
    expect(await auditPartitions(env.platform.knex)).not.toContain(monthOf(monthStart(current, 40)));
  } finally {
    await holder.query('ROLLBACK');
    await holder.end();
  }
});

test('undoing migration 049 loses no audit row: archived months come back into the one table, where exported ones went stays recorded', async () => {
  const { knex } = env.platform;
  const months = await archivedAuditMonths(knex);
  const kept = months.filter((m) => m.droppedAt === null);
  const exported = months.filter((m) => m.droppedAt !== null);
  // The suite above left both: months only detached, and one exported to a file and dropped.
  expect(kept.length).toBeGreaterThan(0);
  expect(exported.map((m) => m.month)).toEqual([monthOf(monthStart(current, -14))]);
  const trail = `SELECT * FROM tessera.audit_log ${kept.map((m) => `UNION ALL SELECT * FROM ${m.table}`).join(' ')} ORDER BY id`;
  const before = (await knex.raw(trail)).rows as Record<string, unknown>[];
  expect(before.length).toBeGreaterThan(Number((await knex('tessera.audit_log').count('* as n').first())!.n));

  await knex.transaction((trx) => unpartition(trx));

  expect((await knex.raw(`SELECT relkind FROM pg_class WHERE oid = 'tessera.audit_log'::regclass`)).rows[0].relkind).toBe('r');
  expect((await knex.raw(`SELECT * FROM tessera.audit_log ORDER BY id`)).rows).toEqual(before);
  for (const m of kept) expect(await knex.raw(`SELECT to_regclass(?) AS t`, [m.table]).then((r) => r.rows[0].t)).toBeNull();
  expect(await knex.raw(`SELECT to_char(month, 'YYYY-MM') AS month, exported_to FROM tessera_archive.audit_exports`).then((r) => r.rows)).toEqual(
    exported.map((m) => ({ month: m.month, exported_to: m.exportedTo })),
  );

  // And up again: every row back in its month.
  await knex.transaction((trx) => partition(trx));
  expect((await knex.raw(`SELECT * FROM tessera.audit_log ORDER BY id`)).rows).toEqual(before);
  expect(await archivedAuditMonths(knex)).toEqual([]);
});
