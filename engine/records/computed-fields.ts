// Computed fields in the write path (metadata/computed.ts): the record as it will be stored gets its
// computed fields (and its lines' computed fields) from FEEL in the write transaction, so the stored
// columns never disagree with the values they are computed from.
import { computeRecord, defaultValues, hasComputed, isComputed, type DefaultContext, type EntityModel, type Model } from '../../metadata/index.ts';
import { TesseraError } from '../errors.ts';
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
