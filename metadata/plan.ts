// Migration planning: old physical schema + new physical schema → ordered steps. Pure.
// Renames come from stable identities; anything that could lose data (drop, narrowing) is a
// destructive step that the executor refuses unless explicitly allowed, and then archives first.
import { objectName, type ColumnType, type ForeignKey, type PhysicalColumn, type PhysicalExclusion, type PhysicalIndex, type PhysicalSchema, type PhysicalTable } from './physical.ts';

export type MigrationStep =
  | { readonly op: 'createTable'; readonly table: PhysicalTable }
  | { readonly op: 'renameTable'; readonly from: string; readonly to: string }
  | { readonly op: 'archiveTable'; readonly table: string }
  | { readonly op: 'addColumn'; readonly table: string; readonly column: PhysicalColumn; readonly checkConstraint: string }
  | { readonly op: 'renameColumn'; readonly table: string; readonly from: string; readonly to: string }
  | { readonly op: 'archiveColumn'; readonly table: string; readonly column: string }
  /** Old values no longer mean anything (a reference now points at another type): archived, then cleared — rows of a join table deleted, a required column refused while it holds values. */
  | { readonly op: 'clearColumn'; readonly table: string; readonly column: string; readonly mode: 'setNull' | 'deleteRows' | 'refuseIfAny'; readonly origin?: string }
  /** Narrowing: values that do not convert are archived and cleared; a required column takes `backfill` instead, else the step is refused. */
  | { readonly op: 'alterColumnType'; readonly table: string; readonly column: string; readonly from: ColumnType; readonly to: ColumnType; readonly change: 'widen' | 'narrow'; readonly notNull: boolean; readonly backfill?: unknown; readonly origin?: string }
  | { readonly op: 'setNotNull'; readonly table: string; readonly column: string; readonly backfill?: unknown; readonly origin?: string }
  | { readonly op: 'dropNotNull'; readonly table: string; readonly column: string }
  | { readonly op: 'renameValues'; readonly table: string; readonly column: string; readonly constraint: string; readonly renames: readonly { from: string; to: string }[] }
  /**
   * `fallback`: value for rows holding a removed value of a required column (state: the initial state; enum: the default); without one such rows refuse the step.
   * `unrestricted`: the column had no list before (a string became an enum), so any stored value outside `values` is archived and cleared too.
   */
  | { readonly op: 'setAllowedValues'; readonly table: string; readonly column: string; readonly constraint: string; readonly values: readonly string[] | null; readonly removed: readonly string[]; readonly unrestricted: boolean; readonly notNull: boolean; readonly fallback?: unknown; readonly origin?: string }
  | { readonly op: 'addForeignKey'; readonly table: string; readonly column: string; readonly constraint: string; readonly references: ForeignKey }
  | { readonly op: 'dropForeignKey'; readonly table: string; readonly constraint: string }
  /**
   * `afterApply`: an online index (PhysicalIndex.online) on a table that exists already. A server
   * builds it once the apply has committed, without holding off writes (`replaces`: the index of the
   * same name is built anew beside it, then the old one dropped); the embedded database, within the apply.
   */
  | { readonly op: 'createIndex'; readonly table: string; readonly index: PhysicalIndex; readonly afterApply?: { readonly replaces: boolean } }
  | { readonly op: 'dropIndex'; readonly name: string }
  /** An exclusion rule the database enforces; refused, naming them, while live records already collide. */
  | { readonly op: 'addExclusion'; readonly table: string; readonly exclusion: PhysicalExclusion }
  | { readonly op: 'dropExclusion'; readonly table: string; readonly name: string }
  /** Computed fields were added or their expressions changed: every record of the type is computed again (in the engine, by FEEL). */
  | { readonly op: 'recompute'; readonly entity: string }
  /** Rollup fields were added or their declarations changed: their values (and those of rollups chained on them) are rebuilt from the records they aggregate. */
  | { readonly op: 'rebuildRollups'; readonly entity: string };

/** The records a step touches, counted by the planner against the applied database (removed stages and states). */
export interface RecordsAffected {
  /** Records holding each removed value (deleted ones in the trash included: the step changes them too). */
  readonly byValue: Readonly<Record<string, number>>;
  readonly total: number;
  /** Where they go: moved to `to` (a required state field's initial state), cleared (an optional field), or the step is refused while any remain. */
  readonly outcome: 'moved' | 'cleared' | 'refused';
  readonly to?: string;
}

