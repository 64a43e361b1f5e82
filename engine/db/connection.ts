// One way to reach PostgreSQL: a `pg` pool behind knex, whether the server is external
// (DATABASE_URL) or the embedded PGlite socket.
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.ts';
import { PreparedStatements, preparingDriver } from './prepared.ts';
import { ReadReplica, type ReplicaOptions } from './replica.ts';
import { driverTypes } from './type-parsers.ts';

export interface Database {
  readonly knex: Knex;
  readonly url: string;
  /** The embedded PGlite server, when no DATABASE_URL was given. */
  readonly embedded?: EmbeddedPostgres;
  /** Statement naming on a server (null on the embedded database); invalidate() after schema changes. */
  readonly prepared: PreparedStatements | null;
  /** The streaming replica lists, search, aggregates and exports may read (DATABASE_READ_URL); null without one. */
  readonly replica: ReadReplica | null;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL server URL; absent → embedded PGlite in `dataDir` (or in memory without it). */
  readonly url?: string;
  readonly dataDir?: string;
  readonly poolSize?: number;
  /** A streaming replica of `url` for reads (DATABASE_READ_URL); only beside a server `url`. */
  readonly readUrl?: string;
  readonly replica?: ReplicaOptions;
}

/** The replica's connections: named in pg_stat_activity, and quick to give up on an unreachable host (reads then use the primary). */
const REPLICA_CONNECTION = { application_name: 'tessera-read', connectionTimeoutMillis: 3000 };
/** knex's own warnings about the replica's failed connections: the replica logs one line per outage instead. */
const quietConnectionErrors = (message: unknown) => {
  if (!/connection error|acquire connection error/i.test(String(message))) console.warn(message);
};
const REPLICA_LOG = { warn: quietConnectionErrors, error: quietConnectionErrors };

/** A knex on the URL; with `prepared`, its connections name statements by that policy. */
export function createKnex(url: string, poolSize = 10, prepared: PreparedStatements | null = null, extra: { connection?: Record<string, unknown>; log?: Knex.Config['log'] } = {}): Knex {
  const { connection = {}, log } = extra;
  const knex = knexFactory({
    client: 'pg',
    ...(log ? { log } : {}),
    // Settings in the URL (application_name=…) win over `connection`'s: pg reads the URL last.
    connection: { ...connection, connectionString: url, types: driverTypes } as Knex.PgConnectionConfig,
    pool: { min: 0, max: poolSize },
    acquireConnectionTimeout: 30_000,
  });
  // knex opens each pooled connection with `new client.driver.Client(…)`.
  if (prepared) (knex.client as { driver: typeof pg }).driver = preparingDriver(prepared);
  return knex;
}

/** The `pg` Client class the knex's connections are made with (for other pools on the same database, pg-boss's). */
export function clientClassOf(knex: Knex): typeof pg.Client {
  return (knex.client as { driver: typeof pg }).driver.Client;
}

/** Whether the server behind a URL is PGlite (whose connections share one session). */
async function isPglite(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>('SELECT version()');
    return rows[0]?.version.includes('PGlite') ?? false;
  } finally {
    await client.end();
  }
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.readUrl && !options.url) throw new Error('DATABASE_READ_URL needs DATABASE_URL: the embedded database has no replica');
  if (options.url) {
    // A URL may also lead to another process's embedded database (the CLI, engine workers): no names there.
    const prepared = (await isPglite(options.url)) ? null : new PreparedStatements();
    const knex = createKnex(options.url, options.poolSize, prepared);
    if (!options.readUrl) return { knex, url: options.url, prepared, replica: null, close: () => knex.destroy() };
    // Not probed here: a replica down at start is the same fall-back to the primary as one that stops later.
    const replicaPlans = new PreparedStatements();
    const replicaKnex = createKnex(options.readUrl, options.poolSize, replicaPlans, { connection: REPLICA_CONNECTION, log: REPLICA_LOG });
    return {
      knex,
      url: options.url,
      prepared,
      replica: new ReadReplica(knex, replicaKnex, { ...options.replica, plans: replicaPlans }),
      async close() {
        await replicaKnex.destroy();
        await knex.destroy();
      },
    };
  }
  const embedded = await startEmbeddedPostgres({ ...(options.dataDir ? { dataDir: options.dataDir } : {}) });
  // PGlite runs one statement at a time; a small pool avoids queueing connections that can only wait.
  const knex = createKnex(embedded.url, options.poolSize ?? 8);
  return {
    knex,
    url: embedded.url,
    embedded,
    prepared: null,
    replica: null,
    async close() {
      await knex.destroy();
      await embedded.stop();
    },
  };
}
