// Which list cells can be edited in place (ui/src/list/InlineEdit.tsx edits them). Pure, and light:
// the list page imports it without the editor.
import type { Field } from '../../../metadata/browser.ts';

export const TEXT = new Set(['string', 'email', 'phone', 'url', 'taxId']);
export const NUMBER = new Set(['integer', 'decimal', 'percent']);

/** Fields a cell can edit in place (the rest open the record). */
export function inlineEditable(field: Field | undefined, access: Readonly<Record<string, string>> | undefined): field is Field {
  if (!field || field.readOnly || (access?.[field.name] ?? 'write') !== 'write') return false;
  return TEXT.has(field.type) || NUMBER.has(field.type) || ['enum', 'boolean', 'date', 'reference'].includes(field.type);
}

