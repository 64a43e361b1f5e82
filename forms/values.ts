// Between stored records and form values: what the form starts from, and what a submit sends.
// Create sends the filled writable fields; update sends only what changed (a cleared field as
// null), so a PATCH never rewrites values the user did not touch.
import { resolveDefault, type DefaultContext, type LineColumn } from '../metadata/browser.ts';
import type { RecordForm } from './record-form.ts';

type Values = Record<string, unknown>;

const isEmpty = (value: unknown) => value === undefined || value === null || value === '';

/** A many-to-many link as written: id and role only (reads may carry the linked record). */
function linkOf(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const { id, role } = value as { id?: unknown; role?: unknown };
  return role === undefined || role === null ? { id } : { id, role };
}

/** Lines as written: each line's id and the values of its writable columns (computed ones are the server's). */
function linesOf(value: unknown, columns: readonly LineColumn[] | undefined): unknown {
  if (!Array.isArray(value)) return value;
  const writable = (columns ?? []).filter((c) => !c.computed).map((c) => c.name);
  return value.map((line: Values) => {
    const out: Values = typeof line.id === 'string' ? { id: line.id } : {};
    for (const name of writable) if (!isEmpty(line[name])) out[name] = line[name];
    return out;
  });
}

/** The form's starting values: the schema's fields of the record, empty values left out. */
export function formValues(form: RecordForm, record: Readonly<Values> = {}): Values {
  const values: Values = {};
  for (const [name, ui] of Object.entries(form.fields)) {
    const value = record[name];
    if (isEmpty(value)) continue;
    values[name] = ui['ui:options'].fieldType === 'manyToMany' && Array.isArray(value) ? value.map(linkOf) : value;
  }
  return values;
}

/** The declared defaults of a new record (of its kind, for an activity), resolved. */
function resolvedDefaults(form: RecordForm, kind: unknown, ctx: DefaultContext): Values {
  const declared = (typeof kind === 'string' ? form.kinds?.[kind]?.defaults : undefined) ?? form.defaults;
  const values: Values = {};
  for (const [name, value] of Object.entries(declared)) {
    const resolved = resolveDefault(value, ctx);
    if (resolved !== undefined && form.fields[name] && form.writable.includes(name)) values[name] = resolved;
  }
  return values;
}

/**
 * A new record's starting values: the defaults the server would apply (the same declaration, so a
 * required date shows today's), under the values given (query string, the record a dialog is for).
 */
export function initialValues(form: RecordForm, given: Readonly<Values>, ctx: DefaultContext): Values {
  return { ...resolvedDefaults(form, given.kind, ctx), ...given };
}

/**
 * The kind of an activity changed in the form: the new kind's defaults fill the fields that are
 * empty or still hold the previous kind's default; what the user typed stays.
 */
export function switchKind(form: RecordForm, values: Readonly<Values>, previousKind: unknown, ctx: DefaultContext): Values {
  const before = resolvedDefaults(form, previousKind, ctx);
  const after = resolvedDefaults(form, values.kind, ctx);
  const next: Values = { ...values };
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const untouched = isEmpty(values[name]) || same(values[name], before[name]);
    if (!untouched) continue;
    if (name in after) next[name] = after[name];
    else delete next[name];
  }
  return next;
}

function same(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => same((a as Values)[k], (b as Values)[k]));
  }
  return a === b;
}

/**
 * The body of the create (all filled writable fields) or update (changed writable fields) request.
 * An activity sends only its kind's fields; on update, values of the kind it left are cleared.
 */
export function writeValues(form: RecordForm, values: Readonly<Values>, original: Readonly<Values> = {}): Values {
  const body: Values = {};
  const kind = typeof values.kind === 'string' ? form.kinds?.[values.kind] : undefined;
  const ofKind = kind ? new Set(kind.fields) : null;
  for (const name of form.writable) {
    const ui = form.fields[name];
    if (ofKind && !ofKind.has(name)) {
      if (form.mode === 'update' && original.kind !== values.kind && !isEmpty(original[name]) && !(Array.isArray(original[name]) && (original[name] as unknown[]).length === 0)) body[name] = null;
      continue;
    }
    let value = values[name];
    if (ui?.['ui:options'].fieldType === 'manyToMany' && Array.isArray(value)) value = value.map(linkOf);
    const lines = ui?.['ui:options'].fieldType === 'lines';
    if (lines) value = linesOf(value, ui['ui:options'].lineColumns);
    if (form.mode === 'create') {
      if (!isEmpty(value) && !(Array.isArray(value) && value.length === 0)) body[name] = value;
      continue;
    }
    const before = ui?.['ui:options'].fieldType === 'manyToMany' && Array.isArray(original[name]) ? (original[name] as unknown[]).map(linkOf) : lines ? linesOf(original[name], ui['ui:options'].lineColumns) : original[name];
    if (!same(value, before)) body[name] = isEmpty(value) ? (ui?.['ui:options'].fieldType === 'manyToMany' || lines ? [] : null) : value;
  }
  return body;
}
