// Merging two records of one type: the duplicate's related records (every reference to it, across
// entity types, activities included, and many-to-many links) move to the record kept, the kept
// record takes the duplicate's values where its own are empty, and the duplicate is deleted (soft,
// restorable) — all in one transaction, audited under the user's name.
//
// Rights: the user must be able to change the record kept and delete the duplicate (their grants,
// row conditions included). Moving the related records is part of the merge, not separate edits:
// it is done with the platform's rights (a record the user cannot see must not be left pointing at
// a deleted one), each move audited as an update by the user.
import type { Knex } from 'knex';
import { isUuid, joinTableName, type EntityModel } from '../../metadata/index.ts';
import { SYSTEM_ACCESS } from '../access/index.ts';
import { TesseraError, type Problem } from '../errors.ts';
import { requireAny } from './enforce.ts';
import type { MetadataSnapshot } from './live-metadata.ts';
import type { RecordContext, RecordService } from './service.ts';
import type { ApiRecord, Link } from './values.ts';

export interface MergeMoved {
  readonly entity: string;
  readonly field: string;
  readonly count: number;
}

export interface MergeResult {
  readonly record: ApiRecord;
  readonly merged: string;
  readonly moved: readonly MergeMoved[];
  /** Fields of the kept record filled from the duplicate. */
  readonly filled: readonly string[];
}

export interface MergeDeps {
  readonly records: RecordService;
  readonly knex: Knex;
  readonly audit: (trx: Knex.Transaction, ctx: RecordContext, entity: string, id: string, changes: Record<string, [unknown, unknown]>) => Promise<void>;
}

/** `{duplicate: <id>}` → the duplicate's id; problems point into the body. Pure. */
export function parseMergeInput(input: unknown, keepId: string): string {
  const problems: Problem[] = [];
  const body = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : null;
  if (!body) problems.push({ pointer: '', detail: 'must be an object', code: 'TYPE' });
  else {
    for (const key of Object.keys(body)) if (key !== 'duplicate' && key !== 'version') problems.push({ pointer: `/${key}`, detail: 'unknown property', code: 'UNKNOWN_FIELD' });
    if (typeof body.duplicate !== 'string' || !isUuid(body.duplicate)) problems.push({ pointer: '/duplicate', detail: 'must be the id of the record to merge into this one', code: 'FORMAT' });
    else if (body.duplicate === keepId) problems.push({ pointer: '/duplicate', detail: 'is the record kept itself', code: 'SAME_RECORD' });
  }
  if (problems.length) throw new TesseraError('VALIDATION_FAILED', `invalid merge: ${problems.map((p) => `${p.pointer || '/'} ${p.detail}`).join('; ')}`, { problems });
  return body!.duplicate as string;
}

/** Entity types and many-to-many fields that link to `entity` (the references come from the snapshot's referrers). */
function linkFields(snapshot: MetadataSnapshot, entity: string): { entity: EntityModel; field: string }[] {
  const result: { entity: EntityModel; field: string }[] = [];
  for (const { entity: other } of snapshot.entities.values()) {
    for (const f of other.fields) if (f.type === 'manyToMany' && f.target === entity) result.push({ entity: other, field: f.name });
  }
  return result;
}

const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

