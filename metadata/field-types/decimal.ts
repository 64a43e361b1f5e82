// decimal: a fixed-point number (precision and scale of the column).
import { anyText, columnValue, noOptions, oneCsvColumn, plainColumn, writeAsGiven, ownColumn, type FieldOf, type FieldTypeModule } from './field-type.ts';
import { formatNumber } from './format.ts';

/** The range a numeric(precision, scale) column holds, narrowed by the field's own bounds. */
export function decimalBounds(precision: number, scale: number, min?: number, max?: number): { minimum: number; maximum: number } {
  const limit = 10 ** (precision - scale) - 10 ** -scale;
  return { minimum: Math.max(min ?? -limit, -limit), maximum: Math.min(max ?? limit, limit) };
}

export const decimalType: FieldTypeModule<FieldOf<'decimal'>> = {
  type: 'decimal',
  columnType: (field) => ({ kind: 'numeric', precision: field.precision ?? 18, scale: field.scale ?? 4 }),
  columnNames: ownColumn,
  columns: plainColumn,
  valueSchema: (field) => ({ type: 'number', ...decimalBounds(field.precision ?? 18, field.scale ?? 4, field.minimum, field.maximum) }),
  filter: { operand: 'number', text: anyText },
  fromRow: columnValue,
  toColumns: writeAsGiven,
  csv: oneCsvColumn,
  display: (_field, value, ctx) => ({ text: formatNumber(Number(value), ctx.locale, 4) }),
  form: { widget: 'number' },
  widgetOptions: noOptions,
};
