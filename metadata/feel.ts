// FEEL (Friendly Enough Expression Language) is the only expression language of Tessera: guards,
// conditional fields, row conditions and BPMN conditions/mappings. Diagrams and metadata never carry
// JavaScript. feelin is a pure interpreter, so evaluation has no side effects.
import { evaluate as feelEvaluate, parseExpression, SyntaxError as FeelSyntaxError } from 'feelin';

export type FeelContext = Record<string, unknown>;

export interface FeelSyntaxProblem {
  readonly message: string;
  readonly position: { from: number; to: number };
}

/** Returns the syntax problem of an expression, or null when it parses. */
export function checkFeel(expression: string): FeelSyntaxProblem | null {
  try {
    feelEvaluate(expression, {});
    return null;
  } catch (error) {
    if (error instanceof FeelSyntaxError) return { message: error.message, position: error.position };
    throw error;
  }
}

/** A variable name an expression reads, where it stands, and whether it names a called function. */
export interface FeelNameRef {
  readonly name: string;
  readonly position: { from: number; to: number };
  readonly call: boolean;
}

/**
 * The variable names an expression reads, in order (path roots, function names and loop variables
 * included; not the names inside a filter, which are the items'). The parser recovers from errors:
 * an unfinished expression gives the names read so far.
 */
export function feelNameRefs(expression: string): FeelNameRef[] {
  const refs: FeelNameRef[] = [];
  try {
    parseExpression(expression, {}, undefined).iterate({
      enter(ref) {
        if (ref.name !== 'VariableName') return;
        // Inside a filter (`lines[margin != null]`) names are the items' own, not the record's.
        for (let p = ref.node.parent; p; p = p.parent) {
          if (p.name === 'FilterExpression' && p.firstChild && ref.from >= p.firstChild.to) return;
        }
        const raw = expression.slice(ref.from, ref.to);
        const from = ref.from + (raw.length - raw.trimStart().length);
        const call = ref.node.parent?.name === 'FunctionInvocation' && ref.node.parent.firstChild?.from === ref.from;
        refs.push({ name: raw.trim(), position: { from, to: from + raw.trim().length }, call });
      },
    });
  } catch {
    // The syntax check reports what does not parse.
  }
  return refs;
}

/**
 * What an editor says about a condition over a record as it is typed: its syntax error (with where),
 * or the names it reads that are neither fields of the record nor called functions.
 */
export function feelConditionProblems(expression: string, fields: Iterable<string>): { syntax: FeelSyntaxProblem | null; unknown: readonly FeelNameRef[] } {
  const syntax = checkFeel(expression);
  if (syntax) return { syntax, unknown: [] };
  const known = new Set(fields);
  return { syntax: null, unknown: feelNameRefs(expression).filter((r) => !r.call && !known.has(r.name)) };
}

/** Evaluates a FEEL expression; a syntax error throws, a missing variable evaluates to null. */
export function evaluateFeel(expression: string, context: FeelContext): unknown {
  const cut = feelContextFor(expression, context);
  const key = CLOCK.test(expression) ? null : plainKey(cut);
  if (key === null || key.length > KEY_MAX) return feelEvaluate(expression, cut).value;
  const cacheKey = `${expression}\u0000${key}`;
  if (results.has(cacheKey)) return results.get(cacheKey);
  const value = feelEvaluate(expression, cut).value;
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') remember(cacheKey, value);
  return value;
}

// feelin parses an expression on every evaluation (about a millisecond for a trigger's condition,
// more than the rest of a record update), and the same condition meets the same values again and
// again (every SMS activity's state change reads the same empty reminder fields). FEEL has no side
// effects, so a result depends only on the text and the values it can read: plain results of plain
// values are kept, a bounded number, the oldest dropped first. Text reading the clock is never kept.
const CLOCK = /\b(now|today)\s*\(/;
const RESULTS_KEPT = 2000;
/** Values longer than this as text (a long description read by the text) are not kept: memory stays small. */
const KEY_MAX = 4096;
const results = new Map<string, unknown>();

function remember(key: string, value: unknown): void {
  if (results.size >= RESULTS_KEPT) results.delete(results.keys().next().value!);
  results.set(key, value);
}

/** The values as a key, or null when one is not plain data (a date object would read as its text). */
function plainKey(value: unknown): string | null {
  const plain = (v: unknown): boolean => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return true;
    if (Array.isArray(v)) return v.every(plain);
    return isPlainRecord(v) && Object.values(v).every(plain);
  };
  return plain(value) ? JSON.stringify(value) : null;
}

/** How many results are kept (tests). */
export function keptFeelResults(): number {
  return results.size;
}

/** A condition holds only when it evaluates to true (null, false or a non-boolean do not hold). */
export function feelConditionHolds(expression: string, context: FeelContext): boolean {
  return evaluateFeel(expression, context) === true;
}

/**
 * The FEEL context of a record: every field present, null when empty. A name left out would not be
 * null in FEEL: it could resolve to a built-in function of the same name (`product`, `count`).
 */
export function recordFeelContext(fieldNames: Iterable<string>, values: Readonly<Record<string, unknown>>): FeelContext {
  const context: FeelContext = { ...values };
  for (const name of fieldNames) context[name] = (Object.hasOwn(values, name) ? values[name] : undefined) ?? null;
  return context;
}

// FEEL has no `undefined`: absent keys and undefined values both read as null.
// Only the names the expression can mention are passed: feelin parses against its context, and the
// parser's work grows with every key and with every key of a nested context it steps into; a
// trigger's condition on a record of 80 fields plus `previous` (80 more) spent most of a record
// update in that parse. The top-level context is not reachable as a value in FEEL, so a name whose
// first word is not in the text cannot be read by it (`due date` is kept where the text has `due`);
// a nested record is cut the same way only where the text reads nothing but its fields
// (`previous.status`, never `previous` itself).
export function feelContextFor(expression: string, context: FeelContext): FeelContext {
  const result: FeelContext = {};
  for (const [key, value] of Object.entries(context)) {
    if (value === undefined || !mayMention(expression, key)) continue;
    result[key] = isPlainRecord(value) && onlyFieldsRead(expression, key) ? feelContextFor(expression, value) : value;
  }
  return result;
}

function firstWord(key: string): string {
  return key.trim().split(/[\s./\-'+*]/, 1)[0] ?? '';
}

function mayMention(expression: string, key: string): boolean {
  const word = firstWord(key);
  return word === '' || expression.includes(word);
}

function isPlainRecord(value: unknown): value is FeelContext {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** Every mention of `key` in the text is followed by `.` (a field of it is read, never the whole). */
function onlyFieldsRead(expression: string, key: string): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return false;
  for (let at = expression.indexOf(key); at !== -1; at = expression.indexOf(key, at + 1)) {
    const after = expression.slice(at + key.length).trimStart();
    if (!after.startsWith('.')) return false;
  }
  return true;
}
