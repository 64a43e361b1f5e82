// The resolved model: pipelines and status machines as one MachineModel, entity defaults, and the
// platform's activity entity type.
import { ACTIVITY_COMMON_FIELD_NAMES, ACTIVITY_COMMON_FIELDS, ACTIVITY_ENTITY, allowedTargets, labelText, TEAM_TARGET, transitionsBetween, USER_TARGET, type MachineModel, type Model } from '../../../metadata/index.ts';
import { activityKind, contractor, crmItems, deal, entity, entityOf, field, label, modelOf, packageOf, person, salesPipeline, state, statusMachine } from './package-builder.ts';

const machineOf = (model: Model, name: string): MachineModel => {
  const found = model.machines.find((m) => m.name === name);
  if (!found) throw new Error(`no machine ${name}`);
  return found;
};

describe('a pipeline without transitions: any stage may follow any other', () => {
  const model = modelOf(packageOf(...crmItems()));
  const sales = machineOf(model, 'sales');

  test('transitions are null', () => {
    expect(sales.kind).toBe('pipeline');
    expect(sales.transitions).toBeNull();
  });

  test('allowedTargets: every other stage', () => {
    expect(allowedTargets(sales, 'new_opportunity')).toEqual(['presentation', 'offering', 'negotiation', 'sale', 'lost']);
    expect(allowedTargets(sales, 'lost')).toEqual(['new_opportunity', 'presentation', 'offering', 'negotiation', 'sale']);
  });

  test('transitionsBetween: one unguarded transition between two different stages, none to the same stage', () => {
    expect(transitionsBetween(sales, 'offering', 'lost')).toEqual([{ from: ['offering'], to: 'lost' }]);
    expect(transitionsBetween(sales, 'sale', 'new_opportunity')).toEqual([{ from: ['sale'], to: 'new_opportunity' }]);
    expect(transitionsBetween(sales, 'offering', 'offering')).toEqual([]);
  });

  test('stages: open ones are initial; won and lost ones are final; probability and potential kept', () => {
    const p = salesPipeline();
    p.stages[2] = { ...p.stages[2]!, probability: 40, potential: 'medium', color: '#ffaa00', requiredFields: ['amount'] };
    const m = machineOf(modelOf(packageOf(contractor(), person(), deal(), p)), 'sales');
    expect(m.initial).toEqual(['new_opportunity', 'presentation', 'offering', 'negotiation']);
    expect(m.states.map((s) => [s.name, s.category, s.final])).toEqual([
      ['new_opportunity', 'open', false],
      ['presentation', 'open', false],
      ['offering', 'open', false],
      ['negotiation', 'open', false],
      ['sale', 'won', true],
      ['lost', 'lost', true],
    ]);
    expect(m.states[2]).toEqual({ id: 's.offering', name: 'offering', label: label('offering'), color: '#ffaa00', category: 'open', probability: 40, potential: 'medium', final: false, requiredFields: ['amount'] });
    expect(m.amountField).toBe('amount');
    expect(m.lostReasonField).toBe('lost_reason');
  });
});

describe('a status machine with "*" and explicit lists', () => {
  const order = entity('service_order', [field('string', 'symbol'), field('state', 'status'), field('string', 'technician_note')]);
  const service = statusMachine(
    'service',
    { entity: 'service_order', field: 'status' },
    [state('received'), state('in_repair'), state('waiting_for_parts'), state('ready'), state('released', { final: true }), state('cancelled', { final: true })],
    [
      { from: ['received'], to: 'in_repair' },
      { from: ['in_repair'], to: 'waiting_for_parts' },
      { from: ['waiting_for_parts'], to: 'in_repair' },
      { id: 't.ready.note', from: ['in_repair', 'waiting_for_parts'], to: 'ready', guard: 'technician_note != null' },
      { id: 't.ready.admin', from: ['in_repair'], to: 'ready', guard: 'previous.status = "in_repair"' },
      { from: ['ready'], to: 'released' },
      { from: '*', to: 'cancelled' },
    ],
  );
  const model = modelOf(packageOf(order, service));
  const m = machineOf(model, 'service');

  test('allowedTargets: explicit lists plus "*"', () => {
    expect(allowedTargets(m, 'received')).toEqual(['in_repair', 'cancelled']);
    expect(allowedTargets(m, 'in_repair')).toEqual(['waiting_for_parts', 'ready', 'cancelled']);
    expect(allowedTargets(m, 'waiting_for_parts')).toEqual(['in_repair', 'ready', 'cancelled']);
    expect(allowedTargets(m, 'ready')).toEqual(['released', 'cancelled']);
  });

  test('"*" includes final states, but never the state itself', () => {
    expect(allowedTargets(m, 'released')).toEqual(['cancelled']);
    expect(allowedTargets(m, 'cancelled')).toEqual([]);
  });

  test('transitionsBetween returns every transition of the pair, each with its guard', () => {
    expect(transitionsBetween(m, 'in_repair', 'ready').map((t) => t.id)).toEqual(['t.ready.note', 't.ready.admin']);
    expect(transitionsBetween(m, 'waiting_for_parts', 'ready').map((t) => t.id)).toEqual(['t.ready.note']);
    expect(transitionsBetween(m, 'ready', 'cancelled')).toEqual([{ from: '*', to: 'cancelled' }]);
    expect(transitionsBetween(m, 'received', 'released')).toEqual([]);
    expect(transitionsBetween(m, 'ready', 'in_repair')).toEqual([]);
  });

  test('states are open with final from the definition; the first state is initial when none is given', () => {
    expect(m.kind).toBe('statusMachine');
    expect(m.initial).toEqual(['received']);
    expect(m.states.map((s) => [s.name, s.category, s.final])).toEqual([
      ['received', 'open', false],
      ['in_repair', 'open', false],
      ['waiting_for_parts', 'open', false],
      ['ready', 'open', false],
      ['released', 'open', true],
      ['cancelled', 'open', true],
    ]);
  });

  test('explicit initial states', () => {
    const m2 = machineOf(modelOf(packageOf(order, { ...service, initial: ['ready', 'received'] })), 'service');
    expect(m2.initial).toEqual(['ready', 'received']);
  });

  test('an empty transition list allows no move', () => {
    const m3 = machineOf(modelOf(packageOf(order, { ...service, transitions: [] })), 'service');
    expect(m3.transitions).toEqual([]);
    expect(allowedTargets(m3, 'received')).toEqual([]);
    expect(transitionsBetween(m3, 'received', 'ready')).toEqual([]);
  });

  test('the entity model maps its state field to the machine', () => {
    expect(entityOf(model, 'service_order').machines.get('status')).toBe(m);
  });
});

