// The physical schema a model implies: tables, typed columns, checks, foreign keys and indexes.
// Pure. Every object carries a stable identity (derived from metadata ids, never from names), so the
// planner can tell a rename from a drop and a create.
import { createHash } from 'node:crypto';
import { atPlatformLevel, PLATFORM_LEVEL } from './activity.ts';
import { canonicalJson } from './canonical-json.ts';
import { exclusionShapes } from './exclusions.ts';
import { queryField } from './filter.ts';
import { platformTarget, USER_TARGET, type EntityModel, type Model } from './model.ts';
import { reportIndexFields } from './report-indexes.ts';
import type { Field } from './schema/types.generated.ts';
import { CURRENCY_SUFFIX, fieldTypeOf, LINE_POSITION_COLUMN } from './field-types/index.ts';

export type ColumnType =
  | { readonly kind: 'uuid' }
  | { readonly kind: 'varchar'; readonly length: number }
  | { readonly kind: 'text' }
  | { readonly kind: 'integer' }
  | { readonly kind: 'bigint' }
  | { readonly kind: 'numeric'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'date' }
  | { readonly kind: 'timestamptz' }
  | { readonly kind: 'jsonb' };

export type OnDelete = 'restrict' | 'cascade' | 'setNull';

export interface ForeignKey {
  readonly schema: string;
  readonly table: string;
  readonly onDelete: OnDelete;
  /** Identity of the referenced table (entity id, or a platform table's: 'platform.users', 'platform.teams'). */
  readonly targetIdentity: string;
}

export interface PhysicalColumn {
  readonly identity: string;
  readonly name: string;
  readonly type: ColumnType;
  readonly notNull: boolean;
  /** SQL default expression (system columns only; field defaults are applied by the engine). */
  readonly defaultSql?: string;
  /** Allowed values (enum, state). The value ids let renames become data updates. */
  readonly allowedValues?: readonly { readonly id?: string; readonly value: string }[];
  readonly references?: ForeignKey;
  /** Value used to fill existing rows when the column becomes NOT NULL. */
  readonly backfill?: unknown;
  /** Pointer to the field in the package, for errors ("entities/deal.json#/fields/3"). */
  readonly origin?: string;
  /** A computed field's FEEL expression: a new or changed one has the planner recompute the table's rows. */
  readonly computed?: string;
  /** A rollup field's declaration (as JSON): a new or changed one has the planner rebuild the rollups of the table's rows. */
  readonly rollup?: string;
}

export interface PhysicalIndex {
  readonly identity: string;
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  /** Expression index (text search) instead of plain columns. */
  readonly expression?: string;
  readonly method?: 'btree' | 'gin';
  /** Unique among live rows only (`WHERE deleted_at IS NULL`): soft-deleted records keep their values. */
  readonly liveOnly?: boolean;
  /** Columns stored in descending order (an index serving a sort with mixed directions). */
  readonly descending?: readonly string[];
  /**
   * Text columns stored in the order lists sort text in for this business language (schema-sync
   * resolves it to the database's collation the way the records service does): an index only hands
   * out rows in the order of an ORDER BY … COLLATE x when its column has that collation.
   */
  readonly sortText?: { readonly language: string; readonly columns: readonly string[] };
  /** Columns stored in the index but not keyed (INCLUDE): a query reading only them needs no table row. */
  readonly include?: readonly string[];
  /**
   * Built without holding off writes to the table: on a PostgreSQL server with CREATE INDEX
   * CONCURRENTLY once the apply has committed (engine/schema-sync/online-indexes.ts). An indexed
   * report's index, on a table that may hold millions of rows by the time the report asks for it.
   */
  readonly online?: boolean;
}

/**
 * An exclusion rule (metadata/exclusions.ts): the database enforces it with EXCLUDE USING gist over
 * the key columns (=) and the period (&&), among live rows matching `where`, unless a key is a
 * many-to-many field (`link`); adding one is refused while records collide either way.
 */
export interface PhysicalExclusion {
  readonly identity: string;
  readonly name: string;
  /** Key columns compared with `=`. */
  readonly keys: readonly string[];
  /** The join table of a many-to-many key (records collide when they share a `target`): no constraint can hold it, the engine's check alone does. */
  readonly link?: string;
  readonly rangeType: 'tstzrange' | 'daterange';
  readonly start: string;
  readonly end: string;
  /** The rule's filter as SQL over the table's unqualified columns ('TRUE' without one). */
  readonly where: string;
  /** Column naming the records in a refusal (the display field). */
  readonly display: string;
  readonly origin?: string;
}

