// Migration steps → SQL. Pure: the executor runs the actions in one transaction.
import {
  checkConstraintName,
  describeType,
  quoteIdent as q,
  RECORD_SCHEMA,
  type ColumnType,
  type MigrationStep,
  type PhysicalColumn,
  type PhysicalExclusion,
  type PhysicalIndex,
} from '../../metadata/index.ts';
import { sortCollation } from '../records/list.ts';

export type SqlAction =
  | { readonly kind: 'sql'; readonly sql: string; readonly bindings?: readonly unknown[] }
  /** Fails the migration when the query returns a row; `message` explains ({n}: the row's column n), `origin` points at the field. */
  | { readonly kind: 'assertNone'; readonly sql: string; readonly message: string; readonly origin?: string };

export interface SqlContext {
  readonly metaVersion: number;
  /** pg_trgm is available; without it search indexes are skipped. */
  readonly trigram: boolean;
  /** btree_gist is available; without it exclusion rules are enforced by the engine's check only. */
  readonly btreeGist?: boolean;
  /**
   * The collations sortCollation may pick that the database has (COLLATION_QUERY): text columns of
   * an index serving a sort are stored in the one lists sort in. Unknown: the database's default.
   */
  readonly collations?: ReadonlySet<string>;
}

const t = (name: string) => `${q(RECORD_SCHEMA)}.${q(name)}`;
const sql = (text: string, bindings?: readonly unknown[]): SqlAction => ({ kind: 'sql', sql: text, ...(bindings ? { bindings } : {}) });

