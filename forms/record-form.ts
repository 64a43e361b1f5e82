// Metadata → the generated form of an entity type: the JSON Schema of a write (exactly the one the
// server validates with), an rjsf uiSchema naming a widget per field type with its options, the
// layout (tabs → sections → columns) and the FEEL conditions. Pure data: the UI supplies the React
// widgets by these names, the server can build the same description (e.g. for docs or previews).
import { labelText, type EntityModel, type Model, recordInputSchema, type JsonSchema, type Language, type Field, fieldTypeOf, type CustomFieldName, type FieldUiOptions, type LineColumn, type WidgetName, declaredDefaults, layoutFor, visibilityRules, type FormSection, type VisibilityRules } from '../metadata/browser.ts';
import { kindForms, type KindForm } from './kind-form.ts';

// The control names and their options are the field types' (metadata/field-types/widget.ts).
export type { ChoiceOption, CustomFieldName, FieldUiOptions, LineColumn, WidgetName } from '../metadata/browser.ts';

export interface FieldUi {
  'ui:widget'?: WidgetName;
  'ui:field'?: CustomFieldName;
  /** rjsf: a custom field replaces the anyOf [value, null] of an optional money/json field. */
  'ui:fieldReplacesAnyOrOneOf'?: boolean;
  'ui:readonly'?: boolean;
  'ui:title': string;
  'ui:options': FieldUiOptions;
}

/** An rjsf uiSchema: one FieldUi per field plus form-level `ui:` keys. */
export type UiSchema = Readonly<Record<string, unknown>>;

export interface FormSectionLayout {
  readonly id: string;
  readonly label: string;
  readonly columns: number;
  readonly fields: readonly string[];
}

export interface FormTabLayout {
  /** null: the main tab (sections without a `tab`). */
  readonly tab: string | null;
  readonly sections: readonly FormSectionLayout[];
}

export interface FormConditions {
  /** Every field of the form: conditions see all of them, null when empty (as on the server). */
  readonly fields: readonly string[];
  /** field → FEEL condition over the form values; the field shows only while it holds. */
  readonly visibleWhen: Readonly<Record<string, string>>;
  /** Sections with a FEEL condition: their fields show only while it holds. */
  readonly sections?: VisibilityRules['sections'];
  /** Fields no condition hides (`required: true`). */
  readonly alwaysShown?: readonly string[];
  /** Activities: per kind with its own layout, that layout's conditional sections (instead of `sections`). */
  readonly kindSections?: Readonly<Record<string, VisibilityRules['sections']>>;
  /** field → FEEL condition over the record; the field is required while it holds. */
  readonly requiredWhen: Readonly<Record<string, string>>;
  /** Postal code fields checked against the country another field holds (as the server does). */
  readonly countryChecks?: readonly Field[];
}

