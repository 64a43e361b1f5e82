// Work that must run once however many processes start together on one PostgreSQL server: platform
// migrations, the connectors' entity types, the first admin, first-start seeding. `tessera start
// --processes N` starts N processes at once, and knex's migration lock makes the losers fail rather
// than wait; this session advisory lock, taken on a connection of its own, makes them wait, and
// each then finds the work done. The embedded database has one process (its directory is locked).
import pg from 'pg';
import type { Database } from './connection.ts';

/** The advisory lock key (a fixed number, easy to find in pg_locks; next to the automation leader's 716_001_016). */
export const STARTUP_LOCK_KEY = 716_001_043;

export async function underStartupLock<T>(db: Pick<Database, 'url' | 'embedded'>, work: () => Promise<T>): Promise<T> {
  if (db.embedded) return work();
  const client = new pg.Client({ connectionString: db.url, application_name: 'tessera-startup' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK_KEY]);
    // Ending the session releases the lock, also when the work throws.
    return await work();
  } finally {
    await client.end();
  }
}
