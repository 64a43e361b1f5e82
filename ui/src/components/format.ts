// Display of stored values in lists, cards and timelines, in the user's language.
import { fieldTypeOf, formatDateTime, type Display, type EntityModel, type Model, type Field } from '../../../metadata/browser.ts';
import type { Language } from '../app/messages.ts';

// Formatting is the field types' (metadata/field-types): one place for the browser and the server.
export { formatDate, formatDateTime, formatMoney, formatNumber, recordTitle, type Display } from '../../../metadata/browser.ts';

/** A value of a field as text (and colour for enums and states). */
export function displayValue(model: Model, entity: EntityModel, field: Field | undefined, value: unknown, language: Language, locale: string): Display {
  if (value === null || value === undefined || value === '') return { text: '' };
  if (!field) return { text: typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) ? formatDateTime(value, locale) : String(value) };
  return fieldTypeOf(field).display(field, value, { model, entity, language, locale });
}

/** The id behind a reference value, whether it was included (an object) or not (the id). */
export function referenceId(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id;
  return null;
}
