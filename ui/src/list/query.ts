// What a list shows, as text for the address bar and as API filters: ad-hoc filter rows, sort keys
// and columns. Pure: the list page keeps them in the URL (they survive a reload and can be shared),
// saved views store the API filter they stand for.
import { filterableType, type EntityModel, type Field } from '../../../metadata/browser.ts';

/** One ad-hoc filter: field, operator, value as the editor holds it (text). */
export interface FilterRow {
  readonly field: string;
  readonly op: string;
  readonly value: string;
}

/** The view choice "all records, no view" in the address (?view=*), distinct from "no choice yet". */
export const ALL_RECORDS = '*';

/** System columns a view may show next to the fields (labelled by the app, not the metadata). */
export const SYSTEM_COLUMNS = ['created_at', 'updated_at', 'created_by', 'updated_by', 'owner', 'deleted_at', 'version', 'id'] as const;

const OPS: Record<string, readonly string[]> = {
  text: ['contains', 'eq', 'ne', 'startsWith', 'isNull', 'notNull'],
  number: ['eq', 'gt', 'gte', 'lt', 'lte', 'isNull', 'notNull'],
  date: ['eq', 'gte', 'lte', 'isNull', 'notNull'],
  datetime: ['gte', 'lte', 'isNull', 'notNull'],
  boolean: ['eq'],
  uuid: ['eq', 'ne', 'isNull', 'notNull'],
  choice: ['eq', 'ne', 'isNull', 'notNull'],
};

export function opsFor(field: Field | undefined): readonly string[] {
  if (!field) return OPS.text!;
  if (field.type === 'enum' || field.type === 'state') return OPS.choice!;
  return OPS[filterableType(field) ?? 'text'] ?? OPS.text!;
}

/** Fields a user can filter on in the editor. */
export function filterableFields(entity: EntityModel): Field[] {
  return entity.fields.filter((f) => filterableType(f) && filterableType(f) !== 'json');
}

/** The API filter conditions of the rows (rows without a value yet are left out). */
export function filterOf(rows: readonly FilterRow[], entity: EntityModel): Record<string, unknown>[] {
  const result: Record<string, unknown>[] = [];
  for (const row of rows) {
    const field = entity.fieldsByName.get(row.field);
    if (!field || !opsFor(field).includes(row.op)) continue;
    if (row.op === 'isNull') result.push({ [row.field]: { isNull: true } });
    else if (row.op === 'notNull') result.push({ [row.field]: { isNull: false } });
    else if (row.value !== '') {
      const type = filterableType(field);
      const value = type === 'number' ? Number(row.value) : type === 'boolean' ? row.value === 'true' : row.value;
      result.push({ [row.field]: { [row.op]: value } });
    }
  }
  return result;
}

/** One API filter of all the rows (undefined: none). */
export function combinedFilter(parts: readonly unknown[]): unknown {
  return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : { and: parts };
}

/**
 * The editable rows of an API filter, when it is a plain conjunction of field conditions the editor
 * can show (what filterOf makes); null for anything else (kept as it is, not editable as rows).
 */
export function rowsOf(filter: unknown, entity: EntityModel): FilterRow[] | null {
  if (filter === undefined || filter === null) return [];
  if (!isObject(filter)) return null;
  const rows: FilterRow[] = [];
  for (const [name, spec] of Object.entries(filter)) {
    if (name === 'and' && Array.isArray(spec)) {
      for (const part of spec) {
        const inner = rowsOf(part, entity);
        if (!inner) return null;
        rows.push(...inner);
      }
      continue;
    }
    const field = entity.fieldsByName.get(name);
    if (!field) return null;
    // A bare value means "is" (metadata views write {"country": "pl"}).
    const ops: Record<string, unknown> = isObject(spec) ? spec : { eq: spec };
    for (const [op, value] of Object.entries(ops)) {
      if (op === 'isNull' && typeof value === 'boolean') rows.push({ field: name, op: value ? 'isNull' : 'notNull', value: '' });
      else if (opsFor(field).includes(op) && ['string', 'number', 'boolean'].includes(typeof value)) rows.push({ field: name, op, value: String(value) });
      else return null;
    }
  }
  return rows;
}

/** A whole API filter in the address (?filter=<JSON>, a report's drill-down); undefined when absent or unreadable. */
export function parseFilterParam(text: string | null): unknown {
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Filter rows in the address: a JSON list of [field, op, value]. Unreadable text gives no rows. */
export function parseRows(text: string | null): FilterRow[] {
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((r): r is [string, string, string] => Array.isArray(r) && r.length === 3 && r.every((x) => typeof x === 'string')).map(([field, op, value]) => ({ field, op, value }));
  } catch {
    return [];
  }
}

export function rowsText(rows: readonly FilterRow[]): string | null {
  return rows.length ? JSON.stringify(rows.map((r) => [r.field, r.op, r.value])) : null;
}

export const sortText = (keys: readonly { field: string; direction?: 'asc' | 'desc' }[]): string => keys.map((k) => `${k.direction === 'desc' ? '-' : ''}${k.field}`).join(',');

/** Sort text as sort keys (for saving a view). */
export function sortKeys(text: string): { field: string; direction: 'asc' | 'desc' }[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => ({ field: s.replace(/^[-+]/, ''), direction: s.startsWith('-') ? 'desc' : 'asc' }));
}

/** Columns in the address: comma-separated names. */
export function parseColumns(text: string | null, entity: EntityModel): string[] | null {
  if (!text) return null;
  const columns = text.split(',').filter((c) => entity.fieldsByName.has(c) || (SYSTEM_COLUMNS as readonly string[]).includes(c));
  return columns.length ? columns : null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
