// Rollup fields in the write path (metadata/rollup.ts): every change of a record that rollups
// aggregate carries its difference to the rollups of the parents it touches (before and after the
// change) in the write transaction. Sums and counts take the change's delta — the record's
// contribution before the change taken away, its contribution after added — whatever the number of
// other records aggregated; which records contribute (deleted or not, the filter, the currency) is
// decided by the rollup's own SQL over the before and after values (jsonb_populate_record of the
// child's table), so it is the same test a rebuild makes. A min or max moves to a better value
// added, and is read again from the children only when the value taken away was the extreme; a
// filter over a many-to-many field (whose links a value pair does not hold) re-reads too.
// Concurrency: the parent rows are locked (FOR NO KEY UPDATE, which a child insert's foreign-key
// check does not wait for) before they are read, and the delta is applied relatively (x = x + d),
// so two children added at once both count. Chained rollups (a rollup over a rollup) follow, up the
// chain, with the parents' own before and after rows as the change.
import type { Knex } from 'knex';
import { bindFilter, computeRecord, CURRENCY_SUFFIX, feelNames, filterTerms, isComputed, rollupOrder, rollupsFrom, rollupTargets, type EntityModel, type Field, type Model, type RollupChange, type RollupRef } from '../../metadata/index.ts';
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

/** The columns of a child a rollup's SQL reads: those of the fields it reads, and deleted_at. */
function readColumns(child: EntityModel, ref: RollupRef): string[] {
  const columns = ['id', 'deleted_at'];
  for (const name of ref.reads) {
    columns.push(name);
    if (child.fieldsByName.get(name)?.type === 'money') columns.push(`${name}${CURRENCY_SUFFIX}`);
  }
  return columns;
}

/** One child value counted (sign 1) or taken away (sign -1) for a parent. */
interface Contribution {
  readonly sign: number;
  readonly parent: string;
  readonly value: string | number | null;
}

/**
 * The contributions of records of `from` (as rows: before a change, sign -1, after it, sign 1) to a
 * rollup: the rows the rollup counts (live, with a parent, matching its filter and currency) read by
 * SQL over the values given, not over the table. `grouped`: summed per parent (sum and count).
 */
async function contributions(trx: Knex.Transaction, model: Model, ref: RollupRef, docs: readonly { sign: number; row: Row }[], grouped: boolean): Promise<Contribution[]> {
  if (docs.length === 0) return [];
  const child = model.entities.get(ref.spec.from)!;
  const t = child.table;
  const columns = readColumns(child, ref);
  const json = JSON.stringify(docs.map((d) => ({ ...Object.fromEntries(columns.filter((c) => Object.hasOwn(d.row, c)).map((c) => [c, d.row[c]])), __sign: d.sign })));
  const sign = "(x.doc->>'__sign')::int";
  const value = ref.spec.aggregate === 'count' ? '1' : `coalesce(??.??, 0)`;
  const q = trx.from(trx.raw('jsonb_array_elements(?::jsonb) AS x(doc)', [json])).joinRaw('CROSS JOIN LATERAL jsonb_populate_record(NULL::??, x.doc) AS ??', [t, t]);
  if (grouped) q.select(trx.raw('??.?? AS parent', [t, ref.spec.via]), trx.raw(`sum(${sign} * ${value}) AS value`, ref.spec.aggregate === 'count' ? [] : [t, ref.spec.field!]), trx.raw('1 AS sign')).groupByRaw('1');
  else q.select(trx.raw('??.?? AS parent', [t, ref.spec.via]), trx.raw(`??.?? AS value`, [t, ref.spec.field!]), trx.raw(`${sign} AS sign`));
  q.whereNull(`${t}.deleted_at`).whereNotNull(`${t}.${ref.spec.via}`);
  if (ref.filter) q.where((b) => applyFilter(b, child, bindFilter(ref.filter!, NOBODY)));
  if (ref.field.type === 'money') q.where(`${t}.${ref.spec.field!}${CURRENCY_SUFFIX}`, ref.field.currency!);
  if (ref.spec.aggregate !== 'count' && !grouped) q.whereNotNull(`${t}.${ref.spec.field!}`);
  return (await q) as Contribution[];
}

/** A filter over a many-to-many field reads the links, which a before/after pair does not hold. */
const readsLinks = (ref: RollupRef): boolean => filterTerms(ref.filter).some((term) => term.kind === 'linked');

/**
 * The new values of one rollup field of some parents (column → value or SQL), given the changes of
 * its children; parents left out keep theirs. `current`: the parents' rows, locked.
 */