export interface PhysicalTable {
  readonly identity: string;
  readonly name: string;
  readonly columns: readonly PhysicalColumn[];
  readonly indexes: readonly PhysicalIndex[];
  /** Join table of a many-to-many field. */
  readonly joinOf?: { readonly entity: string; readonly field: string };
  /** The entity type whose rows the table holds (entity tables only): recomputing its computed fields names it. */
  readonly entity?: string;
  /** A line type's table: the entity type owning its lines (recomputing a line's fields recomputes its record). */
  readonly linesOf?: string;
  /** Exclusion rules the database enforces; absent when none. */
  readonly exclusions?: readonly PhysicalExclusion[];
}

export interface PhysicalSchema {
  readonly tables: readonly PhysicalTable[];
}

export const RECORD_SCHEMA = 'public';
export const PLATFORM_SCHEMA = 'tessera';
export const USERS_TABLE = 'users';

/** Columns every entity table has; they may not be declared as fields. */
export const SYSTEM_COLUMNS = [
  'id',
  'version',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'deleted_at',
  'deleted_by',
  'owner',
] as const;

/** A foreign key to a platform table (users, teams) that reference fields may target. */
function platformFk(target: string, onDelete: OnDelete): ForeignKey | undefined {
  const platform = platformTarget(target);
  return platform && { schema: PLATFORM_SCHEMA, table: platform.table, onDelete, targetIdentity: platform.identity };
}

const userFk: ForeignKey = platformFk(USER_TARGET, 'setNull')!;

function systemColumns(): PhysicalColumn[] {
  const ts = { kind: 'timestamptz' } as const;
  return [
    { identity: 'sys.id', name: 'id', type: { kind: 'uuid' }, notNull: true, defaultSql: 'gen_random_uuid()' },
    { identity: 'sys.version', name: 'version', type: { kind: 'integer' }, notNull: true, defaultSql: '1' },
    { identity: 'sys.created_at', name: 'created_at', type: ts, notNull: true, defaultSql: 'now()' },
    { identity: 'sys.created_by', name: 'created_by', type: { kind: 'uuid' }, notNull: false, references: userFk },
    { identity: 'sys.updated_at', name: 'updated_at', type: ts, notNull: true, defaultSql: 'now()' },
    { identity: 'sys.updated_by', name: 'updated_by', type: { kind: 'uuid' }, notNull: false, references: userFk },
    { identity: 'sys.deleted_at', name: 'deleted_at', type: ts, notNull: false },
    { identity: 'sys.deleted_by', name: 'deleted_by', type: { kind: 'uuid' }, notNull: false, references: userFk },
    { identity: 'sys.owner', name: 'owner', type: { kind: 'uuid' }, notNull: false, references: userFk },
  ];
}

/** Column type of a field that is stored in its own column (not many-to-many). */
export function fieldColumnType(field: Field): ColumnType {
  const type = fieldTypeOf(field).columnType(field);
  if (!type) throw new Error('many-to-many fields live in a join table');
  return type;
}

export { CURRENCY_SUFFIX };

/**
 * Name of an index or constraint: a kind prefix and a hash of the object's identity. Derived from
 * identities only, names survive renames of tables and columns and stay within PostgreSQL's 63 bytes.
 */
export function objectName(prefix: 'ix' | 'uq' | 'ck' | 'fk' | 'ts' | 'ex', identity: string): string {
  return `${prefix}_${createHash('sha1').update(identity).digest('hex').slice(0, 16)}`;
}

export function joinTableName(entity: string, field: string): string {
  return `${entity}__${field}`;
}

function fkFor(model: Model, target: string, onDelete: OnDelete): ForeignKey {
  const platform = platformFk(target, onDelete);
  if (platform) return platform;
  const entity = model.entities.get(target);
  if (!entity) throw new Error(`unknown reference target ${target}`);
  return { schema: RECORD_SCHEMA, table: entity.table, onDelete, targetIdentity: entity.id };
}

const filesKey: ForeignKey = { schema: PLATFORM_SCHEMA, table: 'files', onDelete: 'restrict', targetIdentity: 'platform.files' };

function fieldColumns(model: Model, entity: EntityModel, field: Field, origin: string): PhysicalColumn[] {
  const fieldType = fieldTypeOf(field);
  const columnType = fieldType.columnType(field);
  if (!columnType) return [];
  const machine = field.type === 'state' ? entity.machines.get(field.name) : undefined;
  const required = field.required === true || field.type === 'state';
  const kindSpecific = entity.kindFields !== undefined && ![...entity.kindFields.values()].every((s) => !s.has(field.name));
  // A kind-specific activity field cannot be NOT NULL: rows of the other kinds leave it empty.
  const notNull = required && !kindSpecific;
  const backfill = field.type === 'state' ? machine?.initial[0] : field.default;
  const base = {
    identity: `field.${field.id}`,
    name: field.name,
    type: columnType,
    notNull,
    origin,
    ...(backfill !== undefined && typeof backfill !== 'object' ? { backfill } : {}),
    ...(field.computed !== undefined ? { computed: field.computed } : {}),
    ...(field.rollup !== undefined ? { rollup: canonicalJson(field.rollup) } : {}),
  };
  return fieldType.columns(field, { model, entity, base, foreignKey: (target, onDelete) => fkFor(model, target, onDelete), filesKey });
}

