/** Codes of the problems found in a metadata package. */
export type MetadataErrorCode =
  | 'META_FILE_UNREADABLE'
  | 'META_JSON_SYNTAX'
  | 'META_SCHEMA'
  | 'META_MANIFEST_MISSING'
  | 'META_DUPLICATE_ID'
  | 'META_DUPLICATE_NAME'
  | 'META_RESERVED_NAME'
  | 'META_COLUMN_CLASH'
  | 'META_UNKNOWN_ENTITY'
  | 'META_UNKNOWN_FIELD'
  | 'META_UNKNOWN_STATE'
  | 'META_UNKNOWN_MODULE'
  | 'META_FIELD_KIND'
  | 'META_STATE_BINDING'
  | 'META_CYCLE'
  | 'META_FEEL_SYNTAX'
  | 'META_INVALID_DEFAULT'
  | 'META_FILTER'
  | 'META_PATTERN'
  | 'META_TRIGGER'
  | 'META_DOCUMENT_TEMPLATE'
  | 'META_LIMIT'
  | 'META_CONTRIBUTED_FILE';

/** One problem in a metadata package: which file, where in it (RFC 6901 JSON pointer) and what. */
export interface MetadataError {
  readonly code: MetadataErrorCode;
  readonly file: string;
  readonly pointer: string;
  readonly message: string;
}

/** Thrown where a caller needs an exception; carries every problem found, not only the first. */
export class MetadataValidationError extends Error {
  readonly code = 'META_INVALID';
  readonly errors: readonly MetadataError[];
  constructor(errors: readonly MetadataError[]) {
    super(`metadata package is invalid: ${errors.length} problem(s)\n${errors.map(formatMetadataError).join('\n')}`);
    this.errors = errors;
  }
}

export function formatMetadataError(error: MetadataError): string {
  return `${error.file}${error.pointer ? `#${error.pointer}` : ''}: ${error.message} [${error.code}]`;
}

/** RFC 6901 pointer from path segments. */
export function pointer(...segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
