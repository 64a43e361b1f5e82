// Validation of record writes with the same JSON Schema the forms use (metadata/record-schema.ts),
// compiled once per metadata version, plus the rules a schema cannot express (read-only fields,
// kind-specific activity fields, conditional requirements). Errors carry JSON pointers.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { feelConditionHolds, hiddenFields, layoutFor, postalCodeProblems, recordFeelContext, recordInputSchema, RECORD_FORMATS, visibilityRules, type EntityModel, type Model } from '../../metadata/index.ts';
import { schemaProblems as formProblems } from '../../forms/index.ts';
import { TesseraError, type Problem } from '../errors.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export interface EntityValidators {
  readonly create: ValidateFunction;
  readonly update: ValidateFunction;
}

export function createRecordAjv(): Ajv2020 {
  // ownProperties: a body's own members only (a field named "constructor" is not "present" in every body).
  const ajv = new Ajv2020({ allErrors: true, strict: false, coerceTypes: false, ownProperties: true });
  addFormats(ajv);
  for (const [format, check] of Object.entries(RECORD_FORMATS)) ajv.addFormat(format, { type: 'string', validate: check });
  return ajv;
}

export function compileValidators(ajv: Ajv2020, model: Model, entity: EntityModel): EntityValidators {
  return {
    create: ajv.compile(recordInputSchema(model, entity, { mode: 'create' })),
    update: ajv.compile(recordInputSchema(model, entity, { mode: 'update' })),
  };
}

/** ajv errors in the words the forms use too (forms/problems.ts), one problem per pointer. */
export function schemaProblems(entity: EntityModel, errors: readonly ErrorObject[]): Problem[] {
  return formProblems(errors, entity.name);
}

export function validateInput(entity: EntityModel, validate: ValidateFunction, input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TesseraError('VALIDATION_FAILED', 'the body must be a JSON object of field values', { problems: [{ pointer: '', detail: 'must be an object', code: 'TYPE' }] });
  }
  if (!validate(input)) {
    const problems = schemaProblems(entity, validate.errors ?? []);
    throw new TesseraError('VALIDATION_FAILED', `invalid ${entity.name}: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });
  }
  return input as Record<string, unknown>;
}

/** Rules beyond JSON Schema, over the complete record after the write. */
/** `lines`: the problems of the lines written (engine/records/lines.ts), reported with the record's. */
export function checkRecordRules(entity: EntityModel, written: Readonly<Record<string, unknown>>, record: Readonly<Record<string, unknown>>, options: { allowReadOnly: boolean; lines?: readonly Problem[]; roles?: readonly string[] | undefined }): void {
  const problems: Problem[] = [...(options.lines ?? [])];
  for (const name of Object.keys(written)) {
    const field = entity.fieldsByName.get(name);
    // A computed field is its expression's, a rollup its records': not even the platform writes them.
    if (field && ((!options.allowReadOnly && field.readOnly) || field.computed !== undefined || field.rollup !== undefined)) problems.push({ pointer: `/${name}`, detail: 'is read-only', code: 'READ_ONLY' });
  }
  if (entity.kindFields) {
    const kind = String(record.kind ?? '');
    const own = entity.kindFields.get(kind);
    const allKindFields = new Set([...entity.kindFields.values()].flatMap((s) => [...s]));
    for (const name of Object.keys(written)) {
      if (allKindFields.has(name) && !own?.has(name) && written[name] !== null) {
        problems.push({ pointer: `/${name}`, detail: `is not a field of activity kind "${kind}"`, code: 'KIND_FIELD', params: { kind } });
      }
    }
  }
  const context = recordFeelContext(entity.fields.map((f) => f.name), record);
  // Required only while shown: the form hides the same fields, in the layout of the writer's role (metadata/visibility.ts).
  const hidden = hiddenFields(visibilityRules(entity.fields, layoutFor(entity, options.roles, record.kind)), context);
  for (const field of entity.fields) {
    if (!('requiredWhen' in field) || !field.requiredWhen || hidden.has(field.name)) continue;
    const value = record[field.name];
    if ((value === null || value === undefined || value === '') && feelConditionHolds(field.requiredWhen, context)) {
      problems.push({ pointer: `/${field.name}`, detail: 'is required here', code: 'REQUIRED' });
    }
  }
  problems.push(...postalCodeProblems(entity.fields, record, written));
  if (problems.length > 0) throw new TesseraError('VALIDATION_FAILED', `invalid ${entity.name}: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });
}
