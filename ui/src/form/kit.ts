// What every rjsf form of the app shares: our validator, templates, widgets and custom fields, and
// errors shown on the fields rather than in a list (and no browser-native validation bubbles).
import type { RJSFValidationError } from '@rjsf/utils';
import { problemText, schemaErrorProblem, type SchemaError } from '../../../forms/index.ts';
import type { Language } from '../app/messages.ts';
import { fields } from './fields.tsx';
import { templates } from './templates.tsx';
import { validator } from './validator.ts';
import { widgets } from './widgets.tsx';

export const formKit = { validator, templates, widgets, fields, noHtml5Validate: true, showErrorList: false } as const;

/** rjsf's error (property ".a.b", keyword, params) back to ajv's shape, for the shared wording. */
export function toSchemaError(e: RJSFValidationError): SchemaError {
  const pointer = (e.property ?? '').replace(/^\./, '/').replace(/\./g, '/');
  const missing = e.name === 'required' ? String((e.params as { missingProperty?: string }).missingProperty ?? '') : '';
  const instancePath = missing && pointer.endsWith(`/${missing}`) ? pointer.slice(0, -(missing.length + 1)) : pointer;
  return { keyword: e.name ?? '', instancePath, params: (e.params ?? {}) as Record<string, unknown>, ...(e.message ? { message: e.message } : {}) };
}

/** Errors in the server's words and the user's language, where rjsf shows them (on their field). */
export function wordErrors(language: Language) {
  return (errors: RJSFValidationError[]): RJSFValidationError[] =>
    errors.map((e) => {
      const message = problemText({ ...schemaErrorProblem(toSchemaError(e), ''), pointer: '' }, language);
      return { ...e, message, stack: `${e.property ?? ''} ${message}`.trim() };
    });
}
