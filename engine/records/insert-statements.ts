// Single-row INSERTs without knex's query builder on the write path. A create inserts its row and
// its audit row; knex built and compiled both on every request, for texts that depend only on the
// table and the columns given. As for lists (list-statements.ts), knex compiles each shape once,
// with a marker for every value, and later rows of the same shape send that text with their own
// values. A value knex would not simply bind (a plain object it turns into JSON, a raw expression,
// a function) keeps the builder; `undefined`, which knex writes as DEFAULT, is part of the shape.
import type { Knex } from 'knex';
import { positioned, sendStatement } from '../db/direct-statements.ts';

const MARK = '\u{10FFFF}tessera-insert:';

interface Statement {
  readonly sql: string;
  /** `sql` as the driver is sent it ($1, $2, …). */
  readonly text: string;
  /** The column each binding takes its value from. */
  readonly columns: readonly string[];
}

/** A value knex's insert binds as it is (a scalar, a Date, a Buffer, an array for an array column). */
function bindable(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean' || type === 'bigint') return true;
  return value instanceof Date || Buffer.isBuffer(value) || Array.isArray(value);
}

export class InsertStatements {
  readonly #statements = new Map<string, Statement | null>();
  readonly #maxShapes: number;

  constructor(maxShapes = 1000) {
    this.#maxShapes = maxShapes;
  }

  /** Inserts `row` into `table`, as `db(table).insert(row)` (with `returning *` when asked) would. */
  async insert(db: Knex | Knex.Transaction, table: string, row: Readonly<Record<string, unknown>>, returning: boolean): Promise<Record<string, unknown>[]> {
    const statement = this.statement(db, table, row, returning);
    if (statement === null) {
      const query = db(table).insert(row);
      return returning ? ((await query.returning('*')) as Record<string, unknown>[]) : (await query, []);
    }
    // Sent on the connection without knex's runner (engine/db/direct-statements.ts).
    return sendStatement(db, statement, statement.bindings);
  }

  /** The text and bindings knex compiles for the insert of `row` (the text compiled once per shape), or null where the builder must run. */
  statement(db: Knex | Knex.Transaction, table: string, row: Readonly<Record<string, unknown>>, returning: boolean): { sql: string; text: string; bindings: Knex.RawBinding[] } | null {
    const keys = Object.keys(row);
    let key = `${table}|${returning ? 'r' : '-'}`;
    for (const k of keys) {
      const v = row[k];
      if (!bindable(v)) return null;
      key += `|${k}${v === undefined ? '=' : ''}`;
    }
    let statement = this.#statements.get(key);
    if (statement === undefined) {
      const marked = Object.fromEntries(keys.map((k) => [k, row[k] === undefined ? undefined : `${MARK}${k}`]));
      const query = db(table).insert(marked);
      statement = statementOf((returning ? query.returning('*') : query).toSQL(), keys.filter((k) => row[k] !== undefined));
      if (this.#statements.size >= this.#maxShapes) this.#statements.clear();
      this.#statements.set(key, statement);
    }
    if (statement === null) return null;
    return { sql: statement.sql, text: statement.text, bindings: statement.columns.map((c) => row[c]) as Knex.RawBinding[] };
  }

  get size(): number {
    return this.#statements.size;
  }
}

/** The text and binding columns of a marked insert; null unless every binding is a marker and each of `keys` (the defined values) is bound. */
export function statementOf(compiled: { sql: string; bindings: readonly unknown[] }, keys: readonly string[]): Statement | null {
  const columns: string[] = [];
  for (const b of compiled.bindings) {
    if (typeof b !== 'string' || !b.startsWith(MARK)) return null;
    const column = b.slice(MARK.length);
    if (!keys.includes(column)) return null;
    columns.push(column);
  }
  if (new Set(columns).size !== keys.length) return null;
  if (compiled.sql.includes(MARK) || compiled.sql.includes('\\?') || compiled.sql.includes('??') || compiled.sql.split('?').length - 1 !== columns.length) return null;
  return { sql: compiled.sql, text: positioned(compiled.sql), columns };
}

/** The process's insert statements (their texts depend only on table and columns). */
export const insertStatements = new InsertStatements();
