// Guards that read other records: a transition's `lookups` (metadata: Transition.lookups) are
// aggregates over related records, read in the write transaction before the guard is evaluated and
// given to its FEEL condition like fields (e.g. the contractor's credit limit and the value of its
// other won deals). Read in the same transaction as the change, after the record's row is locked.
import type { Knex } from 'knex';
import { conditionSql, feelConditionHolds, matchPath, matchTerms, parseCondition, quoteIdent as q, referenceId, transitionsBetween, type EntityModel, type Lookup, type Model } from '../../metadata/index.ts';

type Values = Readonly<Record<string, unknown>>;

/** The lookups of every transition a change may take (state fields that change), by name. Pure. */
export function lookupsOfChange(entity: EntityModel, previous: Values, next: Values): Map<string, Lookup> {
  const found = new Map<string, Lookup>();
  for (const [field, machine] of entity.machines) {
    const from = previous[field];
    const to = next[field];
    if (from === to || typeof to !== 'string') continue;
    const fromState = typeof from === 'string' ? from : machine.initial[0]!;
    for (const t of transitionsBetween(machine, fromState, to)) for (const [name, lookup] of Object.entries(t.lookups ?? {})) found.set(name, lookup);
  }
  return found;
}

const MATCH_SQL: Readonly<Record<string, string>> = { eq: '=', lt: '<', lte: '<=', gt: '>', gte: '>=' };

/**
 * SQL of one lookup's value over `from`'s live records whose `via` is `?` (and that are not `?`, the
 * record itself), then one `?` per `match` term (this record's value; an empty one of `from` matches).
 */
export function lookupSql(model: Model, lookup: Lookup): string {
  const from = model.entities.get(lookup.from)!;
  const column = lookup.field === undefined ? '' : `f.${q(lookup.field)}`;
  const value = lookup.aggregate === 'count' ? 'count(*)' : lookup.aggregate === 'sum' ? `coalesce(sum(${column}), 0)` : `${lookup.aggregate}(${column})`;
  const filter = lookup.where === undefined ? null : parseCondition(from, lookup.where, '').filter;
  const via = lookup.via === undefined ? '' : ` AND f.${q(lookup.via)} = ?`;
  const match = matchTerms(lookup).map(([field, op]) => ` AND (f.${q(field)} IS NULL OR f.${q(field)} ${MATCH_SQL[op]} ?)`).join('');
  return `SELECT ${value} AS value FROM ${q(from.table)} f WHERE f.deleted_at IS NULL${via} AND f.id <> ?${match}${filter ? ` AND ${conditionSql(filter, 'f')}` : ''}`;
}

/** Does a field keep its value through a change (empty and missing alike)? */
export const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The id given to the lookups of a record not stored yet: no record has it, so none is left out. */
export const NO_RECORD = '00000000-0000-0000-0000-000000000000';

const asFeelValue = (value: unknown): unknown => {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (typeof value === 'bigint') return Number(value);
  return value;
};

/**
 * The values of the lookups a change's transitions declare, by name (empty when none): `id` is the
 * record's, `next` its values after the change.
 */
export async function readLookups(trx: Knex.Transaction, model: Model, entity: EntityModel, id: string, previous: Values, next: Values): Promise<Record<string, unknown>> {
  return readLookupValues(trx, model, lookupsOfChange(entity, previous, next), id, next);
}

/**
 * The values of some lookups (a transition's or a record guard's), by name. `id`: the record's (a
 * new record's is not stored yet: nothing references it). A lookup whose `on` is empty reads nothing
 * (null; 0 for sum and count).
 */
export async function readLookupValues(trx: Knex.Transaction, model: Model, lookups: ReadonlyMap<string, Lookup>, id: string, next: Values, at?: LookupOrigin): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  const own = async (field: string, name: string): Promise<Knex.Value> => {
    const path = matchPath(name);
    if (!path) return matchValue(field, next[name]);
    return matchValue(field, await pathValue(trx, model, next, path, at));
  };
  for (const [name, lookup] of lookups) {
    const on = lookup.on ?? 'id';
    const key = lookup.via === undefined ? undefined : on === 'id' ? id : referenceId(next[on]);
    if (key === null) {
      values[name] = lookup.aggregate === 'sum' || lookup.aggregate === 'count' ? 0 : null;
      continue;
    }
    const from = model.entities.get(lookup.from)!;
    const matched: Knex.Value[] = [];
    for (const [field, , name] of matchTerms(lookup)) matched.push(await own(from.fieldsByName.get(field)?.type ?? '', name));
    const result = (await trx.raw(lookupSql(model, lookup), [...(key === undefined ? [] : [key]), id, ...matched])) as { rows: { value: unknown }[] };
    values[name] = asFeelValue(result.rows[0]?.value);
  }
  return values;
}

/**
 * Where lookups are read for: the record's type (needed by `match` paths through its references) and,
 * for a line, its record as it is being written (a path through the reference back reads it, not
 * the stored row: the record may be new or changing in this very write).
 */
export interface LookupOrigin {
  readonly entity: EntityModel;
  readonly parent?: { readonly field: string; readonly values: Values };
}

/** The value a `match` path names: a field of the record being written, or of the stored record a reference names. */
async function pathValue(trx: Knex.Transaction, model: Model, next: Values, [ref, field]: [string, string], at: LookupOrigin | undefined): Promise<unknown> {
  if (at?.parent?.field === ref) return at.parent.values[field];
  const reference = at?.entity.fieldsByName.get(ref);
  const target = reference?.type === 'reference' ? model.entities.get(reference.target) : undefined;
  const id = referenceId(next[ref]);
  if (!target || !id) return null;
  const row = (await trx(target.table).where({ id }).whereNull('deleted_at').first(field)) as Record<string, unknown> | undefined;
  return asFeelValue(row?.[field]);
}

/** This record's value compared by a `match` term: a reference's id, a money's amount; null matches only empty fields. */
function matchValue(type: string | undefined, value: unknown): Knex.Value {
  if (value === undefined || value === null) return null;
  if (type === 'reference') return referenceId(value);
  if (typeof value === 'object' && 'amount' in value) return (value as { amount: Knex.Value }).amount;
  return value as Knex.Value;
}

/** Does a guard hold: FEEL over the record after the change, its lookups, and `previous` (the values before; null for a new record)? */
export function guardHolds(guard: string, next: Values, previous: Values | null, lookups: Values): boolean {
  return feelConditionHolds(guard, { ...lookups, ...next, previous });
}