export function columnTypeSql(type: ColumnType): string {
  return describeType(type);
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function checkSql(column: string, values: readonly string[]): string {
  return values.length === 0 ? 'false' : `${q(column)} IS NULL OR ${q(column)} IN (${values.map(literal).join(', ')})`;
}

function columnDefinition(column: PhysicalColumn): string {
  return [q(column.name), columnTypeSql(column.type), column.notNull ? 'NOT NULL' : '', column.defaultSql ? `DEFAULT ${column.defaultSql}` : ''].filter(Boolean).join(' ');
}

function archiveValues(ctx: SqlContext, table: string, column: string, where = ''): SqlAction {
  return sql(
    `INSERT INTO tessera.archived_values (meta_version, table_name, column_name, record_id, value)
     SELECT ?, ?, ?, id, to_jsonb(${q(column)}) FROM ${t(table)} WHERE ${q(column)} IS NOT NULL${where ? ` AND (${where})` : ''}`,
    [ctx.metaVersion, table, column],
  );
}

/** The new value of `value` (an SQL expression of type `from`) as type `to`. */
function conversion(value: string, from: ColumnType, to: ColumnType): string {
  switch (to.kind) {
    case 'varchar':
      return `left(${value}::text, ${to.length})`;
    case 'integer':
    case 'bigint':
      return from.kind === 'boolean' ? `${value}::integer::${to.kind}` : `round(${value}::numeric)::${to.kind}`;
    default:
      return `${value}::${columnTypeSql(to)}`;
  }
}

/** Conversions that cannot fail: to text, or cutting text to a length. */
const alwaysConverts = (to: ColumnType) => to.kind === 'text' || to.kind === 'varchar';

/**
 * Narrowing a column: its values were archived; each value converts, or becomes null when it cannot
 * (a text that is no number, a number out of range) instead of failing the whole apply. A function in
 * the session's temporary schema catches the conversion error of one value (SQLSTATE class 22).
 * A required column takes its default where a value does not convert; without a default, such rows
 * refuse the step, with their number.
 */
function narrowColumn(step: Extract<MigrationStep, { op: 'alterColumnType' }>): SqlAction[] {
  const alter = (using: string) => sql(`ALTER TABLE ${t(step.table)} ALTER COLUMN ${q(step.column)} TYPE ${columnTypeSql(step.to)} USING ${using}`);
  if (alwaysConverts(step.to)) return [alter(conversion(q(step.column), step.from, step.to))];
  // Created and dropped within the step (and rolled back with a failed apply), so one name serves every step.
  const converter = 'pg_temp.tessera_convert';
  const converted = `${converter}(${q(step.column)})`;
  const actions: SqlAction[] = [
    sql(`CREATE OR REPLACE FUNCTION ${converter}(value ${columnTypeSql(step.from)}) RETURNS ${columnTypeSql(step.to)} LANGUAGE plpgsql AS $$
BEGIN
  RETURN ${conversion('value', step.from, step.to)};
EXCEPTION WHEN data_exception THEN
  RETURN NULL;
END $$`),
  ];
  let using = converted;
  if (step.notNull && step.backfill !== undefined) using = `coalesce(${converted}, ${literal(String(step.backfill))}::${columnTypeSql(step.to)})`;
  else if (step.notNull) {
    actions.push({
      kind: 'assertNone',
      sql: `SELECT count(*) AS n FROM ${t(step.table)} WHERE ${q(step.column)} IS NOT NULL AND ${converted} IS NULL HAVING count(*) > 0`,
      message: `${step.table}.${step.column} is required and {n} record(s) hold values that are not valid ${describeType(step.to)}; give the field a default for them, or correct them first`,
      ...(step.origin ? { origin: step.origin } : {}),
    });
  }
  actions.push(alter(using), sql(`DROP FUNCTION ${converter}(${columnTypeSql(step.from)})`));
  return actions;
}

export function indexSql(table: string, index: PhysicalIndex, collations: ReadonlySet<string> = new Set(), options: { readonly concurrently?: boolean } = {}): string {
  // The same collation the records service sorts text in (records/list.ts), else the ORDER BY would not match the index.
  const collation = index.sortText ? sortCollation(index.sortText.language, collations) : null;
  const column = (name: string) =>
    `${q(name)}${collation && index.sortText!.columns.includes(name) ? ` COLLATE ${q(collation)}` : ''}${index.descending?.includes(name) ? ' DESC' : ''}`;
  const target = index.expression ?? index.columns.map(column).join(', ');
  const using = index.method === 'gin' ? ' USING gin' : '';
  const include = index.include?.length ? ` INCLUDE (${index.include.map(q).join(', ')})` : '';
  const where = index.liveOnly ? ' WHERE deleted_at IS NULL' : '';
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${options.concurrently ? 'CONCURRENTLY ' : ''}${q(index.name)} ON ${t(table)}${using} (${target})${include}${where}`;
}

export function stepActions(step: MigrationStep, ctx: SqlContext): SqlAction[] {
  switch (step.op) {
    case 'createTable': {
      const defs = step.table.columns.map(columnDefinition);
      defs.push('PRIMARY KEY (id)');
      for (const column of step.table.columns) {
        if (column.allowedValues) defs.push(`CONSTRAINT ${q(checkConstraintName(step.table.identity, column.identity))} CHECK (${checkSql(column.name, column.allowedValues.map((v) => v.value))})`);
      }
      return [sql(`CREATE TABLE ${t(step.table.name)} (\n  ${defs.join(',\n  ')}\n)`)];
    }
    case 'renameTable':
      return [sql(`ALTER TABLE ${t(step.from)} RENAME TO ${q(step.to)}`)];
    case 'archiveTable': {
      const archived = `${step.table}__v${ctx.metaVersion}`;
      return [sql(`ALTER TABLE ${t(step.table)} SET SCHEMA tessera_archive`), sql(`ALTER TABLE tessera_archive.${q(step.table)} RENAME TO ${q(archived)}`)];
    }
    case 'addColumn': {
      const { column } = step;
      const actions: SqlAction[] = [sql(`ALTER TABLE ${t(step.table)} ADD COLUMN ${columnDefinition({ ...column, notNull: false })}`)];
      if (column.allowedValues) {
        actions.push(sql(`ALTER TABLE ${t(step.table)} ADD CONSTRAINT ${q(step.checkConstraint)} CHECK (${checkSql(column.name, column.allowedValues.map((v) => v.value))})`));
      }
      if (column.notNull) {
        actions.push(...fillAndRequire(step.table, column.name, column.backfill, column.origin));
      }
      return actions;
    }
    case 'renameColumn':
      return [sql(`ALTER TABLE ${t(step.table)} RENAME COLUMN ${q(step.from)} TO ${q(step.to)}`)];
    case 'archiveColumn':
      return [archiveValues(ctx, step.table, step.column), sql(`ALTER TABLE ${t(step.table)} DROP COLUMN ${q(step.column)}`)];
    case 'clearColumn':
      if (step.mode === 'refuseIfAny') {
        return [{ kind: 'assertNone', sql: `SELECT 1 FROM ${t(step.table)} WHERE ${q(step.column)} IS NOT NULL LIMIT 1`, message: `${step.table}.${step.column} now points at another type but is required and records hold references; make it optional first, or empty the table`, ...(step.origin ? { origin: step.origin } : {}) }];
      }
      return [
        archiveValues(ctx, step.table, step.column),
        sql(step.mode === 'deleteRows' ? `DELETE FROM ${t(step.table)}` : `UPDATE ${t(step.table)} SET ${q(step.column)} = NULL`),
      ];
    case 'alterColumnType':
      if (step.change === 'narrow') return [archiveValues(ctx, step.table, step.column), ...narrowColumn(step)];
      return [sql(`ALTER TABLE ${t(step.table)} ALTER COLUMN ${q(step.column)} TYPE ${columnTypeSql(step.to)} USING ${conversion(q(step.column), step.from, step.to)}`)];
    case 'setNotNull':
      return fillAndRequire(step.table, step.column, step.backfill, step.origin);
    case 'dropNotNull':
      return [sql(`ALTER TABLE ${t(step.table)} ALTER COLUMN ${q(step.column)} DROP NOT NULL`)];
    case 'renameValues': {
      const cases = step.renames.map((r) => `WHEN ${literal(r.from)} THEN ${literal(r.to)}`).join(' ');
      return [
        // The old check would reject the new values; setAllowedValues adds the new one.
        sql(`ALTER TABLE ${t(step.table)} DROP CONSTRAINT IF EXISTS ${q(step.constraint)}`),
        sql(`UPDATE ${t(step.table)} SET ${q(step.column)} = CASE ${q(step.column)} ${cases} END WHERE ${q(step.column)} IN (${step.renames.map((r) => literal(r.from)).join(', ')})`),
      ];
    }
    case 'setAllowedValues': {
      const actions: SqlAction[] = [sql(`ALTER TABLE ${t(step.table)} DROP CONSTRAINT IF EXISTS ${q(step.constraint)}`)];
      if (step.values && (step.removed.length > 0 || step.unrestricted)) {
        // The old check held, so outside the new list are exactly the removed values (or, with no list before, any other value).
        const removed = step.values.length === 0 ? 'true' : `${q(step.column)} NOT IN (${step.values.map(literal).join(', ')})`;
        actions.push(archiveValues(ctx, step.table, step.column, removed));
        if (!step.notNull) actions.push(sql(`UPDATE ${t(step.table)} SET ${q(step.column)} = NULL WHERE ${removed}`));
        else if (step.fallback !== undefined) actions.push(sql(`UPDATE ${t(step.table)} SET ${q(step.column)} = ? WHERE ${removed}`, [step.fallback]));
        else {
          actions.push({
            kind: 'assertNone',
            sql: `SELECT 1 FROM ${t(step.table)} WHERE ${removed} LIMIT 1`,
            message: `${step.table}.${step.column} is required and records still hold ${step.unrestricted ? 'other values' : step.removed.join(', ')}; move them to another value first, or give the field a default`,
            ...(step.origin ? { origin: step.origin } : {}),
          });
        }
      }
      if (step.values) actions.push(sql(`ALTER TABLE ${t(step.table)} ADD CONSTRAINT ${q(step.constraint)} CHECK (${checkSql(step.column, step.values)})`));
      return actions;
    }
    case 'addForeignKey': {
      const ref = step.references;
      const onDelete = ref.onDelete === 'cascade' ? 'CASCADE' : ref.onDelete === 'setNull' ? 'SET NULL' : 'RESTRICT';
      return [sql(`ALTER TABLE ${t(step.table)} ADD CONSTRAINT ${q(step.constraint)} FOREIGN KEY (${q(step.column)}) REFERENCES ${q(ref.schema)}.${q(ref.table)} (id) ON DELETE ${onDelete}`)];
    }
    case 'dropForeignKey':
      return [sql(`ALTER TABLE ${t(step.table)} DROP CONSTRAINT IF EXISTS ${q(step.constraint)}`)];
    case 'createIndex':
      if (step.index.method === 'gin' && !ctx.trigram) return [];
      // Within the apply (the embedded database, the sandbox): the redefined index goes first.
      if (step.afterApply?.replaces) return [sql(`DROP INDEX IF EXISTS ${q(RECORD_SCHEMA)}.${q(step.index.name)}`), sql(indexSql(step.table, step.index, ctx.collations))];
      return [sql(indexSql(step.table, step.index, ctx.collations))];
    case 'dropIndex':
      return [sql(`DROP INDEX IF EXISTS ${q(RECORD_SCHEMA)}.${q(step.name)}`)];
    case 'addExclusion':
      return exclusionActions(step.table, step.exclusion, ctx);
    case 'dropExclusion':
      return [sql(`ALTER TABLE ${t(step.table)} DROP CONSTRAINT IF EXISTS ${q(step.name)}`)];
    case 'recompute':
      // Computed in the engine by FEEL after the DDL (schema-sync/recompute.ts), not by SQL.
      return [];
    case 'rebuildRollups':
      // Rebuilt after the DDL and the recomputes, in the order chained rollups need (records/rollup-fields.ts).
      return [];
  }
}

const period = (e: PhysicalExclusion, alias: string) => `${e.rangeType}(${alias}.${q(e.start)}, ${alias}.${q(e.end)}, '${e.rangeType === 'daterange' ? '[]' : '[)'}')`;

/**
 * An exclusion rule: refused while live records already collide (the first pairs named in the
 * message: `{rows}`), then the constraint, deferred to commit so that the engine's check in the
 * write transaction (engine/rules/exclusions.ts) names the colliding record before it fires.
 */
function exclusionActions(table: string, e: PhysicalExclusion, ctx: SqlContext): SqlAction[] {
  const name = (alias: string) => `${alias}.id::text || ' “' || coalesce(${alias}.${q(e.display)}::text, '') || '”'`;
  const keys = [
    ...e.keys.map((k) => `a.${q(k)} = b.${q(k)}`),
    ...(e.link ? [`EXISTS (SELECT 1 FROM ${t(e.link)} la JOIN ${t(e.link)} lb ON lb.target = la.target WHERE la.source = a.id AND lb.source = b.id)`] : []),
    'TRUE',
  ].join(' AND ');
  const named = [...e.keys, ...(e.link ? ['linked records'] : [])].join(', ');
  const check: SqlAction = {
    kind: 'assertNone',
    sql: `WITH live AS (SELECT * FROM ${t(table)} WHERE deleted_at IS NULL AND (${e.where}))
      SELECT ${name('a')} || ' overlaps ' || ${name('b')} AS conflict FROM live a JOIN live b ON a.id < b.id AND ${keys} AND ${period(e, 'a')} && ${period(e, 'b')}
      ORDER BY a.id, b.id LIMIT 5`,
    message: `records of ${table} already break the exclusion rule (equal ${named}, overlapping ${e.start}–${e.end}): {rows}; change or cancel them first`,
    ...(e.origin ? { origin: e.origin } : {}),
  };
  // A many-to-many key lives in a join table, out of a constraint's reach: the engine's check alone holds it.
  if (ctx.btreeGist === false || e.link) return [check];
  const keyList = e.keys.map((k) => `${q(k)} WITH =`).join(', ');
  const constraint = `ALTER TABLE ${t(table)} ADD CONSTRAINT ${q(e.name)} EXCLUDE USING gist (${keyList}, ${e.rangeType}(${q(e.start)}, ${q(e.end)}, '${e.rangeType === 'daterange' ? '[]' : '[)'}') WITH &&) WHERE (deleted_at IS NULL AND (${e.where})) DEFERRABLE INITIALLY DEFERRED`;
  return [check, sql(constraint)];
}

function fillAndRequire(table: string, column: string, backfill: unknown, origin?: string): SqlAction[] {
  const actions: SqlAction[] = [];
  if (backfill !== undefined) actions.push(sql(`UPDATE ${t(table)} SET ${q(column)} = ? WHERE ${q(column)} IS NULL`, [backfill]));
  else {
    actions.push({
      kind: 'assertNone',
      sql: `SELECT 1 FROM ${t(table)} WHERE ${q(column)} IS NULL LIMIT 1`,
      message: `${table}.${column} becomes required but existing records have no value; give the field a default to fill them, or fill them first`,
      ...(origin ? { origin } : {}),
    });
  }
  actions.push(sql(`ALTER TABLE ${t(table)} ALTER COLUMN ${q(column)} SET NOT NULL`));
  return actions;
}
