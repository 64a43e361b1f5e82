// The filter language of lists, views and permissions, validated against an entity type. Pure.
//   { "and": [ … ] } | { "or": [ … ] } | { "not": … } | { "<field>": { "<op>": value, … }, … }
// A bare value means eq. Several fields in one object are combined with and. Values coming from
// query strings arrive as text and are coerced to the field's type here, so the SQL layer only
// ever binds typed parameters.
//
// Two operands stand for the acting user rather than a value (so a saved view can say "mine"):
// `"$me"`, the user's id, and `"$myTeams"`, the ids of the user's teams. They parse to `subject`
// nodes; `bindFilter` turns those into plain comparisons when a list runs for a user.
import { TEAM_TARGET, USER_TARGET, type EntityModel } from './model.ts';
import type { Field } from './schema/types.generated.ts';
import { fieldTypeOf } from './field-types/index.ts';
import { textProblem } from './text.ts';

export const FILTER_OPERATORS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'contains', 'startsWith', 'isNull', 'between'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export type FilterValue = string | number | boolean | null;

/** Operands standing for the acting user: their id, and the ids of their teams. */
export const FILTER_TOKENS = ['$me', '$myTeams'] as const;
export type FilterToken = (typeof FILTER_TOKENS)[number];

type FilterNode<Leaf> =
  | { readonly kind: 'and'; readonly items: readonly FilterNode<Leaf>[] }
  | { readonly kind: 'or'; readonly items: readonly FilterNode<Leaf>[] }
  | { readonly kind: 'not'; readonly item: FilterNode<Leaf> }
  | Leaf;

type CompareNode = { readonly kind: 'compare'; readonly field: string; readonly valueType: FilterableType; readonly op: FilterOperator; readonly value: FilterValue | readonly FilterValue[] };
type LinkedNode = { readonly kind: 'linked'; readonly field: string; readonly op: 'eq' | 'in' | 'isNull'; readonly value: FilterValue | readonly FilterValue[] };
type SubjectNode = { readonly kind: 'subject'; readonly field: string; readonly op: 'eq' | 'ne' | 'in' | 'nin'; readonly token: FilterToken };

/** A comparison of a parsed filter. */
export type FilterTerm = CompareNode | LinkedNode | SubjectNode;
/** A parsed filter; it may name the acting user (`subject` nodes). */
export type FilterExpr = FilterNode<FilterTerm>;
/** A filter with the acting user's values bound in: what the SQL layer runs. */
export type BoundFilterExpr = FilterNode<CompareNode | LinkedNode>;

/** Who a filter's tokens stand for: no user (the platform itself) matches no `$me`. */
export interface FilterSubject {
  readonly userId: string | null;
  readonly teamIds: readonly string[];
}

export interface FilterProblem {
  readonly pointer: string;
  readonly message: string;
}

export type FilterableType = 'text' | 'number' | 'boolean' | 'date' | 'datetime' | 'uuid' | 'json';

/**
 * System columns every record has, with their filter types. A Map, like `fieldsByName`: a name from
 * a request looked up in a plain object would find `constructor`, `toString`, `__proto__`…
 */
export const SYSTEM_FIELD_TYPES: ReadonlyMap<string, FilterableType> = new Map([
  ['id', 'uuid'],
  ['version', 'number'],
  ['created_at', 'datetime'],
  ['created_by', 'uuid'],
  ['updated_at', 'datetime'],
  ['updated_by', 'uuid'],
  ['deleted_at', 'datetime'],
  ['deleted_by', 'uuid'],
  ['owner', 'uuid'],
]);

/** How deep and/or/not may nest in a filter. */
export const MAX_FILTER_DEPTH = 16;

/** System columns naming a user (`$me` applies to them). */
const USER_COLUMNS: ReadonlySet<string> = new Set(['created_by', 'updated_by', 'deleted_by', 'owner']);

