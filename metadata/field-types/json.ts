// json: any JSON value (jsonb), optionally held to a JSON Schema; not filterable beyond isNull.
import { anyText, columnValue, noOptions, oneCsvColumn, plainColumn, ownColumn, type FieldOf, type FieldTypeModule } from './field-type.ts';

export const jsonType: FieldTypeModule<FieldOf<'json'>> = {
  type: 'json',
  columnType: () => ({ kind: 'jsonb' }),
  columnNames: ownColumn,
  columns: plainColumn,
  valueSchema: (field) => (field.schema ? { ...field.schema } : {}),
  filter: { operand: 'json', text: anyText },
  fromRow: columnValue,
  // Serialised here: the driver would send a JavaScript array as a PostgreSQL array.
  toColumns: (field, value, row) => {
    row[field.name] = value === null || value === undefined ? null : JSON.stringify(value);
  },
  csv: oneCsvColumn,
  display: (_field, value) => ({ text: JSON.stringify(value) }),
  form: { field: 'json' },
  widgetOptions: noOptions,
};
