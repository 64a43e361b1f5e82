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
  return feelEvaluate(expression, toFeelContext(context)).value;
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
function toFeelContext(context: FeelContext): FeelContext {
  const result: FeelContext = {};
  for (const [key, value] of Object.entries(context)) if (value !== undefined) result[key] = value;
  return result;
}
