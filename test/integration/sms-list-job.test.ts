// Serial SMS to more than 1,000 recipients (POST /api/connectors/sms/bulk) as a background job
// (engine/record-sets/jobs.ts, connectors/sms/list-send.ts `smsListJob`): 202 with the job, its
// progress over HTTP, each recipient queued once with the sender's rights (a person they may not
// read is never texted), refusals per record, and a repeat with the same key queuing nothing new.
import { connectors } from '../../connectors/index.ts';
import { seedPackage } from '../../engine/seeding.ts';
import type { RecordContext } from '../../engine/records/index.ts';
import type { MetadataItem } from '../../metadata/index.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { startTestServer, type JsonClient, type TestServer } from '../support/http.ts';

const ctx: RecordContext = { actor: { userId: null, via: 'system' } };
const MANY = 1003;

let env: TestPlatform;
let server: TestServer;
let sender: JsonClient;
let senderId: string;

beforeAll(async () => {
  env = await startTestPlatform({ connectors });
  const seed = await seedPackage();
  const role = {
    kind: 'role',
    id: 'test.role.sms_mass',
    name: 'sms_mass',
    label: { en: 'SMS mass' },
    permissions: [
      { entity: 'person', read: 'all', condition: 'last_name != "Ukryty"' },
      { entity: 'contractor', read: 'all' },
      { entity: 'activity', read: 'own', create: true },
    ],
  };
  await env.platform.applyMetadata({ files: { ...seed.files, 'roles/sms_mass.json': role as MetadataItem } }, { source: 'seed' });
  server = await startTestServer(env.platform);
  const sms = connectors.find((c) => c.id === 'sms')!;
  // No workers run here: the messages stay queued (sending them is the list-send test's part).
  await env.platform.connectors.settings.write('sms', sms.configSchema, { enabled: true, config: { defaultAccount: 'bramka', defaultRegion: 'PL', accounts: [{ id: 'bramka', kind: 'smsapi', token: 'smsapi-token-mass-0123456789', baseUrl: 'http://127.0.0.1:9', ratePerSecond: 50 }] } }, { userId: null, via: 'system' });
  const contractor = (await env.platform.records.create(ctx, 'contractor', { name: 'Stalbud', contractor_type: 'company', country: 'pl' })).id as string;
  const people = Array.from({ length: MANY }, (_, i) => ({ first_name: 'Jan', last_name: i === 0 ? 'Ukryty' : `Masowy ${i}`, contractor, mobile: i === 1 ? null : `600 ${String(100000 + i).slice(0, 3)} ${String(100000 + i).slice(3)}` }));
  for (let i = 0; i < people.length; i += 500) await env.platform.records.createMany(ctx, 'person', people.slice(i, i + 500));
  senderId = await createTestUser(env.platform, { login: 'masowy', roles: ['sms_mass'] });
  sender = await userClient(env.platform, `${server.url}/api`, senderId);
}, 180_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

const countMessages = async () => Number(((await env.platform.knex('tessera.sms_messages').count({ n: '*' }).first()) as { n: string }).n);

async function finished(id: string) {
  for (let i = 0; i < 1200; i += 1) {
    const res = await sender.get(`/record-jobs/${id}`);
    if (!['queued', 'running', 'cancelling'].includes(res.body.status)) return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the job did not finish');
}

test('over 1,000 recipients by a filter: a job, each readable person texted once, the one without a number refused; a repeat queues nothing', async () => {
  const body = { entity: 'person', filter: { first_name: 'Jan' }, text: 'Dzień dobry {{first_name}} {{last_name}}', idempotencyKey: 'masowa-1' };
  const sent = await sender.post('/connectors/sms/bulk', body);
  expect(sent.status).toBe(202);
  // The person the sender may not read is not even counted.
  expect(sent.body.job).toMatchObject({ kind: 'sms:list', entity: 'person', total: MANY - 1 });
  const report = await finished(sent.body.job.id);
  expect(report).toMatchObject({ status: 'done', total: MANY - 1, done: MANY - 2, failed: 1 });
  expect(report.failures).toEqual([{ id: expect.any(String), code: 'sms.recipient.noNumber', detail: expect.any(String) }]);
  expect(await countMessages()).toBe(MANY - 2);
  const hidden = (await env.platform.knex('public.person').where({ last_name: 'Ukryty' }).first('id')) as { id: string };
  expect(await env.platform.knex('tessera.sms_messages').where({ record_id: hidden.id }).select('id')).toEqual([]);
  const texts = ((await env.platform.knex('tessera.sms_messages').select('body')) as { body: string }[]).map((m) => ({ text: m.body }));
  expect(new Set(texts.map((t) => t.text)).size).toBe(MANY - 2);
  expect(texts.some((t) => t.text.includes('Ukryty'))).toBe(false);
  // Audit names the sender.
  const activities = (await env.platform.knex('tessera.audit_log').where({ entity: 'activity', action: 'create' }).distinct('actor')) as { actor: string }[];
  expect(activities).toEqual([{ actor: senderId }]);

  const again = await sender.post('/connectors/sms/bulk', body);
  expect(again.status).toBe(202);
  expect(await finished(again.body.job.id)).toMatchObject({ status: 'done', done: MANY - 2, failed: 1 });
  expect(await countMessages()).toBe(MANY - 2);
});

test('over 1,000 ids: a job; an id the sender may not read fails as unreadable and is not texted', async () => {
  const ids = ((await env.platform.knex('public.person').select('id').orderBy('last_name')) as { id: string }[]).map((r) => r.id);
  const before = await countMessages();
  const sent = await sender.post('/connectors/sms/bulk', { entity: 'person', ids, text: 'Przypomnienie {{last_name}}', idempotencyKey: 'masowa-2' });
  expect(sent.status).toBe(202);
  const report = await finished(sent.body.job.id);
  expect(report).toMatchObject({ status: 'done', total: MANY, done: MANY - 2, failed: 2 });
  expect(report.failures.map((f: { code: string }) => f.code).sort()).toEqual(['UNREADABLE', 'sms.recipient.noNumber']);
  expect(await countMessages()).toBe(before + MANY - 2);
  const bad = await sender.post('/connectors/sms/bulk', { entity: 'person', ids, text: '{{nope}}', idempotencyKey: 'masowa-3' });
  expect(bad.status).toBe(422);
  expect(bad.body.errors[0]).toMatchObject({ pointer: '/text' });
});
