// Declared conversions (metadata: an entity type's `conversions`): an offer into a sales order, an
// order into an invoice. In one transaction: the source is read with the user's rights (read right,
// rows and fields), the conversion's condition checked, its field and line mapping evaluated
// (metadata/conversions.ts) and the new record created through the records service with the user's
// rights (create right, validation, numbering, computed totals). The new record references its source
// through the conversion's link field (the source lists it in its related lists), and its audit rows
// name the user and the conversion (tessera.audit_log.origin). Anything refused rolls it all back.
import type { Knex } from 'knex';
import { conversionAllowed, conversionValues, type Conversion } from '../../metadata/index.ts';
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

/** Runs a declared conversion of one record; see the top of the file. */
export async function runConversion(records: RecordService, knex: Knex, ctx: RecordContext, entityName: string, id: string, name: string): Promise<DeclaredConversionResult> {
  const conversion = declaredConversion(records, entityName, name);
  const work = async (trx: Knex.Transaction): Promise<DeclaredConversionResult> => {
    const at: RecordContext = { ...ctx, trx };
    const source = await records.get(at, entityName, id);
    const { model } = records.runtime.snapshot;
    const entity = records.runtime.entity(entityName).entity;
    if (!conversionAllowed(model, entity, conversion, source)) {
      throw new TesseraError('CONFLICT', `this ${entityName} cannot be converted by "${name}" now`, { problems: [{ pointer: '', detail: `the condition of conversion "${name}" does not hold`, code: 'CONVERSION_NOT_ALLOWED', params: { entity: entityName } }] });
    }
    let values: Record<string, unknown>;
    try {
      values = conversionValues(model, entity, conversion, source);
    } catch (error) {
      if (isTesseraError(error)) throw error;
      throw new TesseraError('CONFLICT', `the mapping of conversion "${name}" failed: ${(error as Error).message}`, { problems: [{ pointer: '', detail: 'the mapping failed', code: 'CONVERSION_MAPPING' }] });
    }
    const actor = { ...ctx.actor, origin: { conversion: name, source: { entity: entityName, id } } };
    const created = await records.create({ actor, trx }, conversion.target, values);
    return { conversion: name, target: conversion.target, source, records: [created] };
  };
  return ctx.trx ? work(ctx.trx) : knex.transaction(work);
}