export async function mergeRecords(deps: MergeDeps, ctx: RecordContext, entityName: string, keepId: string, input: unknown, expectedVersion?: number): Promise<MergeResult> {
  const { records } = deps;
  // Rights first: change the record kept, read and delete the duplicate.
  await records.checkUpdate(ctx, entityName, keepId, {});
  const duplicateId = parseMergeInput(input, keepId);
  await records.get(ctx, entityName, duplicateId, { fields: ['id'] });
  const access = ctx.actor.access;
  if (access) requireAny(access, access.entity(entityName), 'delete');

  return deps.knex.transaction(async (trx) => {
    const snapshot = records.runtime.snapshot;
    const { entity } = records.runtime.entity(entityName);
    const user: RecordContext = { actor: ctx.actor, trx };
    const platform: RecordContext = { actor: { ...ctx.actor, access: SYSTEM_ACCESS }, trx };
    // Both rows locked: no one changes or links to either while they merge.
    const rows = (await trx(entity.table).whereIn('id', [keepId, duplicateId]).whereNull('deleted_at').forUpdate().select('id', 'version')) as { id: string; version: number }[];
    const keepRow = rows.find((r) => r.id === keepId);
    if (!keepRow || !rows.some((r) => r.id === duplicateId)) throw new TesseraError('NOT_FOUND', `no ${entityName} with id ${keepRow ? duplicateId : keepId}`, { extensions: { entity: entityName, id: keepRow ? duplicateId : keepId } });
    if (expectedVersion !== undefined && keepRow.version !== expectedVersion) {
      throw new TesseraError('VERSION_CONFLICT', `${entityName} ${keepId} was changed by someone else (version ${keepRow.version}, you edited ${expectedVersion}); reload and merge again`, { extensions: { currentVersion: keepRow.version } });
    }
    const keep = await records.get(platform, entityName, keepId);
    const duplicate = await records.get(platform, entityName, duplicateId);

    const moved: MergeMoved[] = [];
    for (const ref of snapshot.referrers.get(entityName) ?? []) {
      const dep = snapshot.entities.get(ref.entity)!.entity;
      const referring = (await trx(dep.table).where(ref.field, duplicateId).whereNull('deleted_at').select('id', 'version')) as { id: string; version: number }[];
      let count = 0;
      for (const row of referring) {
        if (ref.entity === entityName && row.id === duplicateId) continue; // the duplicate itself goes away
        // The record kept pointing at its duplicate (a parent link) would point at itself: cleared.
        const target = ref.entity === entityName && row.id === keepId ? null : keepId;
        await records.update(platform, ref.entity, row.id, { [ref.field]: target }, { expectedVersion: row.version });
        count++;
      }
      if (count) moved.push({ entity: ref.entity, field: ref.field, count });
    }
    for (const link of linkFields(snapshot, entityName)) {
      const join = joinTableName(link.entity.table, link.field);
      const sources = (await trx(join).where('target', duplicateId).distinct('source')) as { source: string }[];
      let count = 0;
      for (const { source } of sources) {
        const row = (await trx(link.entity.table).where({ id: source }).whereNull('deleted_at').first('id', 'version')) as { id: string; version: number } | undefined;
        if (!row || (link.entity.name === entityName && source === duplicateId)) continue;
        const current = (await records.get(platform, link.entity.name, source, { fields: [link.field] }))[link.field] as Link[];
        const seen = new Set<string>();
        const links = current
          .map((l) => (l.id === duplicateId ? { ...l, id: keepId } : l))
          .filter((l) => !(link.entity.name === entityName && source === keepId && l.id === keepId))
          .filter((l) => {
            const key = `${l.id}/${l.role ?? ''}`;
            return !seen.has(key) && seen.add(key);
          });
        await records.update(platform, link.entity.name, source, { [link.field]: links }, { expectedVersion: row.version });
        count++;
      }
      if (count) moved.push({ entity: link.entity.name, field: link.field, count });
    }

    // The user's own rights apply to deleting the duplicate (row conditions too) and to filling the kept record.
    await records.remove(user, entityName, duplicateId);
    const rights = access && !access.unrestricted ? access.entity(entityName) : null;
    const fill: Record<string, unknown> = {};
    for (const field of entity.fields) {
      if (field.readOnly || field.type === 'state' || rights?.fields.get(field.name) !== undefined) continue;
      if (isEmpty(keep[field.name]) && !isEmpty(duplicate[field.name])) fill[field.name] = field.type === 'manyToMany' ? (duplicate[field.name] as Link[]).filter((l) => l.id !== keepId) : duplicate[field.name];
    }
    const filled = Object.keys(fill).filter((name) => !isEmpty(fill[name]));
    const current = (await trx(entity.table).where({ id: keepId }).first('version')) as { version: number };
    if (filled.length) await records.update(user, entityName, keepId, Object.fromEntries(filled.map((n) => [n, fill[n]])), { expectedVersion: current.version });

    const title = (r: ApiRecord) => r[entity.displayField] ?? null;
    const changes = { merged: [{ id: duplicateId, title: title(duplicate) }, { id: keepId, title: title(keep) }] as [unknown, unknown] };
    // Every audit row is a version of its record (the trail's invariant): the merge is one more for both.
    await trx(entity.table).whereIn('id', [keepId, duplicateId]).update({ version: trx.raw('version + 1'), updated_at: trx.fn.now(), updated_by: ctx.actor.userId });
    await deps.audit(trx, ctx, entityName, keepId, changes);
    await deps.audit(trx, ctx, entityName, duplicateId, changes);
    return { record: await records.get(user, entityName, keepId), merged: duplicateId, moved, filled };
  });
}