export interface PlannedStep {
  readonly step: MigrationStep;
  readonly records?: RecordsAffected;
  /** Could lose data: refused unless destructive changes are allowed; then archived before it runs. */
  readonly destructive: boolean;
  readonly description: string;
}

export interface MigrationPlan {
  readonly steps: readonly PlannedStep[];
  readonly destructive: boolean;
}


export function checkConstraintName(tableIdentity: string, columnIdentity: string): string {
  return objectName('ck', `${tableIdentity}/${columnIdentity}#check`);
}

export function foreignKeyName(tableIdentity: string, columnIdentity: string): string {
  return objectName('fk', `${tableIdentity}/${columnIdentity}#fk`);
}

export function describeType(type: ColumnType): string {
  switch (type.kind) {
    case 'varchar':
      return `varchar(${type.length})`;
    case 'numeric':
      return `numeric(${type.precision},${type.scale})`;
    default:
      return type.kind;
  }
}

/** How a column type change affects stored values. */
export function typeChange(from: ColumnType, to: ColumnType): 'same' | 'widen' | 'narrow' {
  if (describeType(from) === describeType(to)) return 'same';
  const integerDigits = (t: ColumnType): number | null =>
    t.kind === 'integer' ? 10 : t.kind === 'bigint' ? 19 : t.kind === 'numeric' ? t.precision - t.scale : null;
  const scale = (t: ColumnType): number => (t.kind === 'numeric' ? t.scale : 0);
  switch (from.kind) {
    case 'varchar':
      if (to.kind === 'text') return 'widen';
      if (to.kind === 'varchar') return to.length > from.length ? 'widen' : 'narrow';
      return 'narrow';
    case 'integer':
    case 'bigint':
    case 'numeric': {
      const a = integerDigits(from);
      const b = integerDigits(to);
      if (a !== null && b !== null && b >= a && scale(to) >= scale(from)) return 'widen';
      if (to.kind === 'text' || (to.kind === 'varchar' && to.length >= 40)) return 'widen';
      return 'narrow';
    }
    case 'date':
      return to.kind === 'timestamptz' || to.kind === 'text' ? 'widen' : 'narrow';
    case 'uuid':
    case 'boolean':
    case 'timestamptz':
      return to.kind === 'text' ? 'widen' : 'narrow';
    default:
      return 'narrow';
  }
}

const sameFk = (a?: ForeignKey, b?: ForeignKey): boolean =>
  a === b || (a !== undefined && b !== undefined && a.targetIdentity === b.targetIdentity && a.onDelete === b.onDelete);

/** An index's columns by identity: renaming a column keeps its indexes (PostgreSQL renames them along). */
const indexColumns = (table: PhysicalTable, index: PhysicalIndex): string =>
  index.columns.map((name) => table.columns.find((c) => c.name === name)?.identity ?? name).join(',');

const sameIndex = (a: PhysicalIndex, aTable: PhysicalTable, b: PhysicalIndex, bTable: PhysicalTable): boolean =>
  a.name === b.name &&
  a.unique === b.unique &&
  a.expression === b.expression &&
  a.method === b.method &&
  (a.liveOnly ?? false) === (b.liveOnly ?? false) &&
  indexColumns(aTable, a) === indexColumns(bTable, b) &&
  indexColumns(aTable, { ...a, columns: a.descending ?? [] }) === indexColumns(bTable, { ...b, columns: b.descending ?? [] }) &&
  // Another business language sorts text in another collation: the index no longer serves the lists.
  (a.sortText?.language ?? null) === (b.sortText?.language ?? null) &&
  indexColumns(aTable, { ...a, columns: a.sortText?.columns ?? [] }) === indexColumns(bTable, { ...b, columns: b.sortText?.columns ?? [] }) &&
  indexColumns(aTable, { ...a, columns: a.include ?? [] }) === indexColumns(bTable, { ...b, columns: b.include ?? [] });

/** An exclusion's definition by column identities: renaming a column keeps the constraint (its filter's text aside). */
const exclusionKey = (table: PhysicalTable, e: PhysicalExclusion): string => {
  const id = (name: string) => table.columns.find((c) => c.name === name)?.identity ?? name;
  return JSON.stringify([e.name, e.keys.map(id), e.link ?? null, e.rangeType, id(e.start), id(e.end), e.where]);
};

