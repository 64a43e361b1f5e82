// PostgreSQL's error fields (SQLSTATE code, constraint, detail), wherever the driver error arrived:
// objection wraps driver errors (db-errors) and keeps the original as `nativeError`.
export interface PostgresError {
  readonly code?: string;
  readonly constraint?: string;
  readonly detail?: string;
}

export function postgresError(error: unknown): PostgresError {
  return ((error as { nativeError?: unknown } | null)?.nativeError ?? error ?? {}) as PostgresError;
}

export const UNIQUE_VIOLATION = '23505';
