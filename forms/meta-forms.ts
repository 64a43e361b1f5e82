// Forms over the meta-schema, for the analyst's designer: an item (entity type, activity kind,
// pipeline, status machine, manifest) or one field definition, each as a plain object schema the
// form library renders without oneOf pickers. The schemas are cut from the meta-schema itself
// (metadata/schema/package.schema.json), so the designer offers exactly what validation accepts.
import type { JsonSchema } from '../metadata/browser.ts';

export type MetaItemKind = 'manifest' | 'entity' | 'activityKind' | 'pipeline' | 'statusMachine' | 'view' | 'report' | 'dashboard' | 'role' | 'trigger';

export interface MetaForm {
  readonly schema: JsonSchema;
  readonly uiSchema: Readonly<Record<string, unknown>>;
}

const DEF_OF: Record<MetaItemKind, string> = {
  manifest: 'Manifest',
  entity: 'EntityType',
  activityKind: 'ActivityKind',
  pipeline: 'Pipeline',
  statusMachine: 'StatusMachine',
  view: 'View',
  report: 'Report',
  dashboard: 'Dashboard',
  role: 'Role',
  trigger: 'Trigger',
};

/** Parts edited elsewhere in the designer (the field list) or as JSON (layout, indexes, filters). */
const EDITED_ELSEWHERE: Partial<Record<MetaItemKind, readonly string[]>> = {
  entity: ['fields', 'layout', 'indexes', 'numbering', 'defaultSort'],
  activityKind: ['fields'],
  view: ['filter'],
  // A report's query and a dashboard's widgets are edited as JSON (docs/reports.md).
  report: ['groupBy', 'measures', 'filter', 'parameters', 'capacity'],
  dashboard: ['widgets'],
  // A role's rights are the roles matrix (ui/src/pages/designer/RoleEditor.tsx).
  role: ['permissions'],
  // The trigger editor (ui/src/pages/designer/TriggerEditor.tsx) edits the event and what it does.
  trigger: ['entity', 'on', 'field', 'state', 'condition', 'start', 'message'],
  // Drawn as a graph (forms/state-graph.ts, the designer's StateGraphEditor).
  pipeline: ['stages', 'transitions'],
  statusMachine: ['states', 'transitions'],
};

type Defs = Record<string, JsonSchema>;

function defsOf(metaSchema: Readonly<Record<string, unknown>>): Defs {
  return (metaSchema.$defs ?? {}) as Defs;
}

const refName = (schema: JsonSchema | undefined) => (typeof schema?.$ref === 'string' ? schema.$ref.replace('#/$defs/', '') : undefined);

/** uiSchema for a (sub)schema: labels as one language group, FEEL in a code input, colours, nested. */
function uiFor(schema: JsonSchema | undefined, defs: Defs, depth = 0): Record<string, unknown> {
  if (!schema || depth > 6) return {};
  const ref = refName(schema);
  if (ref === 'Label' || ref === 'HelpText') return { 'ui:field': 'label' };
  if (ref === 'FeelExpression') return { 'ui:widget': 'feel' };
  if (ref === 'Color') return { 'ui:widget': 'color' };
  if (ref === 'FilterNode') return { 'ui:field': 'json' };
  const resolved = ref ? defs[ref] : schema;
  if (!resolved) return {};
  if (resolved.const !== undefined) return { 'ui:widget': 'hidden' };
  if (resolved.type === 'array' && resolved.items) return { items: uiFor(resolved.items as JsonSchema, defs, depth + 1) };
  const properties = resolved.properties as Record<string, JsonSchema> | undefined;
  if (!properties) return {};
  const ui: Record<string, unknown> = {};
  for (const [name, sub] of Object.entries(properties)) {
    const entry = uiFor(sub, defs, depth + 1);
    if (Object.keys(entry).length) ui[name] = entry;
  }
  return ui;
}

/** The form of an item of the given kind (without the parts the designer edits separately). */
export function metaItemForm(metaSchema: Readonly<Record<string, unknown>>, kind: MetaItemKind): MetaForm {
  const defs = defsOf(metaSchema);
  const def = defs[DEF_OF[kind]];
  if (!def) throw new Error(`the meta-schema has no definition ${DEF_OF[kind]}`);
  const omit = new Set(EDITED_ELSEWHERE[kind] ?? []);
  const properties = Object.fromEntries(Object.entries(def.properties as Record<string, JsonSchema>).filter(([name]) => !omit.has(name)));
  const schema: JsonSchema = { ...def, properties, required: ((def.required as string[]) ?? []).filter((r) => !omit.has(r)), $defs: defs };
  return { schema, uiSchema: { ...uiFor(schema, defs), 'ui:submitButtonOptions': { norender: true } } };
}

/** Field types in the meta-schema's order. */
export function metaFieldTypes(metaSchema: Readonly<Record<string, unknown>>): string[] {
  const defs = defsOf(metaSchema);
  return ((defs.Field?.oneOf ?? []) as JsonSchema[]).map((branch) => {
    const def = defs[refName(branch) ?? ''];
    return String(((def?.properties as Record<string, JsonSchema>)?.type)?.const);
  });
}

/** The form of one field definition of the given type: the common properties and the type's own. */
export function metaFieldForm(metaSchema: Readonly<Record<string, unknown>>, type: string): MetaForm {
  const defs = defsOf(metaSchema);
  const branch = ((defs.Field?.oneOf ?? []) as JsonSchema[]).map((b) => defs[refName(b) ?? '']).find((d) => (d?.properties as Record<string, JsonSchema> | undefined)?.type?.const === type);
  if (!branch) throw new Error(`the meta-schema has no field type ${type}`);
  const common = defs.FieldCommon!;
  const properties = { ...(common.properties as Record<string, JsonSchema>), ...(branch.properties as Record<string, JsonSchema>) };
  // json-schema-to-typescript's tsType is not a validation keyword; the form library need not see it.
  for (const [name, sub] of Object.entries(properties)) if ('tsType' in sub) properties[name] = Object.fromEntries(Object.entries(sub).filter(([k]) => k !== 'tsType'));
  const required = [...new Set([...((common.required as string[]) ?? []), ...((branch.required as string[]) ?? [])])];
  const schema: JsonSchema = { type: 'object', properties, required, additionalProperties: false, $defs: defs };
  const order = ['id', 'name', 'type', 'label', 'help', 'required', 'readOnly', 'unique', 'indexed', 'searchable', '*', 'default', 'visibleWhen', 'requiredWhen'];
  // A default of no simple type (money, json, any) is edited as JSON.
  const defaultType = properties.default?.type;
  const defaultUi = defaultType === 'string' || defaultType === 'number' || defaultType === 'integer' || defaultType === 'boolean' ? {} : { default: { 'ui:field': 'json' } };
  return { schema, uiSchema: { ...uiFor(schema, defs), type: { 'ui:widget': 'hidden' }, ...defaultUi, 'ui:order': order, 'ui:submitButtonOptions': { norender: true } } };
}
