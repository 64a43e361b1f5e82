// JSON Schema (2020-12) of the records of an entity type, derived from its fields. One function
// serves the server's validation, the generated forms (forms/ adds the uiSchema), the OpenAPI
// document and the generated TypeScript types, so a field is declared once.
import { labelText, type EntityModel, type Model } from './model.ts';
import type { Field } from './schema/types.generated.ts';
import type { TaxIdFormat } from './field-formats.ts';

export { TAX_ID_FORMATS, type TaxIdFormat } from './field-formats.ts';

export type Language = 'en' | 'pl' | 'ro';
export type JsonSchema = { [key: string]: unknown };

export const PHONE_PATTERN = '^\\+?[0-9][0-9 ()./-]{2,30}$';
const INT32 = { minimum: -2147483648, maximum: 2147483647 };
const INT64_SAFE = { minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER };

function taxIdFormat(field: Extract<Field, { type: 'taxId' }>): TaxIdFormat {
  const c = field.countries ?? ['PL', 'RO'];
  return c.length === 1 ? (c[0] === 'PL' ? 'tax-id-pl' : 'tax-id-ro') : 'tax-id';
}

function decimalBounds(precision: number, scale: number, min?: number, max?: number): { minimum: number; maximum: number } {
  const limit = 10 ** (precision - scale) - 10 ** -scale;
  return { minimum: Math.max(min ?? -limit, -limit), maximum: Math.min(max ?? limit, limit) };
}

/** Schema of a field's value, without null (see `nullable`). */
export function fieldValueSchema(model: Model, entity: EntityModel, field: Field, currencies: readonly string[]): JsonSchema {
  switch (field.type) {
    case 'string':
      return {
        type: 'string',
        maxLength: field.maxLength ?? 255,
        ...(field.minLength !== undefined ? { minLength: field.minLength } : {}),
        ...(field.pattern ? { pattern: field.pattern } : {}),
        // With a country field the country decides (a record rule); else a PL or RO postal code.
        ...(field.format === 'postalCode' ? { format: field.countryField ? 'postal-code-any' : 'postal-code' } : {}),
      };
    case 'text':
      return { type: 'string', maxLength: field.maxLength ?? 1000000 };
    case 'integer':
      return { type: 'integer', ...(field.big ? INT64_SAFE : INT32), ...(field.minimum !== undefined ? { minimum: field.minimum } : {}), ...(field.maximum !== undefined ? { maximum: field.maximum } : {}) };
    case 'decimal':
      return { type: 'number', ...decimalBounds(field.precision ?? 18, field.scale ?? 4, field.minimum, field.maximum) };
    case 'percent':
      return { type: 'number', minimum: 0, maximum: 100 };
    case 'money':
      return {
        type: 'object',
        properties: {
          amount: { type: 'number', ...decimalBounds(18, 2, field.minimum) },
          currency: field.currency ? { const: field.currency } : { type: 'string', enum: [...currencies] },
        },
        required: ['amount', 'currency'],
        additionalProperties: false,
      };
    case 'boolean':
      return { type: 'boolean' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'datetime':
      return { type: 'string', format: 'date-time' };
    case 'enum':
      return closedSet(field.values.map((v) => v.value));
    case 'state': {
      const machine = entity.machines.get(field.name);
      return closedSet(machine ? machine.states.map((s) => s.name) : []);
    }
    case 'email':
      return { type: 'string', format: 'email', maxLength: 254 };
    case 'phone':
      return { type: 'string', pattern: PHONE_PATTERN, maxLength: 32 };
    case 'url':
      return { type: 'string', format: 'web-url', maxLength: 2048 };
    case 'taxId':
      return { type: 'string', format: taxIdFormat(field), maxLength: 20 };
    case 'reference':
    case 'attachment':
      return { type: 'string', format: 'uuid' };
    case 'manyToMany':
      return {
        type: 'array',
        maxItems: 1000,
        items: {
          type: 'object',
          properties: { id: { type: 'string', format: 'uuid' }, ...(field.roles ? { role: { type: 'string', enum: field.roles.map((r) => r.value) } } : {}) },
          required: ['id'],
          additionalProperties: false,
        },
      };
    case 'json':
      return field.schema ? { ...field.schema } : {};
  }
}

/** A string from a fixed set; an empty set (e.g. no activity kinds yet) admits nothing. */
function closedSet(values: readonly string[]): JsonSchema {
  return values.length > 0 ? { type: 'string', enum: [...values] } : { type: 'string', not: {} };
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
    let schema = fieldValueSchema(model, entity, field, currencies);
    const isRequired = field.required === true && !field.readOnly && field.type !== 'state';
    if (!isRequired && field.type !== 'manyToMany') schema = withNull(schema);
    properties[field.name] = {
      ...schema,
      title: labelText(field.label, language),
      ...(field.help ? { description: labelText(field.help, language) } : {}),
      ...(field.readOnly ? { readOnly: true } : {}),
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
    const schema = fieldValueSchema(model, entity, field, currencies);
    properties[field.name] = {
      ...(field.type === 'manyToMany' ? schema : withNull(schema)),
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
