// A declared conversion per selected record (offers → sales orders) as a record job
// (engine/record-sets/jobs.ts, POST /api/records/<type>/bulk/conversion/jobs): each record is
// converted as the job's starter, with their rights (read the source, create the target), in a
// savepoint of the chunk's transaction so one refused record leaves the others converted. The job's
// item key (job, record) makes each record converted at most once per job, also when a restarted
// server goes on with the job.
import type { Knex } from 'knex';
import { runConversion } from '../conversion/index.ts';
import { TesseraError } from '../errors.ts';
import type { RecordService } from '../records/index.ts';
import type { RecordJobItem, RecordJobKind } from './jobs.ts';

export const CONVERSION_JOB = 'conversion';

export function conversionJobKind(services: { readonly knex: Knex; readonly records: RecordService }): RecordJobKind {
  return {
    name: CONVERSION_JOB,
    async handle({ trx, actor, job, records }) {
      const conversion = String(job.params.conversion);
      const items: RecordJobItem[] = [];
      for (const record of records) {
        const id = String(record.id);
        try {
          await trx.transaction((savepoint) => runConversion(services.records, services.knex, { actor, trx: savepoint }, job.entity, id, conversion));
          items.push({ id, ok: true });
        } catch (error) {
          if (!(error instanceof TesseraError) || error.code === 'INTERNAL') throw error;
          items.push({ id, ok: false, code: error.code, detail: error.message });
        }
      }
      return items;
    },
  };
}