/** A sort key an index stores: its column, its direction, and whether it is text (sorted in the business language's order). */
export interface IndexSortKey {
  readonly column: string;
  readonly descending: boolean;
  readonly text: boolean;
}

/**
 * The columns of an index's `sort` (as a list's sort parameter spells it: "name", "-created_at"),
 * exactly as the records service orders a list sorted so (engine/records/list.ts parseSort and
 * collateText): the record id follows the last key in its direction unless the sort names it, and
 * text keys other than the id sort in the business language's collation. Names that are not
 * sortable are left out (validation reports them).
 */
export function indexSortKeys(entity: EntityModel, sort: readonly string[]): IndexSortKey[] {
  const keys: IndexSortKey[] = [];
  for (const part of sort) {
    const name = part.replace(/^-/, '');
    const type = queryField(entity, name)?.type;
    if (!type || type === 'json') continue;
    keys.push({ column: name, descending: part.startsWith('-'), text: type === 'text' && name !== 'id' });
  }
  if (!keys.some((k) => k.column === 'id')) keys.push({ column: 'id', descending: keys[keys.length - 1]?.descending ?? false, text: false });
  return keys;
}

function tableOf(model: Model, entity: EntityModel, platformLevel: number): PhysicalTable[] {
  const file = model.pkg.fileOf.get(entity.id) ?? `(platform)/${entity.name}`;
  const columns = systemColumns();
  const indexes: PhysicalIndex[] = [];
  const joins: PhysicalTable[] = [];
  // The platform's own fields and indexes as they were at that level.
  const present = (id: string) => !entity.platform || atPlatformLevel(id, platformLevel);
  // A declared index with a sort that leads with a column, over every row, serves what the column's
  // own index would (foreign key checks and cascades, filters): one index to write instead of two.
  const ledBy = new Set(entity.indexes.filter((x) => x.sort && !x.unique && !x.live && present(x.id)).map((x) => x.fields[0]));
  entity.fields.forEach((field, i) => {
    if (!present(field.id)) return;
    const origin = `${file}#/fields/${i}`;
    const cols = fieldColumns(model, entity, field, origin);
    columns.push(...cols);
    const first = cols[0];
    if (!first) {
      if (field.type === 'manyToMany') joins.push(joinTable(model, entity, field));
      return;
    }
    // Index names live in one namespace per schema: scope them by the entity (field ids are unique per entity only).
    const idBase = `${entity.id}/field.${field.id}`;
    if (field.unique) {
      indexes.push({ identity: `${idBase}#unique`, name: objectName('uq', `${idBase}#unique`), columns: [first.name], unique: true, liveOnly: true });
    } else if ((field.indexed || first.references || field.type === 'state') && !ledBy.has(first.name)) {
      // Foreign keys and state fields are always indexed: joins, cascades and boards filter on them.
      indexes.push({ identity: `${idBase}#index`, name: objectName('ix', `${idBase}#index`), columns: [first.name], unique: false });
    }
  });
  for (const index of entity.indexes) {
    if (!present(index.id)) continue;
    const cols = index.fields.map((name) => columns.find((c) => c.name === name)?.name ?? name);
    const identity = `${entity.id}/index.${index.id}`;
    const keys = index.sort ? indexSortKeys(entity, index.sort) : [];
    const descending = keys.filter((k) => k.descending).map((k) => k.column);
    const text = keys.filter((k) => k.text).map((k) => k.column);
    indexes.push({
      identity,
      name: objectName(index.unique ? 'uq' : 'ix', identity),
      columns: [...cols, ...keys.map((k) => k.column)],
      unique: index.unique ?? false,
      ...(index.unique || index.live ? { liveOnly: true } : {}),
      ...(descending.length ? { descending } : {}),
      ...(text.length ? { sortText: { language: model.pkg.manifest.defaultLanguage ?? 'en', columns: text } } : {}),
    });
  }
  for (const report of model.pkg.reports) {
    const fields = report.entity === entity.name ? reportIndexFields(report, entity) : null;
    if (!fields) continue;
    // A field's columns (money: the amount and its currency), or a system column by name.
    const columnsOf = (name: string) => {
      const field = entity.fieldsByName.get(name);
      const own = field ? columns.filter((c) => c.identity === `field.${field.id}` || c.identity.startsWith(`field.${field.id}#`)) : columns.filter((c) => c.name === name);
      return own.map((c) => c.name);
    };
    const key = columnsOf(fields.key);
    const include = [...new Set(fields.stored.flatMap(columnsOf))].filter((c) => !key.includes(c));
    const identity = `${entity.id}/report.${report.id}`;
    indexes.push({ identity, name: objectName('ix', identity), columns: key, unique: false, liveOnly: true, online: true, ...(include.length ? { include } : {}) });
  }
  if (entity.lineOf) {
    // A line's place among its record's lines; lines are read by record in this order.
    columns.push({ identity: 'sys.line_position', name: LINE_POSITION_COLUMN, type: { kind: 'integer' }, notNull: true, defaultSql: '0' });
    const identity = `${entity.id}#lines`;
    indexes.push({ identity, name: objectName('ix', identity), columns: [entity.lineOf.parentField, LINE_POSITION_COLUMN], unique: false });
  }
  indexes.push({ identity: `${entity.id}#created_at`, name: objectName('ix', `${entity.id}#created_at`), columns: ['created_at', 'id'], unique: false });
  if (entity.searchFields.length > 0) {
    const expression = searchExpression(entity.searchFields);
    indexes.push({ identity: `${entity.id}#search`, name: objectName('ts', `${entity.id}#search`), columns: [], unique: false, expression: `${expression} gin_trgm_ops`, method: 'gin' });
  }
  const exclusions = exclusionShapes(entity, entity.exclusions.filter((r) => present(r.id)))
    .map((shape): PhysicalExclusion => ({
      identity: shape.identity,
      name: shape.constraint,
      keys: shape.keys.flatMap((k) => ('column' in k ? [k.column] : [])),
      ...(shape.database ? {} : { link: shape.keys.flatMap((k) => ('join' in k ? [k.join] : []))[0]! }),
      rangeType: shape.rangeType,
      start: shape.start,
      end: shape.end,
      where: shape.where(''),
      display: shape.displayField,
      origin: `${file}#/exclusions/${entity.exclusions.indexOf(shape.rule)}`,
    }));
  return [{ identity: entity.id, name: entity.table, columns, indexes, entity: entity.name, ...(entity.lineOf ? { linesOf: entity.lineOf.parent } : {}), ...(exclusions.length ? { exclusions } : {}) }, ...joins];
}

