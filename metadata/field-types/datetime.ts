// datetime: an instant, ISO 8601 in the API (timestamptz in the database).
import { anyText, noOptions, oneCsvColumn, plainColumn, writeAsGiven, ownColumn, type FieldOf, type FieldTypeModule } from './field-type.ts';
import { formatDateTime } from './format.ts';

export const datetimeType: FieldTypeModule<FieldOf<'datetime'>> = {
  type: 'datetime',
  columnType: () => ({ kind: 'timestamptz' }),
  columnNames: ownColumn,
  columns: plainColumn,
  valueSchema: () => ({ type: 'string', format: 'date-time' }),
  filter: { operand: 'datetime', text: anyText },
  fromRow: (field, row) => {
    const value = row[field.name] ?? null;
    return value instanceof Date ? value.toISOString() : value;
  },
  toColumns: writeAsGiven,
  csv: oneCsvColumn,
  display: (_field, value, ctx) => ({ text: formatDateTime(String(value), ctx.locale) }),
  form: { widget: 'datetime' },
  widgetOptions: noOptions,
};
