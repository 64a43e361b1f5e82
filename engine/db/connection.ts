// One way to reach PostgreSQL: a `pg` pool behind knex, whether the server is external
// (DATABASE_URL) or the embedded PGlite socket.
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.ts';

const { types } = pg;
// Parse at the driver so every query agrees: DATE stays 'YYYY-MM-DD' (no time-zone shift),
// int8 (counts) and numeric become numbers (amounts fit easily in a double).
const typeParsers: Record<number, (value: string) => unknown> = {
  1082: (v) => v,
  20: (v) => Number(v),
  1700: (v) => Number(v),
};
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    return typeParsers[oid] ?? types.getTypeParser(oid, format);
  },
};

export interface Database {
  readonly knex: Knex;
  readonly url: string;
  /** The embedded PGlite server, when no DATABASE_URL was given. */
  readonly embedded?: EmbeddedPostgres;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL server URL; absent → embedded PGlite in `dataDir` (or in memory without it). */
  readonly url?: string;
  readonly dataDir?: string;
  readonly poolSize?: number;
}

export function createKnex(url: string, poolSize = 10): Knex {
  return knexFactory({
    client: 'pg',
    connection: { connectionString: url, types: pgTypes } as Knex.PgConnectionConfig,
    pool: { min: 0, max: poolSize },
    acquireConnectionTimeout: 30_000,
  });
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const knex = createKnex(options.url, options.poolSize);
    return { knex, url: options.url, close: () => knex.destroy() };
  }
  const embedded = await startEmbeddedPostgres({ ...(options.dataDir ? { dataDir: options.dataDir } : {}) });
  // PGlite runs one statement at a time; a small pool avoids queueing connections that can only wait.
  const knex = createKnex(embedded.url, options.poolSize ?? 8);
  return {
    knex,
    url: embedded.url,
    embedded,
    async close() {
      await knex.destroy();
      await embedded.stop();
    },
  };
}

export { pgTypes };
