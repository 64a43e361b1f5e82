// Computed fields: a FEEL expression over the record (and its lines) gives the field's value. The
// server computes them in the write transaction and stores them in real columns (filterable,
// sortable, indexable); the browser runs this very module for live recomputation in the form, so a
// total shown while typing is the total stored. A computed field with `lookups` (values read from
// other records) is computed only by the server, which reads them (engine/records/computed-fields.ts):
// without its lookups' values it keeps the value it has, so the form shows the stored one. Browser-safe.
import { evaluateFeel, feelNameRefs, recordFeelContext } from './feel.ts';
import { lookupReads } from './lookups.ts';
import type { EntityModel, Model } from './model.ts';
import type { Field } from './schema/types.generated.ts';

/** Field types a computed field may have: the FEEL result converts to their column without loss of meaning. */
export const COMPUTED_FIELD_TYPES: ReadonlySet<Field['type']> = new Set(['string', 'enum', 'integer', 'decimal', 'percent', 'money', 'boolean']);

export const isComputed = (field: Field): boolean => typeof field.computed === 'string';

/** Does a computed field read other records (its `lookups`), so only the server computes it? */
export const readsLookups = (field: Field): boolean => isComputed(field) && Object.keys(field.lookups ?? {}).length > 0;

/** The values of the lookups of computed fields, by field name, then by lookup name. */
export type LookupValues = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/**
 * The variable names an expression reads (path roots, function names and loop variables included;
 * not the names inside a filter, which are the items'). Only names of the entity's own fields are
 * taken as dependencies, so function and loop names do no harm.
 */
export function feelNames(expression: string): Set<string> {
  return new Set(feelNameRefs(expression).map((r) => r.name));
}

export interface ComputedOrder {
  /** Computed fields, each after the computed fields it reads. */
  readonly order: readonly Field[];
  /** Field names forming a cycle (each reads the next, the last reads the first); empty when none. */
  readonly cycle: readonly string[];
}

/** The names a computed field reads: its expression's, and the fields its lookups start from or compare with. */
export function computedReads(field: Field): Set<string> {
  return new Set([...feelNames(field.computed ?? ''), ...lookupReads(field.lookups)]);
}

/** Orders an entity's computed fields by their dependencies on one another (their lookups' included). */
export function computedOrder(fields: readonly Field[]): ComputedOrder {
  const computed = new Map(fields.filter(isComputed).map((f) => [f.name, f]));
  const reads = new Map([...computed.values()].map((f) => [f.name, [...computedReads(f)].filter((n) => computed.has(n))]));
  const order: Field[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  let cycle: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const next of reads.get(name) ?? []) {
      const s = state.get(next);
      if (s === 'visiting' && cycle.length === 0) cycle = stack.slice(stack.indexOf(next));
      else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(name, 'done');
    order.push(computed.get(name)!);
  };
  for (const name of computed.keys()) if (!state.has(name)) visit(name);
  return { order, cycle };
}

const orders = new WeakMap<EntityModel, readonly Field[]>();

function orderOf(entity: EntityModel): readonly Field[] {
  let order = orders.get(entity);
  if (!order) {
    order = computedOrder(entity.fields).order;
    orders.set(entity, order);
  }
  return order;
}

/** Rounds half away from zero at `scale` decimals, in decimal notation so 1.005 rounds to 1.01. */
export function roundTo(value: number, scale: number): number {
  const shifted = Number(`${Math.abs(value)}e${scale}`);
  return Math.sign(value) * Number(`${Math.round(shifted)}e-${scale}`);
}

const SCALES: Partial<Record<Field['type'], number>> = { integer: 0, percent: 2, money: 2 };

/** A FEEL result as the field's API value; null when it does not fit the type (so a wrong formula never fails a write). */
export function computedValue(field: Field, result: unknown): unknown {
  if (result === null || result === undefined) return null;
  switch (field.type) {
    case 'string':
      return typeof result === 'string' ? result.slice(0, field.maxLength ?? 255) : typeof result === 'number' || typeof result === 'boolean' ? String(result) : null;
    case 'boolean':
      return typeof result === 'boolean' ? result : null;
    case 'enum':
      // One of the declared values (a state derived from others, e.g. a device's rental state), else empty.
      return typeof result === 'string' && field.values.some((v) => v.value === result) ? result : null;
    case 'integer':
    case 'decimal':
    case 'percent':
    case 'money': {
      if (typeof result !== 'number' || !Number.isFinite(result)) return null;
      const scale = field.type === 'decimal' ? (field.scale ?? 4) : SCALES[field.type]!;
      const amount = roundTo(result, scale);
      return field.type === 'money' ? (field.currency ? { amount, currency: field.currency } : null) : amount;
    }
    default:
      return null;
  }
}

