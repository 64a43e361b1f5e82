// The browser's validator for rjsf. Not ajv: ajv compiles validators with new Function, which our
// Content-Security-Policy (script-src 'self') rightly forbids. forms/schema-check.ts interprets the
// same schemas and reports ajv-shaped errors, so the wording (forms/problems.ts) matches the server.
import {
  createErrorHandler,
  getDefaultFormState,
  toErrorSchema,
  unwrapErrorHandler,
  validationDataMerge,
  type CustomValidator,
  type ErrorTransformer,
  type RJSFSchema,
  type RJSFValidationError,
  type UiSchema,
  type ValidationData,
  type ValidatorType,
} from '@rjsf/utils';
import { checkSchema, type CheckError } from '../../../forms/index.ts';

type Values = Record<string, unknown>;

/** An error in rjsf's shape: property ".a.b" (the missing property appended for `required`). */
function toRjsf(e: CheckError): RJSFValidationError {
  let property = e.instancePath.replace(/\//g, '.');
  if (e.keyword === 'required') property = `${property}.${String(e.params.missingProperty)}`;
  return { name: e.keyword, property, message: e.message, params: e.params, stack: `${property} ${e.message}`.trim(), schemaPath: e.schemaPath };
}

class SchemaCheckValidator implements ValidatorType<Values> {
  rawValidation<Result = CheckError>(schema: RJSFSchema, formData?: Values): { errors?: Result[]; validationError?: Error } {
    return { errors: checkSchema(schema as Record<string, unknown>, formData) as Result[] };
  }

  validateFormData(formData: Values | undefined, schema: RJSFSchema, customValidate?: CustomValidator<Values>, transformErrors?: ErrorTransformer<Values>, uiSchema?: UiSchema<Values>): ValidationData<Values> {
    let errors = checkSchema(schema as Record<string, unknown>, formData).map(toRjsf);
    if (transformErrors) errors = transformErrors(errors, uiSchema);
    const errorSchema = toErrorSchema<Values>(errors);
    if (!customValidate) return { errors, errorSchema };
    const withDefaults = getDefaultFormState<Values>(this, schema, formData, schema, true);
    const handler = customValidate(withDefaults as Values, createErrorHandler<Values>(withDefaults as Values), uiSchema, errorSchema);
    return validationDataMerge<Values>({ errors, errorSchema }, unwrapErrorHandler<Values>(handler));
  }

  isValid(schema: RJSFSchema, formData: Values | undefined, rootSchema: RJSFSchema): boolean {
    return checkSchema(schema as Record<string, unknown>, formData, rootSchema as Record<string, unknown>).length === 0;
  }
}

export const validator: ValidatorType<Values> = new SchemaCheckValidator();
