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
