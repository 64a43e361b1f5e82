// Between stored records and form values: what the form starts from, and what a submit sends.
// Create sends the filled writable fields; update sends only what changed (a cleared field as
// null), so a PATCH never rewrites values the user did not touch.
import type { RecordForm } from './record-form.ts';

type Values = Record<string, unknown>;

const isEmpty = (value: unknown) => value === undefined || value === null || value === '';

/** A many-to-many link as written: id and role only (reads may carry the linked record). */
function linkOf(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const { id, role } = value as { id?: unknown; role?: unknown };
  return role === undefined || role === null ? { id } : { id, role };
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

function same(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => same((a as Values)[k], (b as Values)[k]));
  }
  return a === b;
}

/** The body of the create (all filled writable fields) or update (changed writable fields) request. */
export function writeValues(form: RecordForm, values: Readonly<Values>, original: Readonly<Values> = {}): Values {
  const body: Values = {};
  for (const name of form.writable) {
    const ui = form.fields[name];
    let value = values[name];
    if (ui?.['ui:options'].fieldType === 'manyToMany' && Array.isArray(value)) value = value.map(linkOf);
    if (form.mode === 'create') {
      if (!isEmpty(value) && !(Array.isArray(value) && value.length === 0)) body[name] = value;
      continue;
    }
    const before = ui?.['ui:options'].fieldType === 'manyToMany' && Array.isArray(original[name]) ? (original[name] as unknown[]).map(linkOf) : original[name];
    if (!same(value, before)) body[name] = isEmpty(value) ? (ui?.['ui:options'].fieldType === 'manyToMany' ? [] : null) : value;
  }
  return body;
}
