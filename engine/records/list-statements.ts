// List pages without knex's query builder on the hot path. Building and compiling a list query with
// knex was about a quarter of a list request's JavaScript (docs/deployment.md), for a statement
// whose text depends only on the query's shape: the table, the filter's structure, the sort keys,
// the rights' predicate and the page size. Only the compared values change from request to request.
//
// So each shape is compiled once, by knex itself: the page query is built with a marker in place of
// every value that knex would only bind (a filter's operands, the cursor's values, the user's and
// teams' ids of a scope predicate), and the markers are found again among the compiled bindings.
// The statement text is kept with, for each binding, the input value it takes; later requests of
// the same shape send that text with their own values. Anything that changes the SQL itself (an
// isNull operand, a null value, an array's length, text search) is part of the shape, never a
// marker. A shape whose compiled bindings do not come out as plain markers and constants (a value
// transformed before binding, as `contains` does) is not cached and keeps the knex builder.
import type { Knex } from 'knex';
import type { BoundFilterExpr } from '../../metadata/index.ts';
import type { Subject } from '../access/index.ts';
import { positioned, sendStatement } from '../db/direct-statements.ts';
import { isoTimestampTypes } from '../db/type-parsers.ts';
import type { Row } from './values.ts';

/** The inputs of a page query that vary between requests of one statement shape. */
export interface PageInputs {
  readonly filter: BoundFilterExpr | null;
  /** The subject whose ids a scope predicate binds; null when the rights add no predicate. */
  readonly subject: Subject | null;
  readonly after: readonly unknown[] | null;
  readonly size: number;
}

/** Builds the page query of `inputs` (the caller's own query, with its table, sort and rights). */
export type PageBuilder = (inputs: PageInputs) => Knex.QueryBuilder;

/** A binding of a compiled shape: the n-th input value, or a constant of the shape (the limit). */
type Binding = { readonly slot: number } | { readonly constant: unknown };

interface Statement {
  readonly sql: string;
  /** `sql` as the driver is sent it ($1, $2, …). */
  readonly text: string;
  readonly bindings: readonly Binding[];
}

const MARK = '\u{10FFFF}tessera-slot:';
const marker = (i: number) => `${MARK}${i}`;

/** The shape key of `inputs` and its values in walk order, or null when it is not cacheable (text search operators). */
export function describePage(inputs: PageInputs): { key: string; values: unknown[]; optional: readonly [number, number] } | null {
  const values: unknown[] = [];
  const parts: string[] = [];
  const value = (v: unknown) => {
    // null changes the SQL (knex turns `= null` into IS NULL; cursors branch on it): part of the shape.
    if (v === null || v === undefined) parts.push('n');
    else {
      parts.push('?');
      values.push(v);
    }
  };
  const walk = (expr: BoundFilterExpr): boolean => {
    switch (expr.kind) {
      case 'and':
      case 'or':
        parts.push(`${expr.kind}(`);
        for (const item of expr.items) if (!walk(item)) return false;
        parts.push(')');
        return true;
      case 'not':
        parts.push('not(');
        if (!walk(expr.item)) return false;
        parts.push(')');
        return true;
      case 'compare':
      case 'linked': {
        if (expr.op === 'contains' || expr.op === 'startsWith') return false;
        parts.push(`${expr.kind}:${JSON.stringify(expr.field)}:${expr.op}:`);
        if (expr.op === 'isNull') parts.push(JSON.stringify(expr.value));
        else if (Array.isArray(expr.value)) {
          parts.push(`[${expr.value.length}:`);
          for (const v of expr.value as readonly unknown[]) value(v);
          parts.push(']');
        } else value(expr.value);
        return true;
      }
    }
  };
  if (inputs.filter && !walk(inputs.filter)) return null;
  const { subject, after } = inputs;
  const subjectFrom = values.length;
  if (subject) {
    parts.push(`|s:${subject.teamMates.length}:${subject.teamIds.length}:`);
    value(subject.userId);
    subject.teamMates.forEach(value);
    subject.teamIds.forEach(value);
  } else parts.push('|s-');
  // A scope binds the user's id or the team mates' ids, not always both: these values may go unused.
  const optional = [subjectFrom, values.length] as const;
  if (after) {
    parts.push(`|a${after.length}:`);
    after.forEach(value);
  } else parts.push('|a-');
  parts.push(`|l${inputs.size}`);
  return { key: parts.join(''), values, optional };
}

