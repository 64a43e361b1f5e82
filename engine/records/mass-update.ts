// Mass update: one change (e.g. a new sales rep) to many records of a type in one request, all or
// nothing. Each record goes through the records service's update in one shared transaction, so the
// validation, rights per record, optimistic locking and audit trail are those of a single PATCH; the
// first refusal undoes the whole change and names the record it concerns.
import type { Knex } from 'knex';
import { isUuid } from '../../metadata/index.ts';
import { isTesseraError, TesseraError, type Problem } from '../errors.ts';
import type { RecordContext, RecordService } from './service.ts';
import type { ApiRecord } from './values.ts';

export const MASS_UPDATE_MAX = 500;

export interface MassUpdateInput {
  /** The records and the versions the user saw (a record changed since is a 409 for the whole request). */
  readonly records: readonly { readonly id: string; readonly version: number }[];
  readonly values: Readonly<Record<string, unknown>>;
}

export function parseMassUpdate(body: Record<string, unknown>): MassUpdateInput {
  const problems: Problem[] = [];
  for (const key of Object.keys(body)) if (key !== 'records' && key !== 'values') problems.push({ pointer: `/${key}`, detail: 'unknown property' });
  const { records, values } = body;
  if (!Array.isArray(records) || records.length === 0 || records.length > MASS_UPDATE_MAX) problems.push({ pointer: '/records', detail: `must be a list of 1–${MASS_UPDATE_MAX} {id, version}` });
  else {
    const seen = new Set<string>();
    records.forEach((r: unknown, i) => {
      const item = r as { id?: unknown; version?: unknown } | null;
      if (!item || typeof item !== 'object' || typeof item.id !== 'string' || !isUuid(item.id)) problems.push({ pointer: `/records/${i}/id`, detail: 'must be a record id' });
      else if (seen.has(item.id)) problems.push({ pointer: `/records/${i}/id`, detail: 'is listed twice', code: 'DUPLICATE' });
      else seen.add(item.id);
      if (!item || typeof item !== 'object' || !Number.isInteger(item.version) || (item.version as number) < 1) problems.push({ pointer: `/records/${i}/version`, detail: 'must be the version you saw (a positive integer)' });
    });
  }
  if (!values || typeof values !== 'object' || Array.isArray(values) || Object.keys(values).length === 0) problems.push({ pointer: '/values', detail: 'must be an object of the fields to set' });
  if (problems.length) throw new TesseraError('VALIDATION_FAILED', `invalid mass update: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });
  return { records: records as MassUpdateInput['records'], values: values as Record<string, unknown> };
}

export async function massUpdate(knex: Knex, records: RecordService, ctx: RecordContext, entity: string, input: MassUpdateInput): Promise<ApiRecord[]> {
  records.runtime.entity(entity);
  const run = async (trx: Knex.Transaction) => {
    const updated: ApiRecord[] = [];
    for (const [i, target] of input.records.entries()) {
      try {
        updated.push(await records.update({ ...ctx, trx }, entity, target.id, input.values, { expectedVersion: target.version }));
      } catch (error) {
        if (!isTesseraError(error)) throw error;
        // The values' problems point into /values; a refusal of the record itself at /records/i.
        const problems = error.problems.length ? error.problems.map((p) => ({ ...p, pointer: `/values${p.pointer}` })) : [{ pointer: `/records/${i}`, detail: error.message, code: error.code }];
        throw new TesseraError(error.code, `record ${i + 1} of ${input.records.length} (${target.id}): ${error.message}; nothing was changed`, { problems, extensions: { ...error.extensions, failedRecord: { index: i, id: target.id } } });
      }
    }
    return updated;
  };
  return ctx.trx ? run(ctx.trx) : knex.transaction(run);
}
