// text: several lines of text.
import { anyText, asText, columnValue, oneCsvColumn, plainColumn, writeAsGiven, ownColumn, type FieldOf, type FieldTypeModule } from './field-type.ts';

export const textType: FieldTypeModule<FieldOf<'text'>> = {
  type: 'text',
  columnType: () => ({ kind: 'text' }),
  columnNames: ownColumn,
  columns: plainColumn,
  valueSchema: (field) => ({ type: 'string', maxLength: field.maxLength ?? 1000000 }),
  filter: { operand: 'text', text: anyText },
  fromRow: columnValue,
  toColumns: writeAsGiven,
  csv: oneCsvColumn,
  display: asText,
  form: { widget: 'textarea' },
  widgetOptions: () => ({ rows: 4 }),
};
