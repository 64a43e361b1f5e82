// Semantic validation: what the meta-schema cannot express. Each test asserts the code, the file and
// the JSON pointer of every problem the package has, so an extra or a misplaced error fails it.
import { validatePackage, type MetadataError, type MetadataErrorCode, type PackageFiles } from '../../../metadata/index.ts';
import {
  activityKind,
  contractor,
  crmItems,
  deal,
  entity,
  errorsOf,
  field,
  label,
  packageOf,
  person,
  pipeline,
  role,
  salesPipeline,
  stage,
  state,
  statusMachine,
  values,
  view,
} from './package-builder.ts';

type Where = readonly [MetadataErrorCode, string, string];

/** Every error of the package as [code, file, pointer], in order. */
const where = (files: PackageFiles): Where[] => errorsOf(files).map((e: MetadataError) => [e.code, e.file, e.pointer] as const);

const crmWith = (...extra: Parameters<typeof packageOf>) => packageOf(...crmItems(), ...extra);

test('the CRM fixture itself is valid', () => {
  expect(validatePackage(packageOf(...crmItems())).ok).toBe(true);
});

describe('META_DUPLICATE_ID', () => {
  test('the same item id in two files is reported on the later file', () => {
    const customer = entity('customer', [field('string', 'name')], { id: 'e.contractor' });
    expect(where(packageOf(contractor(), customer))).toEqual([['META_DUPLICATE_ID', 'entities/customer.json', '/id']]);
  });

  test('ids are unique across item kinds', () => {
    const clash = view('all', 'contractor', { id: 'e.contractor' });
    expect(where(packageOf(contractor(), clash))).toEqual([['META_DUPLICATE_ID', 'views/contractor.all.json', '/id']]);
  });

  test('two fields of one entity type with the same id', () => {
    const e = entity('contractor', [field('string', 'name', { id: 'name' }), field('string', 'short_name', { id: 'name' })]);
    expect(where(packageOf(e))).toEqual([['META_DUPLICATE_ID', 'entities/contractor.json', '/fields/1/id']]);
  });

  test('field ids may repeat across entity types', () => {
    const a = entity('invoice', [field('reference', 'contractor', { id: 'contractor', target: 'contractor' })]);
    const b = entity('offer', [field('reference', 'contractor', { id: 'contractor', target: 'contractor' })]);
    expect(validatePackage(packageOf(contractor(), a, b)).ok).toBe(true);
  });

  test('enum value ids listed twice', () => {
    const segment = field('enum', 'segment', { values: [{ id: 'v1', value: 'small', label: label('Small') }, { id: 'v1', value: 'large', label: label('Large') }] });
    expect(where(packageOf(entity('contractor', [segment])))).toEqual([['META_DUPLICATE_ID', 'entities/contractor.json', '/fields/0/values/1/id']]);
  });

  test('stage ids listed twice in a pipeline', () => {
    const sales = salesPipeline();
    sales.stages[2]!.id = sales.stages[1]!.id;
    expect(where(packageOf(contractor(), person(), deal(), sales))).toEqual([['META_DUPLICATE_ID', 'pipelines/sales.json', '/stages/2/id']]);
  });

  test('index ids listed twice in an entity type', () => {
    const e = entity('contractor', [field('string', 'name'), field('string', 'city')], { indexes: [{ id: 'by_name', fields: ['name'] }, { id: 'by_name', fields: ['city'] }] });
    expect(where(packageOf(e))).toEqual([['META_DUPLICATE_ID', 'entities/contractor.json', '/indexes/1/id']]);
  });
});

