// Precompiled statements sent straight to a connection, without knex's runner. The hot statements of
// a records request (a get by id, a list page, a create's INSERT and audit row) have texts compiled
// once per shape (engine/records/list-statements.ts, insert-statements.ts); sending one through
// `knex.raw` still built a Raw object, scanned the text for placeholders twice, made a runner and
// its event objects on every call. Here the connection comes from the same place knex takes it —
// the knex's pool, or the connection a transaction holds — and goes back the same way, so pools,
// transactions, statement naming (engine/db/prepared.ts: the connection's own Client names them),
// the read replica (its knex's pool) and the driver's type parsers are those of knex's statements.
// Errors reach callers as knex's would: the driver's error with knex's "<statement> - " in front of
// the message; knex's `query` and `query-error` events are emitted for whoever listens.
import type { Knex } from 'knex';
import type { TypeParsers } from './type-parsers.ts';

/** A statement compiled once: knex's text (`?` placeholders) and the text the driver is sent ($1, $2, …). */
export interface DirectStatement {
  readonly sql: string;
  readonly text: string;
}

/** The $-numbered text knex's PostgreSQL client sends for `sql` (its positionBindings). */
export function positioned(sql: string): string {
  let n = 0;
  return sql.replace(/(\\*)(\?)/g, (match: string, escapes: string) => (escapes.length % 2 ? '?' : `$${++n}`));
}

/** The statement of `sql`, its sent text computed once. */
export function directStatement(sql: string): DirectStatement {
  return { sql, text: positioned(sql) };
}

/** The part of a `pg` connection used here. */
interface Connection {
  query(config: { text: string; values: readonly unknown[]; types?: TypeParsers }): Promise<{ rows: unknown[] }>;
  readonly __knexUid?: string;
  readonly __knexTxId?: string;
}

/** The part of knex's client (or a transaction's client) used here. */
interface KnexClient {
  acquireConnection(): Promise<Connection>;
  releaseConnection(connection: Connection): Promise<void>;
  listenerCount(event: string): number;
  emit(event: string, ...args: unknown[]): boolean;
}

/** How many statements went through here, by how they went (tests check the hot paths take it). */
export const directStatementCounts = { direct: 0, knex: 0 };

/** A value knex.raw binds as it is: anything else (undefined, a raw expression, a builder, a function) takes knex's own path, errors included. */
function plainBinding(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return true;
    case 'object':
      if (value instanceof Date || Buffer.isBuffer(value)) return true;
      // knex refuses undefined anywhere inside a binding, arrays included.
      return Array.isArray(value) && value.every(plainBinding);
    default:
      return false;
  }
}

/**
 * The rows of `statement` with `bindings`, on `db`'s connection (a transaction's own in a
 * transaction), as `db.raw(statement.sql, bindings)` would give them in `.rows`. With `types`,
 * its columns are parsed by those (on knex's own path, kept for the odd binding, by the connection's).
 */
export async function sendStatement<R = Record<string, unknown>>(db: Knex | Knex.Transaction, statement: DirectStatement, bindings: readonly unknown[], types?: TypeParsers): Promise<R[]> {
  const client = db.client as KnexClient;
  // A finished transaction, or a binding knex treats specially: knex's own answer (and error).
  if ((db.isTransaction && (db as Knex.Transaction).isCompleted()) || !bindings.every(plainBinding)) {
    directStatementCounts.knex++;
    return ((await db.raw(statement.sql, bindings as Knex.RawBinding[])) as { rows: R[] }).rows;
  }
  directStatementCounts.direct++;
  let connection: Connection;
  try {
    connection = await client.acquireConnection();
  } catch (error) {
    // As knex's runner: a pool timeout names the statement that waited.
    if (error instanceof Error && error.name === 'KnexTimeoutError') Object.assign(error, { sql: statement.sql, bindings });
    throw error;
  }
  const watched = client.listenerCount('query') > 0 || client.listenerCount('query-error') > 0;
  const query = watched ? { __knexUid: connection.__knexUid, __knexTxId: connection.__knexTxId, method: 'raw', sql: statement.text, bindings } : null;
  try {
    if (query) client.emit('query', query);
    const { rows } = await connection.query(types ? { text: statement.text, values: bindings, types } : { text: statement.text, values: bindings });
    return rows as R[];
  } catch (error) {
    // knex's executeQuery: the statement (its placeholders are $n, so nothing is inlined) before the message.
    if (error instanceof Error) error.message = `${statement.text} - ${error.message}`;
    if (query) client.emit('query-error', error, query);
    throw error;
  } finally {
    void client.releaseConnection(connection);
  }
}
