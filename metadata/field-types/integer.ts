// integer: 32-bit, or 64-bit within JavaScript's safe integers (`big`).
import { anyText, columnValue, noOptions, oneCsvColumn, plainColumn, writeAsGiven, ownColumn, type FieldOf, type FieldTypeModule } from './field-type.ts';
import { formatNumber } from './format.ts';

const INT32 = { minimum: -2147483648, maximum: 2147483647 };
const INT64_SAFE = { minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER };

export const integerType: FieldTypeModule<FieldOf<'integer'>> = {
  type: 'integer',
  columnType: (field) => (field.big ? { kind: 'bigint' } : { kind: 'integer' }),
  columnNames: ownColumn,
  columns: plainColumn,
  valueSchema: (field) => ({ type: 'integer', ...(field.big ? INT64_SAFE : INT32), ...(field.minimum !== undefined ? { minimum: field.minimum } : {}), ...(field.maximum !== undefined ? { maximum: field.maximum } : {}) }),
  filter: { operand: 'number', text: anyText },
  fromRow: columnValue,
  toColumns: writeAsGiven,
  csv: oneCsvColumn,
  display: (_field, value, ctx) => ({ text: formatNumber(Number(value), ctx.locale, 4) }),
  form: { widget: 'integer' },
  widgetOptions: noOptions,
};