describe('META_DUPLICATE_NAME', () => {
  test('two entity types with one name (different ids)', () => {
    const twin = entity('contractor', [field('string', 'name')], { id: 'e.contractor2' });
    expect(where(packageOf(contractor(), ['entities/contractor2.json', twin]))).toEqual([['META_DUPLICATE_NAME', 'entities/contractor2.json', '/name']]);
  });

  test('a pipeline and a status machine share one namespace', () => {
    const machine = statusMachine('sales', { entity: 'deal', field: 'phase' }, [state('a')], []);
    const d = deal([field('state', 'phase')]);
    expect(where(packageOf(contractor(), person(), d, salesPipeline(), machine))).toEqual([['META_DUPLICATE_NAME', 'status-machines/sales.json', '/name']]);
  });

  test('two activity kinds, two roles with one name', () => {
    const files = packageOf(activityKind('call'), ['activity-kinds/call2.json', activityKind('call', [], { id: 'k.call2' })], role('sales'), ['roles/sales2.json', role('sales', { id: 'r.sales2' })]);
    expect(where(files)).toEqual([
      ['META_DUPLICATE_NAME', 'activity-kinds/call2.json', '/name'],
      ['META_DUPLICATE_NAME', 'roles/sales2.json', '/name'],
    ]);
  });

  test('view names are unique per entity type only', () => {
    expect(validatePackage(crmWith(view('mine', 'deal'), view('mine', 'contractor'))).ok).toBe(true);
    const twin = view('mine', 'deal', { id: 'w.deal.mine2' });
    expect(where(crmWith(view('mine', 'deal'), ['views/deal.mine2.json', twin]))).toEqual([['META_DUPLICATE_NAME', 'views/deal.mine2.json', '/name']]);
  });

  test('two fields with one name', () => {
    const e = entity('contractor', [field('string', 'name', { id: 'a' }), field('text', 'name', { id: 'b' })]);
    // …and so are their columns.
    expect(where(packageOf(e))).toEqual([
      ['META_DUPLICATE_NAME', 'entities/contractor.json', '/fields/1/name'],
      ['META_COLUMN_CLASH', 'entities/contractor.json', '/fields/1/name'],
    ]);
  });

  test('an enum value listed twice', () => {
    const e = entity('contractor', [field('enum', 'segment', { values: [...values('small', 'large'), { value: 'small', label: label('Small again') }] })]);
    expect(where(packageOf(e))).toEqual([['META_DUPLICATE_NAME', 'entities/contractor.json', '/fields/0/values/2/value']]);
  });

  test('a stage listed twice', () => {
    const sales = salesPipeline();
    sales.stages.push(stage('offering', 'open', { id: 's.offering2' }));
    expect(where(packageOf(contractor(), person(), deal(), sales))).toEqual([['META_DUPLICATE_NAME', 'pipelines/sales.json', '/stages/6/name']]);
  });

  test('a field placed twice in the form layout', () => {
    const e = contractor();
    e.layout = [{ id: 'main', fields: ['name', 'nip'] }, { id: 'more', fields: ['email', 'name'] }];
    expect(where(packageOf(e))).toEqual([['META_DUPLICATE_NAME', 'entities/contractor.json', '/layout/1/fields/1']]);
  });
});

describe('META_RESERVED_NAME', () => {
  test.each([
    ['order', 'an SQL reserved word'],
    ['user', 'used by the platform'],
    ['activity', 'the platform entity'],
    ['pg_stats', 'pg_ prefix'],
    ['tessera_log', 'tessera prefix'],
    ['deal__line', 'join-table separator'],
  ])('entity type name %s (%s)', (name) => {
    expect(where(packageOf(entity(name, [field('string', 'title')])))).toEqual([['META_RESERVED_NAME', `entities/${name}.json`, '/name']]);
  });

  test.each([['owner'], ['created_at'], ['from'], ['filter'], ['sort'], ['pg_x'], ['a__b']])('field name %s', (name) => {
    expect(where(packageOf(entity('contractor', [field('string', 'title'), field('string', name)])))).toEqual([['META_RESERVED_NAME', 'entities/contractor.json', '/fields/1/name']]);
  });

  test('ids starting with "platform." are reserved', () => {
    expect(where(packageOf(entity('contractor', [field('string', 'name')], { id: 'platform.contractor' })))).toEqual([['META_RESERVED_NAME', 'entities/contractor.json', '/id']]);
  });

  test('a join table name longer than 63 characters', () => {
    const longEntity = `a${'b'.repeat(39)}`;
    const m2m = field('manyToMany', `c${'d'.repeat(29)}`, { target: 'contractor' });
    expect(where(packageOf(contractor(), entity(longEntity, [field('string', 'title'), m2m])))).toEqual([['META_RESERVED_NAME', `entities/${longEntity}.json`, '/fields/1/name']]);
  });

  test('an activity kind field named like a common activity field', () => {
    expect(where(packageOf(activityKind('call', [field('string', 'subject')])))).toEqual([['META_RESERVED_NAME', 'activity-kinds/call.json', '/fields/0/name']]);
  });
});

