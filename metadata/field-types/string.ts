// string: one line of text (a postal code when its format says so).
import { anyText, asText, columnValue, noOptions, oneCsvColumn, plainColumn, writeAsGiven, ownColumn, type FieldOf, type FieldTypeModule } from './field-type.ts';

export const stringType: FieldTypeModule<FieldOf<'string'>> = {
  type: 'string',
  columnType: (field) => ({ kind: 'varchar', length: field.maxLength ?? 255 }),
  columnNames: ownColumn,
  columns: plainColumn,
  valueSchema: (field) => ({
    type: 'string',
    maxLength: field.maxLength ?? 255,
    ...(field.minLength !== undefined ? { minLength: field.minLength } : {}),
    ...(field.pattern ? { pattern: field.pattern } : {}),
    // With a country field the country decides (a record rule); else a PL or RO postal code.
    ...(field.format === 'postalCode' ? { format: field.countryField ? 'postal-code-any' : 'postal-code' } : {}),
  }),
  filter: { operand: 'text', text: anyText },
  fromRow: columnValue,
  toColumns: writeAsGiven,
  csv: oneCsvColumn,
  display: asText,
  form: { widget: 'text' },
  widgetOptions: noOptions,
};
