// Many SMS queued in one call (queueSmsMany, connectors/sms/outbound.ts): each request checked and
// refused on its own, the accepted ones stored, their activities written by one records.createMany
// (one transaction: their audit rows share its time stamp) and their outbox messages queued; a key
// queued before answers the stored message.
import { connectors } from '../../connectors/index.ts';
import { queueSmsMany, type SmsRequest } from '../../connectors/sms/index.ts';
import { seedPackage } from '../../engine/seeding.ts';
import type { RecordContext } from '../../engine/records/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';

const ctx: RecordContext = { actor: { userId: null, via: 'system' } };
let env: TestPlatform;
const persons: string[] = [];

beforeAll(async () => {
  env = await startTestPlatform({ connectors });
  await env.platform.applyMetadata(await seedPackage(), { source: 'seed' });
  const sms = connectors.find((c) => c.id === 'sms')!;
  // A gateway nobody answers at: nothing is sent here (no workers), only queued.
  await env.platform.connectors.settings.write('sms', sms.configSchema, { enabled: true, config: { defaultAccount: 'gate', accounts: [{ id: 'gate', kind: 'smsapi', token: 't', baseUrl: 'http://127.0.0.1:9' }] } }, { userId: null, via: 'system' });
  const contractor = (await env.platform.records.create(ctx, 'contractor', { name: 'Stalbud Sp. z o.o.', contractor_type: 'company', country: 'pl' })).id as string;
  for (let i = 0; i < 30; i++) persons.push((await env.platform.records.create(ctx, 'person', { first_name: 'Jan', last_name: `Nowak ${i}`, contractor, mobile: i === 7 ? null : `+48 600 100 ${String(100 + i)}` })).id as string);
}, 120_000);

afterAll(async () => {
  await env?.close();
});

test('a list of 30 contacts: 29 queued in one transaction, the one without a number refused alone, a repeat answers the stored messages', async () => {
  const sms = env.platform.connectors.context('sms');
  const requests: SmsRequest[] = persons.map((id, i) => ({ record: { entity: 'person', id }, text: `Dzień dobry, zamówienie ${i} gotowe.`, idempotencyKey: `bulk-test:${id}`, actor: { userId: null, via: 'system' } }));
  const results = await queueSmsMany(sms, [...requests, requests[3]!]);
  expect(results).toHaveLength(31);
  expect(results.filter((r) => r.ok && r.created)).toHaveLength(29);
  const refused = results[7]!;
  expect(refused.ok).toBe(false);
  if (!refused.ok) expect(refused.problems[0]).toMatchObject({ code: 'sms.recipient.noNumber', pointer: '/record' });
  // The same key twice in one call is one message.
  const [third, again] = [results[3]!, results[30]!];
  expect(third.ok && again.ok && again.message.id === third.message.id && !again.created).toBe(true);

  const rows = (await env.platform.knex('tessera.sms_messages').where('idempotency_key', 'like', 'bulk-test:%').select('id', 'to_number', 'activity_id', 'status')) as { id: string; to_number: string; activity_id: string | null; status: string }[];
  expect(rows).toHaveLength(29);
  expect(rows.every((r) => r.activity_id !== null && r.status === 'queued')).toBe(true);
  expect(rows.map((r) => r.to_number)).toContain('+48600100100');
  const activities = (await env.platform.knex('activity').whereIn('id', rows.map((r) => r.activity_id!)).select('id', 'person', 'sms_status', 'kind')) as { id: string; person: string; sms_status: string; kind: string }[];
  expect(activities).toHaveLength(29);
  expect(activities.every((a) => a.kind === 'sms' && a.sms_status === 'queued' && persons.includes(a.person))).toBe(true);
  // One createMany: the 29 activities' audit rows were written by one transaction.
  const stamps = (await env.platform.knex('tessera.audit_log').whereIn('record_id', rows.map((r) => r.activity_id!)).where({ action: 'create' }).select('at')) as { at: Date }[];
  expect(stamps).toHaveLength(29);
  expect(new Set(stamps.map((s) => s.at.getTime())).size).toBe(1);
  const outbox = (await env.platform.knex('tessera.outbox').where({ channel: 'sms' }).where('idempotency_key', 'like', 'bulk-test:%').count({ n: '*' }).first()) as { n: string };
  expect(Number(outbox.n)).toBe(29);

  // Sent again (a lost answer): the stored messages, nothing new.
  const repeat = await queueSmsMany(sms, requests);
  expect(repeat.filter((r) => r.ok && !r.created)).toHaveLength(29);
  expect(Number(((await env.platform.knex('tessera.sms_messages').where('idempotency_key', 'like', 'bulk-test:%').count({ n: '*' }).first()) as { n: string }).n)).toBe(29);
});