describe('META_COLUMN_CLASH', () => {
  test('money field x and field x_currency', () => {
    const e = entity('deal', [field('money', 'amount'), field('string', 'amount_currency')]);
    expect(errorsOf(packageOf(e))).toEqual([
      { code: 'META_COLUMN_CLASH', file: 'entities/deal.json', pointer: '/fields/1/name', message: 'column "amount_currency" clashes with field "amount"' },
    ]);
  });

  test('field x_currency declared before money field x', () => {
    const e = entity('deal', [field('string', 'amount_currency'), field('money', 'amount')]);
    expect(where(packageOf(e))).toEqual([['META_COLUMN_CLASH', 'entities/deal.json', '/fields/1/name']]);
  });

  test('a money field whose currency column would be a system column', () => {
    const e = entity('deal', [field('string', 'title'), field('money', 'created')]);
    expect(validatePackage(packageOf(e)).ok).toBe(true);
  });

  test('an entity type accepting activities named like a common activity field', () => {
    const e = entity('deadline', [field('string', 'title')], { activities: true });
    expect(where(packageOf(e))).toEqual([['META_COLUMN_CLASH', 'entities/deadline.json', '/name']]);
  });

  test('an activity kind field named like an entity type that accepts activities', () => {
    expect(where(packageOf(contractor(), activityKind('call', [field('string', 'contractor')])))).toEqual([['META_COLUMN_CLASH', 'entities/contractor.json', '/activities']]);
  });

  test('two activity kinds declaring one field differently', () => {
    const call = activityKind('call', [field('integer', 'duration')]);
    const meeting = activityKind('meeting', [field('decimal', 'duration')]);
    expect(where(packageOf(call, meeting))).toEqual([['META_COLUMN_CLASH', 'activity-kinds/meeting.json', '/fields/0']]);
  });

  test('two activity kinds may share a field declared identically (labels may differ)', () => {
    const call = activityKind('call', [field('integer', 'duration', { label: label('Call length') })]);
    const meeting = activityKind('meeting', [field('integer', 'duration', { label: label('Meeting length') })]);
    expect(validatePackage(packageOf(call, meeting)).ok).toBe(true);
  });
});

describe('META_UNKNOWN_ENTITY', () => {
  test('reference and many-to-many targets', () => {
    const e = entity('deal', [field('reference', 'contractor', { target: 'contractors' }), field('manyToMany', 'partners', { target: 'partner' }), field('reference', 'seller', { target: 'user' }), field('reference', 'desk', { target: 'team' })]);
    expect(where(packageOf(e))).toEqual([
      ['META_UNKNOWN_ENTITY', 'entities/deal.json', '/fields/0/target'],
      ['META_UNKNOWN_ENTITY', 'entities/deal.json', '/fields/1/target'],
    ]);
  });

  test('a reference may target the activity entity type', () => {
    expect(validatePackage(packageOf(entity('deal', [field('reference', 'first_contact', { target: 'activity' })]))).ok).toBe(true);
  });

  test('a pipeline on an unknown entity type, or on the platform activity', () => {
    const wrong = pipeline('wrong', { entity: 'deals', field: 'stage' }, [stage('new')]);
    const onActivity = pipeline('tasks', { entity: 'activity', field: 'status' }, [stage('new')]);
    expect(where(crmWith(wrong, onActivity))).toEqual([
      ['META_UNKNOWN_ENTITY', 'pipelines/tasks.json', '/entity'],
      ['META_UNKNOWN_ENTITY', 'pipelines/wrong.json', '/entity'],
    ]);
  });

  test('a view and a role permission on unknown entity types', () => {
    const files = crmWith(view('all', 'deals'), role('sales', { permissions: [{ entity: '*', read: 'all' }, { entity: 'deals', read: 'own' }] }));
    expect(where(files)).toEqual([
      ['META_UNKNOWN_ENTITY', 'views/deals.all.json', '/entity'],
      ['META_UNKNOWN_ENTITY', 'roles/sales.json', '/permissions/1/entity'],
    ]);
  });

  test('requiresLink names an entity type that does not accept activities', () => {
    const note = activityKind('note', [], { requiresLink: ['contractor', 'deal'] });
    expect(where(crmWith(note))).toEqual([['META_UNKNOWN_ENTITY', 'activity-kinds/note.json', '/requiresLink/1']]);
  });
});

