// Activity forms per kind, defaults and the fields a stage asks for: a form shows and sends only its
// kind's fields, opens on the kind's short form, starts from the same defaults the server applies,
// and a board's stage dialog asks for what the stage requires.
import { declaredDefaults, defaultValues, type Model } from '../../../metadata/index.ts';
import { evaluateConditions, initialValues, kindView, narrowForm, recordForm, stageFields, switchKind, writeValues } from '../../../forms/index.ts';
import { activityKind, contractor, deal, entityOf, errorsOf, field, modelOf, packageOf, person, salesPipeline, values } from '../metadata/package-builder.ts';

const call = activityKind('call', [field('enum', 'direction', { values: values('inbound', 'outbound') }), field('integer', 'duration_min')], {
  form: ['subject', 'direction', 'start_at', 'duration_min', 'contractor'],
  defaults: { direction: 'outbound', start_at: '$now', assignee: '$me' },
});
const task = activityKind('task', [field('boolean', 'billable', { default: false }), field('date', 'due_on', { default: '$today' })], { defaults: { assignee: '$me', priority: 'high' } });
const model: Model = modelOf(packageOf(contractor(), person(), deal([field('string', 'lost_comment')]), salesPipeline({ lostCommentField: 'lost_comment' }), call, task));
const activity = entityOf(model, 'activity');
const ctx = { now: new Date('2026-03-01T23:30:00Z'), timeZone: 'Europe/Warsaw', userId: 'u-1' };

describe('defaults', () => {
  test('an activity gets its kind\'s defaults and its own fields\' defaults, never another kind\'s', () => {
    expect(defaultValues(activity, 'call', ctx)).toEqual({ status: 'open', priority: 'normal', percent_done: 0, direction: 'outbound', start_at: '2026-03-01T23:30:00.000Z', assignee: 'u-1' });
    // "$today" is the business's day: already 2 March in Warsaw.
    expect(defaultValues(activity, 'task', ctx)).toEqual({ status: 'open', priority: 'high', percent_done: 0, billable: false, due_on: '2026-03-02', assignee: 'u-1' });
    expect(defaultValues(activity, 'call', { ...ctx, userId: null })).not.toHaveProperty('assignee');
    expect(declaredDefaults(activity)).not.toHaveProperty('billable');
  });

  test('the form starts from the same defaults under the given values, and follows a change of kind', () => {
    const form = recordForm(model, 'activity', { mode: 'create' });
    const start = initialValues(form, { kind: 'call', contractor: 'c-1' }, ctx);
    expect(start).toEqual({ ...defaultValues(activity, 'call', ctx), kind: 'call', contractor: 'c-1' });
    const typed = { ...start, subject: 'Hello', priority: 'urgent' };
    const asTask = switchKind(form, { ...typed, kind: 'task' }, 'call', ctx);
    // The task's defaults fill what the user left alone; what they typed stays.
    expect(asTask).toMatchObject({ kind: 'task', subject: 'Hello', priority: 'urgent', billable: false, due_on: '2026-03-02', assignee: 'u-1' });
    expect(asTask).not.toHaveProperty('direction');
  });
});

describe('kind forms', () => {
  const form = recordForm(model, 'activity', { mode: 'create' });

  test('a submit sends only the kind\'s fields', () => {
    const body = writeValues(form, { kind: 'call', subject: 'Hi', direction: 'inbound', billable: false, due_on: '2026-01-01' });
    expect(body).toEqual({ kind: 'call', subject: 'Hi', direction: 'inbound' });
  });

  test('an edit that changes the kind clears the fields of the kind it left', () => {
    const edit = recordForm(model, 'activity', { mode: 'update', record: { kind: 'call' } });
    expect(writeValues(edit, { kind: 'task', direction: 'inbound', subject: 'Hi' }, { kind: 'call', direction: 'inbound', subject: 'Hi' })).toEqual({ kind: 'task', direction: null });
  });

  test('the short form shows the kind\'s `form` and the links given a value; "all fields" the rest of the kind', () => {
    const short = kindView(form.kinds, form.links, { kind: 'call', person: 'p-1' }, false);
    expect(short.short).toBe(true);
    expect(short.layout?.[0]?.sections[0]?.fields).toEqual(['kind', 'subject', 'direction', 'start_at', 'duration_min', 'contractor', 'person']);
    expect([...short.hidden]).toEqual(expect.arrayContaining(['percent_done', 'parent', 'billable', 'description']));
    const all = kindView(form.kinds, form.links, { kind: 'call' }, true);
    expect(all.layout).toBeNull();
    expect([...all.hidden].sort()).toEqual(['billable', 'due_on']);
    // A kind without a short form shows all its fields at once; edits always do.
    expect(kindView(form.kinds, form.links, { kind: 'task' }, false).short).toBe(false);
    expect(recordForm(model, 'activity', { mode: 'update' }).kinds?.call?.short).toBeNull();
  });
});

describe('stage fields', () => {
  const machine = model.machines[0]!;
  test('a stage asks for the required fields a record lacks; a lost stage also for its reason and comment', () => {
    const won = { ...machine, states: machine.states.map((s) => (s.name === 'sale' ? { ...s, requiredFields: ['amount'] } : s)) };
    expect(stageFields(won, 'sale', { amount: null })).toEqual({ required: ['amount'], optional: [] });
    expect(stageFields(won, 'sale', { amount: { amount: 5, currency: 'PLN' } })).toEqual({ required: [], optional: [] });
    expect(stageFields(machine, 'lost', {})).toEqual({ required: ['lost_reason'], optional: ['lost_comment'] });
    const form = narrowForm(recordForm(model, 'deal', { mode: 'update' }), ['lost_reason'], ['lost_comment']);
    expect(form.layout).toEqual([{ tab: null, sections: [{ id: 'stage', label: '', columns: 1, fields: ['lost_reason', 'lost_comment'] }] }]);
    expect(form.conditions.requiredWhen.lost_reason).toBe('true');
  });
});

