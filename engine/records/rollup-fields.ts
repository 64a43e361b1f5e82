// Rollup fields in the write path (metadata/rollup.ts): every change of a record that rollups
// aggregate recomputes the rollups of the parents it touches (before and after the change) in the
// write transaction, from the children themselves: exact whatever the change (insert, move between
// parents, a filter starting or stopping to match, delete, restore). Concurrency: the parent rows
// are locked (FOR NO KEY UPDATE, which a child insert's foreign-key check does not wait for) before
// the aggregate is read in a statement of its own, so under READ COMMITTED a transaction that waited
// for the lock sees the children the other one committed: two children added at once both count.
// Chained rollups (a rollup over a rollup) follow, up the chain, in the same transaction.
import type { Knex } from 'knex';
import { bindFilter, computeRecord, CURRENCY_SUFFIX, feelNames, isComputed, rollupOrder, rollupsFrom, rollupTargets, type EntityModel, type Field, type Model, type RollupChange, type RollupTarget } from '../../metadata/index.ts';
import { computedFieldValues } from './computed-fields.ts';
import { applyFilter } from './list.ts';
import { recordToColumns, rowToRecord, type ApiRecord, type Row } from './values.ts';

/** Rollup filters name no user: they are the same for everyone. */
const NOBODY = { userId: null, teamIds: [] } as const;
/** Chained rollups followed at most this deep (validation refuses cycles; this only bounds the work). */
const MAX_CHAIN = 16;

/** The values of a new record's rollup fields: nothing references it yet, so sums and counts are 0. */
export function rollupInitialValues(entity: EntityModel): ApiRecord {
  const values: ApiRecord = {};
  for (const field of entity.fields) {
    const spec = field.rollup;
    if (!spec || spec.aggregate === 'min' || spec.aggregate === 'max') continue;
    values[field.name] = field.type === 'money' ? { amount: 0, currency: field.currency } : 0;
  }
  return values;
}

/** The correlated subquery giving one rollup field's value for a row of the parent's table. */
function aggregateOf(trx: Knex.Transaction, model: Model, parent: EntityModel, field: Field): Knex.Raw {
  const spec = field.rollup!;
  const child = model.entities.get(spec.from)!;
  const table = child.table;
  const sub = trx(table).whereRaw('??.?? = ??.id', [table, spec.via, parent.table]).whereNull(`${table}.deleted_at`);
  const ref = rollupsFrom(model).get(spec.from)?.find((r) => r.parent === parent.name && r.field.name === field.name);
  if (ref?.filter) sub.where((b) => applyFilter(b, child, bindFilter(ref.filter!, NOBODY)));
  const column = `${table}.${spec.field ?? 'id'}`;
  if (field.type === 'money') sub.where(`${table}.${spec.field!}${CURRENCY_SUFFIX}`, field.currency!);
  switch (spec.aggregate) {
    case 'count':
      sub.select(trx.raw('count(*)'));
      break;
    case 'sum':
      sub.select(trx.raw('coalesce(sum(??), 0)', [column]));
      break;
    case 'min':
      sub.select(trx.raw('min(??)', [column]));
      break;
    case 'max':
      sub.select(trx.raw('max(??)', [column]));
      break;
  }
  return trx.raw('(?)', [sub]);
}

function setOf(trx: Knex.Transaction, model: Model, parent: EntityModel, fields: readonly Field[]): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  for (const field of fields) {
    set[field.name] = aggregateOf(trx, model, parent, field);
    if (field.type === 'money') set[`${field.name}${CURRENCY_SUFFIX}`] = field.currency;
  }
  return set;
}

/**
 * Recomputes the rollup fields of some records of one parent type (locking them first), then the
 * rollups chained on those fields. Versions and update stamps stay: the record was not edited.
 */
async function applyTarget(trx: Knex.Transaction, model: Model, target: RollupTarget, depth: number): Promise<void> {
  const parent = model.entities.get(target.parent);
  if (!parent || target.ids.length === 0) return;
  const changed = target.fields.map((f) => f.name);
  const chained = depth < MAX_CHAIN ? (rollupsFrom(model).get(parent.name) ?? []).filter((r) => changed.some((n) => r.reads.has(n))) : [];
  const vias = [...new Set(chained.map((r) => r.spec.via))];
  await lockRows(trx, parent, target.ids);
  // The parents' own references come back with the update: where chained rollups go next.
  const rows = (await trx(parent.table).whereIn('id', [...target.ids]).update(setOf(trx, model, parent, target.fields)).returning(['id', ...vias])) as Record<string, unknown>[];
  const recomputed = await recomputeReaders(trx, model, parent, target.ids, changed);
  if (chained.length === 0 && recomputed.length === 0) return;
  const moved = [...changed, ...recomputed];
  const next = depth < MAX_CHAIN ? (rollupsFrom(model).get(parent.name) ?? []).filter((r) => moved.some((n) => r.reads.has(n))) : [];
  for (const t of rollupTargets(next, rows.map((row) => ({ before: null, after: row, changed: moved })))) await applyTarget(trx, model, t, depth + 1);
}

