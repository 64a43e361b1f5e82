// Declared conversions (metadata: an entity type's `conversions`): an offer into a sales order, an
// order into an invoice. In one transaction: the source is read with the user's rights (read right,
// rows and fields), the conversion's condition checked, its field and line mapping evaluated
// (metadata/conversions.ts) and the new record created through the records service with the user's
// rights (create right, validation, numbering, computed totals). The new record references its source
// through the conversion's link field (the source lists it in its related lists), and its audit rows
// name the user and the conversion (tessera.audit_log.origin). Anything refused rolls it all back.
import type { Knex } from 'knex';
import { conversionAllowed, conversionValues, type Conversion, type EntityModel, type Model } from '../../metadata/index.ts';
import { TesseraError, isTesseraError } from '../errors.ts';
import type { ApiRecord, RecordContext, RecordService } from '../records/index.ts';

export interface DeclaredConversionResult {
  readonly conversion: string;
  /** The entity type of the records created. */
  readonly target: string;
  /** The source as it is after the conversion. */
  readonly source: ApiRecord;
  /** The records created (one per conversion today), in order. */
  readonly records: readonly ApiRecord[];
}

/** The declared conversion `name` of an entity type, or NOT_FOUND naming it. */
export function declaredConversion(records: RecordService, entityName: string, name: string): Conversion {
  const entity = records.runtime.entity(entityName).entity;
  const conversion = entity.conversions.find((c) => c.name === name);
  if (!conversion) {
    throw new TesseraError('NOT_FOUND', `${entityName} has no conversion "${name}"`, { problems: [{ pointer: '/conversion', detail: `no conversion "${name}"`, code: 'UNKNOWN_CONVERSION', params: { entity: entityName } }] });
  }
  return conversion;
}

/** CONFLICT unless the conversion's condition holds for the source record now. */
export function requireAllowed(model: Model, entity: EntityModel, conversion: Conversion, source: ApiRecord): void {
  if (conversionAllowed(model, entity, conversion, source)) return;
  const name = conversion.name;
  throw new TesseraError('CONFLICT', `this ${entity.name} cannot be converted by "${name}" now`, { problems: [{ pointer: '', detail: `the condition of conversion "${name}" does not hold`, code: 'CONVERSION_NOT_ALLOWED', params: { entity: entity.name } }] });
}

/** A fan-out's recipient (a conversion with `recipients`): one of the records the source is converted for. */
export interface ConversionRecipient {
  readonly entity: string;
  readonly record: ApiRecord;
}

/**
 * Runs a declared conversion of one record; see the top of the file. A conversion with `recipients`
 * runs once per recipient (engine/record-sets/conversions.ts gives each) and never without one.
 */
export async function runConversion(records: RecordService, knex: Knex, ctx: RecordContext, entityName: string, id: string, name: string, recipient?: ConversionRecipient): Promise<DeclaredConversionResult> {
  const conversion = declaredConversion(records, entityName, name);
  if ((conversion.recipients !== undefined) !== (recipient !== undefined) || (recipient && recipient.entity !== conversion.recipients)) {
    const detail = conversion.recipients === undefined ? `conversion "${name}" has no recipients` : `conversion "${name}" runs for ${conversion.recipients} recipients: start it for a selection of them`;
    throw new TesseraError('CONFLICT', detail, { problems: [{ pointer: '', detail, code: 'CONVERSION_RECIPIENTS', params: { entity: entityName, recipients: conversion.recipients ?? '' } }] });
  }
  const work = async (trx: Knex.Transaction): Promise<DeclaredConversionResult> => {
    const at: RecordContext = { ...ctx, trx };
    const source = await records.get(at, entityName, id);
    const { model } = records.runtime.snapshot;
    const entity = records.runtime.entity(entityName).entity;
    requireAllowed(model, entity, conversion, source);
    let values: Record<string, unknown>;
    try {
      values = conversionValues(model, entity, conversion, source, recipient?.record);
    } catch (error) {
      if (isTesseraError(error)) throw error;
      throw new TesseraError('CONFLICT', `the mapping of conversion "${name}" failed: ${(error as Error).message}`, { problems: [{ pointer: '', detail: 'the mapping failed', code: 'CONVERSION_MAPPING' }] });
    }
    const origin = { conversion: name, source: { entity: entityName, id }, ...(recipient ? { recipient: { entity: recipient.entity, id: String(recipient.record.id) } } : {}) };
    const actor = { ...ctx.actor, origin };
    const created = await records.create({ actor, trx }, conversion.target, values);
    return { conversion: name, target: conversion.target, source, records: [created] };
  };
  return ctx.trx ? work(ctx.trx) : knex.transaction(work);
}
