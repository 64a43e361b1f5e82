// Updating many records of one type in one transaction (delivery states of a batch of messages): the
// checks of RecordService.update per item — rights per row and their conditions, versions, rules,
// transitions, references, refusing duplicates — with the rows locked by one SELECT … FOR UPDATE
// (in id order, so two batches cannot deadlock on each other), the rows that get the same values
// written by one UPDATE, one INSERT of audit rows, and the record hooks called per record. All or
// nothing, like createMany.
import { ACTIVITY_ENTITY, isUuid, joinTableName } from '../../metadata/index.ts';
import { conditionHolds, diff } from '../access/index.ts';
import { TesseraError } from '../errors.ts';
import { exclusionRules } from '../rules/exclusions.ts';
import { checkRecordGuards } from '../rules/guards.ts';
import { readLookups } from '../rules/lookups.ts';
import { checkTransitions } from '../rules/machines.ts';
import { BatchRefusals, checkBatchReferences, checkBatchSize, writeBatchLinks, type BulkInternals } from './bulk-items.ts';
import { checkWritable, forbidden, requireAny } from './enforce.ts';
import { sealSecrets, secretChanges } from './secret-fields.ts';
import { computedFieldValues, linesWritten, refuseLineWrite, withComputed, withLookupComputed } from './computed-fields.ts';
import { documentRateValues } from '../exchange-rates/index.ts';
import { lineWriteProblems, writeLines } from './lines.ts';
import { linesFeedRollups, lockRollupParents, refreshRollups } from './rollup-fields.ts';
import type { RecordContext } from './service.ts';
import { checkRecordRules, validateInput } from './validation.ts';
import { recordToColumns, rowToRecord, type ApiRecord, type Row } from './values.ts';

export interface UpdateItem {
  readonly id: string;
  readonly values: unknown;
  /**
   * The version the caller saw: a record changed since refuses the batch (409). Absent: the values
   * are applied to the record as it is when locked — for the platform's own field-level changes (a
   * message's delivery state), where nothing a user wrote is overwritten but the fields named.
   */
  readonly expectedVersion?: number;
}

