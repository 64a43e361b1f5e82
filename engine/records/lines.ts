// Line items (metadata/field-types/lines.ts): the lines of a record are read with it and written
// with it, in the record's transaction. A write of a lines field is the whole ordered list: a line
// with an id updates that stored line, one without is inserted, a stored line left out is deleted.
// The record's row is locked and its version checked before (service.ts), so two users changing the
// lines of one record cannot interleave: the second gets VERSION_CONFLICT (one wins, nothing merged).
import type { Knex } from 'knex';
import { feelConditionHolds, isComputed, LINE_POSITION_COLUMN, recordFeelContext, type EntityModel, type Field, type Model, type RollupChange } from '../../metadata/index.ts';
import { refreshRollups } from './rollup-fields.ts';
import { diff } from '../access/index.ts';
import { TesseraError, type Problem } from '../errors.ts';
import { recordToColumns, rowToRecord, type ApiRecord, type Row } from './values.ts';

type LinesField = Extract<Field, { type: 'lines' }>;

const linesFields = (entity: EntityModel): LinesField[] => entity.fields.filter((f): f is LinesField => f.type === 'lines');

/** A stored line as the API shows it: its id and fields, without the reference to its record. */
function lineOf(target: EntityModel, field: LinesField, row: Row): ApiRecord {
  const record = rowToRecord(target, row);
  const line: ApiRecord = { id: record.id };
  for (const f of target.fields) if (f.name !== field.parentField) line[f.name] = record[f.name];
  return line;
}

/**
 * Fills the lines fields of `records` (live lines, in their order). `wanted`: the fields asked for.
 * `withDeleted`: also lines deleted with their record (a line is only ever deleted with it).
 */
export async function loadLines(db: Knex | Knex.Transaction, model: Model, entity: EntityModel, records: ApiRecord[], wanted?: ReadonlySet<string>, withDeleted = false): Promise<void> {
  const ids = records.map((r) => r.id as string);
  for (const field of linesFields(entity)) {
    if ((wanted && !wanted.has(field.name)) || ids.length === 0) continue;
    const target = model.entities.get(field.target)!;
    const query = db(target.table).whereIn(field.parentField, ids).orderBy([field.parentField, LINE_POSITION_COLUMN, 'id']);
    if (!withDeleted) query.whereNull('deleted_at');
    const rows = (await query) as Row[];
    const byRecord = new Map<string, ApiRecord[]>();
    for (const row of rows) {
      const list = byRecord.get(row[field.parentField] as string) ?? [];
      list.push(lineOf(target, field, row));
      byRecord.set(row[field.parentField] as string, list);
    }
    for (const r of records) r[field.name] = byRecord.get(r.id as string) ?? [];
  }
}

/** Client writes to computed or read-only fields of lines, with pointers like /lines/3/net. */
export function lineWriteProblems(model: Model, entity: EntityModel, written: Readonly<ApiRecord>, allowReadOnly: boolean): Problem[] {
  const problems: Problem[] = [];
  for (const field of linesFields(entity)) {
    const lines = written[field.name];
    if (!Array.isArray(lines)) continue;
    const target = model.entities.get(field.target)!;
    const seen = new Set<string>();
    lines.forEach((line: ApiRecord, i) => {
      if (typeof line.id === 'string') {
        if (seen.has(line.id)) problems.push({ pointer: `/${field.name}/${i}/id`, detail: 'is listed twice', code: 'DUPLICATE_LINE' });
        seen.add(line.id);
      }
      for (const name of Object.keys(line)) {
        const f = target.fieldsByName.get(name);
        if (f && (isComputed(f) || f.rollup !== undefined || (!allowReadOnly && f.readOnly))) problems.push({ pointer: `/${field.name}/${i}/${name}`, detail: 'is read-only', code: 'READ_ONLY' });
      }
      const context = recordFeelContext(target.fields.map((f) => f.name), line);
      for (const f of target.fields) {
        const value = line[f.name];
        if (f.requiredWhen && (value === null || value === undefined || value === '') && feelConditionHolds(f.requiredWhen, context)) {
          problems.push({ pointer: `/${field.name}/${i}/${f.name}`, detail: 'is required here', code: 'REQUIRED' });
        }
      }
    });
  }
  return problems;
}