/** How a field compares in filters and sorts (its type's operand); null for many-to-many. */
export function filterableType(field: Field): FilterableType | null {
  return fieldTypeOf(field).filter.operand;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A record id (UUID, any version). */
export const isUuid = (value: unknown): boolean => typeof value === 'string' && UUID.test(value);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The leading YYYY-MM-DD is a real day: Date.parse rolls 2024-02-30 over to March 1st. */
const isCalendarDate = (text: string): boolean => {
  const day = text.slice(0, 10);
  const time = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === day;
};

const ORDERED: ReadonlySet<FilterableType> = new Set(['text', 'number', 'date', 'datetime']);

/** Parses and validates a filter against an entity type. Problems carry pointers relative to `base`. */
export function parseFilter(entity: EntityModel, input: unknown, base = ''): { filter: FilterExpr | null; problems: FilterProblem[] } {
  const problems: FilterProblem[] = [];
  const filter = parseNode(entity, input, base, problems, 0);
  return { filter: problems.length ? null : filter, problems };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

function parseNode(entity: EntityModel, input: unknown, at: string, problems: FilterProblem[], depth: number): FilterExpr {
  const empty: FilterExpr = { kind: 'and', items: [] };
  if (depth > MAX_FILTER_DEPTH) {
    problems.push({ pointer: at, message: `filter is nested too deeply (${MAX_FILTER_DEPTH} levels at most)` });
    return empty;
  }
  if (!isPlainObject(input)) {
    problems.push({ pointer: at, message: 'a filter must be an object' });
    return empty;
  }
  const items: FilterExpr[] = [];
  for (const [key, value] of Object.entries(input)) {
    const here = `${at}/${esc(key)}`;
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value)) {
        problems.push({ pointer: here, message: `"${key}" takes an array of filters` });
        continue;
      }
      items.push({ kind: key, items: value.map((v, i) => parseNode(entity, v, `${here}/${i}`, problems, depth + 1)) });
    } else if (key === 'not') {
      items.push({ kind: 'not', item: parseNode(entity, value, here, problems, depth + 1) });
    } else {
      items.push(...parseField(entity, key, value, here, problems));
    }
  }
  return items.length === 1 ? items[0]! : { kind: 'and', items };
}

/** A field of an entity type or a system column, by name: how filters and sorts resolve names. */
export interface QueryField {
  /** The entity type's field; undefined for a system column. */
  readonly field?: Field;
  /** How it compares; null for a many-to-many field (no column of its own). */
  readonly type: FilterableType | null;
}

/** The field or system column `name` of an entity type; undefined for any other name. */
export function queryField(entity: EntityModel, name: string): QueryField | undefined {
  const field = entity.fieldsByName.get(name);
  if (field) return { field, type: filterableType(field) };
  const system = SYSTEM_FIELD_TYPES.get(name);
  return system ? { type: system } : undefined;
}

function parseField(entity: EntityModel, name: string, spec: unknown, at: string, problems: FilterProblem[]): FilterExpr[] {
  const resolved = queryField(entity, name);
  if (!resolved) {
    problems.push({ pointer: at, message: `unknown field "${name}" of ${entity.name}` });
    return [];
  }
  const { field } = resolved;
  if (field?.type === 'lines') {
    // Lines live in the line type's table: filter that type (by its reference back) instead.
    problems.push({ pointer: at, message: `lines field "${name}" cannot be filtered; filter ${field.target} by ${field.parentField}` });
    return [];
  }
  const ops: Record<string, unknown> = isPlainObject(spec) ? spec : { eq: spec };
  const result: FilterExpr[] = [];
  if (Object.keys(ops).length === 0) {
    // {"name": {}} would otherwise match every row: a term asked for must not vanish.
    problems.push({ pointer: at, message: `give an operator for "${name}" (one of ${FILTER_OPERATORS.join(', ')})` });
    return result;
  }
  for (const [op, raw] of Object.entries(ops)) {
    const here = `${at}/${esc(op)}`;
    if (!(FILTER_OPERATORS as readonly string[]).includes(op)) {
      problems.push({ pointer: here, message: `unknown operator "${op}" (use one of ${FILTER_OPERATORS.join(', ')})` });
      continue;
    }
    if (field?.type === 'manyToMany') {
      if (op !== 'eq' && op !== 'in' && op !== 'isNull') {
        problems.push({ pointer: here, message: `many-to-many field "${name}" supports eq, in and isNull` });
        continue;
      }
      const value = op === 'isNull' ? coerceBoolean(raw, here, problems) : op === 'in' ? coerceList(op, raw, 'uuid', field, here, problems) : coerceScalar(raw, 'uuid', field, here, problems);
      if (value === undefined) continue;
      result.push({ kind: 'linked', field: name, op, value });
      continue;
    }
    const type = resolved.type!;
    if (type === 'uuid' && isToken(raw)) {
      const node = parseToken(name, field, op as FilterOperator, raw, here, problems);
      if (node) result.push(node);
      continue;
    }
    const value = coerceOperand(op as FilterOperator, raw, type, field, here, problems);
    if (value === undefined) continue;
    if (field?.type === 'state' && op !== 'contains' && op !== 'startsWith') {
      // The states live on the machine bound to the field, not on the field itself.
      const states = entity.machines.get(name)?.states.map((s) => s.name) ?? [];
      const list = Array.isArray(value) ? value : [value];
      const i = list.findIndex((v) => typeof v === 'string' && !states.includes(v));
      if (i >= 0) {
        problems.push({ pointer: Array.isArray(value) ? `${here}/${i}` : here, message: `"${String(list[i])}" is not a state of ${name} (${states.join(', ')})` });
        continue;
      }
    }
    result.push({ kind: 'compare', field: name, valueType: type, op: op as FilterOperator, value });
  }
  return result;
}

