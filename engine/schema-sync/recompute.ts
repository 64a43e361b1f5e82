// A computed field added to a populated table (or given a new expression) is computed for every
// existing record by the apply that brings it, in the apply's transaction: FEEL runs in the engine,
// so the rows are read in pages, computed as a write would compute them, and their computed columns
// (with their lines') updated. Versions stay: the record's values did not change, only derived ones.
// Computed fields reading other records (lookups) are read again too, over the records as they are now.
import type { Knex } from 'knex';
import { computeRecord, isComputed, type Model } from '../../metadata/index.ts';
import { withLookupComputed } from '../records/computed-fields.ts';
import { loadLines } from '../records/lines.ts';
import { recordToColumns, rowToRecord, type Row } from '../records/values.ts';

const PAGE = 500;

/** Computes the computed fields of every record of `entityName` (deleted ones too) and of their lines. */
export async function recomputeRecords(trx: Knex.Transaction, model: Model, entityName: string): Promise<number> {
  const entity = model.entities.get(entityName);
  if (!entity) return 0;
  const own = entity.fields.filter(isComputed);
  const linesFields = entity.fields.filter((f) => f.type === 'lines');
  let after: string | null = null;
  let count = 0;
  for (;;) {
    const query = trx(entity.table).orderBy('id').limit(PAGE);
    if (after) query.where('id', '>', after);
    const rows = (await query) as Row[];
    if (rows.length === 0) return count;
    const records = rows.map((row) => rowToRecord(entity, row));
    await loadLines(trx, model, entity, records, undefined, true);
    for (const record of records) {
      const computed = await withLookupComputed(trx, model, entity, record.id as string, null, computeRecord(model, entity, record));
      if (own.length > 0) await trx(entity.table).where({ id: record.id }).update(recordToColumns(entity, Object.fromEntries(own.map((f) => [f.name, computed[f.name]]))));
      for (const field of linesFields) {
        const target = model.entities.get(field.target)!;
        const lineComputed = target.fields.filter(isComputed);
        if (lineComputed.length === 0) continue;
        for (const line of (computed[field.name] as Record<string, unknown>[] | undefined) ?? []) {
          await trx(target.table).where({ id: line.id }).update(recordToColumns(target, Object.fromEntries(lineComputed.map((f) => [f.name, line[f.name]]))));
        }
      }
      count++;
    }
    after = rows[rows.length - 1]!.id as string;
  }
}
