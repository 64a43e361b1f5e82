// Rollup fields: a field whose value is an aggregate (sum, count, min, max) over the records of
// another type that reference the record, optionally filtered. The engine keeps them exact in the
// transaction of every change of a contributing record (engine/records/rollup-fields.ts); this
// module holds what is pure: which rollups a type feeds, which parents a change touches, the order
// chained rollups are rebuilt in, and the checks of a package's rollup declarations.
import { feelNames, isComputed } from './computed.ts';
import type { MetadataErrorCode } from './errors.ts';
import { filterFields, filterTerms, parseFilter, type FilterExpr } from './filter.ts';
import type { EntityModel, Model } from './model.ts';
import type { Field, Rollup } from './schema/types.generated.ts';

/** Field types a rollup field may have. */
export const ROLLUP_FIELD_TYPES: ReadonlySet<Field['type']> = new Set(['integer', 'decimal', 'money']);

/** Field types of `from` each rollup type may aggregate with sum, min or max. */
const SOURCE_TYPES: Readonly<Record<string, ReadonlySet<Field['type']>>> = {
  integer: new Set(['integer']),
  decimal: new Set(['integer', 'decimal', 'percent']),
  money: new Set(['money']),
};

export const isRollup = (field: Field): boolean => field.rollup !== undefined;

/** One rollup field, seen from the type it aggregates. */
export interface RollupRef {
  /** The entity type holding the rollup field. */
  readonly parent: string;
  readonly field: Field;
  readonly spec: Rollup;
  /** The parsed filter (null: every record of `from` referencing the parent counts). */
  readonly filter: FilterExpr | null;
  /** Fields of `from` whose change can change the aggregate: `via`, `field` and the filter's. */
  readonly reads: ReadonlySet<string>;
}

const byChild = new WeakMap<Model, ReadonlyMap<string, readonly RollupRef[]>>();

/** The rollups each entity type feeds (by the name of the type aggregated). Valid models only. */
export function rollupsFrom(model: Model): ReadonlyMap<string, readonly RollupRef[]> {
  let map = byChild.get(model);
  if (map) return map;
  const result = new Map<string, RollupRef[]>();
  for (const entity of model.entities.values()) {
    for (const field of entity.fields) {
      const spec = field.rollup;
      if (!spec) continue;
      const from = model.entities.get(spec.from);
      if (!from) continue;
      const filter = spec.filter !== undefined ? parseFilter(from, spec.filter).filter : null;
      const reads = new Set([spec.via, ...(spec.field ? [spec.field] : []), ...filterFields(filter)]);
      const list = result.get(spec.from) ?? [];
      list.push({ parent: entity.name, field, spec, filter, reads });
      result.set(spec.from, list);
    }
  }
  map = result;
  byChild.set(model, map);
  return map;
}

/** A change of a record of a type that rollups aggregate: its values before and after (column or API form). */
export interface RollupChange {
  readonly before: Readonly<Record<string, unknown>> | null;
  readonly after: Readonly<Record<string, unknown>> | null;
  /** Fields the change touched; undefined for a create, delete or restore (everything counts). */
  readonly changed?: readonly string[];
}

/** The rollup fields of one parent type to recompute, and for which records. */
export interface RollupTarget {
  readonly parent: string;
  readonly fields: readonly Field[];
  readonly ids: readonly string[];
}

/** A reference value as an id: a string, or an included record's id. */
export function referenceId(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id;
  return null;
}

/**
 * The parents whose rollups a set of changes of one type may have changed: for every rollup the
 * type feeds, the parent before and after each change (a child moved between parents touches both),
 * skipping updates that touch none of the fields the rollup reads.
 */
export function rollupTargets(refs: readonly RollupRef[], changes: readonly RollupChange[]): RollupTarget[] {
  const byParent = new Map<string, { fields: Map<string, Field>; ids: Set<string> }>();
  for (const ref of refs) {
    for (const change of changes) {
      if (change.changed && !change.changed.some((name) => ref.reads.has(name))) continue;
      const ids = [referenceId(change.before?.[ref.spec.via]), referenceId(change.after?.[ref.spec.via])].filter((id): id is string => id !== null);
      if (ids.length === 0) continue;
      let target = byParent.get(ref.parent);
      if (!target) byParent.set(ref.parent, (target = { fields: new Map(), ids: new Set() }));
      target.fields.set(ref.field.name, ref.field);
      for (const id of ids) target.ids.add(id);
    }
  }
  return [...byParent].map(([parent, t]) => ({ parent, fields: [...t.fields.values()], ids: [...t.ids].sort() }));
}

/**
 * The entity types holding rollups, each after every type it aggregates that holds rollups too, so
 * a rebuild in this order sees the values chained rollups read. `only`: those types and the types
 * that aggregate them (directly or not).
 */
export function rollupOrder(model: Model, only?: ReadonlySet<string>): string[] {
  const feeds = rollupsFrom(model);
  const parents = new Set([...feeds.values()].flat().map((r) => r.parent));
  let wanted = parents;
  if (only) {
    wanted = new Set();
    const add = (name: string): void => {
      if (parents.has(name) && !wanted.has(name)) (wanted as Set<string>).add(name);
      for (const ref of feeds.get(name) ?? []) if (!wanted.has(ref.parent)) add(ref.parent);
    };
    for (const name of only) add(name);
  }
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const entity = model.entities.get(name);
    for (const field of entity?.fields ?? []) if (field.rollup && parents.has(field.rollup.from)) visit(field.rollup.from);
    if (wanted.has(name)) order.push(name);
  };
  for (const name of [...parents].sort()) visit(name);
  return order;
}

