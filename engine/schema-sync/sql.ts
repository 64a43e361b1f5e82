// Migration steps → SQL. Pure: the executor runs the actions in one transaction.
import {
  checkConstraintName,
  describeType,
  quoteIdent as q,
  RECORD_SCHEMA,
  type ColumnType,
  type MigrationStep,
  type PhysicalColumn,
  type PhysicalIndex,
} from '../../metadata/index.ts';

export type SqlAction =
  | { readonly kind: 'sql'; readonly sql: string; readonly bindings?: readonly unknown[] }
  /** Fails the migration when the query returns a row; `message` explains, `origin` points at the field. */
  | { readonly kind: 'assertNone'; readonly sql: string; readonly message: string; readonly origin?: string };

export interface SqlContext {
  readonly metaVersion: number;
  /** pg_trgm is available; without it search indexes are skipped. */
  readonly trigram: boolean;
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

function conversion(column: string, to: ColumnType): string {
  const c = q(column);
  switch (to.kind) {
    case 'varchar':
      return `left(${c}::text, ${to.length})`;
    case 'integer':
    case 'bigint':
      return `round(${c}::numeric)::${to.kind}`;
    default:
      return `${c}::${columnTypeSql(to)}`;
  }
}

function indexSql(table: string, index: PhysicalIndex): string {
  const target = index.expression ?? index.columns.map(q).join(', ');
  const using = index.method === 'gin' ? ' USING gin' : '';
  const where = index.liveOnly ? ' WHERE deleted_at IS NULL' : '';
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${q(index.name)} ON ${t(table)}${using} (${target})${where}`;
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
    case 'alterColumnType': {
      const actions: SqlAction[] = [];
      if (step.change === 'narrow') actions.push(archiveValues(ctx, step.table, step.column));
      actions.push(sql(`ALTER TABLE ${t(step.table)} ALTER COLUMN ${q(step.column)} TYPE ${columnTypeSql(step.to)} USING ${conversion(step.column, step.to)}`));
      return actions;
    }
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
      if (step.removed.length > 0) {
        const removed = `${q(step.column)} IN (${step.removed.map(literal).join(', ')})`;
        actions.push(archiveValues(ctx, step.table, step.column, removed));
        if (!step.notNull) actions.push(sql(`UPDATE ${t(step.table)} SET ${q(step.column)} = NULL WHERE ${removed}`));
        else if (step.fallback !== undefined) actions.push(sql(`UPDATE ${t(step.table)} SET ${q(step.column)} = ? WHERE ${removed}`, [step.fallback]));
        else {
          actions.push({
            kind: 'assertNone',
            sql: `SELECT 1 FROM ${t(step.table)} WHERE ${removed} LIMIT 1`,
            message: `${step.table}.${step.column} is required and records still hold ${step.removed.join(', ')}; move them to another value first, or give the field a default`,
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
      return [sql(indexSql(step.table, step.index))];
    case 'dropIndex':
      return [sql(`DROP INDEX IF EXISTS ${q(RECORD_SCHEMA)}.${q(step.name)}`)];
  }
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
