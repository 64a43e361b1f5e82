// manyToMany: links to records of the target entity type, each with an optional role, in a join
// table (no column of its own). The API value is [{id, role?}]; filters ask for links (eq, in, isNull).
import type { FieldLink } from './field-type.ts';
import { anyText, type FieldOf, type FieldTypeModule } from './field-type.ts';
import { recordTitle } from './format.ts';
import { choicesOf, targetOptions } from './widget.ts';

export const manyToManyType: FieldTypeModule<FieldOf<'manyToMany'>> = {
  type: 'manyToMany',
  columnType: () => null,
  columnNames: () => [],
  columns: () => [],
  valueSchema: (field) => ({
    type: 'array',
    maxItems: 1000,
    items: {
      type: 'object',
      properties: { id: { type: 'string', format: 'uuid' }, ...(field.roles ? { role: { type: 'string', enum: field.roles.map((r) => r.value) } } : {}) },
      required: ['id'],
      additionalProperties: false,
    },
  }),
  filter: { operand: null, text: anyText },
  fromRow: (field, _row, links) => links?.get(field.name) ?? [],
  toColumns: () => {},
  csv: (field) => [{ header: field.name, cell: (value) => ((value as FieldLink[] | null) ?? []).map((l) => (l.role ? `${l.id}:${l.role}` : l.id)).join(';') }],
  display: (field, value, { model }) => {
    const target = model.entities.get(field.target);
    return { text: (value as { id: string; record?: Record<string, unknown> | null }[]).map((l) => (l.record ? recordTitle(target, l.record) : l.id.slice(0, 8))).join(', ') };
  },
  form: { field: 'manyToMany' },
  widgetOptions: (field, { model, language }) => ({ ...targetOptions(model, field.target, language), ...(field.roles ? { choices: choicesOf(field.roles, language) } : {}) }),
};
