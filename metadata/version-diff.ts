// What changed between two metadata packages, as an analyst reads it (pure, browser-safe): entity
// types and other items added, removed or renamed; fields added, renamed (same id, new name),
// removed or changed; enum values; stages, states and transitions; roles' rights; any other
// property (views, reports, triggers, numbering…). Items are matched by their stable ids, never by
// file path or name, so a rename reads as a rename. The changes are grouped by the entity type they
// are about; the words are in version-diff-words.ts.
import { ACTIVITY_ENTITY } from './activity.ts';
import { canonicalJson } from './canonical-json.ts';

export const CHANGE_OPS = [
  'itemAdded',
  'itemRemoved',
  'itemRenamed',
  'propertyChanged',
  'fieldAdded',
  'fieldRemoved',
  'fieldRenamed',
  'fieldChanged',
  'valueAdded',
  'valueRemoved',
  'stateAdded',
  'stateRemoved',
  'stateRenamed',
  'stateChanged',
  'transitionAdded',
  'transitionRemoved',
  'transitionChanged',
  'rightChanged',
  'fieldRightChanged',
] as const;
export type ChangeOp = (typeof CHANGE_OPS)[number];

/** One change. `part` is the field, value, state, transition or (for rights) role it is about. */
export interface VersionChange {
  readonly op: ChangeOp;
  /** The item's kind (`entity`, `role`, `pipeline`…). */
  readonly item: string;
  /** The item's name (a renamed item: its new name). */
  readonly name: string;
  readonly part?: string;
  readonly property?: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

/** The changes about one entity type (`entity` null: the package as a whole: manifest, dashboards, roles' own flags). */
export interface DiffGroup {
  readonly entity: string | null;
  readonly changes: readonly VersionChange[];
}

export interface PackageDiff {
  readonly groups: readonly DiffGroup[];
  readonly count: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

/** Keys diffed part by part; every other key of an item is compared whole. */
const PARTS = new Set(['id', 'kind', 'name', 'fields', 'states', 'stages', 'transitions', 'permissions']);
const RIGHTS = ['read', 'create', 'update', 'delete', 'export'] as const;

/** The items of a package by kind and id (the manifest by its kind alone). */
function itemsOf(files: Readonly<Record<string, unknown>>): Map<string, Obj> {
  const items = new Map<string, Obj>();
  for (const [path, item] of Object.entries(files)) {
    if (!isObj(item)) continue;
    items.set(`${str(item.kind)}:${str(item.id) || path}`, item);
  }
  return items;
}

/** The entity type an item is about, where it is about one. */
function entityOf(item: Obj): string | null {
  if (item.kind === 'entity') return str(item.name) || null;
  if (item.kind === 'activityKind') return ACTIVITY_ENTITY;
  return str(item.entity) || null;
}

/** Two lists matched by `key`: what only one has, and the pairs both have (in the new order). */
function match(before: Obj[], after: Obj[], key: (o: Obj) => string): { added: Obj[]; removed: Obj[]; kept: [Obj, Obj][] } {
  const old = new Map(before.map((o) => [key(o), o]));
  const keys = new Set(after.map(key));
  return {
    added: after.filter((o) => !old.has(key(o))),
    removed: before.filter((o) => !keys.has(key(o))),
    kept: after.flatMap((o) => (old.has(key(o)) ? [[old.get(key(o))!, o] as [Obj, Obj]] : [])),
  };
}

const idOr = (fallback: (o: Obj) => string) => (o: Obj) => str(o.id) || fallback(o);

/** The keys whose values differ, in a stable order. */
function changedKeys(a: Obj, b: Obj, skip: ReadonlySet<string>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !skip.has(k) && !same(a[k], b[k])).sort();
}

type Emit = (change: Omit<VersionChange, 'item' | 'name'>) => void;

function diffFields(before: Obj, after: Obj, emit: Emit): void {
  const { added, removed, kept } = match(list(before.fields), list(after.fields), idOr((f) => str(f.name)));
  for (const f of added) emit({ op: 'fieldAdded', part: str(f.name), after: f.type });
  for (const f of removed) emit({ op: 'fieldRemoved', part: str(f.name), before: f.type });
  for (const [a, b] of kept) {
    const field = str(b.name);
    if (a.name !== b.name) emit({ op: 'fieldRenamed', part: field, before: a.name, after: b.name });
    const values = match(list(a.values), list(b.values), idOr((v) => str(v.value)));
    for (const v of values.added) emit({ op: 'valueAdded', part: field, after: v.label ?? v.value });
    for (const v of values.removed) emit({ op: 'valueRemoved', part: field, before: v.label ?? v.value });
    for (const [va, vb] of values.kept) if (!same(va, vb)) emit({ op: 'fieldChanged', part: field, property: `values/${str(vb.value)}`, before: va, after: vb });
    for (const key of changedKeys(a, b, new Set(['id', 'name', 'values']))) emit({ op: 'fieldChanged', part: field, property: key, before: a[key], after: b[key] });
  }
}

const transitionKey = (t: Obj) => `${(Array.isArray(t.from) ? t.from : [t.from]).map(String).join(', ')} → ${str(t.to)}`;

function diffMachine(before: Obj, after: Obj, emit: Emit): void {
  for (const key of ['stages', 'states'] as const) {
    const { added, removed, kept } = match(list(before[key]), list(after[key]), idOr((s) => str(s.name)));
    for (const s of added) emit({ op: 'stateAdded', part: str(s.name), after: s.label });
    for (const s of removed) emit({ op: 'stateRemoved', part: str(s.name), before: s.label });
    for (const [a, b] of kept) {
      if (a.name !== b.name) emit({ op: 'stateRenamed', part: str(b.name), before: a.name, after: b.name });
      for (const k of changedKeys(a, b, new Set(['id', 'name']))) emit({ op: 'stateChanged', part: str(b.name), property: k, before: a[k], after: b[k] });
    }
  }
  const { added, removed, kept } = match(list(before.transitions), list(after.transitions), idOr(transitionKey));
  for (const t of added) emit({ op: 'transitionAdded', part: transitionKey(t) });
  for (const t of removed) emit({ op: 'transitionRemoved', part: transitionKey(t) });
  for (const [a, b] of kept) for (const k of changedKeys(a, b, new Set(['id']))) emit({ op: 'transitionChanged', part: transitionKey(b), property: k, before: a[k], after: b[k] });
}

/** A role's rights per entity type: each right and each field right that differs, filed under the entity type. */
function diffRights(role: string, before: Obj, after: Obj, emitTo: (entity: string | null, change: VersionChange) => void): void {
  const byEntity = (r: Obj) => new Map(list(r.permissions).map((p) => [str(p.entity), p]));
  const a = byEntity(before);
  const b = byEntity(after);
  for (const entity of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const pa = a.get(entity) ?? {};
    const pb = b.get(entity) ?? {};
    const group = entity === '*' ? null : entity;
    for (const right of RIGHTS) {
      if (!same(pa[right], pb[right])) emitTo(group, { op: 'rightChanged', item: 'role', name: role, part: entity, property: right, before: pa[right], after: pb[right] });
    }
    const fa = isObj(pa.fields) ? pa.fields : {};
    const fb = isObj(pb.fields) ? pb.fields : {};
    for (const field of changedKeys(fa, fb, new Set())) emitTo(group, { op: 'fieldRightChanged', item: 'role', name: role, part: entity, property: field, before: fa[field], after: fb[field] });
    for (const key of changedKeys(pa, pb, new Set(['entity', 'fields', ...RIGHTS]))) {
      emitTo(group, { op: 'rightChanged', item: 'role', name: role, part: entity, property: key, before: pa[key], after: pb[key] });
    }
  }
}

/** The human-readable difference from `before` to `after` (either may be empty: a first version). */
export function diffPackages(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): PackageDiff {
  const groups = new Map<string | null, VersionChange[]>();
  const emitTo = (entity: string | null, change: VersionChange) => {
    const changes = groups.get(entity) ?? [];
    changes.push(change);
    groups.set(entity, changes);
  };
  const { added, removed, kept } = match([...itemsOf(before).values()], [...itemsOf(after).values()], (o) => `${str(o.kind)}:${str(o.id)}`);
  const nameOf = (o: Obj) => str(o.name) || str(o.kind);
  for (const item of added) emitTo(entityOf(item), { op: 'itemAdded', item: str(item.kind), name: nameOf(item), after: item.label });
  for (const item of removed) emitTo(entityOf(item), { op: 'itemRemoved', item: str(item.kind), name: nameOf(item), before: item.label });
  for (const [a, b] of kept) {
    if (same(a, b)) continue;
    const kind = str(b.kind);
    const name = nameOf(b);
    const group = entityOf(b);
    const emit: Emit = (change) => emitTo(group, { item: kind, name, ...change });
    if (a.name !== b.name) emit({ op: 'itemRenamed', before: a.name, after: b.name });
    for (const key of changedKeys(a, b, PARTS)) emit({ op: 'propertyChanged', property: key, before: a[key], after: b[key] });
    diffFields(a, b, emit);
    diffMachine(a, b, emit);
    if (kind === 'role') diffRights(name, a, b, emitTo);
  }
  const ordered = [...groups].sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)));
  return { groups: ordered.map(([entity, changes]) => ({ entity, changes })), count: ordered.reduce((n, [, changes]) => n + changes.length, 0) };
}