function diffExclusions(old: PhysicalTable | undefined, table: PhysicalTable, add: (bucket: PlannedStep[], step: MigrationStep, description: string) => void, drops: PlannedStep[], indexes: PlannedStep[]): void {
  const before = new Map((old?.exclusions ?? []).map((e) => [e.identity, e]));
  const now = new Set((table.exclusions ?? []).map((e) => e.identity));
  const describe = (e: PhysicalExclusion) => `add exclusion rule on ${table.name}: no two records with equal ${[...e.keys, ...(e.link ? [e.link] : [])].join(', ')} overlap in ${e.start}–${e.end}${e.link ? ' (checked by the engine)' : ''}`;
  for (const e of table.exclusions ?? []) {
    const was = before.get(e.identity);
    if (was && old && exclusionKey(old, was) === exclusionKey(table, e)) continue;
    if (was && old) add(drops, { op: 'dropExclusion', table: old.name, name: was.name }, `drop exclusion rule ${was.name} (redefined)`);
    add(indexes, { op: 'addExclusion', table: table.name, exclusion: e }, describe(e));
  }
  if (old) for (const was of old.exclusions ?? []) if (!now.has(was.identity)) add(drops, { op: 'dropExclusion', table: old.name, name: was.name }, `drop exclusion rule ${was.name}`);
}

/** What the analyst reads in the plan for an index built without holding off writes. */
function onlineIndexDescription(table: string, index: PhysicalIndex, replaces: boolean): string {
  const what = `${replaces ? `rebuild index ${index.name}` : 'create index'} on ${table}(${index.columns.join(', ')})${index.include?.length ? ` including ${index.include.join(', ')}` : ''}`;
  const old = replaces ? '; the old index serves until the new one is ready' : '';
  return `${what}: built after the apply commits, without holding off writes to ${table} (the embedded database builds it within the apply)${old}`;
}

const valuesOf = (c: PhysicalColumn): string[] | null => (c.allowedValues ? c.allowedValues.map((v) => v.value) : null);

/** Plans the migration from `from` (applied) to `to` (new). `from` is empty for a new database. */
export function planMigration(from: PhysicalSchema, to: PhysicalSchema): MigrationPlan {
  const buckets: PlannedStep[][] = Array.from({ length: 10 }, () => []);
  // Archives run right after the drops, so a new field or type may take the name of one it replaces.
  const [drops, archives, renames, creates, valueRenames, types, allowed, nullability, fks, indexes] = buckets as [
    PlannedStep[], PlannedStep[], PlannedStep[], PlannedStep[], PlannedStep[], PlannedStep[], PlannedStep[], PlannedStep[], PlannedStep[], PlannedStep[],
  ];
  const add = (bucket: PlannedStep[], step: MigrationStep, description: string, destructive = false) =>
    bucket.push({ step, description, destructive });

  const oldTables = new Map(from.tables.map((t) => [t.identity, t]));
  const newTables = new Map(to.tables.map((t) => [t.identity, t]));

  for (const table of to.tables) {
    const old = oldTables.get(table.identity);
    if (!old) {
      add(creates, { op: 'createTable', table }, `create table ${table.name}`);
      for (const column of table.columns) {
        if (column.references) {
          add(fks, { op: 'addForeignKey', table: table.name, column: column.name, constraint: foreignKeyName(table.identity, column.identity), references: column.references },
            `add foreign key ${table.name}.${column.name} → ${column.references.table}`);
        }
      }
      for (const index of table.indexes) add(indexes, { op: 'createIndex', table: table.name, index }, `create ${index.unique ? 'unique ' : ''}index on ${table.name}(${index.columns.join(', ') || 'search'})`);
      diffExclusions(undefined, table, add, drops, indexes);
      continue;
    }
    if (old.name !== table.name) add(renames, { op: 'renameTable', from: old.name, to: table.name }, `rename table ${old.name} → ${table.name}`);
    diffColumns(old, table, { drops, renames, creates, valueRenames, types, allowed, nullability, archives, fks, add });
    const oldIndexes = new Map(old.indexes.map((i) => [i.identity, i]));
    const newIndexIds = new Set(table.indexes.map((i) => i.identity));
    for (const index of table.indexes) {
      const was = oldIndexes.get(index.identity);
      if (was && sameIndex(was, old, index, table)) continue;
      if (index.online) {
        // The old index (same identity, so same name) serves until the new one is ready: no drop step before it.
        const replaces = was !== undefined;
        add(indexes, { op: 'createIndex', table: table.name, index, afterApply: { replaces } }, onlineIndexDescription(table.name, index, replaces));
        continue;
      }
      if (was) add(drops, { op: 'dropIndex', name: was.name }, `drop index ${was.name} (redefined)`);
      add(indexes, { op: 'createIndex', table: table.name, index }, `create ${index.unique ? 'unique ' : ''}index on ${table.name}(${index.columns.join(', ') || 'search'})`);
    }
    for (const was of old.indexes) if (!newIndexIds.has(was.identity)) add(drops, { op: 'dropIndex', name: was.name }, `drop index ${was.name}`);
    diffExclusions(old, table, add, drops, indexes);
  }
  for (const old of from.tables) {
    if (newTables.has(old.identity)) continue;
    for (const column of old.columns) {
      if (column.references) add(drops, { op: 'dropForeignKey', table: old.name, constraint: foreignKeyName(old.identity, column.identity) }, `drop foreign key ${old.name}.${column.name}`);
    }
    add(archives, { op: 'archiveTable', table: old.name }, `archive table ${old.name} (moved to the archive schema with its rows)`, true);
  }
  const recompute = new Set<string>();
  for (const table of to.tables) {
    const old = oldTables.get(table.identity);
    const before = new Map((old?.columns ?? []).map((c) => [c.identity, c.computed]));
    if (!old || !table.entity || !table.columns.some((c) => c.computed !== undefined && before.get(c.identity) !== c.computed)) continue;
    recompute.add(table.linesOf ?? table.entity);
  }
  const rollups = new Set<string>();
  for (const table of to.tables) {
    const old = oldTables.get(table.identity);
    const before = new Map((old?.columns ?? []).map((c) => [c.identity, c.rollup]));
    if (!old || !table.entity || !table.columns.some((c) => c.rollup !== undefined && before.get(c.identity) !== c.rollup)) continue;
    rollups.add(table.entity);
  }
  const steps = [
    ...buckets.flat(),
    ...[...recompute].map((entity): PlannedStep => ({ step: { op: 'recompute', entity }, description: `compute the computed fields of every ${entity}`, destructive: false })),
    ...[...rollups].sort().map((entity): PlannedStep => ({ step: { op: 'rebuildRollups', entity }, description: `compute the rollup fields of every ${entity}`, destructive: false })),
  ];
  return { steps, destructive: steps.some((s) => s.destructive) };
}

