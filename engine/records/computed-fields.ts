// Computed fields in the write path (metadata/computed.ts): the record as it will be stored gets its
// computed fields (and its lines' computed fields) from FEEL in the write transaction, so the stored
// columns never disagree with the values they are computed from. A computed field with `lookups`
// reads other records here too, with the same lookups and reading code as guards
// (engine/rules/lookups.ts): on create, and on an update changing a field it reads; otherwise it
// keeps its stored value (a commission stays what it was when its invoice was paid).
import type { Knex } from 'knex';
import { computedOrder, computedReads, computeRecord, defaultValues, hasComputed, isComputed, lookupPathReads, readsLookups, type DefaultContext, type EntityModel, type LookupValues, type Model } from '../../metadata/index.ts';
import { TesseraError } from '../errors.ts';
import { NO_RECORD, readLookupValues, same } from '../rules/lookups.ts';
import type { ApiRecord } from './values.ts';

/**
 * The record with its computed fields filled (a value that does not fit gives null: the checks that
 * follow refuse the write). With `defaults`, a new line (one without an id) first gets its type's
 * declared defaults for the fields it leaves out, as a new record does.
 */
export function withComputed(model: Model, entity: EntityModel, values: ApiRecord, defaults?: DefaultContext): ApiRecord {
  const filled = defaults ? withLineDefaults(model, entity, values, defaults) : values;
  return hasComputed(model, entity) ? computeRecord(model, entity, filled) : filled;
}

/**
 * `next` (already through withComputed) with its computed fields that read lookups computed, in the
 * write transaction: all of them for a new record (`previous` null), else those whose expression or
 * lookups read a field the change moves. Each reads its lookups over the record as computed so far,
 * so one may compare with a computed field before it (a month derived from the payment date).
 */
export async function withLookupComputed(trx: Knex.Transaction, model: Model, entity: EntityModel, id: string | null, previous: Readonly<ApiRecord> | null, next: ApiRecord): Promise<ApiRecord> {
  const withLines = await withLineLookups(trx, model, entity, previous, next);
  const fields = computedOrder(entity.fields).order.filter(readsLookups);
  const read: Record<string, LookupValues[string]> = {};
  let record = withLines;
  for (const field of fields) {
    const reads = [...computedReads(field)].filter((n) => entity.fieldsByName.has(n));
    if (previous !== null && reads.every((name) => same(previous[name], record[name]))) continue;
    read[field.name] = await readLookupValues(trx, model, new Map(Object.entries(field.lookups!)), id ?? NO_RECORD, record, { entity });
    record = computeRecord(model, entity, withLines, read) as ApiRecord;
  }
  return record;
}

/**
 * The record with its lines' computed fields that read lookups computed (a commission rate per
 * line by its product's group), then its own computed fields again over them (the invoice's sum).
 * A line's field is read for a new line, and for a stored one when a field it reads changes — of
 * the line, or of the record behind a `match` path through the reference back (`invoice.paid_date`,
 * read from the record as it is being written); otherwise the line keeps its stored value.
 */
async function withLineLookups(trx: Knex.Transaction, model: Model, entity: EntityModel, previous: Readonly<ApiRecord> | null, next: ApiRecord): Promise<ApiRecord> {
  let record = next;
  let changed = false;
  for (const linesField of entity.fields) {
    if (linesField.type !== 'lines' || !Array.isArray(next[linesField.name])) continue;
    const lineType = model.entities.get(linesField.target);
    const fields = lineType ? computedOrder(lineType.fields).order.filter(readsLookups) : [];
    if (!lineType || fields.length === 0) continue;
    const parent = { field: linesField.parentField, values: next };
    const stored = new Map(((previous?.[linesField.name] as ApiRecord[] | undefined) ?? []).map((line) => [String(line.id), line]));
    const lines: ApiRecord[] = [];
    for (const line of next[linesField.name] as ApiRecord[]) {
      const before = typeof line.id === 'string' ? stored.get(line.id) : undefined;
      let values: ApiRecord = line;
      for (const field of fields) {
        const reads = [...computedReads(field)].filter((n) => lineType.fieldsByName.has(n) && n !== linesField.parentField);
        const parentReads = [...lookupPathReads(field.lookups, linesField.parentField)];
        const unchanged = before && previous && reads.every((n) => same(before[n], values[n])) && parentReads.every((n) => same(previous[n], next[n]));
        if (unchanged) {
          values = { ...values, [field.name]: before[field.name] ?? null };
          continue;
        }
        const read = await readLookupValues(trx, model, new Map(Object.entries(field.lookups!)), typeof line.id === 'string' ? line.id : NO_RECORD, values, { entity: lineType, parent });
        values = computeRecord(model, lineType, values, { [field.name]: read }) as ApiRecord;
      }
      lines.push(values);
    }
    record = { ...record, [linesField.name]: lines };
    changed = true;
  }
  return changed ? (computeRecord(model, entity, record) as ApiRecord) : record;
}

function withLineDefaults(model: Model, entity: EntityModel, values: ApiRecord, ctx: DefaultContext): ApiRecord {
  let result = values;
  for (const field of entity.fields) {
    if (field.type !== 'lines' || !Array.isArray(values[field.name])) continue;
    const target = model.entities.get(field.target);
    if (!target) continue;
    const lines = (values[field.name] as ApiRecord[]).map((line) => (typeof line.id === 'string' ? line : { ...defaultValues(target, undefined, ctx), ...line }));
    result = { ...result, [field.name]: lines };
  }
  return result;
}

/** The computed fields of a record, to be written with the change. */
export function computedFieldValues(entity: EntityModel, record: Readonly<ApiRecord>): ApiRecord {
  return Object.fromEntries(entity.fields.filter(isComputed).map((f) => [f.name, record[f.name] ?? null]));
}

/** Lines are written with their record (its totals and version move with them), never on their own. */
export function refuseLineWrite(entity: EntityModel): void {
  if (!entity.lineOf) return;
  const { parent, field } = entity.lineOf;
  throw new TesseraError('LINE_WRITE', `${entity.name} records are the lines of a ${parent}: change them through its "${field}" field`, {
    problems: [{ pointer: '', detail: `write the ${parent} with its ${field}`, code: 'LINE_WRITE', params: { parent, field} }],
  });
}

/**
 * The fields an update writes to its lines' tables: those written, and a lines field whose lines'
 * lookup fields the update recomputed (paying an invoice moves its lines' commissions).
 */
export function linesWritten(model: Model, entity: EntityModel, written: Readonly<ApiRecord>, previous: Readonly<ApiRecord>, next: Readonly<ApiRecord>): ApiRecord {
  const values: ApiRecord = Object.fromEntries(Object.keys(written).map((k) => [k, next[k]]));
  for (const field of entity.fields) {
    if (field.type !== 'lines' || Object.hasOwn(values, field.name)) continue;
    const readsOthers = model.entities.get(field.target)?.fields.some(readsLookups) ?? false;
    if (readsOthers && !same(previous[field.name], next[field.name])) values[field.name] = next[field.name];
  }
  return values;
}