export interface UpdateManyOptions {
  readonly allowReadOnly?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function updateMany(internals: BulkInternals, ctx: RecordContext, entityName: string, items: readonly UpdateItem[], options: UpdateManyOptions = {}): Promise<ApiRecord[]> {
  checkBatchSize(items, `${entityName} updates`);
  const access = internals.accessOf(ctx);
  const rt = internals.runtime.entity(entityName);
  const { entity } = rt;
  const rights = access.entity(entityName);
  refuseLineWrite(entity);
  if (!access.unrestricted) requireAny(access, rights, 'update');
  if (items.length === 0) return [];
  const refusals = new BatchRefusals(entityName, items.length);
  const seen = new Set<string>();
  const written = items.map((item, i) =>
    refusals.check(i, () => {
      if (!isObject(item) || typeof item.id !== 'string' || !isUuid(item.id)) throw new TesseraError('VALIDATION_FAILED', 'each item names a record id', { problems: [{ pointer: '/id', detail: 'must be a record id', code: 'FORMAT' }] });
      if (seen.has(item.id)) throw new TesseraError('VALIDATION_FAILED', `record ${item.id} is listed twice`, { problems: [{ pointer: '/id', detail: 'is listed twice', code: 'DUPLICATE' }] });
      seen.add(item.id);
      if (item.expectedVersion !== undefined && (!Number.isInteger(item.expectedVersion) || item.expectedVersion < 1)) throw new TesseraError('VALIDATION_FAILED', 'a version is a positive integer', { problems: [{ pointer: '/expectedVersion', detail: 'must be a positive integer', code: 'TYPE' }] });
      return prefixed('/values', () => {
        if (!access.unrestricted && isObject(item.values)) checkWritable(entity, rights, item.values);
        return validateInput(entity, rt.validators.update, item.values);
      });
    }),
  );
  refusals.throwIfAny();
  return internals.inTransaction(ctx, async (trx) => {
    const ids = items.map((item) => item.id);
    const locked = (await trx(entity.table).whereIn('id', ids).whereNull('deleted_at').orderBy('id').forUpdate()) as Row[];
    const byId = new Map(locked.map((row) => [row.id as string, row]));
    const presented = await internals.present(trx, rt, locked);
    const previousById = new Map(presented.map((record) => [record.id as string, record]));
    const allowReadOnly = options.allowReadOnly ?? ctx.actor.via === 'system';
    const model = internals.runtime.snapshot.model;
    // What the transitions' guards read from other records, per item (before the synchronous checks).
    const lookups: Record<string, unknown>[] = [];
    for (const [i, item] of items.entries()) {
      const previous = previousById.get(item.id);
      lookups[i] = previous && written[i] ? await readLookups(trx, model, entity, item.id, previous, { ...previous, ...written[i] }) : {};
    }
    // The documents' exchange rates, likewise read before the synchronous checks.
    const rates: ApiRecord[] = [];
    for (const [i, item] of items.entries()) {
      const previous = previousById.get(item.id);
      rates[i] = previous && written[i] ? await documentRateValues(trx, entity, { ...previous, ...written[i] }, previous, written[i]!) : {};
    }
    const planned = items.map((item, i) =>
      refusals.check(i, () => {
        const current = byId.get(item.id);
        if (!current) throw new TesseraError('NOT_FOUND', `no ${entityName} with id ${item.id}`, { extensions: { entity: entityName, id: item.id } });
        const usable = internals.usableGrants(access, entity, current, 'update');
        if (item.expectedVersion !== undefined && current.version !== item.expectedVersion) {
          throw new TesseraError('VERSION_CONFLICT', `${entityName} ${item.id} was changed by someone else (version ${String(current.version)}, you edited ${item.expectedVersion})`, { extensions: { currentVersion: current.version } });
        }
        const w = written[i]!;
        const previous = previousById.get(item.id)!;
        const next: ApiRecord = withComputed(model, entity, { ...previous, ...w, ...rates[i] }, { now: new Date(), timeZone: model.pkg.manifest.timeZone ?? 'UTC', userId: ctx.actor.userId });
        if (usable && !usable.some((g) => g.condition === undefined || conditionHolds(g.condition, access.subject!, { ...rowToRecord(entity, current), ...w }))) {
          throw forbidden(`after this change the ${entity.name} would no longer meet the condition of your update right`);
        }
        prefixed('/values', () => {
          checkRecordRules(entity, w, next, { allowReadOnly, lines: lineWriteProblems(model, entity, w, allowReadOnly), roles: access.subject?.roles });
          internals.checkActivityLinks(entity, next);
        });
        const transitions = prefixed('/values', () => checkTransitions(entity, previous, next, lookups[i]));
        return { previous, next, transitions };
      }),
    );
    refusals.throwIfAny();
    for (const [i, item] of items.entries()) planned[i]!.next = await withLookupComputed(trx, model, entity, item.id, planned[i]!.previous, planned[i]!.next);
    // Reference problems point into the item's values.
    const referenceRefusals = new BatchRefusals(entityName, items.length);
    await lockRollupParents(trx, model, entity, items.map((item, i) => ({ before: byId.get(item.id) ?? null, after: planned[i]!.next, changed: Object.keys(written[i]!) })));
    await checkBatchReferences(internals, trx, entity, written, access, referenceRefusals);
    if (referenceRefusals.failed) {
      try {
        referenceRefusals.throwIfAny();
      } catch (error) {
        const e = error as TesseraError;
        throw new TesseraError(e.code, e.message, { problems: e.problems.map((p) => ({ ...p, pointer: p.pointer.replace(/^(\/items\/\d+)/, '$1/values') })), extensions: { ...e.extensions } });
      }
    }
    if (entity.guards.length > 0) {
      for (const [i, item] of items.entries()) await refusals.checkAsync(i, () => prefixed('/values', () => checkRecordGuards(trx, model, access, entity, item.id, planned[i]!.previous, planned[i]!.next)));
      refusals.throwIfAny();
    }
    if (entity.duplicates.some((r) => r.action === 'refuse')) {
      for (const [i, item] of items.entries()) {
        const w = written[i]!;
        if (entity.duplicates.some((r) => r.action === 'refuse' && r.fields.some((f) => Object.hasOwn(w, f)))) await refusals.checkAsync(i, () => internals.refuseDuplicates(trx, access, rt, planned[i]!.next, item.id));
      }
      refusals.throwIfAny();
    }
    // Rows getting the same column values are written by one statement (a batch of delivery states).
    const groups = new Map<string, { set: Row; ids: string[] }>();
    for (const [i, item] of items.entries()) {
      const w = written[i]!;
      const { previous, next } = planned[i]!;
      // The computed fields move with the values they are computed from.
      const set = recordToColumns(entity, sealSecrets(entity, { ...w, ...rates[i], ...computedFieldValues(entity, next) }, internals.secrets));
      if (entity.name === ACTIVITY_ENTITY && w.status !== undefined && w.status !== previous.status) set.resolved_at = w.status === 'resolved' ? new Date().toISOString() : null;
      const key = JSON.stringify(set);
      const group = groups.get(key) ?? { set, ids: [] };
      group.ids.push(item.id);
      groups.set(key, group);
    }
    const updatedById = new Map<string, Row>();
    for (const { set, ids: groupIds } of groups.values()) {
      const rows = await internals.write(entity, async () => (await trx(entity.table).whereIn('id', groupIds).update({ ...set, version: trx.raw('version + 1'), updated_at: trx.fn.now(), updated_by: ctx.actor.userId }).returning('*')) as Row[]);
      for (const row of rows) updatedById.set(row.id as string, row);
    }
    await writeBatchLinks(trx, entity, (field) => joinTableName(entity.table, field), items.map((item, i) => ({ id: item.id, values: written[i]! })), false);
    if (entity.fields.some((f) => f.type === 'lines')) {
      for (const [i, item] of items.entries()) {
        const next = planned[i]!.next;
        await writeLines(internals.lineWriter(trx, ctx.actor), model, entity, item.id, linesWritten(model, entity, written[i]!, planned[i]!.previous, next), false);
      }
    }
    // Rollups over the lines just written moved the rows' own values.
    if (linesFeedRollups(model, entity)) for (const row of (await trx(entity.table).whereIn('id', ids)) as Row[]) updatedById.set(row.id as string, row);
    if (entity.exclusions.length > 0) {
      const touched = (i: number) => exclusionRules(entity).some((rule) => Object.keys(written[i]!).some((f) => rule.fields.has(f)));
      for (const [i, item] of items.entries()) if (touched(i)) await refusals.checkAsync(i, () => internals.refuseExclusions(trx, access, rt, item.id, ids.slice(i + 1)));
      refusals.throwIfAny();
    }
    const records = await internals.present(trx, rt, ids.map((id) => updatedById.get(id)!));
    const names = entity.fields.map((f) => f.name);
    const changes = records.map((record, i) => ({ ...diff(planned[i]!.previous, record, names), ...secretChanges(entity, written[i]!, planned[i]!.previous, record) }));
    await refreshRollups(trx, model, entity, ids.map((id, i) => ({ before: byId.get(id)!, after: updatedById.get(id)!, changed: Object.keys(changes[i]!) })));
    await internals.changed(
      trx,
      records.map((record, i) => ({ entity: entity.name, action: 'update', record, previous: planned[i]!.previous, changes: changes[i]!, transitions: planned[i]!.transitions, actor: ctx.actor })),
    );
    return records.map((record) => internals.visible(access, entity.name, record));
  });
}

/** Runs a check whose problems point into the item's values (`/subject` → `/values/subject`). */
function prefixed<T>(base: string, work: () => T): T {
  const moved = (error: unknown): never => {
    if (!(error instanceof TesseraError) || error.problems.length === 0) throw error;
    throw new TesseraError(error.code, error.message, { problems: error.problems.map((p) => ({ ...p, pointer: `${base}${p.pointer}` })), extensions: { ...error.extensions } });
  };
  try {
    const result = work();
    return result instanceof Promise ? (result.catch(moved) as T) : result;
  } catch (error) {
    return moved(error);
  }
}