/** The computed fields of a type that read one of these rollup fields (metadata/rollup.ts allows it on types without lines). */
function rollupReaders(parent: EntityModel, rollups: readonly string[]): Field[] {
  return parent.fields.filter((f) => isComputed(f) && [...feelNames(f.computed!)].some((n) => rollups.includes(n)));
}

/**
 * A computed field over a rollup (a campaign's ROI from its realised revenue) is recomputed with the
 * rollup, in the same transaction; returns the names of the computed fields written.
 */
async function recomputeReaders(trx: Knex.Transaction, model: Model, parent: EntityModel, ids: readonly string[], rollups: readonly string[]): Promise<string[]> {
  const readers = rollupReaders(parent, rollups);
  if (readers.length === 0) return [];
  const rows = (await trx(parent.table).whereIn('id', [...ids])) as Row[];
  for (const row of rows) {
    const computed = computeRecord(model, parent, rowToRecord(parent, row)) as ApiRecord;
    await trx(parent.table).where('id', row.id as string).update(recordToColumns(parent, computedFieldValues(parent, computed)));
  }
  return parent.fields.filter(isComputed).map((f) => f.name);
}

/**
 * Locks, before anything else of a write, the parents whose rollups the write will change through a
 * reference it writes. The reference check holds a referenced row FOR SHARE, which a parent's
 * update waits for: two writers each holding the parent FOR SHARE and each wanting to update it
 * would deadlock; holding it FOR NO KEY UPDATE first, the second waits for the first instead.
 */
export async function lockRollupParents(trx: Knex.Transaction, model: Model, entity: EntityModel, changes: readonly RollupChange[]): Promise<void> {
  const refs = rollupsFrom(model).get(entity.name);
  if (!refs || changes.length === 0) return;
  const targets = rollupTargets(refs, changes).sort((a, b) => (a.parent < b.parent ? -1 : a.parent > b.parent ? 1 : 0));
  for (const target of targets) await lockRows(trx, model.entities.get(target.parent)!, target.ids);
}

async function lockRows(trx: Knex.Transaction, parent: EntityModel, ids: readonly string[]): Promise<void> {
  await trx.raw('SELECT id FROM ?? WHERE id = ANY(?::uuid[]) ORDER BY id FOR NO KEY UPDATE', [parent.table, [...ids]]);
}

/** Do the lines of the entity feed rollups (so its own row may change when its lines are written)? */
export function linesFeedRollups(model: Model, entity: EntityModel): boolean {
  return entity.fields.some((f) => f.type === 'lines' && rollupsFrom(model).has(f.target));
}

/**
 * Keeps the rollups fed by `entity` exact after these changes of its records (in the write
 * transaction). A change's own rollup fields are left out of `changed`: whatever moved them has
 * already carried the change up the chain.
 */
export async function refreshRollups(trx: Knex.Transaction, model: Model, entity: EntityModel, changes: readonly RollupChange[]): Promise<void> {
  const refs = rollupsFrom(model).get(entity.name);
  if (!refs || changes.length === 0) return;
  const own = (change: RollupChange): RollupChange => (change.changed ? { ...change, changed: change.changed.filter((name) => entity.fieldsByName.get(name)?.rollup === undefined) } : change);
  for (const target of rollupTargets(refs, changes.map(own))) await applyTarget(trx, model, target, 0);
}

/**
 * Recomputes every rollup field of every record (deleted ones too) of the types holding rollups —
 * `only` those types and the types chained on them — children's before parents'. Returns the
 * types rebuilt, in order, with the number of their records.
 */
export async function rebuildRollups(trx: Knex.Transaction, model: Model, only?: ReadonlySet<string>): Promise<{ entity: string; records: number }[]> {
  const done: { entity: string; records: number }[] = [];
  for (const name of rollupOrder(model, only)) {
    const parent = model.entities.get(name)!;
    const fields = parent.fields.filter((f) => f.rollup !== undefined);
    const records = await trx(parent.table).update(setOf(trx, model, parent, fields));
    if (rollupReaders(parent, fields.map((f) => f.name)).length > 0) {
      const ids = ((await trx(parent.table).select('id')) as { id: string }[]).map((r) => r.id);
      for (let i = 0; i < ids.length; i += 1000) await recomputeReaders(trx, model, parent, ids.slice(i, i + 1000), fields.map((f) => f.name));
    }
    done.push({ entity: name, records });
  }
  return done;
}