/** The FEEL value of a field: numbers stored as numeric come back from the database as text; money is its amount. */
function feelValue(field: Field | undefined, value: unknown): unknown {
  if (!field || value === null || value === undefined) return value;
  if (field.type === 'money') return typeof value === 'object' ? Number((value as { amount: unknown }).amount) : null;
  if (typeof value !== 'string') return value;
  return field.type === 'integer' || field.type === 'decimal' || field.type === 'percent' ? Number(value) : value;
}

function contextOf(entity: EntityModel, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const converted: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) converted[name] = feelValue(entity.fieldsByName.get(name), value);
  return recordFeelContext(entity.fields.map((f) => f.name), converted);
}

/** Computes the entity's computed fields into a copy of `values` (the record as it will be stored). */
function computeOwn(entity: EntityModel, values: Record<string, unknown>, lineContexts: Record<string, unknown>, lookups: LookupValues = {}): Record<string, unknown> {
  const result = { ...values };
  const order = orderOf(entity);
  if (order.length === 0) return result;
  const context = { ...contextOf(entity, result), ...lineContexts };
  for (const field of order) {
    const read = lookups[field.name];
    if (readsLookups(field) && read === undefined) continue;
    let value: unknown;
    try {
      value = computedValue(field, evaluateFeel(field.computed!, read ? { ...read, ...context } : context));
    } catch {
      value = null;
    }
    result[field.name] = value;
    context[field.name] = field.type === 'money' ? ((value as { amount: number } | null)?.amount ?? null) : value;
  }
  return result;
}

/**
 * The record with every computed field (its lines' first, then its own) recomputed. Lines are the
 * values of its `lines` fields (arrays of line values); in the record's FEEL context a lines field
 * is the list of its lines' contexts, so `sum(lines.net)` adds the lines' computed `net`. In FEEL a
 * money value is its amount. A field with lookups is computed only when `lookups` has its values
 * (by field name); otherwise it keeps the value it has.
 */
export function computeRecord(model: Model, entity: EntityModel, values: Readonly<Record<string, unknown>>, lookups?: LookupValues): Record<string, unknown> {
  const record: Record<string, unknown> = { ...values };
  const lineContexts: Record<string, unknown> = {};
  for (const field of entity.fields) {
    if (field.type !== 'lines') continue;
    const target = model.entities.get(field.target);
    const lines = Array.isArray(values[field.name]) ? (values[field.name] as Record<string, unknown>[]) : [];
    if (!target) continue;
    const computed = lines.map((line) => computeLine(target, line));
    record[field.name] = computed;
    lineContexts[field.name] = computed.map((line) => contextOf(target, line));
  }
  return computeOwn(entity, record, lineContexts, lookups);
}

// FEEL evaluation costs milliseconds (feelin parses on every call), and a form recomputes on every
// keystroke: a line's computed values are remembered by the line's own values, so a change to one
// line of a hundred evaluates that line's expressions and the totals, not every line's again.
const lineResults = new WeakMap<EntityModel, Map<string, Record<string, unknown>>>();
const MAX_REMEMBERED_LINES = 5000;

function computeLine(target: EntityModel, line: Record<string, unknown>): Record<string, unknown> {
  const order = orderOf(target);
  if (order.length === 0) return { ...line };
  // A field reading lookups is an input here (the server computed it, or it keeps its stored value).
  const own = Object.fromEntries(target.fields.filter((f) => (!isComputed(f) || readsLookups(f)) && line[f.name] !== undefined).map((f) => [f.name, line[f.name]]));
  const key = JSON.stringify(own);
  let results = lineResults.get(target);
  if (!results) lineResults.set(target, (results = new Map()));
  let computed = results.get(key);
  if (!computed) {
    const all = computeOwn(target, own, {});
    computed = Object.fromEntries(order.map((f) => [f.name, all[f.name]]));
    if (results.size >= MAX_REMEMBERED_LINES) results.clear();
    results.set(key, computed);
  }
  return { ...line, ...computed };
}

/** Does the entity (or one of its line types) have computed fields? */
export function hasComputed(model: Model, entity: EntityModel): boolean {
  return entity.fields.some((f) => isComputed(f) || (f.type === 'lines' && (model.entities.get(f.target)?.fields.some(isComputed) ?? false)));
}
