// Generated forms: the schema is the server's, every field type gets its widget and options, the
// layout follows the metadata, conditions evaluate in FEEL, and submits send the right values.
import { recordInputSchema, type Model } from '../../../metadata/index.ts';
import { evaluateConditions, conditionalProblems, formValues, recordForm, writeValues } from '../../../forms/index.ts';
import { activityKind, contractor, role, deal, entity, entityOf, field, modelOf, packageOf, person, salesPipeline, values } from '../metadata/package-builder.ts';

function crmModel(): Model {
  const c = contractor([
    field('string', 'number', { readOnly: true }),
    field('enum', 'kind', { values: [{ value: 'company', label: { en: 'Company', pl: 'Firma' }, color: '#2563eb' }, { value: 'person', label: { en: 'Person' } }], default: 'company' }),
    field('string', 'krs', { visibleWhen: 'kind = "company"', requiredWhen: 'kind = "company" and employees > 50' }),
    field('integer', 'employees', { minimum: 0 }),
    field('money', 'turnover'),
    field('money', 'fee', { currency: 'EUR' }),
    field('date', 'since'),
    field('datetime', 'last_contact'),
    field('boolean', 'active', { default: true }),
    field('attachment', 'logo', { accept: ['image/*'], maxBytes: 100000 }),
    field('reference', 'parent', { target: 'contractor', onDelete: 'setNull' }),
    field('reference', 'owner_user', { target: 'user', onDelete: 'setNull' }),
    field('manyToMany', 'contacts', { target: 'person', roles: values('billing', 'technical') }),
    field('text', 'notes', { help: { en: 'Free text', pl: 'Dowolny tekst' } }),
    field('json', 'extra'),
  ]);
  c.layout = [
    { id: 's.main', label: { en: 'Company', pl: 'Firma' }, columns: 2, fields: ['name', 'nip', 'kind', 'krs', 'number'] },
    { id: 's.money', label: { en: 'Finance' }, tab: 'Finance', columns: 3, fields: ['turnover', 'fee'] },
  ];
  const call = activityKind('call', [field('integer', 'duration_min', { minimum: 0 })], { requiresLink: ['contractor'] });
  return modelOf(packageOf(c, person(), deal(), salesPipeline(), call));
}

const model = crmModel();

describe('schema', () => {
  test('is exactly the record input schema the server validates with, in both modes and every language', () => {
    for (const mode of ['create', 'update'] as const) {
      for (const language of ['en', 'pl', 'ro'] as const) {
        expect(recordForm(model, 'contractor', { mode, language }).schema).toEqual(recordInputSchema(model, entityOf(model, 'contractor'), { mode, language }));
      }
    }
  });

  test('titles follow the language, falling back to English', () => {
    const form = recordForm(model, 'contractor', { mode: 'create', language: 'pl' });
    expect(form.fields.kind!['ui:options'].choices).toEqual([
      { value: 'company', label: 'Firma', color: '#2563eb' },
      { value: 'person', label: 'Person' },
    ]);
    expect(form.fields.notes!['ui:options'].help).toBe('Dowolny tekst');
  });

  test('unknown entity types are refused', () => {
    expect(() => recordForm(model, 'nope', { mode: 'create' })).toThrow('unknown entity type nope');
  });
});

