// Duplicate rules (an entity type's `duplicates`): which values make two records probably the same
// one. Pure: the normalised operand a rule compares for each field type; the engine turns it into
// SQL over the stored column (engine/records/duplicates.ts).
import type { FieldType } from './model.ts';
import type { DuplicateRule, Field } from './schema/types.generated.ts';
import { checkTaxId, compactTaxId, type TaxIdCountry } from './tax-id.ts';

/** Field types a rule may compare: values with an identity (not long texts, JSON, money or link lists). */
export const DUPLICATE_FIELD_TYPES: ReadonlySet<FieldType> = new Set<FieldType>(['string', 'email', 'phone', 'taxId', 'url', 'enum', 'reference', 'integer', 'date']);

/** Phones compare by their last digits: "+48 601 234 567" and "601-234-567" are one number. */
export const PHONE_DIGITS = 9;

/**
 * How one field's value is compared with the stored column:
 * - `folded`: text, case, Polish/Romanian diacritics and repeated spaces ignored;
 * - `lower`: case ignored (e-mail, web address);
 * - `phone`: the last PHONE_DIGITS digits;
 * - `anyOf`: the column equals one of the values (a tax id stored with or without its EU prefix);
 * - `equal`: plain equality.
 */
export type DuplicateOperand =
  | { readonly kind: 'folded' | 'lower' | 'phone'; readonly value: string }
  | { readonly kind: 'anyOf'; readonly values: readonly string[] }
  | { readonly kind: 'equal'; readonly value: string | number | boolean };

/** The operand for a field's value, or null when the value cannot identify a record (empty, too short a phone). */
export function duplicateOperand(field: Field, value: unknown): DuplicateOperand | null {
  if (value === null || value === undefined || value === '') return null;
  switch (field.type) {
    case 'string':
      return typeof value === 'string' && value.trim() ? { kind: 'folded', value } : null;
    case 'email':
    case 'url':
      return typeof value === 'string' && value.trim() ? { kind: 'lower', value: value.trim() } : null;
    case 'phone': {
      const digits = String(value).replace(/\D/g, '');
      return digits.length >= 6 ? { kind: 'phone', value: digits.slice(-PHONE_DIGITS) } : null;
    }
    case 'taxId': {
      if (typeof value !== 'string') return null;
      // Per country: the same digits under another country's system are another company.
      const result = checkTaxId(value, (field.countries ?? ['PL', 'RO']) as TaxIdCountry[]);
      if (!result.valid) return { kind: 'anyOf', values: [compactTaxId(value)] };
      return { kind: 'anyOf', values: [result.normalized!, `${result.country!}${result.normalized!}`] };
    }
    default:
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? { kind: 'equal', value } : null;
  }
}

/** The rules that apply to these values: every field of the rule has a comparable value. */
export function applicableRules(rules: readonly DuplicateRule[], fields: ReadonlyMap<string, Field>, values: Readonly<Record<string, unknown>>): { rule: DuplicateRule; operands: { field: string; operand: DuplicateOperand }[] }[] {
  const result: { rule: DuplicateRule; operands: { field: string; operand: DuplicateOperand }[] }[] = [];
  for (const rule of rules) {
    const operands = rule.fields.map((name) => {
      const field = fields.get(name);
      const operand = field ? duplicateOperand(field, values[name]) : null;
      return operand ? { field: name, operand } : null;
    });
    if (operands.every((o) => o !== null)) result.push({ rule, operands: operands as { field: string; operand: DuplicateOperand }[] });
  }
  return result;
}