interface ColumnBuckets {
  drops: PlannedStep[];
  renames: PlannedStep[];
  creates: PlannedStep[];
  valueRenames: PlannedStep[];
  types: PlannedStep[];
  allowed: PlannedStep[];
  nullability: PlannedStep[];
  archives: PlannedStep[];
  fks: PlannedStep[];
  add: (bucket: PlannedStep[], step: MigrationStep, description: string, destructive?: boolean) => void;
}

function diffColumns(old: PhysicalTable, table: PhysicalTable, b: ColumnBuckets): void {
  const t = table.name;
  const oldColumns = new Map(old.columns.map((c) => [c.identity, c]));
  const newIds = new Set(table.columns.map((c) => c.identity));
  for (const column of table.columns) {
    const was = oldColumns.get(column.identity);
    const fkName = foreignKeyName(table.identity, column.identity);
    const ckName = checkConstraintName(table.identity, column.identity);
    if (!was) {
      b.add(b.creates, { op: 'addColumn', table: t, column, checkConstraint: ckName }, `add column ${t}.${column.name} ${describeType(column.type)}${column.notNull ? ' not null' : ''}`);
      if (column.references) b.add(b.fks, { op: 'addForeignKey', table: t, column: column.name, constraint: fkName, references: column.references }, `add foreign key ${t}.${column.name} → ${column.references.table}`);
      continue;
    }
    if (was.name !== column.name) b.add(b.renames, { op: 'renameColumn', table: t, from: was.name, to: column.name }, `rename column ${t}.${was.name} → ${column.name}`);
    const change = typeChange(was.type, column.type);
    if (change !== 'same') {
      const required = { notNull: column.notNull, ...(column.backfill !== undefined ? { backfill: column.backfill } : {}), ...(column.origin ? { origin: column.origin } : {}) };
      b.add(b.types, { op: 'alterColumnType', table: t, column: column.name, from: was.type, to: column.type, change, ...required },
        `${change} ${t}.${column.name}: ${describeType(was.type)} → ${describeType(column.type)}${change === 'narrow' ? ' (old values archived; values that do not convert are cleared)' : ''}`, change === 'narrow');
    }
    const renames = valueRenames(was, column);
    if (renames.length > 0) {
      b.add(b.valueRenames, { op: 'renameValues', table: t, column: column.name, constraint: ckName, renames }, `rename values of ${t}.${column.name}: ${renames.map((r) => `${r.from} → ${r.to}`).join(', ')}`);
    }
    const oldValues = valuesOf(was)?.map((v) => renames.find((r) => r.from === v)?.to ?? v) ?? null;
    const newValues = valuesOf(column);
    // A rename changes the allowed list too, though no value is removed (the rows were updated).
    if (renames.length > 0 || (oldValues ?? []).join('\u0000') !== (newValues ?? []).join('\u0000') || (oldValues === null) !== (newValues === null)) {
      const removed = oldValues && newValues ? oldValues.filter((v) => !newValues.includes(v)) : [];
      const unrestricted = oldValues === null && newValues !== null;
      const fallback = column.backfill !== undefined && newValues?.includes(String(column.backfill)) ? { fallback: column.backfill } : {};
      const description = removed.length > 0 ? `narrow allowed values of ${t}.${column.name}: remove ${removed.join(', ')}`
        : unrestricted ? `restrict ${t}.${column.name} to ${newValues.join(', ')} (other values archived and cleared)` : `set allowed values of ${t}.${column.name}`;
      b.add(b.allowed, { op: 'setAllowedValues', table: t, column: column.name, constraint: ckName, values: newValues, removed, unrestricted, notNull: column.notNull, ...fallback, ...(column.origin ? { origin: column.origin } : {}) },
        description, removed.length > 0 || unrestricted);
    }
    if (was.notNull && !column.notNull) b.add(b.nullability, { op: 'dropNotNull', table: t, column: column.name }, `make ${t}.${column.name} optional`);
    if (!was.notNull && column.notNull) {
      b.add(b.nullability, { op: 'setNotNull', table: t, column: column.name, ...(column.backfill !== undefined ? { backfill: column.backfill } : {}), ...(column.origin ? { origin: column.origin } : {}) },
        `make ${t}.${column.name} required${column.backfill !== undefined ? ` (empty values filled with ${JSON.stringify(column.backfill)})` : ''}`);
    }
    if (!sameFk(was.references, column.references)) {
      if (was.references) b.add(b.drops, { op: 'dropForeignKey', table: old.name, constraint: fkName }, `drop foreign key ${t}.${column.name}`);
      if (column.references) b.add(b.fks, { op: 'addForeignKey', table: t, column: column.name, constraint: fkName, references: column.references }, `add foreign key ${t}.${column.name} → ${column.references.table}`);
      // Pointing at another table invalidates stored ids; changing only onDelete does not.
      if (was.references && column.references && was.references.targetIdentity !== column.references.targetIdentity) {
        const mode = table.joinOf ? 'deleteRows' : column.notNull ? 'refuseIfAny' : 'setNull';
        const what = mode === 'deleteRows' ? 'old links archived and deleted' : mode === 'refuseIfAny' ? 'refused while records hold references' : 'old references archived and cleared';
        b.add(b.types, { op: 'clearColumn', table: t, column: column.name, mode, ...(column.origin ? { origin: column.origin } : {}) }, `retarget ${t}.${column.name} (${what})`, true);
      }
    }
  }
  for (const was of old.columns) {
    if (newIds.has(was.identity)) continue;
    if (was.references) b.add(b.drops, { op: 'dropForeignKey', table: old.name, constraint: foreignKeyName(old.identity, was.identity) }, `drop foreign key ${t}.${was.name}`);
    // Archives run before renames: the table still has its old name.
    b.add(b.archives, { op: 'archiveColumn', table: old.name, column: was.name }, `archive column ${old.name}.${was.name} (values kept in the archive)`, true);
  }
}

function valueRenames(was: PhysicalColumn, column: PhysicalColumn): { from: string; to: string }[] {
  if (!was.allowedValues || !column.allowedValues) return [];
  const renames: { from: string; to: string }[] = [];
  for (const value of column.allowedValues) {
    if (!value.id) continue;
    const old = was.allowedValues.find((v) => v.id === value.id);
    if (old && old.value !== value.value) renames.push({ from: old.value, to: value.value });
  }
  return renames;
}