describe('widgets', () => {
  const form = recordForm(model, 'contractor', { mode: 'create' });
  const widget = (name: string) => form.fields[name]!['ui:widget'] ?? `field:${form.fields[name]!['ui:field']}`;

  test('one widget or custom field per field type', () => {
    expect(Object.fromEntries(Object.keys(form.fields).map((n) => [n, widget(n)]))).toEqual({
      name: 'text', nip: 'taxId', segment: 'enum', email: 'email', number: 'text', kind: 'enum', krs: 'text', employees: 'integer',
      turnover: 'field:money', fee: 'field:money', since: 'date', last_contact: 'datetime', active: 'checkbox', logo: 'attachment',
      parent: 'reference', owner_user: 'reference', contacts: 'field:manyToMany', notes: 'textarea', extra: 'field:json',
    });
  });

  test('options carry what the widget needs', () => {
    expect(form.fields.nip!['ui:options'].countries).toEqual(['PL']);
    expect(form.fields.turnover!['ui:options']).toMatchObject({ currencies: ['PLN', 'EUR', 'RON'] });
    expect(form.fields.fee!['ui:options']).toMatchObject({ currencies: ['EUR'], fixedCurrency: 'EUR' });
    expect(form.fields.parent!['ui:options']).toMatchObject({ target: 'contractor', targetLabel: 'contractor', displayField: 'name' });
    expect(form.fields.owner_user!['ui:options']).toMatchObject({ target: 'user' });
    expect(form.fields.contacts!['ui:options']).toMatchObject({ target: 'person', choices: [{ value: 'billing', label: 'billing' }, { value: 'technical', label: 'technical' }] });
    expect(form.fields.logo!['ui:options']).toMatchObject({ accept: ['image/*'], maxBytes: 100000 });
    // Money and json are optional anyOf [value, null]: the custom field replaces the anyOf picker.
    expect(form.fields.turnover!['ui:fieldReplacesAnyOrOneOf']).toBe(true);
  });

  test("the activity's team is a reference picker of teams, like the assignee's of users, titled in the user's language", () => {
    const forms = (['en', 'pl', 'ro'] as const).map((language) => recordForm(model, 'activity', { mode: 'create', language }));
    expect(forms.map((f) => f.fields.team)).toEqual(
      ['Team', 'Zespół', 'Echipă'].map((title) => ({ 'ui:widget': 'reference', 'ui:title': title, 'ui:options': { fieldType: 'reference', target: 'team' } })),
    );
    expect(forms[0]!.fields.assignee!['ui:options']).toEqual({ fieldType: 'reference', target: 'user' });
    expect((forms[0]!.schema.properties as Record<string, unknown>).team).toMatchObject({ format: 'uuid' });
  });

  test('read-only fields are marked, not writable, and only shown once a record exists', () => {
    expect(form.fields.number!['ui:readonly']).toBe(true);
    expect(form.writable).not.toContain('number');
    const shownOnCreate = form.layout.flatMap((t) => t.sections.flatMap((s) => s.fields));
    expect(shownOnCreate).not.toContain('number');
    const update = recordForm(model, 'contractor', { mode: 'update' });
    expect(update.layout.flatMap((t) => t.sections.flatMap((s) => s.fields))).toContain('number');
  });

  test('the uiSchema is ready for rjsf: per-field entries, order, no submit button', () => {
    expect(form.uiSchema.nip).toBe(form.fields.nip);
    expect(form.uiSchema['ui:order']).toEqual([...entityOf(model, 'contractor').fields.map((f) => f.name), '*']);
    expect(form.uiSchema['ui:submitButtonOptions']).toEqual({ norender: true });
  });
});

test('field rights: "read" fields are read-only and not sent, "none" fields are not shown', () => {
  const form = recordForm(model, 'contractor', { mode: 'update', fieldAccess: { turnover: 'read', notes: 'none', name: 'write' } });
  expect(form.fields.turnover!['ui:readonly']).toBe(true);
  expect(form.writable).not.toContain('turnover');
  expect(form.writable).not.toContain('notes');
  expect(form.writable).toContain('name');
  const shown = form.layout.flatMap((t) => t.sections.flatMap((s) => s.fields));
  expect(shown).not.toContain('notes');
  expect(shown).toContain('turnover');
});

describe('state fields offer the moves the pipeline allows', () => {
  const transitions = [
    { from: ['new_opportunity'], to: 'presentation' },
    { from: ['presentation'], to: 'offering' },
    { from: '*' as const, to: 'lost' },
  ];
  const m = modelOf(packageOf(contractor(), person(), deal(), salesPipeline({ transitions })));

  test('create: the initial (open) stages', () => {
    const form = recordForm(m, 'deal', { mode: 'create' });
    expect(form.fields.stage!['ui:widget']).toBe('state');
    expect(form.fields.stage!['ui:options'].allowed).toEqual(['new_opportunity', 'presentation', 'offering', 'negotiation']);
    expect(form.fields.stage!['ui:options'].choices).toHaveLength(6);
  });

  test('update: the current stage and its allowed targets', () => {
    const form = recordForm(m, 'deal', { mode: 'update', record: { stage: 'presentation' } });
    expect(form.fields.stage!['ui:options'].allowed).toEqual(['presentation', 'offering', 'lost']);
  });
});