describe('META_UNKNOWN_FIELD', () => {
  test('displayField, defaultSort, numbering, indexes and layout of an entity type', () => {
    const e = entity('offer', [field('string', 'number', { readOnly: true }), field('json', 'data'), field('manyToMany', 'partners', { target: 'offer' })], {
      displayField: 'title',
      defaultSort: [{ field: 'created_at' }, { field: 'data' }, { field: 'nope' }],
      numbering: { field: 'no', pattern: 'OF/{YYYY}/{seq:4}' },
      indexes: [{ id: 'ix1', fields: ['owner', 'partners'] }],
      layout: [{ id: 'main', fields: ['number', 'title'] }],
    });
    expect(where(packageOf(e))).toEqual([
      ['META_UNKNOWN_FIELD', 'entities/offer.json', '/displayField'],
      ['META_UNKNOWN_FIELD', 'entities/offer.json', '/defaultSort/1/field'],
      ['META_UNKNOWN_FIELD', 'entities/offer.json', '/defaultSort/2/field'],
      ['META_UNKNOWN_FIELD', 'entities/offer.json', '/numbering/field'],
      ['META_UNKNOWN_FIELD', 'entities/offer.json', '/indexes/0/fields/1'],
      ['META_UNKNOWN_FIELD', 'entities/offer.json', '/layout/0/fields/1'],
    ]);
  });

  test('an index\'s sort names sortable fields; an index names fields, a sort or both; at most 32 columns with the id; a unique index has no sort', () => {
    const wide = Array.from({ length: 31 }, (_, i) => field('integer', `n${i}`));
    const e = entity('offer', [field('string', 'title'), field('json', 'data'), ...wide], {
      indexes: [
        { id: 'ix1', fields: ['title'], sort: ['-data', 'nope', '-created_at'] },
        { id: 'ix2', fields: [] },
        { id: 'ix3', fields: [], sort: ['-title'] },
        { id: 'ix4', fields: wide.map((f) => f.name), sort: ['title'] },
        { id: 'ix5', fields: ['title'], sort: ['created_at'], unique: true },
      ],
    });
    expect(where(packageOf(e))).toEqual([
      ['META_UNKNOWN_FIELD', 'entities/offer.json', '/indexes/0/sort/0'],
      ['META_UNKNOWN_FIELD', 'entities/offer.json', '/indexes/0/sort/1'],
      ['META_SCHEMA', 'entities/offer.json', '/indexes/1/fields'],
      ['META_LIMIT', 'entities/offer.json', '/indexes/3/sort'],
      ['META_SCHEMA', 'entities/offer.json', '/indexes/4/sort'],
    ]);
  });

  test('machine field, requiredFields, amountField and lostReasonField of a pipeline', () => {
    const sales = salesPipeline({ field: 'phase', amountField: 'value', lostReasonField: 'why' });
    sales.stages[3]!.requiredFields = ['amount', 'offer_date'];
    const errors = where(packageOf(contractor(), person(), deal(), sales));
    expect(errors).toEqual(
      expect.arrayContaining([
        ['META_UNKNOWN_FIELD', 'pipelines/sales.json', '/field'],
        ['META_UNKNOWN_FIELD', 'pipelines/sales.json', '/stages/3/requiredFields/1'],
        ['META_UNKNOWN_FIELD', 'pipelines/sales.json', '/amountField'],
        ['META_UNKNOWN_FIELD', 'pipelines/sales.json', '/lostReasonField'],
      ]),
    );
    // …and deal.stage is now bound to nothing.
    expect(errors).toContainEqual(['META_STATE_BINDING', 'entities/deal.json', '/fields/3']);
    expect(errors).toHaveLength(5);
  });

  test('view columns and sort (a many-to-many field is not sortable; system fields are known)', () => {
    const d = deal([field('manyToMany', 'partners', { target: 'contractor' })]);
    const v = view('open', 'deal', { columns: ['title', 'created_at', 'owner', 'value'], sort: [{ field: 'updated_at', direction: 'desc' }, { field: 'partners' }] });
    expect(where(packageOf(contractor(), person(), d, salesPipeline(), v))).toEqual([
      ['META_UNKNOWN_FIELD', 'views/deal.open.json', '/columns/3'],
      ['META_UNKNOWN_FIELD', 'views/deal.open.json', '/sort/1/field'],
    ]);
  });

  test('field rights of a role: unknown field, and field rights on "*"', () => {
    const r = role('sales', { permissions: [{ entity: 'deal', fields: { amount: 'read', margin: 'none' } }, { entity: '*', fields: { amount: 'read' } }] });
    expect(where(crmWith(r))).toEqual([
      ['META_UNKNOWN_FIELD', 'roles/sales.json', '/permissions/0/fields/margin'],
      ['META_UNKNOWN_FIELD', 'roles/sales.json', '/permissions/1/fields/amount'],
    ]);
  });
});