async function moveRollup(trx: Knex.Transaction, model: Model, parent: EntityModel, ref: RollupRef, changes: readonly RollupChange[], current: ReadonlyMap<string, Row>): Promise<Map<string, unknown>> {
  const moved = new Map<string, unknown>();
  const relevant = changes.filter((c) => !c.changed || c.changed.some((name) => ref.reads.has(name)));
  const docs = relevant.flatMap((c) => [...(c.before ? [{ sign: -1, row: c.before as Row }] : []), ...(c.after ? [{ sign: 1, row: c.after as Row }] : [])]);
  const column = ref.field.name;
  const reread = (id: string) => moved.set(id, aggregateOf(trx, model, parent, ref.field));
  if (readsLinks(ref)) {
    for (const target of rollupTargets([ref], relevant)) for (const id of target.ids) reread(id);
    return moved;
  }
  if (ref.spec.aggregate === 'sum' || ref.spec.aggregate === 'count') {
    for (const c of await contributions(trx, model, ref, docs, true)) {
      if (Number(c.value) !== 0 && current.has(c.parent)) moved.set(c.parent, trx.raw('coalesce(??, 0) + ?::numeric', [column, String(c.value)]));
    }
    return moved;
  }
  // min and max: a better value added replaces the extreme; the extreme taken away is read again.
  const better = ref.spec.aggregate === 'max' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  const byParent = Map.groupBy(await contributions(trx, model, ref, docs, false), (c) => c.parent);
  for (const [id, list] of byParent) {
    const row = current.get(id);
    if (!row) continue;
    const extreme = row[column] === null || row[column] === undefined ? null : Number(row[column]);
    if (list.some((c) => c.sign < 0 && (extreme === null || !better(extreme, Number(c.value))))) {
      reread(id);
      continue;
    }
    let best: string | number | null = row[column] as string | number | null;
    for (const c of list) if (c.sign > 0 && (best === null || better(Number(c.value), Number(best)))) best = c.value;
    if (best !== row[column]) moved.set(id, best);
  }
  return moved;
}

/**
 * Carries changes of records of `entity` to the rollups they feed, one parent type at a time
 * (locking the parents first), then up the chain with the parents' own change. Versions and update
 * stamps stay: the parents were not edited.
 */
async function carry(trx: Knex.Transaction, model: Model, entity: EntityModel, changes: readonly RollupChange[], depth: number): Promise<void> {
  const refs = rollupsFrom(model).get(entity.name);
  if (!refs || changes.length === 0 || depth > MAX_CHAIN) return;
  for (const target of rollupTargets(refs, changes)) {
    const parent = model.entities.get(target.parent);
    if (!parent || target.ids.length === 0) continue;
    const locked = await lockRows(trx, parent, target.ids);
    const current = new Map(locked.map((row) => [row.id as string, row]));
    const sets = new Map<string, Record<string, unknown>>();
    for (const ref of refs.filter((r) => r.parent === parent.name && target.fields.includes(r.field))) {
      for (const [id, value] of await moveRollup(trx, model, parent, ref, changes, current)) {
        const set = sets.get(id) ?? {};
        set[ref.field.name] = value;
        if (ref.field.type === 'money') set[`${ref.field.name}${CURRENCY_SUFFIX}`] = ref.field.currency;
        sets.set(id, set);
      }
    }
    if (sets.size === 0) continue;
    const ids = [...sets.keys()].sort();
    for (const id of ids) await trx(parent.table).where('id', id).update(sets.get(id)!);
    const changed = target.fields.map((f) => f.name);
    const recomputed = await recomputeReaders(trx, model, parent, ids, changed);
    if (!rollupsFrom(model).has(parent.name)) continue;
    const after = new Map(((await trx(parent.table).whereIn('id', ids)) as Row[]).map((row) => [row.id as string, row]));
    await carry(trx, model, parent, ids.map((id) => ({ before: current.get(id)!, after: after.get(id)!, changed: [...changed, ...recomputed] })), depth + 1);
  }
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

/** Locks parent rows (in id order, so two writers never wait for each other) and returns them. */
async function lockRows(trx: Knex.Transaction, parent: EntityModel, ids: readonly string[]): Promise<Row[]> {
  return ((await trx.raw('SELECT * FROM ?? WHERE id = ANY(?::uuid[]) ORDER BY id FOR NO KEY UPDATE', [parent.table, [...ids]])) as { rows: Row[] }).rows;
}

/** Do the lines of the entity feed rollups (so its own row may change when its lines are written)? */
export function linesFeedRollups(model: Model, entity: EntityModel): boolean {
  return entity.fields.some((f) => f.type === 'lines' && rollupsFrom(model).has(f.target));
}

/**
 * Keeps the rollups fed by `entity` exact after these changes of its records (in the write
 * transaction). `before` and `after` are table rows (column form): a deleted record's `before` is
 * the row as it was while live. A change's own rollup fields are left out of `changed`: whatever
 * moved them has already carried the change up the chain.
 */
export async function refreshRollups(trx: Knex.Transaction, model: Model, entity: EntityModel, changes: readonly RollupChange[]): Promise<void> {
  const refs = rollupsFrom(model).get(entity.name);
  if (!refs || changes.length === 0) return;
  // The after row keeps the before row's own rollup values: their move is carried already.
  const rollupColumns = entity.fields.filter((f) => f.rollup !== undefined).flatMap((f) => [f.name, `${f.name}${CURRENCY_SUFFIX}`]);
  const own = (change: RollupChange): RollupChange => {
    const after = change.before && change.after && rollupColumns.length > 0 ? { ...change.after, ...Object.fromEntries(rollupColumns.filter((c) => Object.hasOwn(change.before!, c)).map((c) => [c, change.before![c]])) } : change.after;
    return { ...change, after, ...(change.changed ? { changed: change.changed.filter((name) => entity.fieldsByName.get(name)?.rollup === undefined) } : {}) };
  };
  await carry(trx, model, entity, changes.map(own), 0);
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
