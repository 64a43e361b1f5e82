// email: an address, stored trimmed and in lower case.
import { anyText, asText, columnValue, noOptions, oneCsvColumn, plainColumn, ownColumn, type FieldOf, type FieldTypeModule } from './field-type.ts';

export const emailType: FieldTypeModule<FieldOf<'email'>> = {
  type: 'email',
  columnType: () => ({ kind: 'varchar', length: 254 }),
  columnNames: ownColumn,
  columns: plainColumn,
  valueSchema: () => ({ type: 'string', format: 'email', maxLength: 254 }),
  filter: { operand: 'text', text: anyText },
  fromRow: columnValue,
  toColumns: (field, value, row) => {
    row[field.name] = typeof value === 'string' ? value.trim().toLowerCase() : null;
  },
  csv: oneCsvColumn,
  display: asText,
  form: { widget: 'email' },
  widgetOptions: noOptions,
};