describe('META_UNKNOWN_STATE', () => {
  const order = () => entity('service_order', [field('string', 'symbol'), field('state', 'status')]);
  const states = () => [state('received'), state('in_repair'), state('ready'), state('released', { final: true })];

  test('transition from/to and initial states', () => {
    const machine = statusMachine('service', { entity: 'service_order', field: 'status' }, states(), [
      { from: ['received'], to: 'in_repair' },
      { from: ['in_repair', 'waiting_for_parts'], to: 'ready' },
      { from: '*', to: 'invoiced' },
    ], { initial: ['received', 'new'] });
    expect(where(packageOf(order(), machine))).toEqual([
      ['META_UNKNOWN_STATE', 'status-machines/service.json', '/transitions/1/from/1'],
      ['META_UNKNOWN_STATE', 'status-machines/service.json', '/transitions/2/to'],
      ['META_UNKNOWN_STATE', 'status-machines/service.json', '/initial/1'],
    ]);
  });

  test('a pipeline needs an open stage', () => {
    const closedOnly = salesPipeline();
    closedOnly.stages = closedOnly.stages.filter((s) => s.category !== 'open');
    expect(where(packageOf(contractor(), person(), deal(), closedOnly))).toEqual([['META_UNKNOWN_STATE', 'pipelines/sales.json', '/stages']]);
  });
});

describe('META_STATE_BINDING', () => {
  test('a state field bound to no machine', () => {
    expect(where(packageOf(contractor(), person(), deal()))).toEqual([['META_STATE_BINDING', 'entities/deal.json', '/fields/3']]);
  });

  test('a machine bound to a field that is not of type state', () => {
    const other = pipeline('other', { entity: 'deal', field: 'title' }, [stage('a')]);
    expect(where(crmWith(other))).toEqual([['META_STATE_BINDING', 'pipelines/other.json', '/field']]);
  });

  test('one state field bound twice', () => {
    const machine = statusMachine('deal_status', { entity: 'deal', field: 'stage' }, [state('open')], []);
    expect(where(crmWith(machine))).toEqual([['META_STATE_BINDING', 'status-machines/deal_status.json', '/field']]);
  });

  test('activity kinds cannot declare state fields', () => {
    expect(where(packageOf(activityKind('task', [field('state', 'phase')])))).toEqual([['META_FIELD_KIND', 'activity-kinds/task.json', '/fields/0/type']]);
  });
});

