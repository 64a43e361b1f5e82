// Serial SMS to a list over HTTP (POST /api/connectors/sms/bulk, connectors/sms/list-send.ts): one
// text with e-mail-template placeholders merged per record, queued with the caller's rights in one
// call, sent through the outbox to the SMSAPI double; records the caller may not read and records
// without a mobile number refused per item; a repeat with the same key queues nothing new; bad
// input answered as application/problem+json with JSON pointers.
import { connectors } from '../../connectors/index.ts';
import { seedPackage } from '../../engine/seeding.ts';
import type { RecordContext } from '../../engine/records/index.ts';
import type { MetadataItem } from '../../metadata/index.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';
import { startSmsapiDouble, type SmsapiDouble } from '../support/sms-gateway-servers.ts';
import { eventually } from '../support/workflows.ts';

const TOKEN = 'smsapi-token-list-0123456789';
const ctx: RecordContext = { actor: { userId: null, via: 'system' } };
const TEXT = 'Dzień dobry {{first_name}} {{last_name}}, {{contractor.name}} zaprasza na przegląd.';

let env: TestPlatform;
let server: TestServer;
let admin: JsonClient;
let limited: JsonClient;
let limitedId: string;
let smsapi: SmsapiDouble;
const persons: string[] = [];
const NO_NUMBER = [4, 11];
const HIDDEN = 15;

beforeAll(async () => {
  env = await startTestPlatform({ connectors });
  const seed = await seedPackage();
  // A user who may not read one person (a row condition) but may log activities.
  const role = {
    kind: 'role',
    id: 'test.role.sms_limited',
    name: 'sms_limited',
    label: { en: 'SMS limited' },
    permissions: [
      { entity: 'person', read: 'all', condition: 'last_name != "Ukryty"' },
      { entity: 'contractor', read: 'all' },
      { entity: 'activity', read: 'own', create: true },
    ],
  };
  await env.platform.applyMetadata({ files: { ...seed.files, 'roles/sms_limited.json': role as MetadataItem } }, { source: 'seed' });
  server = await startTestServer(env.platform);
  admin = jsonClient(`${server.url}/api`);
  smsapi = await startSmsapiDouble(TOKEN);
  const sms = connectors.find((c) => c.id === 'sms')!;
  await env.platform.connectors.settings.write('sms', sms.configSchema, { enabled: true, config: { defaultAccount: 'bramka', defaultRegion: 'PL', accounts: [{ id: 'bramka', kind: 'smsapi', token: TOKEN, baseUrl: smsapi.url, ratePerSecond: 50 }] } }, { userId: null, via: 'system' });
  const contractor = (await env.platform.records.create(ctx, 'contractor', { name: 'Stalbud', contractor_type: 'company', country: 'pl' })).id as string;
  for (let i = 0; i < 20; i++) {
    const values = { first_name: i < 2 ? 'Ewa' : 'Jan', last_name: i === HIDDEN ? 'Ukryty' : `Nowak ${i}`, contractor, mobile: NO_NUMBER.includes(i) ? null : `600 200 ${String(100 + i)}` };
    persons.push((await env.platform.records.create(ctx, 'person', values)).id as string);
  }
  limitedId = await createTestUser(env.platform, { login: 'wysylacz', roles: ['sms_limited'] });
  limited = await userClient(env.platform, `${server.url}/api`, limitedId);
  await env.platform.processes.startWorkers();
}, 120_000);

afterAll(async () => {
  await smsapi?.close();
  await server?.close();
  await env?.close();
});

const countMessages = async () => Number(((await env.platform.knex('tessera.sms_messages').count({ n: '*' }).first()) as { n: string }).n);

