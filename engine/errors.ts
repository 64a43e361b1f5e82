// Errors of the engine are typed values with a code, an HTTP status and, where input was at fault,
// one problem per bad value with its JSON pointer. The HTTP layer renders them as RFC 9457
// problem+json; the CLI prints them and exits non-zero.

export interface Problem {
  /** RFC 6901 pointer to the bad value in the request (body, or /query/<param> for query strings). */
  readonly pointer: string;
  readonly detail: string;
  readonly code?: string;
  /**
   * What the app needs to word the problem in the user's language (forms/problem-words.ts):
   * names (`entity`, `field`, `state`, `from`, `to`, `target`, `referencedBy`, `kind`) the app turns
   * into metadata labels, numbers (`limit`, `count`), labels in every language (`message`).
   */
  readonly params?: Readonly<Record<string, unknown>>;
}

export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'LINE_WRITE'
  | 'METADATA_INVALID'
  | 'MIGRATION_REFUSED'
  | 'MIGRATION_FAILED'
  | 'NOT_FOUND'
  | 'UNKNOWN_ENTITY'
  | 'VERSION_CONFLICT'
  | 'VERSION_REQUIRED'
  | 'METADATA_CONFLICT'
  | 'ILLEGAL_TRANSITION'
  | 'TRANSITION_GUARD_FAILED'
  | 'RECORD_GUARD_FAILED'
  | 'REFERENCE_NOT_FOUND'
  | 'DELETE_RESTRICTED'
  | 'UNIQUE_VIOLATION'
  | 'DUPLICATE_RECORD'
  | 'EXCLUSION_VIOLATION'
  | 'BAD_QUERY'
  | 'MALFORMED_JSON'
  | 'MALFORMED_REQUEST'
  | 'HEADERS_TOO_LARGE'
  | 'REQUEST_TIMEOUT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CSRF_REJECTED'
  | 'TOO_MANY_REQUESTS'
  | 'DATABASE_LOCKED'
  | 'UNAVAILABLE'
  | 'CONFLICT'
  | 'WORKFLOW_INVALID'
  | 'INTERNAL';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 422,
  LINE_WRITE: 422,
  METADATA_INVALID: 422,
  MIGRATION_REFUSED: 409,
  MIGRATION_FAILED: 422,
  NOT_FOUND: 404,
  UNKNOWN_ENTITY: 404,
  VERSION_CONFLICT: 409,
  VERSION_REQUIRED: 428,
  METADATA_CONFLICT: 409,
  ILLEGAL_TRANSITION: 422,
  TRANSITION_GUARD_FAILED: 422,
  RECORD_GUARD_FAILED: 422,
  REFERENCE_NOT_FOUND: 422,
  DELETE_RESTRICTED: 409,
  UNIQUE_VIOLATION: 409,
  DUPLICATE_RECORD: 409,
  EXCLUSION_VIOLATION: 409,
  BAD_QUERY: 400,
  MALFORMED_JSON: 400,
  MALFORMED_REQUEST: 400,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  TOO_MANY_REQUESTS: 429,
  DATABASE_LOCKED: 409,
  UNAVAILABLE: 503,
  CONFLICT: 409,
  WORKFLOW_INVALID: 422,
  INTERNAL: 500,
};

export class TesseraError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly problems: readonly Problem[];
  /** Extra members of the problem document (e.g. allowed transitions, current version). */
  readonly extensions: Readonly<Record<string, unknown>>;
  constructor(code: ErrorCode, message: string, options: { problems?: readonly Problem[]; extensions?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'TesseraError';
    this.code = code;
    this.status = STATUS[code];
    this.problems = options.problems ?? [];
    this.extensions = options.extensions ?? {};
  }
}

export const isTesseraError = (e: unknown): e is TesseraError => e instanceof TesseraError;