describe('META_CYCLE', () => {
  test('a required self-reference', () => {
    const employee = entity('employee', [field('string', 'name'), field('reference', 'manager', { target: 'employee', required: true })]);
    const errors = errorsOf(packageOf(employee));
    expect(errors.map((e) => [e.code, e.file, e.pointer])).toEqual([['META_CYCLE', 'entities/employee.json', '/fields/1/required']]);
    expect(errors[0]!.message).toContain('employee → employee');
  });

  test('an optional self-reference is fine', () => {
    const employee = entity('employee', [field('string', 'name'), field('reference', 'manager', { target: 'employee' })]);
    expect(validatePackage(packageOf(employee)).ok).toBe(true);
  });

  test('required references through two entity types', () => {
    const c = contractor([field('reference', 'main_deal', { target: 'deal', required: true })]);
    const errors = errorsOf(packageOf(c, person(), deal(), salesPipeline()));
    expect(errors.map((e) => [e.code, e.file, e.pointer])).toEqual([['META_CYCLE', 'entities/deal.json', '/fields/1/required']]);
    expect(errors[0]!.message).toContain('contractor → deal → contractor');
  });

  test('one optional link breaks the cycle; required references to users never form one', () => {
    const c = contractor([field('reference', 'main_deal', { target: 'deal' }), field('reference', 'account_manager', { target: 'user', required: true })]);
    expect(validatePackage(packageOf(c, person(), deal(), salesPipeline())).ok).toBe(true);
  });
});

describe('META_FEEL_SYNTAX', () => {
  test('visibleWhen and requiredWhen of a field', () => {
    const d = deal([field('string', 'competitor', { visibleWhen: 'stage = "lost" and', requiredWhen: 'stage in ["lost"' })]);
    expect(where(packageOf(contractor(), person(), d, salesPipeline()))).toEqual([
      ['META_FEEL_SYNTAX', 'entities/deal.json', '/fields/5/visibleWhen'],
      ['META_FEEL_SYNTAX', 'entities/deal.json', '/fields/5/requiredWhen'],
    ]);
  });

  test('visibleWhen of a layout section; a required field cannot be in a conditional section', () => {
    const c = contractor([field('string', 'krs'), field('string', 'regon', { required: true })]);
    c.layout = [
      { id: 's.main', fields: ['name'] },
      { id: 's.company', visibleWhen: 'kind = "company" and', fields: ['krs'] },
      { id: 's.registry', visibleWhen: 'krs != null', fields: ['regon'] },
    ];
    expect(where(packageOf(c, person(), deal(), salesPipeline()))).toEqual([
      ['META_FEEL_SYNTAX', 'entities/contractor.json', '/layout/1/visibleWhen'],
      ['META_FIELD_KIND', 'entities/contractor.json', '/layout/2/fields/0'],
    ]);
    c.layout = [{ id: 's.company', visibleWhen: 'krs != null', fields: ['krs'] }];
    expect(validatePackage(packageOf(c, person(), deal(), salesPipeline())).ok).toBe(true);
  });

  test('a layout variant is checked as the layout, and names roles of the package', () => {
    const c = contractor([field('string', 'krs')]);
    c.layoutVariants = [{ roles: ['nobody'], layout: [{ id: 's.v', visibleWhen: 'krs =', fields: ['krs', 'nope'] }] }];
    expect(where(packageOf(c, person(), deal(), salesPipeline()))).toEqual([
      ['META_UNKNOWN_FIELD', 'entities/contractor.json', '/layoutVariants/0/roles/0'],
      ['META_UNKNOWN_FIELD', 'entities/contractor.json', '/layoutVariants/0/layout/0/fields/1'],
      ['META_FEEL_SYNTAX', 'entities/contractor.json', '/layoutVariants/0/layout/0/visibleWhen'],
    ]);
  });

  test('valid FEEL passes, including references to unknown variables', () => {
    const d = deal([field('string', 'competitor', { visibleWhen: 'stage = "lost" and amount.amount > 1000', requiredWhen: 'stage in ["lost", "sale"]' })]);
    expect(validatePackage(packageOf(contractor(), person(), d, salesPipeline())).ok).toBe(true);
  });

  test('a transition guard', () => {
    const sales = salesPipeline({ transitions: [{ from: '*', to: 'lost', guard: 'lost_reason != null' }, { from: ['negotiation'], to: 'sale', guard: 'amount.amount >' }] });
    const errors = errorsOf(packageOf(contractor(), person(), deal(), sales));
    expect(errors.map((e) => [e.code, e.file, e.pointer])).toEqual([['META_FEEL_SYNTAX', 'pipelines/sales.json', '/transitions/1/guard']]);
    expect(errors[0]!.message).toMatch(/^FEEL syntax error: /);
  });

  test('a role permission condition', () => {
    const r = role('seller', { permissions: [{ entity: 'deal', read: 'all', condition: 'owner = user.id or' }] });
    expect(where(crmWith(r))).toEqual([['META_FEEL_SYNTAX', 'roles/seller.json', '/permissions/0/condition']]);
  });
});

