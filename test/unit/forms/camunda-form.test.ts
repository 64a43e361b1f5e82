// A workflow task's Camunda form as a JSON Schema form: the browser accepts and refuses what the
// workflow engine's check does.
import { checkFormData } from '../../../engine/workflows/runtime/task-forms.ts';
import { camundaTaskForm, checkSchema, embeddedFormId, schemaProblems } from '../../../forms/index.ts';

const form = {
  components: [
    { type: 'text', text: '# Approve the discount' },
    { type: 'radio', key: 'decision', label: 'Decision', validate: { required: true }, values: [{ label: 'Yes', value: 'yes' }, { label: 'No', value: 'no' }] },
    { type: 'number', key: 'discount', label: 'Discount', validate: { min: 0, max: 30 } },
    { type: 'textfield', key: 'code', validate: { pattern: '[A-Z]{3}', maxLength: 3 } },
    { type: 'group', components: [{ type: 'checkbox', key: 'urgent', label: 'Urgent' }, { type: 'checklist', key: 'tags', values: [{ value: 'a' }, { value: 'b' }] }] },
    { type: 'datetime', key: 'due', subtype: 'date' },
  ],
};

test('fields, titles, widgets and requirements', () => {
  const f = camundaTaskForm(form)!;
  expect(f.keys).toEqual(['decision', 'discount', 'code', 'urgent', 'tags', 'due']);
  expect(f.schema.required).toEqual(['decision']);
  expect(f.schema.properties).toMatchObject({ decision: { type: 'string', enum: ['yes', 'no'], title: 'Decision' }, discount: { type: 'number', minimum: 0, maximum: 30 }, urgent: { type: 'boolean' }, due: { format: 'date' } });
  expect(f.uiSchema.decision).toMatchObject({ 'ui:widget': 'enum', 'ui:options': { choices: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } });
  expect(camundaTaskForm({ nothing: true })).toBeNull();
  expect(embeddedFormId('camunda-forms:bpmn:approvalForm')).toBe('approvalForm');
  expect(embeddedFormId(null)).toBeNull();
});

test.each([
  [{ decision: 'yes' }, true],
  [{ decision: 'yes', discount: 10, code: 'ABC', urgent: true, tags: ['a'], due: '2026-01-31' }, true],
  [{}, false],
  [{ decision: 'maybe' }, false],
  [{ decision: 'no', discount: 31 }, false],
  [{ decision: 'no', code: 'abc' }, false],
  [{ decision: 'no', tags: ['c'] }, false],
  // The engine's own hand-written check took these; the form refused them.
  [{ decision: 'no', due: '31.01.2026' }, false],
  [{ decision: 'no', tags: ['a', 'a'] }, false],
  [{ decision: 'no', discount: 'ten' }, false],
])('%j: the browser and the engine agree (valid: %s)', (data, valid) => {
  const f = camundaTaskForm(form)!;
  expect(checkSchema(f.schema, data).length === 0).toBe(valid);
  expect(checkFormData(form, data as never).length === 0).toBe(valid);
});

test.each([
  [{}],
  [{ decision: 'maybe', discount: 31, code: 'abc', urgent: 'yes', tags: ['c'], due: 'soon' }],
])('%j: the engine words each problem as the form does', (data) => {
  const f = camundaTaskForm(form)!;
  const browser = schemaProblems(checkSchema(f.schema, data), 'form');
  expect(browser.length).toBeGreaterThan(0);
  expect(checkFormData(form, data as never)).toEqual(browser);
});

test('a pattern that is no regular expression checks nothing instead of failing every completion', () => {
  const broken = { components: [{ type: 'textfield', key: 'code', validate: { pattern: '[A-Z' } }] };
  expect(checkFormData(broken, { code: 'anything' })).toEqual([]);
  expect(checkSchema(camundaTaskForm(broken)!.schema, { code: 'anything' })).toEqual([]);
});

test('a form carries its words in other languages in component properties (label, description, options)', () => {
  const form = {
    components: [
      { type: 'select', key: 'decision', label: 'Decision', description: 'Pick one', values: [{ label: 'Qualified', value: 'qualified' }, { label: 'Disqualified', value: 'disqualified' }],
        properties: { 'label:pl': 'Decyzja', 'description:pl': 'Wybierz', 'option:qualified:pl': 'Zakwalifikowany' } },
    ],
  };
  const pl = camundaTaskForm(form, 'pl')!;
  expect(pl.schema.properties).toMatchObject({ decision: { title: 'Decyzja', description: 'Wybierz' } });
  // An option without a Polish word keeps the form's own.
  expect((pl.uiSchema.decision as { 'ui:options': { choices: unknown } })['ui:options'].choices).toEqual([{ value: 'qualified', label: 'Zakwalifikowany' }, { value: 'disqualified', label: 'Disqualified' }]);
  const ro = camundaTaskForm(form, 'ro')!;
  expect(ro.schema.properties).toMatchObject({ decision: { title: 'Decision', description: 'Pick one' } });
});