export interface RollupProblem {
  readonly code: MetadataErrorCode;
  /** The id of the entity type whose file holds the problem. */
  readonly entityId: string;
  /** JSON pointer into that file. */
  readonly pointer: string;
  readonly message: string;
}

const ptr = (...segments: readonly (string | number)[]): string => segments.map((s) => `/${String(s)}`).join('');

/** Problems of the rollup fields of a resolved model. */
export function rollupProblems(model: Model): RollupProblem[] {
  const problems: RollupProblem[] = [];
  for (const entity of model.entities.values()) {
    entity.fields.forEach((field, i) => {
      const spec = field.rollup;
      const report = (code: MetadataErrorCode, path: readonly (string | number)[], message: string) => problems.push({ code, entityId: entity.id, pointer: ptr('fields', i, ...path), message });
      if (!spec) {
        if (isComputed(field)) {
          // A rollup changes without its record being written: the write path recomputes the type's
          // computed fields from the stored row then, which cannot hold lines (they are rows of their own).
          const read = [...feelNames(field.computed!)].find((n) => entity.fieldsByName.get(n)?.rollup !== undefined);
          if (read && entity.fields.some((f) => f.type === 'lines')) report('META_FIELD_KIND', ['computed'], `a computed field of a type with lines cannot read the rollup field "${read}"`);
        }
        return;
      }
      if (!ROLLUP_FIELD_TYPES.has(field.type)) report('META_FIELD_KIND', ['rollup'], `a ${field.type} field cannot be a rollup (only ${[...ROLLUP_FIELD_TYPES].join(', ')})`);
      if (field.type === 'money' && !field.currency) report('META_FIELD_KIND', ['currency'], 'a rollup money field needs a fixed currency');
      if (field.required || field.default !== undefined || field.readOnly || field.computed !== undefined || field.unique) {
        report('META_FIELD_KIND', ['rollup'], 'a rollup field is given by its records: it takes no required, default, readOnly, unique or computed');
      }
      const from = model.entities.get(spec.from);
      if (!from) return void report('META_UNKNOWN_ENTITY', ['rollup', 'from'], `unknown entity type "${spec.from}"`);
      const via = from.fieldsByName.get(spec.via);
      if (!via) report('META_UNKNOWN_FIELD', ['rollup', 'via'], `"${from.name}" has no field "${spec.via}"`);
      else if (via.type !== 'reference' || via.target !== entity.name) report('META_FIELD_KIND', ['rollup', 'via'], `"${from.name}.${spec.via}" must be a reference to ${entity.name}`);
      if (spec.aggregate === 'count') {
        if (spec.field !== undefined) report('META_FIELD_KIND', ['rollup', 'field'], 'count takes no field');
        if (field.type === 'money') report('META_FIELD_KIND', ['rollup', 'aggregate'], 'a count is a number: use an integer field');
      } else if (spec.field === undefined) {
        report('META_FIELD_KIND', ['rollup', 'aggregate'], `${spec.aggregate} needs a field`);
      } else {
        const source = from.fieldsByName.get(spec.field);
        if (!source) report('META_UNKNOWN_FIELD', ['rollup', 'field'], `"${from.name}" has no field "${spec.field}"`);
        else if (!SOURCE_TYPES[field.type]?.has(source.type)) report('META_FIELD_KIND', ['rollup', 'field'], `a ${field.type} rollup cannot aggregate the ${source.type} field "${spec.field}"`);
      }
      if (spec.filter !== undefined) {
        const base = ptr('fields', i, 'rollup', 'filter');
        const parsed = parseFilter(from, spec.filter, base);
        for (const p of parsed.problems) problems.push({ code: 'META_FILTER', entityId: entity.id, pointer: p.pointer, message: p.message });
        if (filterTerms(parsed.filter).some((t) => t.kind === 'subject')) report('META_FILTER', ['rollup', 'filter'], 'a rollup filter cannot name the acting user ($me, $myTeams): a rollup is the same for everyone');
      }
    });
  }
  const cycle = rollupCycle(model);
  if (cycle.length > 0) {
    const entity = model.entities.get(cycle[0]!)!;
    const index = entity.fields.findIndex((f) => f.rollup?.from === cycle[1]);
    problems.push({ code: 'META_CYCLE', entityId: entity.id, pointer: ptr('fields', index, 'rollup', 'from'), message: `rollups aggregate one another in a cycle (${cycle.join(' ← ')})` });
  }
  return problems;
}

/** Entity types whose rollups aggregate one another in a circle (`a ← b ← a`); empty when none. */
function rollupCycle(model: Model): string[] {
  const edges = new Map<string, string[]>();
  for (const entity of model.entities.values()) {
    const from = entity.fields.flatMap((f) => (f.rollup && model.entities.has(f.rollup.from) ? [f.rollup.from] : []));
    if (from.length) edges.set(entity.name, from);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  let found: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const next of edges.get(name) ?? []) {
      if (found.length) break;
      if (state.get(next) === 'visiting') found = [...stack.slice(stack.indexOf(next)), next];
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of edges.keys()) if (!state.has(name) && found.length === 0) visit(name);
  return found;
}

/** Does the entity have rollup fields? */
export const hasRollups = (entity: EntityModel): boolean => entity.fields.some(isRollup);
