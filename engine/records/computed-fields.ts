// Computed fields in the write path (metadata/computed.ts): the record as it will be stored gets its
// computed fields (and its lines' computed fields) from FEEL in the write transaction, so the stored
// columns never disagree with the values they are computed from. A computed field with `lookups`
// reads other records here too, with the same lookups and reading code as guards
// (engine/rules/lookups.ts): on create, and on an update changing a field it reads; otherwise it
// keeps its stored value (a commission stays what it was when its invoice was paid).
import type { Knex } from 'knex';
import { computedOrder, computedReads, computeRecord, defaultValues, hasComputed, isComputed, readsLookups, type DefaultContext, type EntityModel, type LookupValues, type Model } from '../../metadata/index.ts';
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
  const fields = computedOrder(entity.fields).order.filter(readsLookups);
  if (fields.length === 0) return next;
  const read: Record<string, LookupValues[string]> = {};
  let record = next;
  for (const field of fields) {
    const reads = [...computedReads(field)].filter((n) => entity.fieldsByName.has(n));
    if (previous !== null && reads.every((name) => same(previous[name], record[name]))) continue;
    read[field.name] = await readLookupValues(trx, model, new Map(Object.entries(field.lookups!)), id ?? NO_RECORD, record);
    record = computeRecord(model, entity, next, read) as ApiRecord;
  }
  return record;
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
