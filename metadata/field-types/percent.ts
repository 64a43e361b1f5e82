// percent: 0 to 100, two decimals.
import { anyText, columnValue, noOptions, oneCsvColumn, plainColumn, writeAsGiven, ownColumn, type FieldOf, type FieldTypeModule } from './field-type.ts';
import { formatNumber } from './format.ts';

export const percentType: FieldTypeModule<FieldOf<'percent'>> = {
  type: 'percent',
  columnType: () => ({ kind: 'numeric', precision: 5, scale: 2 }),
  columnNames: ownColumn,
  columns: plainColumn,
  valueSchema: () => ({ type: 'number', minimum: 0, maximum: 100 }),
  filter: { operand: 'number', text: anyText },
  fromRow: columnValue,
  toColumns: writeAsGiven,
  csv: oneCsvColumn,
  display: (_field, value, ctx) => ({ text: `${formatNumber(Number(value), ctx.locale)} %` }),
  form: { widget: 'percent' },
  widgetOptions: noOptions,
};