describe('META_INVALID_DEFAULT', () => {
  test('an enum default that is not one of the values', () => {
    const e = entity('contractor', [field('enum', 'segment', { values: values('small', 'large'), default: 'medium' })]);
    expect(errorsOf(packageOf(e))).toEqual([
      { code: 'META_INVALID_DEFAULT', file: 'entities/contractor.json', pointer: '/fields/0/default', message: 'default "medium" is not one of the values' },
    ]);
  });

  test('a string default longer than maxLength (255 when not given)', () => {
    const e = entity('contractor', [field('string', 'code', { maxLength: 3, default: 'ABCD' }), field('string', 'name', { default: 'x'.repeat(256) })]);
    expect(where(packageOf(e))).toEqual([
      ['META_INVALID_DEFAULT', 'entities/contractor.json', '/fields/0/default'],
      ['META_INVALID_DEFAULT', 'entities/contractor.json', '/fields/1/default'],
    ]);
  });

  test('minimum greater than maximum', () => {
    const e = entity('product', [field('integer', 'qty', { minimum: 10, maximum: 1 }), field('decimal', 'weight', { minimum: 0, maximum: 0 })]);
    expect(where(packageOf(e))).toEqual([['META_INVALID_DEFAULT', 'entities/product.json', '/fields/0/minimum']]);
  });
});

describe('META_PATTERN', () => {
  test('a string pattern that is not a valid regular expression', () => {
    const e = entity('product', [field('string', 'code', { pattern: '^[A-Z{3}-(\\d+$' }), field('string', 'ean', { pattern: '^\\d{13}$' })]);
    const errors = errorsOf(packageOf(e));
    expect(errors.map((x) => [x.code, x.file, x.pointer])).toEqual([['META_PATTERN', 'entities/product.json', '/fields/0/pattern']]);
    expect(errors[0]!.message).toMatch(/^invalid regular expression/);
  });
});

describe('META_FILTER', () => {
  test('view filter problems point into the view file below /filter', () => {
    const v = view('big', 'deal', { filter: { and: [{ amount: { gt: 'a lot' } }, { owner_name: 'x' }, { not: { title: { like: 'A%' } } }] } });
    expect(where(crmWith(v))).toEqual([
      ['META_FILTER', 'views/deal.big.json', '/filter/and/0/amount/gt'],
      ['META_FILTER', 'views/deal.big.json', '/filter/and/1/owner_name'],
      ['META_FILTER', 'views/deal.big.json', '/filter/and/2/not/title/like'],
    ]);
  });

  test('a valid view filter, also on the activity entity type', () => {
    const files = crmWith(
      view('open', 'deal', { type: 'board', filter: { stage: { nin: ['sale', 'lost'] }, amount: { gte: 1000 } }, columns: ['title', 'amount', 'stage'] }),
      view('my_calls', 'activity', { type: 'calendar', filter: { kind: 'call', status: 'open' } }),
      activityKind('call'),
    );
    expect(validatePackage(files).ok).toBe(true);
  });

  test('a filter on an unknown stage', () => {
    expect(where(crmWith(view('won', 'deal', { filter: { stage: 'won' } })))).toEqual([['META_FILTER', 'views/deal.won.json', '/filter/stage/eq']]);
  });
});

