// Conditional fields: `visibleWhen` (of a field or of its layout section) and `requiredWhen` are
// FEEL conditions over the form values, evaluated on every change by the very rule the server
// applies (metadata/visibility.ts, feelin via metadata/feel.ts): a hidden field keeps its value and
// is not required. A condition that does not evaluate (e.g. it names a field the form lacks) hides
// nothing and requires nothing: the server has the last word on requirements.
import { feelConditionHolds, hiddenFields, recordFeelContext, postalCodeProblems } from '../metadata/browser.ts';
import type { FormConditions } from './record-form.ts';

export interface ConditionState {
  /** Fields whose visibleWhen (or their section's) does not hold. */
  readonly hidden: ReadonlySet<string>;
  /** Fields shown whose requiredWhen holds. */
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
  // An activity of a kind with its own layout: that layout's sections, as the server reads them (layoutFor).
  const kindSections = typeof formValues.kind === 'string' ? conditions.kindSections?.[formValues.kind] : undefined;
  const hidden = hiddenFields({ fields: conditions.visibleWhen, sections: kindSections ?? conditions.sections ?? [], alwaysShown: conditions.alwaysShown ?? [] }, values);
  const required = new Set<string>();
  for (const [field, expression] of Object.entries(conditions.requiredWhen)) if (!hidden.has(field) && holds(expression, values) === true) required.add(field);
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
