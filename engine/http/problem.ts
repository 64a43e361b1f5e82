// RFC 9457 problem details. Every error leaves the API as application/problem+json with a stable
// `code`, and `errors` holding one entry per bad value with its JSON pointer.
import type { ErrorRequestHandler, Response } from 'express';
import { isTesseraError, TesseraError, type ErrorCode } from '../errors.ts';

const TITLES: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: 'Validation failed',
  METADATA_INVALID: 'Invalid metadata package',
  MIGRATION_REFUSED: 'Destructive change refused',
  MIGRATION_FAILED: 'Migration failed',
  NOT_FOUND: 'Not found',
  UNKNOWN_ENTITY: 'Unknown entity type',
  VERSION_CONFLICT: 'Version conflict',
  VERSION_REQUIRED: 'Version required',
  ILLEGAL_TRANSITION: 'Illegal transition',
  TRANSITION_GUARD_FAILED: 'Transition condition not met',
  RECORD_GUARD_FAILED: 'Record condition not met',
  REFERENCE_NOT_FOUND: 'Referenced record not found',
  DELETE_RESTRICTED: 'Record still referenced',
  UNIQUE_VIOLATION: 'Duplicate value',
  DUPLICATE_RECORD: 'Duplicate record',
  EXCLUSION_VIOLATION: 'Overlaps another record',
  BAD_QUERY: 'Invalid query',
  MALFORMED_JSON: 'Malformed JSON',
  MALFORMED_REQUEST: 'Bad request',
  HEADERS_TOO_LARGE: 'Request header fields too large',
  REQUEST_TIMEOUT: 'Request timeout',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  UNAUTHENTICATED: 'Not signed in',
  FORBIDDEN: 'Forbidden',
  CSRF_REJECTED: 'CSRF token missing or wrong',
  TOO_MANY_REQUESTS: 'Too many requests',
  UNAVAILABLE: 'Service unavailable',
  INTERNAL: 'Internal error',
};

/** The problem document of an error (also written by hand where there is no express response). */
export function problemDocument(error: TesseraError, instance?: string): Record<string, unknown> {
  return {
    type: `https://tessera.dev/problems/${error.code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[error.code] ?? error.code,
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(instance ? { instance } : {}),
    ...(error.problems.length ? { errors: error.problems } : {}),
    ...error.extensions,
  };
}

export function sendProblem(res: Response, error: TesseraError, instance?: string): void {
  const body = problemDocument(error, instance);
  res.status(error.status).type('application/problem+json').send(JSON.stringify(body));
}

/** Maps body-parser failures and everything else to problems; unexpected errors are logged, not leaked. */
export const problemHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  let error: TesseraError;
  const typed = err as { type?: string; status?: number; message?: string; limit?: number };
  if (isTesseraError(err)) error = err;
  else if (typed.type === 'entity.parse.failed') error = new TesseraError('MALFORMED_JSON', `the body is not valid JSON: ${typed.message ?? ''}`, { problems: [{ pointer: '', detail: 'malformed JSON' }] });
  else if (typed.type === 'entity.too.large') error = new TesseraError('PAYLOAD_TOO_LARGE', `the body is larger than ${typed.limit ?? 'the limit'} bytes`);
  else if (typed.type === 'encoding.unsupported' || typed.type === 'charset.unsupported') error = new TesseraError('UNSUPPORTED_MEDIA_TYPE', typed.message ?? 'unsupported encoding');
  else {
    console.error(`[tessera] ${req.method} ${req.originalUrl}:`, err);
    error = new TesseraError('INTERNAL', 'an unexpected error occurred; it has been logged');
  }
  sendProblem(res, error, req.originalUrl);
};
