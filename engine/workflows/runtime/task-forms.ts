// User task forms. An analyst binds a form in the modeler with `zeebe:formDefinition formKey`; a key
// `camunda-forms:bpmn:<id>` names a Camunda Form (JSON) embedded in the process as
// `zeebe:userTaskForm id="<id>"`. Submitted data is checked against the form's components (required,
// type, allowed values, bounds) before the task completes. Other keys are hints for the UI: the data
// must still be a JSON object.
import type { Problem } from '../../errors.ts';
import type { JsonObject, JsonValue } from '../expression.ts';

const EMBEDDED_PREFIX = 'camunda-forms:bpmn:';

export function formOf(formKey: string | null, forms: Readonly<Record<string, unknown>>): FormSchema | null {
  if (!formKey) return null;
  const id = formKey.startsWith(EMBEDDED_PREFIX) ? formKey.slice(EMBEDDED_PREFIX.length) : formKey;
  const form = forms[id];
  return isForm(form) ? form : null;
}

export interface FormComponent {
  readonly type: string;
  readonly key?: string;
  readonly label?: string;
  readonly validate?: { readonly required?: boolean; readonly min?: number; readonly max?: number; readonly minLength?: number; readonly maxLength?: number; readonly pattern?: string };
  readonly values?: readonly { readonly value: JsonValue }[];
  readonly components?: readonly FormComponent[];
}

export interface FormSchema {
  readonly components: readonly FormComponent[];
}

function isForm(value: unknown): value is FormSchema {
  return typeof value === 'object' && value !== null && Array.isArray((value as { components?: unknown }).components);
}

/** The problems of submitted data against a form; empty when it passes. */
export function checkFormData(form: FormSchema, data: JsonObject): Problem[] {
  const problems: Problem[] = [];
  for (const component of flatten(form.components)) {
    const key = component.key;
    if (!key) continue;
    const pointer = `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const value = Object.hasOwn(data, key) ? data[key] : undefined;
    const empty = value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
    if (empty) {
      if (component.validate?.required) problems.push({ pointer, detail: `${component.label ?? key} is required`, code: 'REQUIRED' });
      continue;
    }
    const problem = typeProblem(component, value);
    if (problem) problems.push({ pointer, detail: problem, code: 'INVALID' });
  }
  return problems;
}

function flatten(components: readonly FormComponent[]): FormComponent[] {
  return components.flatMap((c) => [c, ...flatten(c.components ?? [])]);
}

function typeProblem(component: FormComponent, value: JsonValue): string | null {
  const rules = component.validate ?? {};
  switch (component.type) {
    case 'number': {
      if (typeof value !== 'number') return 'must be a number';
      if (rules.min !== undefined && value < rules.min) return `must be at least ${rules.min}`;
      if (rules.max !== undefined && value > rules.max) return `must be at most ${rules.max}`;
      return null;
    }
    case 'checkbox':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'checklist':
    case 'taglist':
      if (!Array.isArray(value)) return 'must be a list';
      return component.values && !value.every((v) => component.values!.some((o) => o.value === v)) ? `must be among ${JSON.stringify(component.values.map((o) => o.value))}` : null;
    case 'select':
    case 'radio':
      return component.values && !component.values.some((o) => o.value === value) ? `must be one of ${JSON.stringify(component.values.map((o) => o.value))}` : null;
    case 'textfield':
    case 'textarea':
    case 'datetime': {
      if (typeof value !== 'string') return 'must be text';
      if (rules.minLength !== undefined && value.length < rules.minLength) return `must be at least ${rules.minLength} characters`;
      if (rules.maxLength !== undefined && value.length > rules.maxLength) return `must be at most ${rules.maxLength} characters`;
      if (rules.pattern !== undefined && !safePattern(rules.pattern).test(value)) return `must match ${rules.pattern}`;
      return null;
    }
    default:
      return null;
  }
}

function safePattern(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return /[\s\S]*/;
  }
}
