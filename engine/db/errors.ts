// PostgreSQL's error fields (SQLSTATE code, constraint, detail), wherever the driver error arrived:
// objection wraps driver errors (db-errors) and keeps the original as `nativeError`.
import { isStalePlanError } from './prepared.ts';

export interface PostgresError {
  readonly code?: string;
  readonly constraint?: string;
  readonly detail?: string;
}

export function postgresError(error: unknown): PostgresError {
  return ((error as { nativeError?: unknown } | null)?.nativeError ?? error ?? {}) as PostgresError;
}

export const UNIQUE_VIOLATION = '23505';

const RETRYABLE = new Set(['40P01', '40001']);

/** Deadlocks, serialization failures and plans a migration made stale: the whole transaction can simply run again. */
export function isRetryableDbError(error: unknown): boolean {
  const code = postgresError(error).code;
  return (typeof code === 'string' && RETRYABLE.has(code)) || isStalePlanError(error);
}

/** Longest database message a problem carries; PostgreSQL's own messages are one short line. */
const MESSAGE_LIMIT = 300;

/**
 * PostgreSQL's message of a failed query, without the statement: knex puts the statement in front
 * ("<statement> - <message>"), and a statement (hundreds of kilobytes for a wide table) must never
 * reach a client. `statement` is the SQL as run (with ? placeholders), which knex numbers $1, $2….
 */
export function databaseMessage(error: unknown, statement?: string): string {
  const message = error instanceof Error ? error.message : String(error);
  let own = message;
  if (statement !== undefined) {
    let n = 0;
    const numbered = statement.replace(/\?/g, () => `$${++n}`);
    if (message.startsWith(`${numbered} - `)) own = message.slice(numbered.length + 3);
  }
  // A statement we were not told about: PostgreSQL's message is the last part, after knex's " - ".
  if (own === message && postgresError(error).code !== undefined && message.includes(' - ')) own = message.slice(message.lastIndexOf(' - ') + 3);
  const { detail } = postgresError(error);
  const full = detail ? `${own} (${detail})` : own;
  return full.length > MESSAGE_LIMIT ? `${full.slice(0, MESSAGE_LIMIT)}…` : full;
}
