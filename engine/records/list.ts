// List queries: filter, sort, keyset pagination and diacritic-insensitive text search, compiled to
// parameterised SQL. Field names come from the model and values are bound, so nothing a client
// sends is ever spliced into SQL.
import type { Knex } from 'knex';
import {
  coerceScalar,
  joinTableName,
  parseFilter,
  searchExpression,
  queryField,
  textProblem,
  type BoundFilterExpr,
  type EntityModel,
  type FilterableType,
  type FilterExpr,
} from '../../metadata/index.ts';
import { TesseraError, type Problem } from '../errors.ts';
import { SYSTEM_OUTPUT } from './values.ts';

export interface SortKey {
  readonly field: string;
  readonly direction: 'asc' | 'desc';
  /** The column may hold NULL (affects keyset predicates). */
  readonly nullable: boolean;
  /** How the column compares (a cursor's value for it must be of this type). */
  readonly type: FilterableType;
  /** A timestamptz column: its cursor value is read as text, keeping PostgreSQL's microseconds. */
  readonly timestamp: boolean;
  /** Text compared in this collation (the business language's, see sortCollation), in ORDER BY and keyset alike. */
  readonly collation?: string;
}

/**
 * The collation text sorts in: the business language's ICU collation ("pl-x-icu", "ro-x-icu") when the
 * database has it, else ICU's language-neutral root order ("und-x-icu": accented letters next to their
 * base letter, as PGlite offers), else none (the database's default, often bytewise "C").
 */
export function sortCollation(language: string, available: ReadonlySet<string>): string | null {
  for (const name of [`${language}-x-icu`, 'und-x-icu']) if (available.has(name)) return name;
  return null;
}

/** The collations sortCollation may pick, as a query of pg_collation. */
export const COLLATION_QUERY = "SELECT collname FROM pg_catalog.pg_collation WHERE collname IN ('und-x-icu', 'pl-x-icu', 'ro-x-icu', 'en-x-icu')";

/** Text keys of `keys` sort in `collation` (a name from pg_collation, never client input). */
export function collateText(keys: readonly SortKey[], collation: string | null): SortKey[] {
  if (!collation) return [...keys];
  return keys.map((k) => (k.type === 'text' && k.field !== 'id' ? { ...k, collation } : k));
}

/** The SQL of a sort key's column (with its collation), bindings for knex.raw. */
function keyColumn(table: string, key: SortKey): [string, string[]] {
  const col = `${table}.${key.field}`;
  return key.collation ? [`?? COLLATE "${key.collation.replace(/"/g, '')}"`, [col]] : ['??', [col]];
}

export interface ListRequest {
  readonly filter?: unknown;
  readonly sort?: string;
  readonly limit?: number;
  readonly after?: string;
  readonly search?: string;
  readonly include?: readonly string[];
  readonly fields?: readonly string[];
  readonly count?: boolean;
  readonly deleted?: 'exclude' | 'include' | 'only';
}

export const MAX_LIMIT = 500;
export const DEFAULT_LIMIT = 50;

