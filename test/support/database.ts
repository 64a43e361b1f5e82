// Test databases: every test file gets its own. Embedded (default): a fresh in-memory PGlite served
// over the wire protocol, the same code path as `npm start`. Server (TESSERA_TEST_PG_URL set, as
// .ci/run does): a new database on that PostgreSQL server, dropped afterwards.
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { startPlatform, type Platform } from '../../engine/platform.ts';

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
  const name = `tessera_test_${process.pid}_${randomBytes(4).toString('hex')}`;
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
  close(): Promise<void>;
}

/** A platform on a fresh database of the configured kind. */
export async function startTestPlatform(options: { listen?: boolean } = {}): Promise<TestPlatform> {
  const adminUrl = process.env.TESSERA_TEST_PG_URL;
  if (!adminUrl) {
    const platform = await startPlatform({ ...options });
    return { platform, kind: 'embedded', close: () => platform.close() };
  }
  const db = await createServerDatabase(adminUrl);
  const platform = await startPlatform({ url: db.url, ...options });
  return {
    platform,
    kind: 'server',
    async close() {
      await platform.close();
      await db.drop();
    },
  };
}