describe('META_FIELD_KIND', () => {
  test('many-to-many: not to users or teams, and no required/unique/indexed', () => {
    const e = entity('project', [field('string', 'name'), field('manyToMany', 'members', { target: 'user' }), field('manyToMany', 'clients', { target: 'contractor', required: true }), field('manyToMany', 'teams', { target: 'team' })]);
    expect(where(packageOf(contractor(), e))).toEqual([
      ['META_FIELD_KIND', 'entities/project.json', '/fields/1/target'],
      ['META_FIELD_KIND', 'entities/project.json', '/fields/2'],
      ['META_FIELD_KIND', 'entities/project.json', '/fields/3/target'],
    ]);
  });

  test('decimal scale must be smaller than precision; text and json cannot be unique or indexed', () => {
    const e = entity('product', [field('decimal', 'weight', { precision: 4, scale: 4 }), field('text', 'notes', { indexed: true }), field('json', 'specs', { unique: true })]);
    expect(where(packageOf(e))).toEqual([
      ['META_FIELD_KIND', 'entities/product.json', '/fields/0/scale'],
      ['META_FIELD_KIND', 'entities/product.json', '/fields/1'],
      ['META_FIELD_KIND', 'entities/product.json', '/fields/2'],
    ]);
  });

  test('a secret is never unique, indexed, searchable, defaulted, the display field or a sort', () => {
    const e = entity(
      'mailbox',
      [field('string', 'login'), field('secret', 'password', { unique: true }), field('secret', 'token', { searchable: true }), field('secret', 'pin', { default: '1234' }), field('secret', 'key')],
      { displayField: 'key', defaultSort: [{ field: 'token', direction: 'asc' }] },
    );
    expect(where(packageOf(e))).toEqual([
      ['META_FIELD_KIND', 'entities/mailbox.json', '/fields/1'],
      ['META_FIELD_KIND', 'entities/mailbox.json', '/fields/2'],
      ['META_FIELD_KIND', 'entities/mailbox.json', '/fields/3'],
      ['META_FIELD_KIND', 'entities/mailbox.json', '/displayField'],
      ['META_UNKNOWN_FIELD', 'entities/mailbox.json', '/defaultSort/0/field'],
    ]);
  });

  test('the numbered field must be a read-only string', () => {
    const e = entity('offer', [field('string', 'number')], { numbering: { field: 'number', pattern: 'OF/{YYYY}/{seq:4}' } });
    expect(where(packageOf(e))).toEqual([['META_FIELD_KIND', 'entities/offer.json', '/numbering/field']]);
    const ok = entity('offer', [field('string', 'number', { readOnly: true })], { numbering: { field: 'number', pattern: 'OF/{YYYY}/{seq:4}', reset: 'yearly' } });
    expect(validatePackage(packageOf(ok)).ok).toBe(true);
  });

  test('a pipeline amount field must be money or a number', () => {
    expect(where(packageOf(contractor(), person(), deal(), salesPipeline({ amountField: 'title' })))).toEqual([['META_FIELD_KIND', 'pipelines/sales.json', '/amountField']]);
  });

  test('a board view needs a machine on its entity type', () => {
    expect(where(crmWith(view('board', 'contractor', { type: 'board' })))).toEqual([['META_FIELD_KIND', 'views/contractor.board.json', '/type']]);
  });

  test('kind-specific activity fields cannot be required', () => {
    expect(where(packageOf(activityKind('call', [field('integer', 'duration', { required: true })])))).toEqual([['META_FIELD_KIND', 'activity-kinds/call.json', '/fields/0/required']]);
  });
});

describe('exchangeRate', () => {
  test('each field it names exists and is of the kind the rate is read from or written to', () => {
    const fields = [field('enum', 'currency', { values: values('eur', 'pln') }), field('date', 'issue_date'), field('decimal', 'rate'), field('string', 'table_no'), field('datetime', 'rate_day')];
    const ok = entity('invoice', fields, { exchangeRate: { currencyField: 'currency', dateField: 'issue_date', rateField: 'rate', tableField: 'table_no' } });
    expect(validatePackage(packageOf(ok)).ok).toBe(true);
    const bad = entity('invoice', fields, { exchangeRate: { source: 'bnr', currencyField: 'currency', dateField: 'rate_day', rateField: 'nope', rateDateField: 'table_no' } });
    expect(where(packageOf(bad))).toEqual([
      ['META_FIELD_KIND', 'entities/invoice.json', '/exchangeRate/dateField'],
      ['META_UNKNOWN_FIELD', 'entities/invoice.json', '/exchangeRate/rateField'],
      ['META_FIELD_KIND', 'entities/invoice.json', '/exchangeRate/rateDateField'],
    ]);
  });
});
