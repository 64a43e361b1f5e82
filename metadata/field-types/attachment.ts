// attachment: the id of an uploaded file (the platform's files table).
import { anyText, asText, columnValue, oneCsvColumn, writeAsGiven, ownColumn, type FieldOf, type FieldTypeModule } from './field-type.ts';

export const attachmentType: FieldTypeModule<FieldOf<'attachment'>> = {
  type: 'attachment',
  columnType: () => ({ kind: 'uuid' }),
  columnNames: ownColumn,
  columns: (_field, { base, filesKey }) => [{ ...base, references: filesKey }],
  valueSchema: () => ({ type: 'string', format: 'uuid' }),
  filter: { operand: 'uuid', text: anyText },
  fromRow: columnValue,
  toColumns: writeAsGiven,
  csv: oneCsvColumn,
  display: asText,
  form: { widget: 'attachment' },
  widgetOptions: (field) => ({ ...(field.accept ? { accept: field.accept } : {}), ...(field.maxBytes ? { maxBytes: field.maxBytes } : {}) }),
};