const bad = (problems: Problem[], message = 'invalid list query') => new TesseraError('BAD_QUERY', `${message}: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });

export function parseListFilter(entity: EntityModel, raw: unknown): FilterExpr | null {
  if (raw === undefined || raw === '') return null;
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw bad([{ pointer: '/query/filter', detail: 'is not valid JSON' }]);
    }
  }
  const { filter, problems } = parseFilter(entity, value, '/query/filter');
  if (problems.length) throw bad(problems.map((p) => ({ pointer: p.pointer, detail: p.message })), 'invalid filter');
  return filter;
}

/** System columns that are never NULL (the others sort with NULLs). */
const NOT_NULL_SYSTEM: ReadonlySet<string> = new Set(['id', 'version', 'created_at', 'updated_at']);

export function parseSort(entity: EntityModel, raw: string | undefined): SortKey[] {
  const keys: SortKey[] = [];
  const problems: Problem[] = [];
  const spec = raw?.trim() ? raw.split(',').map((s) => s.trim()) : entity.defaultSort.map((s) => `${s.direction === 'desc' ? '-' : ''}${s.field}`);
  spec.forEach((part, i) => {
    const direction = part.startsWith('-') ? 'desc' : 'asc';
    const name = part.replace(/^[-+]/, '');
    const resolved = queryField(entity, name);
    const { field, type } = resolved ?? {};
    if (!resolved || !type || type === 'json') {
      problems.push({ pointer: `/query/sort/${i}`, detail: `"${name}" is not a sortable field of ${entity.name}` });
      return;
    }
    const nullable = field ? !(field.required === true || field.type === 'state') || entity.kindFields !== undefined : !NOT_NULL_SYSTEM.has(name);
    keys.push({ field: name, direction, nullable, type, timestamp: type === 'datetime' });
  });
  if (problems.length) throw bad(problems, 'invalid sort');
  if (keys.length > 4) throw bad([{ pointer: '/query/sort', detail: 'at most 4 sort keys' }], 'invalid sort');
  if (!keys.some((k) => k.field === 'id')) keys.push({ field: 'id', direction: keys[keys.length - 1]?.direction ?? 'asc', nullable: false, type: 'uuid', timestamp: false });
  return keys;
}

/** `include`: relations (reference and many-to-many fields) of the entity type. */
export function checkIncludes(entity: EntityModel, include: readonly string[]): void {
  const problems: Problem[] = [];
  include.forEach((name, i) => {
    const field = entity.fieldsByName.get(name);
    if (!field || (field.type !== 'reference' && field.type !== 'manyToMany')) problems.push({ pointer: `/query/include/${i}`, detail: `"${name}" is not a relation of ${entity.name}` });
  });
  if (problems.length) throw new TesseraError('BAD_QUERY', `invalid include: ${problems.map((p) => p.detail).join('; ')}`, { problems });
}

const SYSTEM_OUTPUT_NAMES: ReadonlySet<string> = new Set(SYSTEM_OUTPUT);

/** `fields`: the fields (and system fields) to return, always with the id; undefined: all. */
export function checkFields(entity: EntityModel, fields: readonly string[] | undefined): Set<string> | undefined {
  if (!fields || fields.length === 0) return undefined;
  const problems: Problem[] = [];
  fields.forEach((name, i) => {
    if (!entity.fieldsByName.has(name) && !SYSTEM_OUTPUT_NAMES.has(name)) problems.push({ pointer: `/query/fields/${i}`, detail: `unknown field "${name}"` });
  });
  if (problems.length) throw new TesseraError('BAD_QUERY', `invalid fields: ${problems.map((p) => p.detail).join('; ')}`, { problems });
  return new Set(['id', ...fields]);
}

export function encodeCursor(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, keys: readonly SortKey[]): unknown[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // not a cursor at all
  }
  // Each value must fit its key's column: a made-up cursor must not reach SQL as a type error.
  if (Array.isArray(values) && values.length === keys.length && values.every((v, i) => cursorValueFits(v, keys[i]!))) return values;
  throw bad([{ pointer: '/query/after', detail: 'is not a cursor of this list (sort changed?)' }], 'invalid cursor');
}

/** A timestamp as selectCursorColumns/sortValues write it: PostgreSQL's text, in UTC. */
const CURSOR_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

function cursorValueFits(value: unknown, key: SortKey): boolean {
  if (value === null) return key.nullable;
  const fits = (type: FilterableType) => coerceScalar(value, type, undefined, '', []) !== undefined;
  switch (key.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'text':
      // Any length (filter text is capped, stored text is not).
      return typeof value === 'string' && textProblem(value) === null;
    case 'datetime':
      // Kept as sent, to the microsecond (coercion would round it to milliseconds).
      return typeof value === 'string' && CURSOR_TIMESTAMP.test(value) && fits('datetime');
    default:
      return typeof value === 'string' && fits(key.type);
  }
}

/** Column holding a sort/filter field's comparable value (money compares its amount). */
const columnOf = (table: string, field: string) => `${table}.${field}`;

export function applyFilter(qb: Knex.QueryBuilder, entity: EntityModel, expr: BoundFilterExpr): void {
  const t = entity.table;
  switch (expr.kind) {
    // An empty group must still say something: knex drops an empty where(), so "or of nothing" would
    // match every row (and "not" of it none) instead of the other way round.
    case 'and':
      if (expr.items.length === 0) qb.whereRaw('true');
      for (const item of expr.items) qb.where((b) => applyFilter(b, entity, item));
      return;
    case 'or':
      if (expr.items.length === 0) qb.whereRaw('false');
      else
        qb.where((outer) => {
          for (const item of expr.items) outer.orWhere((b) => applyFilter(b, entity, item));
        });
      return;
    case 'not':
      qb.whereNot((b) => applyFilter(b, entity, expr.item));
      return;
    case 'linked': {
      const field = entity.fieldsByName.get(expr.field)!;
      const join = joinTableName(t, field.name);
      const exists = (b: Knex.QueryBuilder) => {
        b.select(1).from(join).whereRaw('??.source = ??.id', [join, t]);
        if (expr.op === 'eq') b.where(`${join}.target`, expr.value as string);
        if (expr.op === 'in') b.whereIn(`${join}.target`, expr.value as string[]);
      };
      if (expr.op === 'isNull' && expr.value === true) qb.whereNotExists(exists);
      else qb.whereExists(exists);
      return;
    }
    case 'compare': {
      const col = columnOf(t, expr.field);
      const v = expr.value;
      switch (expr.op) {
        case 'eq':
          qb.where(col, v as Knex.Value);
          return;
        case 'ne':
          qb.where((b) => b.whereNot(col, v as Knex.Value).orWhereNull(col));
          return;
        case 'lt':
          qb.where(col, '<', v as Knex.Value);
          return;
        case 'lte':
          qb.where(col, '<=', v as Knex.Value);
          return;
        case 'gt':
          qb.where(col, '>', v as Knex.Value);
          return;
        case 'gte':
          qb.where(col, '>=', v as Knex.Value);
          return;
        case 'in':
          qb.whereIn(col, v as Knex.Value[]);
          return;
        case 'nin':
          qb.where((b) => b.whereNotIn(col, v as Knex.Value[]).orWhereNull(col));
          return;
        case 'between': {
          const [from, to] = v as [Knex.Value, Knex.Value];
          qb.whereBetween(col, [from, to]);
          return;
        }
        case 'isNull':
          if (v === true) qb.whereNull(col);
          else qb.whereNotNull(col);
          return;
        case 'contains':
          qb.whereRaw('tessera.fold(??::text) LIKE ?', [col, `%${escapeLike(fold(String(v)))}%`]);
          return;
        case 'startsWith':
          qb.whereRaw('tessera.fold(??::text) LIKE ?', [col, `${escapeLike(fold(String(v)))}%`]);
          return;
      }
    }
  }
}

const FOLD_FROM = 'ĄĆĘŁŃÓŚŹŻąćęłńóśźżĂÂÎȘŞȚŢăâîșşțţÄÖÜäöüÉÈÊéèêÁÀáàÍíÚúČčŠšŽžŘřŇňĎďŤťŮů';
const FOLD_TO = 'ACELNOSZZacelnoszzAAISSTTaaisstAOUaouEEEeeeAAaaIiUuCcSsZzRrNnDdTtUu';
const FOLD_MAP = new Map([...FOLD_FROM].map((c, i) => [c, FOLD_TO[i]!]));

/** The same folding as the SQL function tessera.fold, so bound search terms match the index. */
export function fold(text: string): string {
  return [...text].map((c) => FOLD_MAP.get(c) ?? c).join('').toLowerCase();
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function applySearch(qb: Knex.QueryBuilder, entity: EntityModel, search: string): void {
  const term = search.trim();
  if (!term) return;
  if (term.length > 200) throw bad([{ pointer: '/query/search', detail: 'is longer than 200 characters' }]);
  if (entity.searchFields.length === 0) throw bad([{ pointer: '/query/search', detail: `${entity.name} has no searchable fields` }]);
  // Same expression as the trigram index (metadata/physical.ts), so the index serves the LIKE.
  qb.whereRaw(`${searchExpression(entity.searchFields)} LIKE ?`, [`%${escapeLike(fold(term))}%`]);
}

/**
 * Keyset predicate "after the row with these sort values". PostgreSQL's default null ordering
 * (NULLS LAST ascending, NULLS FIRST descending) treats NULL as the largest value either way; the
 * predicate follows it, so ORDER BY and index scans agree.
 */
export function applyKeyset(qb: Knex.QueryBuilder, table: string, keys: readonly SortKey[], values: readonly unknown[]): void {
  const simple = keys.every((k) => !k.nullable && k.direction === keys[0]!.direction);
  if (simple) {
    const cols = keys.map((k) => keyColumn(table, k));
    const op = keys[0]!.direction === 'asc' ? '>' : '<';
    qb.whereRaw(`(${cols.map(([sql]) => sql).join(', ')}) ${op} (${values.map(() => '?').join(', ')})`, [...cols.flatMap(([, b]) => b), ...(values as Knex.Value[])]);
    return;
  }
  qb.where((outer) => {
    keys.forEach((key, i) => {
      outer.orWhere((b) => {
        for (let j = 0; j < i; j++) equalTo(b, table, keys[j]!, values[j]);
        after(b, table, key, values[i]);
      });
    });
  });
}

function equalTo(b: Knex.QueryBuilder, table: string, key: SortKey, value: unknown): void {
  const [sql, bindings] = keyColumn(table, key);
  if (value === null) b.whereNull(`${table}.${key.field}`);
  else b.whereRaw(`${sql} = ?`, [...bindings, value as Knex.Value]);
}

function after(b: Knex.QueryBuilder, table: string, key: SortKey, value: unknown): void {
  const col = `${table}.${key.field}`;
  const [sql, bindings] = keyColumn(table, key);
  if (key.direction === 'asc') {
    if (value === null) b.whereRaw('false');
    else b.where((x) => x.whereRaw(`${sql} > ?`, [...bindings, value as Knex.Value]).orWhereNull(col));
  } else if (value === null) b.whereNotNull(col);
  else b.whereRaw(`${sql} < ?`, [...bindings, value as Knex.Value]);
}

export function applyOrder(qb: Knex.QueryBuilder, table: string, keys: readonly SortKey[]): void {
  for (const key of keys) {
    if (!key.collation) qb.orderBy(`${table}.${key.field}`, key.direction);
    else {
      const [sql, bindings] = keyColumn(table, key);
      qb.orderByRaw(`${sql} ${key.direction === 'desc' ? 'DESC' : 'ASC'}`, bindings);
    }
  }
}

const cursorColumn = (i: number) => `__cursor_${i}`;

/**
 * Selects the exact text of timestamp sort keys next to the row: a JS Date keeps milliseconds only,
 * and a cursor rounded to them would skip or repeat rows that differ in microseconds (records
 * created in one transaction share their created_at).
 */
export function selectCursorColumns(qb: Knex.QueryBuilder, table: string, keys: readonly SortKey[]): void {
  keys.forEach((k, i) => {
    // A plain cast is cheaper than to_char; sortValues turns '2026-01-02 03:04:05.123456' into ISO.
    if (k.timestamp) qb.select(qb.client.raw(`(?? AT TIME ZONE 'UTC')::text AS ??`, [`${table}.${k.field}`, cursorColumn(i)]));
  });
}

/** Sort values of a row, for the next cursor (money sorts by amount; dates as stored). */
export function sortValues(row: Record<string, unknown>, keys: readonly SortKey[]): unknown[] {
  return keys.map((k, i) => {
    if (k.timestamp) {
      const text = row[cursorColumn(i)];
      return typeof text === 'string' ? `${text.replace(' ', 'T')}Z` : null;
    }
    const v = row[k.field];
    return v instanceof Date ? v.toISOString() : (v ?? null);
  });
}

