// Test databases: every test file gets its own. Embedded (default): a fresh in-memory PGlite served
// over the wire protocol, the same code path as `npm start`. Server (TESSERA_TEST_PG_URL set, as
// .ci/run does): a new database on that PostgreSQL server, dropped afterwards.
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { startPlatform, type Platform, type PlatformOptions } from '../../engine/platform.ts';
import { auditArchivedBefore } from '../../engine/db/audit-partitions.ts';

/** The secrets key of test platforms and the engine processes beside them (they must share it). */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');

export type TestDatabaseKind = 'embedded' | 'server';

export function testDatabaseKind(): TestDatabaseKind {
  return process.env.TESSERA_TEST_PG_URL ? 'server' : 'embedded';
}

export interface TestDatabase {
  /** URL to connect to; for the embedded kind, set once the platform started. */
  readonly url?: string;
  drop(): Promise<void>;
}

/** Creates a database on the test server (server kind only). */
export async function createServerDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  // TESSERA_TEST_DB_PREFIX: runs sharing one server keep to their own names (letters, digits, _).
  const prefix = /^[a-z_][a-z0-9_]{0,30}$/.test(process.env.TESSERA_TEST_DB_PREFIX ?? '') ? process.env.TESSERA_TEST_DB_PREFIX! : 'tessera_test';
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface TestPlatform {
  readonly platform: Platform;
  readonly kind: TestDatabaseKind;
  /** Checks the audit trail (see auditGaps), then closes and drops the database. */
  close(): Promise<void>;
}

/**
 * Records whose audit trail is incomplete. Every change of a record bumps its version and writes
 * one audit row (create → version 1, each update, delete, restore → +1), so a record with
 * version n must have n audit rows, the first of them (in the order the trail is read) its create.
 * Matched by record id, which survives entity renames.
 */
export async function auditGaps(platform: Platform): Promise<string[]> {
  if (!platform.runtime.loaded) return [];
  const entities = [...platform.runtime.snapshot.entities.values()].map(({ entity }) => entity);
  if (!entities.length) return [];
  // One statement: the trail is counted once per record (not once per row and entity), so the check
  // stays quick on the 10,000-row tables of the list tests.
  // Months past the audit retention were detached (engine/db/audit-partitions.ts): a record created
  // before the kept trail begins may have fewer rows than versions, and no create among them.
  const archivedBefore = await auditArchivedBefore(platform.knex);
  const older = archivedBefore ? platform.knex.raw(`AND NOT (e.created_at < ?::timestamptz AND coalesce(a.n, 0) <= e.version)`, [archivedBefore.toISOString()]).toQuery() : '';
  const perEntity = entities.map((entity) => platform.knex.raw(
    `SELECT ?::text AS entity, e.id, e.version, coalesce(a.n, 0) AS n, a.first FROM ?? AS e LEFT JOIN trail a ON a.record_id = e.id WHERE (e.version <> coalesce(a.n, 0) OR a.first <> 'create') ${older}`,
    [entity.name, entity.table],
  ).toQuery());
  const { rows } = (await platform.knex.raw(
    `WITH trail AS (SELECT record_id, count(*)::int AS n, (array_agg(action ORDER BY id))[1] AS first FROM tessera.audit_log GROUP BY record_id) ${perEntity.join(' UNION ALL ')}`,
  )) as { rows: { entity: string; id: string; version: number; n: number; first: string | null }[] };
  const gaps: string[] = [];
  for (const r of rows) {
    if (r.version !== r.n) gaps.push(`${r.entity} ${r.id}: version ${r.version} but ${r.n} audit row(s)`);
    if (r.first !== null && r.first !== 'create') gaps.push(`${r.entity} ${r.id}: the trail does not begin with its create`);
  }
  return gaps;
}

/**
 * A platform on a fresh database of the configured kind. Closing it fails when a record changed
 * without an audit row, so every database test also proves the audit trail complete; a test that
 * writes rows behind the records service on purpose passes { auditCheck: false }.
 */
export async function startTestPlatform(options: { listen?: boolean; auditCheck?: boolean; workflows?: PlatformOptions['workflows']; vacuumIntervalMs?: number; connectors?: PlatformOptions['connectors'] } = {}): Promise<TestPlatform> {
  const { auditCheck = true, ...platformOptions } = options;
  const adminUrl = process.env.TESSERA_TEST_PG_URL;
  const db = adminUrl ? await createServerDatabase(adminUrl) : null;
  const platform = await startPlatform({ ...(db ? { url: db.url } : {}), secretKey: TEST_SECRET_KEY, ...platformOptions });
  return {
    platform,
    kind: db ? 'server' : 'embedded',
    async close() {
      let gaps: string[] = [];
      try {
        if (auditCheck) gaps = await auditGaps(platform).catch((error: unknown) => {
          // e.g. the test closed the platform itself already
          console.warn(`audit trail check skipped: ${(error as Error).message}`);
          return [];
        });
      } finally {
        await platform.close();
        await db?.drop();
      }
      if (gaps.length) throw new Error(`changes without an audit row:\n${gaps.slice(0, 20).join('\n')}`);
    },
  };
}