describe('layout', () => {
  test('sections with columns, tabs by name, unplaced fields in a final section', () => {
    const form = recordForm(model, 'contractor', { mode: 'update', language: 'pl' });
    expect(form.layout.map((t) => t.tab)).toEqual([null, 'Finance']);
    expect(form.layout[0]!.sections.map((s) => [s.id, s.label, s.columns])).toEqual([
      ['s.main', 'Firma', 2],
      ['other', 'Pozostałe', 1],
    ]);
    expect(form.layout[0]!.sections[0]!.fields).toEqual(['name', 'nip', 'kind', 'krs', 'number']);
    expect(form.layout[1]!.sections).toEqual([{ id: 's.money', label: 'Finance', columns: 3, fields: ['turnover', 'fee'] }]);
    const all = form.layout.flatMap((t) => t.sections.flatMap((s) => s.fields));
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(entityOf(model, 'contractor').fields.map((f) => f.name).sort());
  });

  test('without a layout: one two-column section of every field', () => {
    const form = recordForm(model, 'person', { mode: 'create' });
    expect(form.layout).toEqual([{ tab: null, sections: [{ id: 'main', label: '', columns: 2, fields: ['full_name', 'employer'] }] }]);
  });
});

describe('conditions (FEEL over the form values)', () => {
  const form = recordForm(model, 'contractor', { mode: 'create' });

  test('visibleWhen hides, requiredWhen requires', () => {
    expect(form.conditions.visibleWhen).toEqual({ krs: 'kind = "company"' });
    expect(evaluateConditions(form.conditions, { kind: 'person' }).hidden).toEqual(new Set(['krs']));
    expect(evaluateConditions(form.conditions, { kind: 'company', employees: 10 })).toEqual({ hidden: new Set(), required: new Set() });
    const big = evaluateConditions(form.conditions, { kind: 'company', employees: 120 });
    expect(big.required).toEqual(new Set(['krs']));
    expect(conditionalProblems(big, { kind: 'company', employees: 120 })).toEqual([{ pointer: '/krs', detail: 'is required here', code: 'REQUIRED' }]);
    expect(conditionalProblems(big, { kind: 'company', employees: 120, krs: '0000123456' })).toEqual([]);
  });

  test('conditions see every field, null when empty, as the server does (a name like `product` is not the FEEL built-in)', () => {
    const conditions = { fields: ['product', 'description'], visibleWhen: {}, requiredWhen: { description: 'product = null' } };
    expect(evaluateConditions(conditions, {}).required).toEqual(new Set(['description']));
    expect(evaluateConditions(conditions, { product: 'p-1' }).required).toEqual(new Set());
  });

  test('a hidden field is not required (the server checks requiredWhen only while a field is shown)', () => {
    const conditions = { fields: ['a'], visibleWhen: { a: 'false' }, requiredWhen: { a: 'true' } };
    expect(evaluateConditions(conditions, {})).toEqual({ hidden: new Set(['a']), required: new Set() });
  });

  test("a role's layout variant is its users' form (the first naming one of their roles), with its own conditions", () => {
    const c = contractor([field('enum', 'kind', { values: values('company', 'person') }), field('string', 'krs', { requiredWhen: 'true' })]);
    c.layout = [{ id: 's.main', fields: ['name', 'kind', 'krs'] }];
    c.layoutVariants = [
      { roles: ['salesperson'], layout: [{ id: 's.short', fields: ['name', 'kind'] }, { id: 's.company', visibleWhen: 'kind = "company"', fields: ['krs'] }] },
      { roles: ['analyst', 'salesperson'], layout: [{ id: 's.other', fields: ['krs'] }] },
    ];
    const m = modelOf(packageOf(c, person(), deal(), salesPipeline(), role('salesperson'), role('analyst')));
    const sections = (roles?: string[]) => recordForm(m, 'contractor', { mode: 'create', ...(roles ? { roles } : {}) }).layout.flatMap((t) => t.sections.map((s) => s.id));
    expect(sections()).toEqual(['s.main', 'other']);
    expect(sections(['manager'])).toEqual(['s.main', 'other']);
    expect(sections(['manager', 'salesperson'])).toEqual(['s.short', 's.company', 'other']);
    expect(sections(['analyst'])).toEqual(['s.other', 'other']);
    const seller = recordForm(m, 'contractor', { mode: 'create', roles: ['salesperson'] });
    expect(evaluateConditions(seller.conditions, { kind: 'person' })).toEqual({ hidden: new Set(['krs']), required: new Set() });
    expect(evaluateConditions(recordForm(m, 'contractor', { mode: 'create' }).conditions, { kind: 'person' })).toEqual({ hidden: new Set(), required: new Set(['krs']) });
  });

  test('a conditional section hides its fields while its condition does not hold; a required field always shows', () => {
    const c = contractor([field('enum', 'kind', { values: values('company', 'person') }), field('string', 'krs', { requiredWhen: 'true' }), field('integer', 'employees')]);
    c.layout = [
      { id: 's.main', fields: ['name', 'kind'] },
      { id: 's.company', visibleWhen: 'kind = "company"', fields: ['krs', 'employees'] },
    ];
    const sectioned = recordForm(modelOf(packageOf(c, person(), deal(), salesPipeline())), 'contractor', { mode: 'create' });
    expect(sectioned.conditions.sections).toEqual([{ id: 's.company', when: 'kind = "company"', fields: ['krs', 'employees'] }]);
    expect(evaluateConditions(sectioned.conditions, { kind: 'person' })).toEqual({ hidden: new Set(['krs', 'employees']), required: new Set() });
    expect(evaluateConditions(sectioned.conditions, {})).toEqual({ hidden: new Set(['krs', 'employees']), required: new Set() });
    expect(evaluateConditions(sectioned.conditions, { kind: 'company' })).toEqual({ hidden: new Set(), required: new Set(['krs']) });
    // `name` is required: a condition never hides it.
    expect(evaluateConditions({ ...sectioned.conditions, sections: [{ id: 's.main', when: 'false', fields: ['name', 'kind'] }] }, {}).hidden).toEqual(new Set(['kind']));
  });

  test('a condition that cannot be evaluated neither hides nor requires', () => {
    expect(evaluateConditions({ fields: ['a'], visibleWhen: { a: 'x >' }, requiredWhen: { a: 'y <' } }, {})).toEqual({ hidden: new Set(), required: new Set() });
  });

  test('activity kind fields show only for their kind', () => {
    const activity = recordForm(model, 'activity', { mode: 'create' });
    expect(activity.conditions.visibleWhen.duration_min).toBe('kind = "call"');
    expect(evaluateConditions(activity.conditions, { kind: 'call' }).hidden.has('duration_min')).toBe(false);
    expect(evaluateConditions(activity.conditions, { kind: 'other' }).hidden.has('duration_min')).toBe(true);
  });
});

