// Conditional fields: `visibleWhen` and `requiredWhen` are FEEL conditions over the form values,
// evaluated on every change with the same interpreter the server uses for requiredWhen (feelin via
// metadata/feel.ts). A condition that does not evaluate (e.g. it names a field the form lacks)
// leaves the field visible and not required: the server has the last word on requirements.
import { feelConditionHolds, recordFeelContext, postalCodeProblems } from '../metadata/browser.ts';
import type { FormConditions } from './record-form.ts';

export interface ConditionState {
  /** Fields whose visibleWhen does not hold. */
  readonly hidden: ReadonlySet<string>;
  /** Fields whose requiredWhen holds. */
  readonly required: ReadonlySet<string>;
}

function holds(expression: string, values: Readonly<Record<string, unknown>>): boolean | null {
  try {
    return feelConditionHolds(expression, values as Record<string, unknown>);
  } catch {
    return null;
  }
}

export function evaluateConditions(conditions: FormConditions, formValues: Readonly<Record<string, unknown>>): ConditionState {
  const values = recordFeelContext(conditions.fields, formValues);
  const hidden = new Set<string>();
  const required = new Set<string>();
  for (const [field, expression] of Object.entries(conditions.requiredWhen)) if (holds(expression, values) === true) required.add(field);
  // A field the server will demand stays on screen even when its visibleWhen does not hold.
  for (const [field, expression] of Object.entries(conditions.visibleWhen)) if (holds(expression, values) === false && !required.has(field)) hidden.add(field);
  return { hidden, required };
}

const isEmpty = (value: unknown) => value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

/**
 * Rules over the whole record, as the server checks them: required-when fields that are empty ("is
 * required here") and postal codes that do not fit the record's country.
 */
export function conditionalProblems(state: ConditionState, values: Readonly<Record<string, unknown>>, conditions?: FormConditions): { pointer: string; detail: string; code: string }[] {
  const required = [...state.required].filter((f) => isEmpty(values[f])).map((f) => ({ pointer: `/${f}`, detail: 'is required here', code: 'REQUIRED' }));
  return [...required, ...(conditions ? postalCodeProblems(conditions.countryChecks ?? [], values) : [])];
}