const isToken = (raw: unknown): raw is FilterToken => (FILTER_TOKENS as readonly unknown[]).includes(raw);

/** What each token compares with, and how: `$me` a user reference, `$myTeams` a team reference. */
const TOKEN_RULES: Readonly<Record<FilterToken, { readonly target: string; readonly ops: readonly SubjectNode['op'][] }>> = {
  $me: { target: USER_TARGET, ops: ['eq', 'ne', 'in', 'nin'] },
  $myTeams: { target: TEAM_TARGET, ops: ['in', 'nin'] },
};

function parseToken(name: string, field: Field | undefined, op: FilterOperator, token: FilterToken, at: string, problems: FilterProblem[]): SubjectNode | undefined {
  const rule = TOKEN_RULES[token];
  const target = field ? (field.type === 'reference' ? field.target : null) : USER_COLUMNS.has(name) ? USER_TARGET : null;
  if (target !== rule.target) {
    problems.push({ pointer: at, message: `${token} compares with a reference to ${rule.target === USER_TARGET ? 'users' : 'teams'}; "${name}" is not one` });
    return undefined;
  }
  if (!(rule.ops as readonly string[]).includes(op)) {
    problems.push({ pointer: at, message: `${token} takes the operators ${rule.ops.join(', ')}` });
    return undefined;
  }
  return { kind: 'subject', field: name, op: op as SubjectNode['op'], token };
}

/** Binds the tokens of a filter to the acting user's id and team ids. Pure. */
export function bindFilter(expr: FilterExpr, subject: FilterSubject): BoundFilterExpr {
  switch (expr.kind) {
    case 'and':
    case 'or':
      return { kind: expr.kind, items: expr.items.map((item) => bindFilter(item, subject)) };
    case 'not':
      return { kind: 'not', item: bindFilter(expr.item, subject) };
    case 'subject': {
      // No user or no teams: an empty list, which `in` matches nothing with and `nin` everything.
      const ids = expr.token === '$me' ? (subject.userId ? [subject.userId] : []) : [...subject.teamIds];
      return { kind: 'compare', field: expr.field, valueType: 'uuid', op: expr.op === 'eq' || expr.op === 'in' ? 'in' : 'nin', value: ids };
    }
    default:
      return expr;
  }
}

