// boolean: yes or no.
import { anyText, columnValue, noOptions, oneCsvColumn, plainColumn, writeAsGiven, ownColumn, type FieldOf, type FieldTypeModule } from './field-type.ts';

export const booleanType: FieldTypeModule<FieldOf<'boolean'>> = {
  type: 'boolean',
  columnType: () => ({ kind: 'boolean' }),
  columnNames: ownColumn,
  columns: plainColumn,
  valueSchema: () => ({ type: 'boolean' }),
  filter: { operand: 'boolean', text: anyText },
  fromRow: columnValue,
  toColumns: writeAsGiven,
  csv: oneCsvColumn,
  display: (_field, value) => ({ text: value ? '✓' : '✗' }),
  form: { widget: 'checkbox' },
  widgetOptions: noOptions,
};
