// url: a web address; a bare domain (instal-serwis.pl) is stored as https://instal-serwis.pl.
import { normalizeUrl } from '../field-formats.ts';
import { anyText, asText, columnValue, noOptions, oneCsvColumn, plainColumn, ownColumn, type FieldOf, type FieldTypeModule } from './field-type.ts';

export const urlType: FieldTypeModule<FieldOf<'url'>> = {
  type: 'url',
  columnType: () => ({ kind: 'varchar', length: 2048 }),
  columnNames: ownColumn,
  columns: plainColumn,
  valueSchema: () => ({ type: 'string', format: 'web-url', maxLength: 2048 }),
  filter: { operand: 'text', text: anyText },
  fromRow: columnValue,
  toColumns: (field, value, row) => {
    row[field.name] = typeof value === 'string' ? (normalizeUrl(value) ?? value) : null;
  },
  csv: oneCsvColumn,
  display: asText,
  form: { widget: 'url' },
  widgetOptions: noOptions,
};