function coerceOperand(op: FilterOperator, raw: unknown, type: FilterableType, field: Field | undefined, at: string, problems: FilterProblem[]): FilterValue | FilterValue[] | undefined {
  switch (op) {
    case 'isNull':
      return coerceBoolean(raw, at, problems);
    case 'in':
    case 'nin':
      return coerceList(op, raw, type, field, at, problems);
    case 'between': {
      const list = coerceList(op, raw, type, field, at, problems);
      if (list && list.length !== 2) {
        problems.push({ pointer: at, message: 'between takes two values [from, to]' });
        return undefined;
      }
      if (list && !ORDERED.has(type)) {
        problems.push({ pointer: at, message: `between does not apply to ${type} values` });
        return undefined;
      }
      return list;
    }
    case 'contains':
    case 'startsWith':
      if (type !== 'text') {
        problems.push({ pointer: at, message: `${op} applies to text fields only` });
        return undefined;
      }
      return coerceScalar(raw, 'text', undefined, at, problems);
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      if (!ORDERED.has(type)) {
        problems.push({ pointer: at, message: `${op} does not apply to ${type} values` });
        return undefined;
      }
      return coerceScalar(raw, type, field, at, problems);
    default:
      return coerceScalar(raw, type, field, at, problems);
  }
}

function coerceBoolean(raw: unknown, at: string, problems: FilterProblem[]): boolean | undefined {
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  problems.push({ pointer: at, message: 'expected true or false' });
  return undefined;
}

function coerceList(op: string, raw: unknown, type: FilterableType, field: Field | undefined, at: string, problems: FilterProblem[]): FilterValue[] | undefined {
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
  if (!list || list.length === 0 || list.length > 1000) {
    problems.push({ pointer: at, message: `${op} takes a list of 1 to 1000 values` });
    return undefined;
  }
  const values: FilterValue[] = [];
  list.forEach((item, i) => {
    const v = coerceScalar(item, type, field, `${at}/${i}`, problems);
    if (v !== undefined) values.push(v);
  });
  return values.length === list.length ? values : undefined;
}

/** Coerces one operand to the field's type (text from query strings included). */
export function coerceScalar(raw: unknown, type: FilterableType, field: Field | undefined, at: string, problems: FilterProblem[]): FilterValue | undefined {
  const fail = (message: string) => {
    problems.push({ pointer: at, message });
    return undefined;
  };
  if (raw === null) return fail('null is not a value here; use isNull');
  switch (type) {
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      return Number.isFinite(n) ? n : fail(`expected a number, got ${JSON.stringify(raw)}`);
    }
    case 'boolean':
      return coerceBoolean(raw, at, problems);
    case 'uuid':
      return typeof raw === 'string' && UUID.test(raw) ? raw.toLowerCase() : fail(`expected a record id (UUID), got ${JSON.stringify(raw)}`);
    case 'date':
      return typeof raw === 'string' && DATE.test(raw) && isCalendarDate(raw) ? raw : fail(`expected a date YYYY-MM-DD, got ${JSON.stringify(raw)}`);
    case 'datetime':
      return typeof raw === 'string' && !Number.isNaN(Date.parse(raw)) && /^\d{4}-\d{2}-\d{2}/.test(raw) && isCalendarDate(raw) ? new Date(raw).toISOString() : fail(`expected an ISO 8601 date-time, got ${JSON.stringify(raw)}`);
    case 'json':
      return fail(`${field?.type ?? 'json'} fields can only be filtered with isNull`);
    case 'text': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return fail(`expected text, got ${JSON.stringify(raw)}`);
      const text = String(raw);
      if (text.length > 1000) return fail('filter text is longer than 1000 characters');
      const unstorable = textProblem(text);
      if (unstorable) return fail(unstorable);
      if (!field) return text;
      // The field's type checks and normalises it (enum values, compacted tax ids).
      const operand = fieldTypeOf(field).filter.text(field, text);
      return 'problem' in operand ? fail(operand.problem) : operand.value;
    }
  }
}

/** The comparisons of a filter (its leaves), in order. */
export function filterTerms(filter: FilterExpr | null): FilterTerm[] {
  if (!filter) return [];
  switch (filter.kind) {
    case 'and':
    case 'or':
      return filter.items.flatMap(filterTerms);
    case 'not':
      return filterTerms(filter.item);
    default:
      return [filter];
  }
}

/** Field names a filter mentions (for permission checks on field-level read rights). */
export function filterFields(filter: FilterExpr | null): string[] {
  return filterTerms(filter).map((term) => term.field);
}