describe('validation of the declarations', () => {
  const codes = (...items: Parameters<typeof packageOf>) => errorsOf(packageOf(contractor(), person(), deal(), salesPipeline(), ...items)).map((e) => [e.code, e.pointer, e.message]);
  test('a short form and defaults name writable fields of the kind, defaults of their type', () => {
    expect(codes(activityKind('call', [field('integer', 'n')], { form: ['subject', 'billable', 'resolved_at'], defaults: { n: 'x', start_at: '$today', assignee: '$me', team: '$me', person: null, billable: true } }), activityKind('task', [field('boolean', 'billable')]))).toEqual([
      ['META_UNKNOWN_FIELD', '/form/1', '"billable" is not a writable field of an activity of kind "call"'],
      ['META_UNKNOWN_FIELD', '/form/2', '"resolved_at" is not a writable field of an activity of kind "call"'],
      ['META_INVALID_DEFAULT', '/defaults/n', expect.stringContaining('does not fit the integer field')],
      ['META_INVALID_DEFAULT', '/defaults/start_at', '"$today" is a default of date fields'],
      ['META_INVALID_DEFAULT', '/defaults/team', '"$me" is a default of references to "user"'],
      ['META_INVALID_DEFAULT', '/defaults/person', expect.stringContaining('does not fit the reference field')],
      ['META_UNKNOWN_FIELD', '/defaults/billable', '"billable" is not a writable field of an activity of kind "call"'],
    ]);
  });

  test('"$me" only on references to users; countryField only with postal codes and an enum or string; a lost comment field of text', () => {
    const c = contractor([field('reference', 'account_manager', { target: 'user', default: '$me' }), field('reference', 'parent', { target: 'contractor', default: '$me' }), field('enum', 'country', { values: values('pl', 'ro') }), field('string', 'zip', { format: 'postalCode', countryField: 'country' }), field('string', 'zip2', { countryField: 'country' }), field('string', 'zip3', { format: 'postalCode', countryField: 'nope' })]);
    expect(errorsOf(packageOf(c, person(), deal(), salesPipeline())).map((e) => [e.code, e.pointer])).toEqual([
      ['META_INVALID_DEFAULT', '/fields/5/default'],
      ['META_FIELD_KIND', '/fields/8/countryField'],
      ['META_UNKNOWN_FIELD', '/fields/9/countryField'],
    ]);
    expect(errorsOf(packageOf(contractor(), person(), deal(), salesPipeline({ lostCommentField: 'amount' }))).map((e) => [e.code, e.pointer])).toEqual([['META_FIELD_KIND', '/lostCommentField']]);
  });
});

describe("a kind's own full form (layout)", () => {
  const meeting = activityKind('meeting', [field('enum', 'mode', { values: values('onsite', 'online') }), field('string', 'link', { requiredWhen: 'true' }), field('string', 'room')], {
    layout: [
      { id: 'm.main', label: { en: 'Meeting' }, fields: ['subject', 'mode', 'start_at'] },
      { id: 'm.online', label: { en: 'Online' }, visibleWhen: 'mode = "online"', fields: ['link'] },
    ],
  });
  const m = modelOf(packageOf(contractor(), person(), deal(), salesPipeline(), call, task, meeting));

  test('an activity of the kind is laid out by it (the full form), other kinds by the activity layout', () => {
    const form = recordForm(m, 'activity', { mode: 'update' });
    const sections = form.kinds!.meeting!.layout!.flatMap((t) => t.sections.map((s) => s.id));
    expect(sections).toEqual(['m.main', 'm.online', 'other']);
    expect(form.kinds!.call!.layout).toBeNull();
    expect(kindView(form.kinds, form.links, { kind: 'meeting' }, false).layout).toBe(form.kinds!.meeting!.layout);
    expect(kindView(form.kinds, form.links, { kind: 'task' }, false).layout).toBeNull();
  });

  test("the kind's conditional sections hide and un-require their fields, only for that kind", () => {
    const form = recordForm(m, 'activity', { mode: 'update' });
    const onsite = evaluateConditions(form.conditions, { kind: 'meeting', mode: 'onsite' });
    expect(onsite.hidden.has('link')).toBe(true);
    expect(onsite.required).toEqual(new Set());
    const online = evaluateConditions(form.conditions, { kind: 'meeting', mode: 'online' });
    expect(online.hidden.has('link')).toBe(false);
    expect(online.required).toEqual(new Set(['link']));
  });

  test('the layout places fields an activity of the kind has, each once', () => {
    const bad = activityKind('visit', [field('string', 'room')], { layout: [{ id: 'v.s', fields: ['room', 'duration_min', 'room'] }] });
    expect(errorsOf(packageOf(contractor(), person(), deal(), salesPipeline(), call, bad)).map((e) => [e.code, e.pointer])).toEqual([
      ['META_UNKNOWN_FIELD', '/layout/0/fields/1'],
      ['META_DUPLICATE_NAME', '/layout/0/fields/2'],
    ]);
  });
});
