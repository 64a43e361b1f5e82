// Camunda Forms (the JSON a BPMN user task names with `zeebe:formDefinition formKey`) → the same
// JSON Schema + uiSchema shape as record forms, so a workflow task's form renders with the app's own
// widgets; the workflow engine checks submitted data against this very schema on completion
// (engine/workflows/runtime/task-forms.ts), so browser and server accept and word alike.
import type { JsonSchema } from '../metadata/browser.ts';
import type { FieldUi, WidgetName } from './record-form.ts';

export interface CamundaFormComponent {
  readonly type: string;
  readonly key?: string;
  readonly label?: string;
  readonly description?: string;
  readonly subtype?: string;
  readonly validate?: { readonly required?: boolean; readonly min?: number; readonly max?: number; readonly minLength?: number; readonly maxLength?: number; readonly pattern?: string };
  readonly values?: readonly { readonly label?: string; readonly value: unknown }[];
  readonly components?: readonly CamundaFormComponent[];
  /**
   * Custom properties (Camunda Forms' "properties" of a component). Tessera reads the words of a
   * component in other languages from them: `label:<lang>`, `description:<lang>` and
   * `option:<value>:<lang>` (the label of one choice).
   */
  readonly properties?: Readonly<Record<string, unknown>>;
}

export interface CamundaForm {
  readonly components: readonly CamundaFormComponent[];
}

export interface TaskForm {
  readonly schema: JsonSchema;
  readonly uiSchema: Readonly<Record<string, unknown>>;
  /** Keys in form order. */
  readonly keys: readonly string[];
}

export function isCamundaForm(value: unknown): value is CamundaForm {
  return typeof value === 'object' && value !== null && Array.isArray((value as { components?: unknown }).components);
}

function flatten(components: readonly CamundaFormComponent[]): CamundaFormComponent[] {
  return components.flatMap((c) => [c, ...flatten(c.components ?? [])]);
}

// A pattern the analyst typed that is no valid regular expression checks nothing (rather than failing
// every completion): the modeler's own linting reports it.
function validPattern(pattern: string): boolean {
  try {
    new RegExp(`^(?:${pattern})$`, 'u');
    return true;
  } catch {
    return false;
  }
}

function field(c: CamundaFormComponent): { schema: JsonSchema; widget?: WidgetName } | null {
  const v = c.validate ?? {};
  const choices = (c.values ?? []).map((o) => o.value);
  switch (c.type) {
    case 'textfield':
    case 'textarea':
      return {
        schema: { type: 'string', ...(v.minLength !== undefined ? { minLength: v.minLength } : {}), ...(v.maxLength !== undefined ? { maxLength: v.maxLength } : {}), ...(v.pattern && validPattern(v.pattern) ? { pattern: `^(?:${v.pattern})$` } : {}) },
        widget: c.type === 'textarea' ? 'textarea' : 'text',
      };
    case 'number':
      return { schema: { type: 'number', ...(v.min !== undefined ? { minimum: v.min } : {}), ...(v.max !== undefined ? { maximum: v.max } : {}) }, widget: 'number' };
    case 'checkbox':
      return { schema: { type: 'boolean' }, widget: 'checkbox' };
    case 'radio':
    case 'select':
      // Our choice widget takes text values; other values use the generic select.
      return choices.every((x) => typeof x === 'string') ? { schema: { type: 'string', enum: choices }, widget: 'enum' } : { schema: { enum: choices } };
    case 'checklist':
    case 'taglist':
      return { schema: { type: 'array', items: { enum: choices }, uniqueItems: true } };
    case 'datetime':
      return c.subtype === 'date' ? { schema: { type: 'string', format: 'date' }, widget: 'date' } : c.subtype === 'time' ? { schema: { type: 'string' }, widget: 'text' } : { schema: { type: 'string', format: 'date-time' }, widget: 'datetime' };
    default:
      return null; // text, spacer, image, button, group headers: nothing to fill in
  }
}

/** A component's word in a language from its properties, else the form's own (English) word. */
function word(c: CamundaFormComponent, key: string, language: string | undefined, fallback: string | undefined): string | undefined {
  const translated = language ? c.properties?.[`${key}:${language}`] : undefined;
  return typeof translated === 'string' && translated.trim() ? translated : fallback;
}

/** The form of a workflow user task, in a language where the form carries its words; null when the value is not a Camunda form. */
export function camundaTaskForm(form: unknown, language?: string): TaskForm | null {
  if (!isCamundaForm(form)) return null;
  const properties: Record<string, JsonSchema> = {};
  const uiSchema: Record<string, unknown> = {};
  const required: string[] = [];
  const keys: string[] = [];
  for (const c of flatten(form.components)) {
    if (!c.key || properties[c.key]) continue;
    const f = field(c);
    if (!f) continue;
    const title = word(c, 'label', language, c.label) ?? c.key;
    const description = word(c, 'description', language, c.description);
    properties[c.key] = { ...f.schema, title, ...(description ? { description } : {}) };
    const choices = (c.values ?? []).filter((o) => typeof o.value === 'string').map((o) => ({ value: o.value as string, label: word(c, `option:${String(o.value)}`, language, o.label) ?? String(o.value) }));
    const ui: Partial<FieldUi> = { 'ui:title': title, ...(f.widget ? { 'ui:widget': f.widget } : {}), 'ui:options': { fieldType: 'string', ...(choices.length ? { choices } : {}) } };
    uiSchema[c.key] = ui;
    if (c.validate?.required) required.push(c.key);
    keys.push(c.key);
  }
  return {
    schema: { type: 'object', properties, ...(required.length ? { required } : {}) },
    uiSchema: { ...uiSchema, 'ui:order': [...keys, '*'], 'ui:submitButtonOptions': { norender: true } },
    keys,
  };
}

/** The embedded form a formKey names (`camunda-forms:bpmn:<id>`) in a deployed BPMN file's XML. */
export function embeddedFormId(formKey: string | null): string | null {
  if (!formKey) return null;
  return formKey.startsWith('camunda-forms:bpmn:') ? formKey.slice('camunda-forms:bpmn:'.length) : formKey;
}
