// phone: a telephone number as written (digits, spaces and the usual separators, an optional +).
import { anyText, asText, columnValue, noOptions, oneCsvColumn, plainColumn, writeAsGiven, ownColumn, type FieldOf, type FieldTypeModule } from './field-type.ts';

export const PHONE_PATTERN = '^\\+?[0-9][0-9 ()./-]{2,30}$';

export const phoneType: FieldTypeModule<FieldOf<'phone'>> = {
  type: 'phone',
  columnType: () => ({ kind: 'varchar', length: 32 }),
  columnNames: ownColumn,
  columns: plainColumn,
  valueSchema: () => ({ type: 'string', pattern: PHONE_PATTERN, maxLength: 32 }),
  filter: { operand: 'text', text: anyText },
  fromRow: columnValue,
  toColumns: writeAsGiven,
  csv: oneCsvColumn,
  display: asText,
  form: { widget: 'phone' },
  widgetOptions: noOptions,
};
