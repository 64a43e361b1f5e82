// reference: the id of a record of the target entity type (or of a user or team), with a foreign key.
import { anyText, columnValue, oneCsvColumn, writeAsGiven, ownColumn, type FieldOf, type FieldTypeModule } from './field-type.ts';
import { recordTitle } from './format.ts';
import { targetOptions } from './widget.ts';

export const referenceType: FieldTypeModule<FieldOf<'reference'>> = {
  type: 'reference',
  columnType: () => ({ kind: 'uuid' }),
  columnNames: ownColumn,
  columns: (field, { base, foreignKey }) => [{ ...base, references: foreignKey(field.target, field.onDelete ?? 'restrict') }],
  valueSchema: () => ({ type: 'string', format: 'uuid' }),
  filter: { operand: 'uuid', text: anyText },
  fromRow: columnValue,
  toColumns: writeAsGiven,
  csv: oneCsvColumn,
  // An included reference is the record itself; else its id.
  display: (field, value, { model }) => {
    if (typeof value === 'object') return { text: recordTitle(model.entities.get(field.target), value as Record<string, unknown>) };
    return { text: String(value).slice(0, 8) };
  },
  form: { widget: 'reference' },
  widgetOptions: (field, { model, language }) => targetOptions(model, field.target, language),
};
