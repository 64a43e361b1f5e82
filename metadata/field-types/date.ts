// date: a calendar day, YYYY-MM-DD.
import { anyText, columnValue, noOptions, oneCsvColumn, plainColumn, writeAsGiven, ownColumn, type FieldOf, type FieldTypeModule } from './field-type.ts';
import { formatDate } from './format.ts';

export const dateType: FieldTypeModule<FieldOf<'date'>> = {
  type: 'date',
  columnType: () => ({ kind: 'date' }),
  columnNames: ownColumn,
  columns: plainColumn,
  valueSchema: () => ({ type: 'string', format: 'date' }),
  filter: { operand: 'date', text: anyText },
  fromRow: columnValue,
  toColumns: writeAsGiven,
  csv: oneCsvColumn,
  display: (_field, value, ctx) => ({ text: formatDate(String(value), ctx.locale) }),
  form: { widget: 'date' },
  widgetOptions: noOptions,
};