/** `inputs` with every value describePage collects replaced by its marker, in the same order. */
export function markedPage(inputs: PageInputs): PageInputs {
  let n = 0;
  const value = <T>(v: T): T | string => (v === null || v === undefined ? v : marker(n++));
  const walk = (expr: BoundFilterExpr): BoundFilterExpr => {
    switch (expr.kind) {
      case 'and':
      case 'or':
        return { kind: expr.kind, items: expr.items.map(walk) };
      case 'not':
        return { kind: 'not', item: walk(expr.item) };
      case 'compare':
      case 'linked':
        if (expr.op === 'isNull') return expr;
        return { ...expr, value: Array.isArray(expr.value) ? (expr.value as readonly unknown[]).map(value) : value(expr.value) } as BoundFilterExpr;
    }
  };
  const filter = inputs.filter && walk(inputs.filter);
  const subject = inputs.subject && { ...inputs.subject, userId: value(inputs.subject.userId), teamMates: inputs.subject.teamMates.map(value), teamIds: inputs.subject.teamIds.map(value) };
  const after = inputs.after && inputs.after.map(value);
  return { filter, subject: subject as Subject | null, after, size: inputs.size };
}

/**
 * The statement of a marked query: its text and where each binding comes from. Null when a value
 * did not reach a binding as it is (transformed, written into the text, or not bound at all, so it
 * may have chosen the SQL), except the `optional` ones.
 */
export function statementOf(compiled: { sql: string; bindings: readonly unknown[] }, slots: number, optional: readonly [number, number] = [0, 0]): Statement | null {
  const used = new Set<number>();
  const bindings: Binding[] = [];
  for (const b of compiled.bindings) {
    if (typeof b === 'string' && b.includes(MARK)) {
      const slot = b.startsWith(MARK) ? Number(b.slice(MARK.length)) : NaN;
      if (!Number.isInteger(slot) || marker(slot) !== b) return null;
      used.add(slot);
      bindings.push({ slot });
    } else bindings.push({ constant: b });
  }
  for (let slot = 0; slot < slots; slot++) if (!used.has(slot) && (slot < optional[0] || slot >= optional[1])) return null;
  // The text must hold exactly one placeholder per binding, since knex.raw reads it again.
  if (compiled.sql.includes(MARK) || compiled.sql.includes('\\?') || compiled.sql.includes('??') || compiled.sql.split('?').length - 1 !== bindings.length) return null;
  return { sql: compiled.sql, text: positioned(compiled.sql), bindings };
}

/**
 * The compiled list statements of one records service, per shape. `prefix` names what the caller's
 * builder fixes (table, deleted rows, sort keys, rights); the metadata version empties the cache, since
 * a new model may change columns, owner fields or join tables under a key.
 */
export class ListStatements {
  readonly #statements = new Map<string, Statement | null>();
  readonly #maxShapes: number;
  #version: unknown;

  constructor(maxShapes = 1000) {
    this.#maxShapes = maxShapes;
  }

  async page(db: Knex | Knex.Transaction, version: unknown, prefix: string, inputs: PageInputs, build: PageBuilder): Promise<Row[]> {
    const described = describePage(inputs);
    if (!described) return (await build(inputs)) as Row[];
    if (version !== this.#version) {
      this.#statements.clear();
      this.#version = version;
    }
    const key = `${prefix}#${described.key}`;
    let statement = this.#statements.get(key);
    if (statement === undefined) {
      const compiled = build(markedPage(inputs)).toSQL();
      statement = statementOf(compiled, described.values.length, described.optional);
      // Unbounded shapes (in-lists of every length) must not grow the cache without end.
      if (this.#statements.size >= this.#maxShapes) this.#statements.clear();
      this.#statements.set(key, statement);
    }
    if (statement === null) return (await build(inputs)) as Row[];
    const { values } = described;
    const bindings = statement.bindings.map((b) => ('slot' in b ? values[b.slot] : b.constant));
    // Sent on the connection without knex's runner (engine/db/direct-statements.ts). A page's rows
    // only become API records and cursors (cursors read their own text columns), so timestamps come
    // as the records' ISO text, without a Date each (engine/db/type-parsers.ts).
    return sendStatement<Row>(db, statement, bindings, isoTimestampTypes);
  }

  get size(): number {
    return this.#statements.size;
  }
}
