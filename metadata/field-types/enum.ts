// enum: one value of a closed list, each with a label and a colour.
import type { JsonSchema } from '../record-schema.ts';
import { labelText } from '../model.ts';
import { columnValue, oneCsvColumn, writeAsGiven, ownColumn, type FieldOf, type FieldTypeModule } from './field-type.ts';
import { choicesOf } from './widget.ts';

/** A string from a fixed set; an empty set (e.g. no activity kinds yet) admits nothing. */
export function closedSet(values: readonly string[]): JsonSchema {
  return values.length > 0 ? { type: 'string', enum: [...values] } : { type: 'string', not: {} };
}

export const enumType: FieldTypeModule<FieldOf<'enum'>> = {
  type: 'enum',
  columnType: () => ({ kind: 'varchar', length: 48 }),
  columnNames: ownColumn,
  columns: (field, { base }) => [{ ...base, allowedValues: field.values.map((v) => ({ ...(v.id ? { id: v.id } : {}), value: v.value })) }],
  valueSchema: (field) => closedSet(field.values.map((v) => v.value)),
  filter: {
    operand: 'text',
    text: (field, text) =>
      field.values.some((v) => v.value === text) ? { value: text } : { problem: `"${text}" is not a value of ${field.name} (${field.values.map((v) => v.value).join(', ')})` },
  },
  fromRow: columnValue,
  toColumns: writeAsGiven,
  csv: oneCsvColumn,
  display: (field, value, { language }) => {
    const v = field.values.find((x) => x.value === value);
    return v ? { text: labelText(v.label, language), ...(v.color ? { color: v.color } : {}) } : { text: String(value) };
  },
  form: { widget: 'enum' },
  widgetOptions: (field, { language }) => ({ choices: choicesOf(field.values, language) }),
};
