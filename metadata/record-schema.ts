// JSON Schema (2020-12) of the records of an entity type, derived from its fields. One function
// serves the server's validation, the generated forms (forms/ adds the uiSchema), the OpenAPI
// document and the generated TypeScript types, so a field is declared once.
import { labelText, type EntityModel, type Model } from './model.ts';
import type { Field } from './schema/types.generated.ts';
import { fieldTypeOf } from './field-types/index.ts';

export { TAX_ID_FORMATS, type TaxIdFormat } from './field-formats.ts';
export { PHONE_PATTERN } from './field-types/index.ts';

export type Language = 'en' | 'pl' | 'ro';
export type JsonSchema = { [key: string]: unknown };

/** Schema of a field's value, without null (see `nullable`). */
export function fieldValueSchema(model: Model, entity: EntityModel, field: Field, currencies: readonly string[], language: Language = 'en'): JsonSchema {
  return fieldTypeOf(field).valueSchema(field, { model, entity, currencies, lineItem: (target, parentField) => lineItemSchema(model, target, parentField, language) });
}

/** One line of a lines field: the line type's write, without the reference to its record (the record gives it), with the id of a stored line. */
function lineItemSchema(model: Model, target: string, parentField: string, language: Language): JsonSchema {
  const line = model.entities.get(target);
  if (!line) return { type: 'object' };
  const { $schema: _schema, properties, required, ...rest } = recordInputSchema(model, line, { mode: 'create', language }) as { $schema?: unknown; properties: Record<string, JsonSchema>; required?: string[] };
  const { [parentField]: _parent, ...own } = properties;
  const requiredOwn = (required ?? []).filter((name) => name !== parentField);
  return { ...rest, properties: { id: { type: 'string', format: 'uuid' }, ...own }, ...(requiredOwn.length ? { required: requiredOwn } : {}) };
}

function withNull(schema: JsonSchema): JsonSchema {
  if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'], ...(Array.isArray(schema.enum) ? { enum: [...schema.enum, null] } : {}) };
  if (schema.const !== undefined) return { anyOf: [schema, { type: 'null' }] };
  return schema.type === undefined ? schema : { anyOf: [schema, { type: 'null' }] };
}

export interface RecordSchemaOptions {
  readonly mode: 'create' | 'update';
  readonly language?: Language;
}

/**
 * Schema of a write (create or update) of an entity type. Optional fields accept null (clears
 * them); required fields are listed in `required` on create. Read-only fields are marked readOnly:
 * the engine refuses client writes to them.
 */
export function recordInputSchema(model: Model, entity: EntityModel, options: RecordSchemaOptions): JsonSchema {
  const language = options.language ?? 'en';
  const currencies = model.pkg.manifest.currencies ?? [model.pkg.manifest.defaultCurrency ?? 'PLN'];
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const field of entity.fields) {
    let schema = fieldValueSchema(model, entity, field, currencies, language);
    const readOnly = field.readOnly === true || field.computed !== undefined || field.rollup !== undefined;
    const isRequired = field.required === true && !readOnly && field.type !== 'state';
    if (!isRequired && field.type !== 'manyToMany' && field.type !== 'lines') schema = withNull(schema);
    properties[field.name] = {
      ...schema,
      title: labelText(field.label, language),
      ...(field.help ? { description: labelText(field.help, language) } : {}),
      ...(readOnly ? { readOnly: true } : {}),
      ...(field.default !== undefined && typeof field.default !== 'string' ? { default: field.default } : {}),
      ...(typeof field.default === 'string' && !field.default.startsWith('$') ? { default: field.default } : {}),
    };
    if (isRequired && options.mode === 'create' && field.default === undefined) required.push(field.name);
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: labelText(entity.label, language),
    type: 'object',
    properties,
    ...(required.length ? { required } : {}),
    additionalProperties: false,
  };
}

/** Schema of a record as the API returns it: system fields plus every field (null when empty). */
export function recordOutputSchema(model: Model, entity: EntityModel, language: Language = 'en'): JsonSchema {
  const currencies = model.pkg.manifest.currencies ?? [model.pkg.manifest.defaultCurrency ?? 'PLN'];
  const uuid = { type: 'string', format: 'uuid' };
  const nullableUuid = { type: ['string', 'null'], format: 'uuid' };
  const ts = { type: 'string', format: 'date-time' };
  const properties: Record<string, JsonSchema> = {
    id: uuid,
    version: { type: 'integer', minimum: 1 },
    created_at: ts,
    created_by: nullableUuid,
    updated_at: ts,
    updated_by: nullableUuid,
    deleted_at: { type: ['string', 'null'], format: 'date-time' },
    owner: nullableUuid,
  };
  for (const field of entity.fields) {
    const schema = fieldValueSchema(model, entity, field, currencies, language);
    properties[field.name] = {
      ...(field.type === 'manyToMany' || field.type === 'lines' ? schema : withNull(schema)),
      title: labelText(field.label, language),
      ...(field.type === 'reference' ? { 'x-tessera-target': field.target } : {}),
    };
  }
  return {
    title: labelText(entity.label, language),
    type: 'object',
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  };
}
