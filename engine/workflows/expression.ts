// Zeebe convention for expression attributes: a value starting with `=` is FEEL, anything else a literal.
// FEEL results are normalised to JSON so instance state stays serialisable (dates and durations become
// their ISO text through the values' own toJSON).
import { checkFeel, evaluateFeel } from '../../metadata/index.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type Expression = { readonly kind: 'feel'; readonly text: string } | { readonly kind: 'literal'; readonly text: string };

export type Evaluation = { readonly ok: true; readonly value: JsonValue } | { readonly ok: false; readonly message: string };

export function compileExpression(attribute: string): Expression {
  const trimmed = attribute.trim();
  return trimmed.startsWith('=') ? { kind: 'feel', text: trimmed.slice(1).trim() } : { kind: 'literal', text: attribute };
}

/** The FEEL syntax problem of an expression attribute, or null (literals always pass). */
export function expressionSyntaxProblem(expression: Expression): string | null {
  if (expression.kind === 'literal') return null;
  if (expression.text === '') return 'empty FEEL expression';
  return checkFeel(expression.text)?.message ?? null;
}

export function evaluateExpression(expression: Expression, context: JsonObject): Evaluation {
  if (expression.kind === 'literal') return { ok: true, value: expression.text };
  try {
    return { ok: true, value: toJsonValue(evaluateFeel(expression.text, context)) };
  } catch (error) {
    return { ok: false, message: `FEEL '${expression.text}' failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Evaluates and demands a type; a wrong type is an evaluation failure (Zeebe raises an incident there too). */
export function evaluateAs<T extends JsonValue>(expression: Expression, context: JsonObject, expected: string, accept: (value: JsonValue) => value is T): Evaluation & ({ ok: false } | { ok: true; value: T }) {
  const result = evaluateExpression(expression, context);
  if (!result.ok) return result;
  if (!accept(result.value)) {
    return { ok: false, message: `expression '${expressionText(expression)}' should give ${expected} but gave ${JSON.stringify(result.value)}` };
  }
  return { ok: true, value: result.value };
}

export function expressionText(expression: Expression): string {
  return expression.kind === 'feel' ? `=${expression.text}` : expression.text;
}

export const isBoolean = (value: JsonValue): value is boolean => typeof value === 'boolean';
export const isString = (value: JsonValue): value is string => typeof value === 'string';
export const isArray = (value: JsonValue): value is JsonValue[] => Array.isArray(value);
export const isNumber = (value: JsonValue): value is number => typeof value === 'number';

export function toJsonValue(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === 'object') {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return toJsonValue(toJSON.call(value));
    const result: JsonObject = {};
    for (const [key, entry] of Object.entries(value)) if (entry !== undefined && typeof entry !== 'function') result[key] = toJsonValue(entry);
    return result;
  }
  return null;
}