function joinTable(model: Model, entity: EntityModel, field: Extract<Field, { type: 'manyToMany' }>): PhysicalTable {
  const identity = `join.${entity.id}.${field.id}`;
  const name = joinTableName(entity.table, field.name);
  const source: ForeignKey = { schema: RECORD_SCHEMA, table: entity.table, onDelete: 'cascade', targetIdentity: entity.id };
  const target = fkFor(model, field.target, 'cascade');
  return {
    identity,
    name,
    joinOf: { entity: entity.name, field: field.name },
    columns: [
      { identity: 'sys.id', name: 'id', type: { kind: 'uuid' }, notNull: true, defaultSql: 'gen_random_uuid()' },
      { identity: 'join.source', name: 'source', type: { kind: 'uuid' }, notNull: true, references: source },
      { identity: 'join.target', name: 'target', type: { kind: 'uuid' }, notNull: true, references: target },
      {
        identity: 'join.role',
        name: 'role',
        type: { kind: 'varchar', length: 48 },
        notNull: true,
        defaultSql: "''",
        ...(field.roles ? { allowedValues: [{ value: '' }, ...field.roles.map((r) => ({ ...(r.id ? { id: r.id } : {}), value: r.value }))] } : {}),
      },
      { identity: 'join.position', name: 'position', type: { kind: 'integer' }, notNull: true, defaultSql: '0' },
    ],
    indexes: [
      { identity: `${identity}#link`, name: objectName('uq', `${identity}#link`), columns: ['source', 'target', 'role'], unique: true },
      { identity: `${identity}#target`, name: objectName('ix', `${identity}#target`), columns: ['target'], unique: false },
    ],
  };
}

/**
 * SQL expression folding the searchable fields to lower case without Polish/Romanian diacritics;
 * `tessera.fold` is an IMMUTABLE SQL function created by the platform migrations, so the trigram
 * index over this expression serves `ILIKE` searches.
 */
export function searchExpression(fields: readonly string[]): string {
  const parts = fields.map((f) => `coalesce(${quoteIdent(f)}::text, '')`).join(` || ' ' || `);
  return `(${PLATFORM_SCHEMA}.fold(${parts}))`;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The physical schema of a model: one table per entity type plus join tables. `platformLevel`: the
 * platform's own fields and indexes as at that level (the schema a database applied then has).
 */
export function physicalSchema(model: Model, platformLevel: number = PLATFORM_LEVEL): PhysicalSchema {
  return { tables: [...model.entities.values()].flatMap((entity) => tableOf(model, entity, platformLevel)) };
}