describe('entity models', () => {
  test('defaults: display field is the first string or text field, else id; search on the display field; newest first', () => {
    const model = modelOf(packageOf(entity('product', [field('integer', 'qty'), field('text', 'description'), field('string', 'code')]), entity('counter', [field('integer', 'value')])));
    const product = entityOf(model, 'product');
    expect(product.displayField).toBe('description');
    expect(product.searchFields).toEqual(['description']);
    expect(product.defaultSort).toEqual([{ field: 'created_at', direction: 'desc' }]);
    expect(product.pluralLabel).toEqual(product.label);
    expect(product.table).toBe('product');
    expect(product.activities).toBe(false);
    expect(product.platform).toBe(false);
    expect(entityOf(model, 'counter').displayField).toBe('id');
    expect(entityOf(model, 'counter').searchFields).toEqual([]);
  });

  test('declared display field, searchable fields and plural label win', () => {
    const model = modelOf(packageOf(contractor([field('string', 'city', { searchable: true })])));
    const c = entityOf(model, 'contractor');
    expect(c.displayField).toBe('name');
    expect(c.searchFields).toEqual(['name', 'city']);
    expect(c.fieldsByName.get('nip')?.type).toBe('taxId');
  });
});

describe('the activity entity type', () => {
  const model = modelOf(packageOf(...crmItems(), activityKind('call', [field('integer', 'duration')]), activityKind('note', [field('string', 'topic')], { requiresLink: ['contractor', 'person'] })));
  const activity = entityOf(model, ACTIVITY_ENTITY);

  test('is the platform\'s, with the kind, the common fields, one link per entity type accepting activities and the kind fields', () => {
    expect(activity.platform).toBe(true);
    expect(activity.id).toBe('platform.activity');
    expect(activity.fields.map((f) => f.name)).toEqual(['kind', ...ACTIVITY_COMMON_FIELDS.map((f) => f.name), 'contractor', 'person', 'duration', 'topic']);
    expect(activity.fieldsByName.get('kind')).toMatchObject({ type: 'enum', required: true, values: [{ id: 'k.call', value: 'call' }, { id: 'k.note', value: 'note' }] });
    expect(activity.fieldsByName.get('contractor')).toMatchObject({ type: 'reference', target: 'contractor', onDelete: 'cascade' });
    expect(activity.displayField).toBe('subject');
  });

  test('kindFields tells which kind accepts which specific field', () => {
    expect(activity.kindFields).toEqual(new Map([['call', new Set(['duration'])], ['note', new Set(['topic'])]]));
  });

  test('the common fields', () => {
    expect(ACTIVITY_COMMON_FIELDS.map((f) => `${f.name}:${f.type}`)).toEqual([
      'subject:string',
      'status:enum',
      'priority:enum',
      'assignee:reference',
      'team:reference',
      'start_at:datetime',
      'end_at:datetime',
      'deadline:datetime',
      'percent_done:percent',
      'resolved_at:datetime',
      'parent:reference',
      'description:text',
      'resolution:text',
    ]);
    expect(ACTIVITY_COMMON_FIELDS.every((f) => f.id.startsWith('platform.activity.'))).toBe(true);
    expect(ACTIVITY_COMMON_FIELD_NAMES.has('kind')).toBe(true);
    expect(ACTIVITY_COMMON_FIELDS.find((f) => f.name === 'assignee')).toMatchObject({ target: USER_TARGET });
    expect(ACTIVITY_COMMON_FIELDS.find((f) => f.name === 'team')).toEqual({
      id: 'platform.activity.team',
      name: 'team',
      type: 'reference',
      target: TEAM_TARGET,
      onDelete: 'setNull',
      label: { en: 'Team', pl: 'Zespół', ro: 'Echipă' },
    });
  });
});

test('labelText falls back to English', () => {
  expect(labelText({ en: 'Contractor', pl: 'Kontrahent' }, 'pl')).toBe('Kontrahent');
  expect(labelText({ en: 'Contractor', pl: 'Kontrahent' }, 'ro')).toBe('Contractor');
  expect(labelText(undefined, 'en')).toBe('');
});
