// Declared conversions over a selection as record jobs (engine/record-sets/jobs.ts):
// - `conversion`: each selected record converted (offers → sales orders,
//   POST /api/records/<type>/bulk/conversion/jobs);
// - `conversion-fan-out`: one source (a template) converted once per selected recipient (a template
//   offer → an offer for each contractor, POST /api/records/<type>/<id>/convert/<conversion>/jobs),
//   the job's records being the recipients.
// Each conversion runs as the job's starter, with their rights (read the source, create the target),
// in a savepoint of the chunk's transaction so one refused record leaves the others converted. The
// job's item key (job, record) makes each record converted at most once per job, also when a
// restarted server goes on with the job.
import type { Knex } from 'knex';
import { declaredConversion, requireAllowed, runConversion, type DeclaredConversionResult } from '../conversion/index.ts';
import { TesseraError } from '../errors.ts';
import type { ApiRecord, RecordContext, RecordService } from '../records/index.ts';
import type { RecordJobItem, RecordJobKind, RecordJobWork } from './jobs.ts';

export const CONVERSION_JOB = 'conversion';
export const CONVERSION_FAN_OUT_JOB = 'conversion-fan-out';

type ConversionServices = { readonly knex: Knex; readonly records: RecordService };

/** Runs `convert` per record, each in a savepoint: a refusal is that record's failure, anything else breaks the chunk. */
async function convertEach(work: RecordJobWork, convert: (ctx: RecordContext, record: ApiRecord) => Promise<DeclaredConversionResult>): Promise<RecordJobItem[]> {
  const items: RecordJobItem[] = [];
  for (const record of work.records) {
    const id = String(record.id);
    try {
      await work.trx.transaction((savepoint) => convert({ actor: work.actor, trx: savepoint }, record));
      items.push({ id, ok: true });
    } catch (error) {
      if (!(error instanceof TesseraError) || error.code === 'INTERNAL') throw error;
      items.push({ id, ok: false, code: error.code, detail: error.message });
    }
  }
  return items;
}

export function conversionJobKind(services: ConversionServices): RecordJobKind {
  return {
    name: CONVERSION_JOB,
    handle: (work) => convertEach(work, (ctx, record) => runConversion(services.records, services.knex, ctx, work.job.entity, String(record.id), String(work.job.params.conversion))),
  };
}

/** The source of a fan-out job: the template converted for each recipient (the job's records). */
export interface FanOutSource {
  readonly entity: string;
  readonly id: string;
}

export function conversionFanOutJobKind(services: ConversionServices): RecordJobKind {
  return {
    name: CONVERSION_FAN_OUT_JOB,
    handle: (work) => {
      const source = work.job.params.source as unknown as FanOutSource;
      const conversion = String(work.job.params.conversion);
      return convertEach(work, (ctx, record) => runConversion(services.records, services.knex, ctx, source.entity, source.id, conversion, { entity: work.job.entity, record }));
    },
  };
}

/**
 * Checks a fan-out before its job starts: the conversion is declared with `recipients`, the source is
 * the user's to read (else NOT_FOUND) and its conversion allowed now. The recipients' entity type.
 */
export async function fanOutRecipients(records: RecordService, ctx: RecordContext, entityName: string, id: string, name: string): Promise<string> {
  const conversion = declaredConversion(records, entityName, name);
  if (conversion.recipients === undefined) {
    const detail = `conversion "${name}" has no recipients: run it on the record`;
    throw new TesseraError('CONFLICT', detail, { problems: [{ pointer: '/conversion', detail, code: 'CONVERSION_RECIPIENTS', params: { entity: entityName } }] });
  }
  const source = await records.get(ctx, entityName, id);
  const entity = records.runtime.entity(entityName).entity;
  requireAllowed(records.runtime.snapshot.model, entity, conversion, source);
  return conversion.recipients;
}
