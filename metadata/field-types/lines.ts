// lines: the line items of a record (offer lines, order lines): records of another entity type tied
// to this one by a required cascade reference, written, validated and read with the record. No
// column of its own; the lines live in the line type's table with a position column (physical.ts).
// The API value is the ordered list of lines; a line with an `id` is that stored line, one without a
// new line, and a stored line left out is deleted (engine/records/lines.ts).
import { anyText, type FieldOf, type FieldTypeModule } from './field-type.ts';

/** Most lines a record may have when the field does not say. */
export const DEFAULT_MAX_LINES = 500;

/** The column keeping a line's place among its record's lines. */
export const LINE_POSITION_COLUMN = 'line_position';

export const linesType: FieldTypeModule<FieldOf<'lines'>> = {
  type: 'lines',
  columnType: () => null,
  columnNames: () => [],
  columns: () => [],
  valueSchema: (field, { lineItem }) => ({ type: 'array', maxItems: field.maxItems ?? DEFAULT_MAX_LINES, items: lineItem(field.target, field.parentField) }),
  filter: { operand: null, text: anyText },
  fromRow: () => [],
  toColumns: () => {},
  csv: (field) => [{ header: field.name, cell: (value) => (Array.isArray(value) ? value.length : 0) }],
  display: (_field, value) => ({ text: String(Array.isArray(value) ? value.length : 0) }),
  form: { field: 'lines' },
  widgetOptions: (field, { model, language, lineColumns }) => ({ target: field.target, lineColumns: lineColumns(model, field.target, field.parentField, language) }),
};