export interface LineWriter {
  readonly trx: Knex.Transaction;
  readonly userId: string | null;
  /** Runs an insert or update, turning constraint violations into typed errors (service.ts). */
  write<T>(entity: EntityModel, work: () => Promise<T>): Promise<T>;
  /** Audits a change of one line, as every record change is (its version counts its audit rows). */
  audit(entity: EntityModel, id: string, action: 'create' | 'update' | 'delete', changes: Record<string, [unknown, unknown]>): Promise<void>;
}

/**
 * Writes the lines fields present in `values` (computed fields already filled) for the record `id`.
 * A line id that is not a live line of this record refuses the write (nothing of it is applied: the
 * caller's transaction rolls back). Unchanged lines are left alone (a reorder moves only positions).
 */
export async function writeLines(w: LineWriter, model: Model, entity: EntityModel, id: string, values: Readonly<ApiRecord>, isNew: boolean): Promise<void> {
  const { trx } = w;
  for (const field of linesFields(entity)) {
    if (!Object.hasOwn(values, field.name)) continue;
    const target = model.entities.get(field.target)!;
    const lines = (values[field.name] as ApiRecord[] | null) ?? [];
    const storedRows = isNew ? [] : ((await trx(target.table).where(field.parentField, id).whereNull('deleted_at')) as Row[]);
    const stored = new Map(storedRows.map((row) => [row.id as string, row]));
    const problems: Problem[] = [];
    lines.forEach((line, i) => {
      if (typeof line.id === 'string' && !stored.has(line.id)) problems.push({ pointer: `/${field.name}/${i}/id`, detail: `is not a line of this ${entity.name}`, code: 'NOT_A_LINE' });
    });
    if (problems.length > 0) throw new TesseraError('VALIDATION_FAILED', `invalid ${entity.name}: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });
    // A line's rollup fields are its records' (rollup-fields.ts), never written with it.
    const own = target.fields.filter((f) => f.name !== field.parentField && f.rollup === undefined);
    const names = own.map((f) => f.name);
    const rollupChanges: RollupChange[] = [];
    const kept = new Set(lines.map((l) => l.id).filter((lineId): lineId is string => typeof lineId === 'string'));
    // A line belongs to its record: a line taken out is gone (its audit entry keeps its values).
    for (const [lineId, row] of stored) {
      if (kept.has(lineId)) continue;
      await trx(target.table).where({ id: lineId }).delete();
      rollupChanges.push({ before: row, after: null });
      await w.audit(target, lineId, 'delete', diff(lineOf(target, field, row), {}, names));
    }
    for (const [position, line] of lines.entries()) {
      const after = Object.fromEntries(own.map((f) => [f.name, line[f.name] ?? null]));
      const columns = recordToColumns(target, after);
      const row = typeof line.id === 'string' ? stored.get(line.id) : undefined;
      if (row) {
        const lineId = line.id as string;
        const changes = diff(lineOf(target, field, row), after, names);
        if (Object.keys(changes).length > 0) {
          await w.write(target, () => trx(target.table).where({ id: lineId }).update({ ...columns, [LINE_POSITION_COLUMN]: position, version: trx.raw('version + 1'), updated_at: trx.fn.now(), updated_by: w.userId }));
          await w.audit(target, lineId, 'update', changes);
          rollupChanges.push({ before: row, after: { ...row, ...columns }, changed: Object.keys(changes) });
        } else if (row[LINE_POSITION_COLUMN] !== position) {
          await trx(target.table).where({ id: lineId }).update({ [LINE_POSITION_COLUMN]: position });
        }
      } else {
        const inserted = await w.write(target, async () => ((await trx(target.table).insert({ ...columns, [LINE_POSITION_COLUMN]: position, [field.parentField]: id, created_by: w.userId, updated_by: w.userId, owner: w.userId }).returning('id')) as { id: string }[])[0]!);
        await w.audit(target, inserted.id, 'create', diff({}, after, names));
        rollupChanges.push({ before: null, after: { ...columns, [field.parentField]: id } });
      }
    }
    await refreshRollups(trx, model, target, rollupChanges);
  }
}
