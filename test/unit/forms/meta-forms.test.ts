// Designer forms are cut from the meta-schema: what they produce validates as a package item.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { metaSchema } from '../../../metadata/index.ts';
import { metaFieldForm, metaFieldTypes, metaItemForm } from '../../../forms/index.ts';

const ajv = new Ajv2020({ allErrors: true, strict: false });

test('every field type of the meta-schema, in its order', () => {
  expect(metaFieldTypes(metaSchema)).toEqual(['string', 'text', 'integer', 'decimal', 'percent', 'money', 'boolean', 'date', 'datetime', 'enum', 'email', 'phone', 'url', 'taxId', 'reference', 'manyToMany', 'json', 'attachment', 'state', 'secret', 'lines']);
});

test('a field form is one flat object: common and type-specific properties, no oneOf', () => {
  const { schema, uiSchema } = metaFieldForm(metaSchema, 'string');
  expect(schema.oneOf).toBeUndefined();
  expect(Object.keys(schema.properties as object)).toEqual(expect.arrayContaining(['id', 'name', 'label', 'type', 'maxLength', 'pattern', 'visibleWhen', 'requiredWhen']));
  expect(schema.required).toEqual(['id', 'name', 'label', 'type']);
  expect(uiSchema).toMatchObject({ type: { 'ui:widget': 'hidden' }, label: { 'ui:field': 'label' }, help: { 'ui:field': 'label' }, visibleWhen: { 'ui:widget': 'feel' } });
  const validate = ajv.compile(schema);
  expect(validate({ id: 'x.city', name: 'city', type: 'string', label: { en: 'City' }, maxLength: 100 })).toBe(true);
  expect(validate({ id: 'x.city', name: 'city', type: 'string', label: { en: 'City' }, values: [] })).toBe(false);
});

test('type-specific requirements come along (an enum needs values, a reference a target)', () => {
  expect(metaFieldForm(metaSchema, 'enum').schema.required).toContain('values');
  expect(metaFieldForm(metaSchema, 'reference').schema.required).toContain('target');
  expect(metaFieldForm(metaSchema, 'money').uiSchema.default).toEqual({ 'ui:field': 'json' });
  expect(metaFieldForm(metaSchema, 'string').uiSchema.default).toBeUndefined();
  expect(() => metaFieldForm(metaSchema, 'blob')).toThrow('no field type blob');
});

test('item forms leave out what the designer edits elsewhere and hide the kind', () => {
  const entity = metaItemForm(metaSchema, 'entity');
  expect(Object.keys(entity.schema.properties as object)).not.toContain('fields');
  expect(entity.schema.required).toEqual(['kind', 'id', 'name', 'label']);
  expect(entity.uiSchema).toMatchObject({ kind: { 'ui:widget': 'hidden' }, label: { 'ui:field': 'label' } });
  // Stages, states and transitions are drawn as a graph (forms/state-graph.ts), not in the form.
  const pipeline = metaItemForm(metaSchema, 'pipeline');
  expect(Object.keys(pipeline.schema.properties as object)).not.toContain('stages');
  expect(Object.keys(pipeline.schema.properties as object)).not.toContain('transitions');
  expect(pipeline.schema.required).not.toContain('stages');
  expect(pipeline.uiSchema).toMatchObject({ label: { 'ui:field': 'label' } });
  const machine = metaItemForm(metaSchema, 'statusMachine');
  expect(Object.keys(machine.schema.properties as object)).toEqual(expect.arrayContaining(['initial']));
  expect(Object.keys(machine.schema.properties as object)).not.toContain('states');
  const validate = ajv.compile(pipeline.schema);
  expect(validate({ kind: 'pipeline', id: 'p', name: 'sales', label: { en: 'Sales' }, entity: 'deal', field: 'stage' })).toBe(true);
});
