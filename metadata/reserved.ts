// Names that may not be used for entity types or fields: PostgreSQL's fully reserved key words
// (identifiers are always quoted, but a reserved word as a column name trips every hand-written
// query and Node-RED SQL node), the platform's own tables and the system columns.
import { SYSTEM_COLUMNS } from './physical.ts';

const SQL_RESERVED = new Set(
  `all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation column
  concurrently constraint create cross current_catalog current_date current_role current_schema current_time
  current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign freeze from
  full grant group having ilike in initially inner intersect into is isnull join lateral leading left like limit
  localtime localtimestamp natural not notnull null offset on only or order outer overlaps placing primary references
  returning right select session_user similar some symmetric system_user table tablesample then to trailing true union
  unique user using variadic verbose when where window with`
    .split(/\s+/)
    .filter(Boolean),
);

/** Entity type names the platform uses itself. */
const PLATFORM_ENTITY_NAMES = new Set(['activity', 'user', 'users', 'team', 'teams', 'role', 'roles', 'file', 'files', 'meta', 'tessera', 'record', 'records', 'workflow', 'workflows', 'instance', 'instances', 'audit']);

/** Field names with a meaning in the API (query parameters, envelope). */
const API_FIELD_NAMES = new Set(['include', 'fields', 'filter', 'sort', 'search', 'limit', 'after', 'count', 'kind_fields']);

export function entityNameProblem(name: string): string | null {
  if (SQL_RESERVED.has(name)) return `"${name}" is an SQL reserved word`;
  if (PLATFORM_ENTITY_NAMES.has(name)) return `"${name}" is used by the platform`;
  if (name.startsWith('pg_') || name.startsWith('tessera')) return `names starting with pg_ or tessera are reserved`;
  if (name.includes('__')) return `"__" is reserved for join tables`;
  return null;
}

export function fieldNameProblem(name: string): string | null {
  if ((SYSTEM_COLUMNS as readonly string[]).includes(name)) return `"${name}" is a system column every record has`;
  if (SQL_RESERVED.has(name)) return `"${name}" is an SQL reserved word`;
  if (API_FIELD_NAMES.has(name)) return `"${name}" is reserved by the API`;
  if (name.startsWith('pg_') || name.includes('__')) return `names starting with pg_ or containing "__" are reserved`;
  return null;
}
