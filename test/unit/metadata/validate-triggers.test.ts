// The `trigger` metadata kind: schema shape, references to entity types, fields and states, FEEL syntax.
import { validatePackage, type MetadataError, type PackageFiles } from '../../../metadata/index.ts';
import { crmItems, errorsOf, packageOf, trigger } from './package-builder.ts';

const crmWith = (...extra: Parameters<typeof packageOf>) => packageOf(...crmItems(), ...extra);
const where = (files: PackageFiles) => errorsOf(files).map((e: MetadataError) => [e.code, e.file, e.pointer] as const);
const start = { process: 'deal-follow-up', variables: { stage: 'stage', owner: 'contractor' } };

test('valid triggers: a start on a state entered, a message on a field change, a start on create with a condition', () => {
  const result = validatePackage(
    crmWith(
      trigger('follow_up', 'deal', 'stateEntered', { field: 'stage', state: 'offering', start }),
      trigger('left', 'deal', 'fieldChanged', { field: 'stage', message: { name: 'deal-stage-left', correlationKey: 'id', variables: { from: 'previous.stage' } } }),
      trigger('welcome', 'contractor', 'created', { condition: 'name != null', start: { process: 'welcome' } }),
      trigger('tasks', 'activity', 'updated', { condition: 'status = "resolved"', message: { name: 'done', correlationKey: 'id' } }),
    ),
  );
  expect(result.ok).toBe(true);
  if (result.ok) expect(result.pkg.triggers.map((t) => t.name)).toEqual(['follow_up', 'left', 'tasks', 'welcome']);
});

test('unknown entity type, field and state are reported with their pointers', () => {
  expect(where(crmWith(trigger('a', 'invoice', 'created', { start })))).toEqual([['META_UNKNOWN_ENTITY', 'triggers/a.json', '/entity']]);
  expect(where(crmWith(trigger('b', 'deal', 'fieldChanged', { field: 'nope', start })))).toEqual([['META_UNKNOWN_FIELD', 'triggers/b.json', '/field']]);
  expect(where(crmWith(trigger('c', 'deal', 'stateEntered', { field: 'stage', state: 'won_big', start })))).toEqual([['META_UNKNOWN_STATE', 'triggers/c.json', '/state']]);
  expect(where(crmWith(trigger('d', 'deal', 'stateEntered', { field: 'title', start })))).toEqual([['META_STATE_BINDING', 'triggers/d.json', '/field']]);
});

test('field and state only where the event uses them; a trigger does something', () => {
  expect(where(crmWith(trigger('a', 'deal', 'fieldChanged', { start })))).toEqual([['META_TRIGGER', 'triggers/a.json', '/field']]);
  expect(where(crmWith(trigger('b', 'deal', 'created', { field: 'stage', start })))).toEqual([['META_TRIGGER', 'triggers/b.json', '/field']]);
  expect(where(crmWith(trigger('c', 'deal', 'fieldChanged', { field: 'stage', state: 'offering', start })))).toEqual([['META_TRIGGER', 'triggers/c.json', '/state']]);
  expect(where(crmWith(trigger('d', 'deal', 'created')))).toEqual([['META_TRIGGER', 'triggers/d.json', '']]);
});

test('FEEL syntax errors point at the condition, the correlation key and each variable', () => {
  const bad = trigger('a', 'deal', 'updated', {
    condition: 'stage = ',
    start: { process: 'p', variables: { ok: 'title', broken: '1 +' } },
    message: { name: 'm', correlationKey: 'id ==', variables: { x: '(' } },
  });
  expect(where(crmWith(bad))).toEqual([
    ['META_FEEL_SYNTAX', 'triggers/a.json', '/condition'],
    ['META_FEEL_SYNTAX', 'triggers/a.json', '/message/correlationKey'],
    ['META_FEEL_SYNTAX', 'triggers/a.json', '/start/variables/broken'],
    ['META_FEEL_SYNTAX', 'triggers/a.json', '/message/variables/x'],
  ]);
});

test('the schema refuses unknown events, properties and a start without a process', () => {
  const raw = { kind: 'trigger', id: 't.x', name: 'x', label: { en: 'X' }, entity: 'deal', on: 'moved', start: {}, extra: 1 };
  expect(where(crmWith(['triggers/x.json', raw])).map(([code, , pointer]) => [code, pointer])).toEqual(
    expect.arrayContaining([
      ['META_SCHEMA', '/on'],
      ['META_SCHEMA', '/start/process'],
      ['META_SCHEMA', '/extra'],
    ]),
  );
});

test('two triggers with one name are a duplicate', () => {
  const a = trigger('same', 'deal', 'created', { start });
  const b = { ...trigger('same', 'contractor', 'created', { start }), id: 't.other' };
  expect(where(crmWith(a, ['triggers/other.json', b]))).toEqual([['META_DUPLICATE_NAME', 'triggers/same.json', '/name']]);
});