describe('values', () => {
  const form = recordForm(model, 'contractor', { mode: 'create' });
  const update = recordForm(model, 'contractor', { mode: 'update' });
  const stored = {
    id: '5b0c3f0e-0000-4000-8000-000000000001', version: 3, name: 'Acme', nip: '5260250274', email: null, number: 'K/1', employees: 5,
    turnover: { amount: 10, currency: 'PLN' }, contacts: [{ id: 'p1', role: 'billing', record: { full_name: 'Jan' } }],
  };

  test('the form starts from the schema fields of the record, without empty values or link records', () => {
    expect(formValues(update, stored)).toEqual({ name: 'Acme', nip: '5260250274', number: 'K/1', employees: 5, turnover: { amount: 10, currency: 'PLN' }, contacts: [{ id: 'p1', role: 'billing' }] });
  });

  test('create sends the filled writable fields', () => {
    expect(writeValues(form, { name: 'Acme', nip: '', email: undefined, number: 'X', contacts: [], active: false })).toEqual({ name: 'Acme', active: false });
  });

  test('update sends only changes; a cleared field as null, cleared links as []', () => {
    const values = { ...formValues(update, stored), employees: undefined, email: 'a@b.pl', turnover: { amount: 10, currency: 'PLN' }, contacts: [] };
    expect(writeValues(update, values, stored)).toEqual({ employees: null, email: 'a@b.pl', contacts: [] });
    expect(writeValues(update, formValues(update, stored), stored)).toEqual({});
  });
});

test('an entity without its own fields beyond a name still gets a form', () => {
  const m = modelOf(packageOf(entity('tag', [field('string', 'label', { required: true })])));
  expect(recordForm(m, 'tag', { mode: 'create' }).schema.required).toEqual(['label']);
});

describe('rollup fields', () => {
  test('are read-only, never submitted, and not shown on create (a new record has nothing to aggregate)', () => {
    const c = contractor([field('integer', 'deal_count', { rollup: { from: 'deal', via: 'contractor', aggregate: 'count' } })]);
    const rollups = modelOf(packageOf(c, person(), deal(), salesPipeline()));
    const edit = recordForm(rollups, 'contractor', { mode: 'update', language: 'pl' });
    expect(edit.fields.deal_count!['ui:readonly']).toBe(true);
    expect(edit.writable).not.toContain('deal_count');
    expect(edit.layout.flatMap((t) => t.sections.flatMap((s) => s.fields))).toContain('deal_count');
    const create = recordForm(rollups, 'contractor', { mode: 'create', language: 'pl' });
    expect(create.layout.flatMap((t) => t.sections.flatMap((s) => s.fields))).not.toContain('deal_count');
  });
});