test('20 persons, 2 without a number, 1 the user may not read: 17 queued and sent with merged text, the 3 refused per item, a repeat queues nothing', async () => {
  const sent = await limited.post('/connectors/sms/bulk', { entity: 'person', ids: persons, text: TEXT, idempotencyKey: 'lista-1' });
  expect(sent.status).toBe(202);
  expect(sent.body.queued).toBe(17);
  expect(sent.body.refused).toEqual([
    { id: persons[4], code: 'sms.recipient.noNumber', detail: expect.any(String) },
    { id: persons[11], code: 'sms.recipient.noNumber', detail: expect.any(String) },
    { id: persons[HIDDEN], code: 'sms.recipient.unreadable', detail: expect.any(String) },
  ]);

  // Through the outbox to the gateway, each with its own record's values.
  await eventually(async () => smsapi.requests.filter((r) => r.path === '/sms.do').length >= 17, 20_000, '17 SMS at the gateway');
  const texts = new Map(smsapi.requests.map((r) => [r.form.get('to'), r.form.get('message')]));
  expect(texts.size).toBe(17);
  expect(texts.get('48600200103')).toBe('Dzień dobry Jan Nowak 3, Stalbud zaprasza na przegląd.');
  expect(texts.get('48600200100')).toBe('Dzień dobry Ewa Nowak 0, Stalbud zaprasza na przegląd.');
  expect(texts.has('48600200115')).toBe(false);
  // The activities are the user's (audit names who).
  const rows = (await env.platform.knex('tessera.sms_messages').whereNotNull('activity_id').select('activity_id', 'created_by')) as { activity_id: string; created_by: string }[];
  expect(rows).toHaveLength(17);
  expect(rows.every((r) => r.created_by === limitedId)).toBe(true);
  const activity = await env.platform.records.get(ctx, 'activity', rows[0]!.activity_id);
  expect(activity).toMatchObject({ kind: 'sms', created_by: limitedId });

  // A repeat (a lost answer): nothing new.
  const again = await limited.post('/connectors/sms/bulk', { entity: 'person', ids: persons, text: TEXT, idempotencyKey: 'lista-1' });
  expect(again.status).toBe(202);
  expect(again.body).toMatchObject({ queued: 0, repeated: 17 });
  expect(await countMessages()).toBe(17);
}, 60_000);

test('a list filter as the list API takes it picks the recipients', async () => {
  const before = await countMessages();
  const sent = await admin.post('/connectors/sms/bulk', { entity: 'person', filter: { first_name: { eq: 'Ewa' } }, text: 'Cześć {{first_name}}!', idempotencyKey: 'ewy' });
  expect(sent.status).toBe(202);
  expect(sent.body).toEqual({ queued: 2, repeated: 0, refused: [] });
  const bodies = (await env.platform.knex('tessera.sms_messages').orderBy('created_at', 'desc').limit(2).select('body')) as { body: string }[];
  expect(bodies.map((b) => b.body)).toEqual(['Cześć Ewa!', 'Cześć Ewa!']);
  expect(await countMessages()).toBe(before + 2);
  await eventually(async () => Number(((await env.platform.knex('tessera.sms_messages').where({ status: 'queued' }).count({ n: '*' }).first()) as { n: string }).n) === 0, 20_000, 'both sent');
});

test('bad input is a problem with JSON pointers, and queues nothing', async () => {
  const before = await countMessages();
  const cases: [unknown, string[]][] = [
    [{ entity: 'person', ids: persons.slice(0, 2), idempotencyKey: 'k' }, ['/text']],
    [{ entity: 'nope', ids: persons.slice(0, 2), text: 'x', idempotencyKey: 'k' }, ['/entity']],
    [{ entity: 'person', ids: [persons[0], 'not-an-id'], text: 'x', idempotencyKey: 'k' }, ['/ids/1']],
    [{ entity: 'person', ids: [], text: 'x', idempotencyKey: 'k' }, ['/ids']],
    [{ entity: 'person', ids: persons.slice(0, 2), filter: {}, text: 'x', idempotencyKey: 'k' }, ['/filter']],
    [{ entity: 'person', text: 'x', idempotencyKey: 'k' }, ['/ids']],
    [{ entity: 'person', ids: persons.slice(0, 2), text: 'x' }, ['/idempotencyKey']],
    [{ entity: 'person', ids: persons.slice(0, 2), text: 'x', account: 'nieznane', idempotencyKey: 'k' }, ['/account']],
    [{ entity: 'person', ids: persons.slice(0, 2), text: 'Hej {{nonsense}}', idempotencyKey: 'k' }, ['/text']],
    [{ entity: 'person', ids: persons.slice(0, 2), text: 'Hej {{#first_name}}', idempotencyKey: 'k' }, ['/text']],
  ];
  for (const [body, pointers] of cases) {
    const res = await admin.post('/connectors/sms/bulk', body);
    expect({ body, status: res.status }).toEqual({ body, status: 422 });
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(pointers);
  }
  const unknown = await admin.post('/connectors/sms/bulk', { entity: 'person', ids: persons.slice(0, 2), text: 'Hej {{nonsense}}', idempotencyKey: 'k' });
  expect(unknown.body.errors[0]).toMatchObject({ pointer: '/text', code: 'sms.template.unknownField' });
  const badFilter = await admin.post('/connectors/sms/bulk', { entity: 'person', filter: { no_such_field: { eq: 1 } }, text: 'x', idempotencyKey: 'k' });
  expect(badFilter.status).toBe(422);
  expect(badFilter.body.errors[0].pointer).toMatch(/^\/filter/);
  expect(await countMessages()).toBe(before);
});
