// FEEL (Friendly Enough Expression Language) is the only expression language of Tessera: guards,
// conditional fields, row conditions and BPMN conditions/mappings. Diagrams and metadata never carry
// JavaScript. feelin is a pure interpreter, so evaluation has no side effects.
import { evaluate as feelEvaluate, SyntaxError as FeelSyntaxError } from 'feelin';

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