export interface RecordForm {
  readonly entity: string;
  readonly mode: 'create' | 'update';
  readonly language: Language;
  readonly schema: JsonSchema;
  readonly uiSchema: UiSchema;
  /** The same per-field entries as `uiSchema`, typed. */
  readonly fields: Readonly<Record<string, FieldUi>>;
  readonly layout: readonly FormTabLayout[];
  readonly conditions: FormConditions;
  /** Fields a client may write (not read-only); a submit sends only these. */
  readonly writable: readonly string[];
  /** Declared defaults of a new record, tokens unresolved ("$today", "$now", "$me"), state fields' first initial state. */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Activities: per kind, its fields, short form and defaults (a submit sends only the kind's fields). */
  readonly kinds?: Readonly<Record<string, KindForm>>;
  /** Activities: the links to the records an activity is about. */
  readonly links: readonly string[];
}

export interface RecordFormOptions {
  readonly mode: 'create' | 'update';
  readonly language?: Language;
  /** update mode: the record as stored, so a state field offers only the transitions allowed from it. */
  readonly record?: Readonly<Record<string, unknown>>;
  /** The user's field rights (a role's `fields`): "none" leaves a field out, "read" shows it read-only. */
  readonly fieldAccess?: Readonly<Record<string, 'none' | 'read' | 'write'>>;
  /** The user's roles: the first layout variant naming one of them is the form's layout (`layoutFor`). */
  readonly roles?: readonly string[];
}

function fieldUi(model: Model, entity: EntityModel, field: Field, options: RecordFormOptions, language: Language): FieldUi {
  const fieldType = fieldTypeOf(field);
  const title = labelText(field.label, language);
  const extra = fieldType.widgetOptions(field, { model, entity, language, mode: options.mode, lineColumns, ...(options.record ? { record: options.record } : {}) });
  const computed = field.computed !== undefined;
  const uiOptions: FieldUiOptions = { fieldType: field.type, ...(field.help ? { help: labelText(field.help, language) } : {}), ...extra, ...(computed ? { computed } : {}) };
  const control = fieldType.form;
  const result: FieldUi =
    'widget' in control
      ? { 'ui:widget': control.widget, 'ui:title': title, 'ui:options': uiOptions }
      : { 'ui:field': control.field, 'ui:fieldReplacesAnyOrOneOf': true, 'ui:title': title, 'ui:options': uiOptions };
  if (field.readOnly || computed || field.rollup !== undefined) result['ui:readonly'] = true;
  return result;
}

/** The grid columns of a lines field: every field of the line type but its reference to the record. */
function lineColumns(model: Model, target: string, parentField: string, language: Language): LineColumn[] {
  const line = model.entities.get(target);
  if (!line) return [];
  return line.fields
    .filter((f) => f.name !== parentField && f.type !== 'lines')
    .map((f) => {
      const ui = fieldUi(model, line, f, { mode: 'create' }, language);
      const control = ui['ui:widget'] ? { widget: ui['ui:widget'] } : { field: ui['ui:field']! };
      return { name: f.name, title: ui['ui:title'], control, options: ui['ui:options'], required: f.required === true && f.computed === undefined, computed: f.computed !== undefined || f.rollup !== undefined };
    });
}

/** The activity entity type's kind-specific fields show only for their kinds. */
function kindCondition(entity: EntityModel, fieldName: string): string | undefined {
  if (!entity.kindFields) return undefined;
  const kinds = [...entity.kindFields].filter(([, fields]) => fields.has(fieldName)).map(([kind]) => kind);
  if (kinds.length === 0) return undefined;
  return kinds.map((k) => `kind = ${JSON.stringify(k)}`).join(' or ');
}

const both = (a: string | undefined, b: string | undefined): string | undefined => (a && b ? `(${a}) and (${b})` : (a ?? b));

function layoutOf(sections: readonly FormSection[] | undefined, shown: readonly string[], language: Language, otherLabel: string): FormTabLayout[] {
  const visible = new Set(shown);
  const placed = new Set<string>();
  const tabs: { tab: string | null; sections: FormSectionLayout[] }[] = [];
  const tabOf = (name: string | null) => {
    let tab = tabs.find((t) => t.tab === name);
    if (!tab) {
      tab = { tab: name, sections: [] };
      if (name === null) tabs.unshift(tab);
      else tabs.push(tab);
    }
    return tab;
  };
  for (const section of sections ?? []) {
    const fields = section.fields.filter((f) => visible.has(f) && !placed.has(f));
    fields.forEach((f) => placed.add(f));
    if (fields.length === 0) continue;
    tabOf(section.tab ?? null).sections.push({ id: section.id, label: labelText(section.label, language), columns: section.columns ?? 1, fields });
  }
  const rest = shown.filter((f) => !placed.has(f));
  if (rest.length > 0) {
    const hasLayout = (sections ?? []).length > 0;
    // Without a layout the whole form is one two-column section; fields a layout leaves out follow at the end.
    tabOf(null).sections.push({ id: hasLayout ? 'other' : 'main', label: hasLayout ? otherLabel : '', columns: hasLayout ? 1 : 2, fields: rest });
  }
  return tabs;
}

/** The layout's conditional sections and the fields they cannot hide, as the server reads them. */
function sectionRules(entity: EntityModel, layout: readonly FormSection[] | undefined): Pick<FormConditions, 'sections' | 'alwaysShown' | 'kindSections'> {
  const { sections, alwaysShown } = visibilityRules(entity.fields, layout);
  const kindSections = Object.fromEntries([...(entity.kinds ?? [])].filter(([, k]) => k.layout).map(([name, k]) => [name, visibilityRules(entity.fields, k.layout).sections]));
  return { sections, alwaysShown, ...(Object.keys(kindSections).length > 0 ? { kindSections } : {}) };
}

const OTHER: Record<Language, string> = { en: 'Other', pl: 'Pozostałe', ro: 'Altele' };

/** The generated form of an entity type. */
export function recordForm(model: Model, entityName: string, options: RecordFormOptions): RecordForm {
  const entity = model.entities.get(entityName);
  if (!entity) throw new Error(`unknown entity type ${entityName}`);
  const language = options.language ?? 'en';
  const schema = recordInputSchema(model, entity, { mode: options.mode, language });
  const fields: Record<string, FieldUi> = {};
  const visibleWhen: Record<string, string> = {};
  const requiredWhen: Record<string, string> = {};
  const writable: string[] = [];
  const shown: string[] = [];
  for (const field of entity.fields) {
    const access = options.fieldAccess?.[field.name] ?? 'write';
    fields[field.name] = fieldUi(model, entity, field, options, language);
    if (access === 'read') fields[field.name]!['ui:readonly'] = true;
    if (!field.readOnly && field.computed === undefined && field.rollup === undefined && access === 'write') writable.push(field.name);
    // Read-only fields (numbers, workflow results) are empty on create: nothing to show yet; fields
    // the user may not see are not shown at all. Computed fields show from the start: the form
    // recomputes them as the user types.
    // Rollups too: they count records that reference this one, and a new record has none.
    if (!((field.readOnly || field.rollup !== undefined) && options.mode === 'create') && access !== 'none') shown.push(field.name);
    const visible = both(kindCondition(entity, field.name), field.visibleWhen);
    if (visible) visibleWhen[field.name] = visible;
    if (field.requiredWhen) requiredWhen[field.name] = field.requiredWhen;
  }
  const defaults: Record<string, unknown> = {};
  for (const [name, machine] of entity.machines) if (machine.initial[0]) defaults[name] = machine.initial[0];
  Object.assign(defaults, declaredDefaults(entity));
  const sections = layoutFor(entity, options.roles);
  const kinds = kindForms(entity, options.mode, shown, (f, own) => layoutOf(own ?? sections, f, language, OTHER[language]));
  const uiSchema: UiSchema = { ...fields, 'ui:order': [...entity.fields.map((f) => f.name), '*'], 'ui:submitButtonOptions': { norender: true } };
  return {
    entity: entity.name,
    mode: options.mode,
    language,
    schema,
    uiSchema,
    fields,
    layout: layoutOf(sections, shown, language, OTHER[language]),
    conditions: { fields: entity.fields.map((f) => f.name), visibleWhen, requiredWhen, ...sectionRules(entity, sections), countryChecks: entity.fields.filter((f) => f.type === 'string' && f.format === 'postalCode' && f.countryField) },
    writable,
    defaults,
    ...(kinds ? { kinds } : {}),
    links: entity.fields.filter((f) => f.id.startsWith('platform.activity.link.')).map((f) => f.name),
  };
}
