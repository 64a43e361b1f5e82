// Raw SQL on a knex transaction's own connection. The step path issues its statements through the
// `pg` client directly (knex's query building costs more CPU than the statement itself on these
// short, fixed statements); everything stays inside the same transaction.
import type { Knex } from 'knex';

export type Row = Record<string, unknown>;

/** Runs one statement in the transaction and returns its rows (typed by the caller, who wrote the SELECT). */
export type Sql = <T extends object = Row>(text: string, values?: readonly unknown[]) => Promise<T[]>;

/** pg-boss's database adapter shape: statements run on the caller's connection, so jobs commit with the step. */
export interface BossDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Row[] }>;
}

interface PgConnection {
  query(text: string, values?: readonly unknown[]): Promise<{ rows: Row[] }>;
}

/** The connection a knex transaction runs on (knex hands a transaction client its own connection). */
export async function transactionConnection(trx: Knex.Transaction): Promise<PgConnection> {
  const client = (trx as unknown as { client: { acquireConnection(): Promise<PgConnection> } }).client;
  return client.acquireConnection();
}

export async function sqlOf(trx: Knex.Transaction): Promise<{ sql: Sql; bossDb: BossDb }> {
  const conn = await transactionConnection(trx);
  const sql: Sql = async <T extends object>(text: string, values?: readonly unknown[]) => (await conn.query(text, values)).rows as T[];
  const bossDb: BossDb = { executeSql: (text, values) => conn.query(text, values) };
  return { sql, bossDb };
}

/** Runs reads on a pooled connection outside any transaction. */
export async function withConnection<T>(knex: Knex, work: (sql: Sql) => Promise<T>): Promise<T> {
  const client = knex.client as { acquireConnection(): Promise<PgConnection>; releaseConnection(conn: PgConnection): Promise<void> };
  const conn = await client.acquireConnection();
  try {
    return await work(async <R extends object>(text: string, values?: readonly unknown[]) => (await conn.query(text, values)).rows as R[]);
  } finally {
    await client.releaseConnection(conn);
  }
}

export { isRetryableDbError } from '../../db/errors.ts';
