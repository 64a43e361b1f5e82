// The connector platform through its API, with the shipped connectors: rights (administerConnectors,
// the `connectors` token scope), secrets (sealed at rest, never returned, never logged), outgoing
// webhooks against a real receiver on loopback (signature, retries with backoff through the outbox,
// delivery log, auto-disable with a notification, retry by hand).
import { connectors } from '../../connectors/index.ts';
import { verifySignature, SIGNATURE_HEADER } from '../../connectors/webhooks/signature.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';
import { crmMiniPackage } from '../support/packages.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { eventually } from '../support/workflows.ts';

const SIGNING_SECRET = 'whsec-0123456789-abcdef-SECRET';
const role = { kind: 'role', id: 't.role.sales', name: 'sales', label: { en: 'Sales' }, permissions: [{ entity: '*', read: 'all', create: true, update: 'all' }] };

let env: TestPlatform;
let server: TestServer;
let api: JsonClient;
let receiver: Receiver;
const logged: string[] = [];
const originalError = console.error;

beforeAll(async () => {
  // Everything logged by the platform is kept, to prove no secret reaches a log line.
  console.error = (...args: unknown[]) => {
    logged.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  };
  env = await startTestPlatform({ connectors, listen: true });
  await env.platform.applyMetadata(await crmMiniPackage({ 'roles/sales.json': role }), { source: 'cli' });
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  receiver = await startReceiver();
  await env.platform.processes.startWorkers();
}, 120_000);

afterAll(async () => {
  console.error = originalError;
  await receiver?.close();
  await server?.close();
  await env?.close();
});

const subscription = (id: string, extra: Record<string, unknown> = {}) => ({ id, url: `${receiver.url}/hooks/${id}`, entity: 'contractor', events: ['create', 'update'], ...extra });

async function configure(config: Record<string, unknown>, enabled = true) {
  const current = await api.get('/connectors/webhooks/settings');
  const saved = await api.put('/connectors/webhooks/settings', { enabled, config, version: current.body.version });
  expect(saved.status).toBe(200);
  return saved.body;
}

test('without administerConnectors (or a token without the connectors scope) the connector API answers 403', async () => {
  const userId = await createTestUser(env.platform, { login: 'sally', roles: ['sales'] });
  const sales = await userClient(env.platform, `${server.url}/api`, userId);
  expect((await sales.get('/connectors')).status).toBe(403);
  expect((await sales.put('/connectors/webhooks/settings', { enabled: true })).status).toBe(403);
  expect((await sales.get('/outbox')).status).toBe(403);
  const narrowAdmin = await userClient(env.platform, `${server.url}/api`, server.adminId, ['read', 'write', 'users', 'workflows']);
  const refused = await narrowAdmin.get('/connectors');
  expect(refused.status).toBe(403);
  expect(refused.body.code).toBe('FORBIDDEN');
  const listed = await api.get('/connectors');
  expect(listed.status).toBe(200);
  expect(listed.body.data.map((c: { id: string }) => c.id)).toEqual(['webhooks', 'http', 'email', 'sms', 'calendar', 'fiscal', 'exchange-rates']);
  expect(listed.body.data[0].label).toEqual({ pl: 'Webhooki wychodzące', en: 'Outgoing webhooks', ro: 'Webhook-uri de ieșire' });
});

test('a secret is sealed at rest, never returned, kept when left out, and a bad configuration gets problems with pointers', async () => {
  const saved = await configure({ signingSecret: SIGNING_SECRET, subscriptions: [] }, false);
  expect(JSON.stringify(saved)).not.toContain(SIGNING_SECRET);
  expect(saved.secretsSet).toEqual(['/signingSecret']);
  const row = await env.platform.knex('tessera.connector_settings').where({ connector_id: 'webhooks' }).first();
  expect(JSON.stringify(row)).not.toContain(SIGNING_SECRET);
  expect(row.secrets).toMatch(/^v1\./);
  // Left out: kept.
  const again = await configure({ subscriptions: [] }, false);
  expect(again.secretsSet).toEqual(['/signingSecret']);
  expect((await env.platform.connectors.settings.config('webhooks', connectors[0]!.configSchema)).config.signingSecret).toBe(SIGNING_SECRET);
  const bad = await api.put('/connectors/webhooks/settings', { config: { subscriptions: [{ id: 'x', url: 'ftp://nowhere', entity: 'contractor', events: [] }] } });
  expect(bad.status).toBe(422);
  expect(bad.contentType).toContain('application/problem+json');
  expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/config/subscriptions/0/events', '/config/subscriptions/0/url']);
  const history = await api.get('/connectors/webhooks/settings/history');
  expect(history.body.data.length).toBeGreaterThanOrEqual(2);
  expect(JSON.stringify(history.body)).not.toContain(SIGNING_SECRET);
  expect(history.body.data[0].changes.secrets).toEqual([null, ['/signingSecret']]);
});

test('a record change POSTs a signed payload, written in the change transaction; a rolled back change sends nothing', async () => {
  await configure({ signingSecret: SIGNING_SECRET, retryDelaySeconds: 0.2, subscriptions: [subscription('crm', { filter: 'city = "Kraków"' })] });
  receiver.received.length = 0;
  const created = await api.post('/records/contractor', { name: 'Hook Ltd', city: 'Kraków' });
  expect(created.status).toBe(201);
  expect((await api.post('/records/contractor', { name: 'Elsewhere Ltd', city: 'Gdańsk' })).status).toBe(201);
  // A change whose transaction rolls back leaves no message behind.
  await expect(
    env.platform.knex.transaction(async (trx) => {
      await env.platform.records.create({ actor: { userId: null, via: 'system' }, trx }, 'contractor', { name: 'Rolled Back Ltd', city: 'Kraków' });
      throw new Error('rolled back');
    }),
  ).rejects.toThrow('rolled back');
  await eventually(async () => receiver.received.length >= 1, 15_000, 'the webhook delivery');
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(receiver.received).toHaveLength(1);
  const [delivery] = receiver.received;
  expect(delivery!.path).toBe('/hooks/crm');
  expect(verifySignature(SIGNING_SECRET, String(delivery!.headers[SIGNATURE_HEADER]), delivery!.body)).toBe(true);
  expect(verifySignature('another-secret-0000000', String(delivery!.headers[SIGNATURE_HEADER]), delivery!.body)).toBe(false);
  expect(verifySignature(SIGNING_SECRET, String(delivery!.headers[SIGNATURE_HEADER]), delivery!.body.replace('Hook', 'Hack'))).toBe(false);
  const body = JSON.parse(delivery!.body);
  expect(body).toMatchObject({ event: 'contractor.create', entity: 'contractor', recordId: created.body.id, record: { name: 'Hook Ltd' } });
  expect(delivery!.headers['tessera-delivery-id']).toBe(body.id);
  const log = await api.get('/outbox?channel=webhooks&recipient=crm');
  expect(log.body.data).toHaveLength(1);
  expect(log.body.data[0]).toMatchObject({ id: body.id, state: 'sent', attempts: 1, lastStatus: 200 });
});

test('a receiver failing twice is retried with growing delays until it accepts', async () => {
  receiver.received.length = 0;
  receiver.next.push({ status: 503 }, { status: 500 });
  const created = await api.post('/records/contractor', { name: 'Retry Ltd', city: 'Kraków' });
  const id = created.body.id as string;
  const row = await eventually(async () => {
    const [entry] = (await api.get('/outbox?channel=webhooks&recipient=crm&limit=1')).body.data;
    return entry?.payload.recordId === id && entry.state === 'sent' ? entry : undefined;
  }, 20_000, 'the delivery after two failures');
  expect(row).toMatchObject({ attempts: 3, lastStatus: 200, lastError: null });
  const times = receiver.received.filter((r) => JSON.parse(r.body).id === row.id);
  expect(times).toHaveLength(3);
});

test('after N deliveries failed in a row the subscription is disabled and administrators are notified; a failed message is retried by hand', async () => {
  await configure({ signingSecret: SIGNING_SECRET, retryDelaySeconds: 0.1, maxAttempts: 2, maxConsecutiveFailures: 2, subscriptions: [subscription('flaky')] });
  receiver.answer = (request) => (request.path === '/hooks/flaky' ? { status: 500 } : { status: 200 });
  for (const name of ['Down 1', 'Down 2']) expect((await api.post('/records/contractor', { name })).status).toBe(201);
  const disabled = await eventually(async () => {
    const settings = await api.get('/connectors/webhooks/settings');
    const sub = settings.body.config.subscriptions.find((s: { id: string }) => s.id === 'flaky');
    return sub.enabled === false ? sub : undefined;
  }, 20_000, 'the subscription to be disabled');
  expect(disabled.disabledReason).toMatch(/2 deliveries in a row failed/);
  const failed = (await api.get('/outbox?recipient=flaky&state=failed')).body.data;
  expect(failed).toHaveLength(2);
  expect(failed[0]).toMatchObject({ attempts: 2, lastStatus: 500, lastError: 'the receiver answered 500' });
  const notes = await env.platform.knex('tessera.notifications').where({ user_id: server.adminId, kind: 'connector' });
  expect(notes.map((n: { subject: string }) => n.subject)).toContain('Webhook „flaky” wyłączony');
  // The receiver is fixed, the subscription enabled again: a failed delivery is retried from the outbox.
  receiver.answer = () => ({ status: 200 });
  const settings = (await api.get('/connectors/webhooks/settings')).body;
  await configure({ ...settings.config, subscriptions: [subscription('flaky')] });
  const retried = await api.post(`/outbox/${failed[0].id as string}/retry`);
  expect(retried.status).toBe(200);
  expect(retried.body.state).toBe('queued');
  await eventually(async () => (await api.get(`/outbox/${failed[0].id as string}`)).body.state === 'sent', 15_000, 'the retried delivery');
  expect((await api.post(`/outbox/${failed[0].id as string}/retry`)).status).toBe(409);
});

test("a sample in the designer's sandbox reports the webhook a real create would send, and sends none", async () => {
  await configure({ signingSecret: SIGNING_SECRET, retryDelaySeconds: 0.2, subscriptions: [subscription('tried')] });
  receiver.answer = () => ({ status: 200 });
  receiver.received.length = 0;
  const outbox = async () => Number((await env.platform.knex('tessera.outbox').count({ n: '*' }).first())?.n);
  const before = await outbox();
  const files = (await api.get('/meta')).body.files as Record<string, unknown>;
  const tried = await api.post('/meta/sandbox', { files, samples: [{ entity: 'contractor', values: { name: 'Tried Ltd' } }] });
  expect(tried.status).toBe(200);
  expect(tried.body.samples[0].record).toMatchObject({ name: 'Tried Ltd' });
  expect(tried.body.samples[0].fired.outbox).toEqual({ webhooks: 1 });
  expect(Object.keys(tried.body.samples[0].fired.jobs)).toEqual(['tessera.outbox']);
  expect(await outbox()).toBe(before);
  // A real create afterwards is delivered; the tried one never is.
  expect((await api.post('/records/contractor', { name: 'Real Ltd' })).status).toBe(201);
  await eventually(async () => receiver.received.some((r) => r.body.includes('Real Ltd')), 15_000, 'the real delivery');
  expect(receiver.received.filter((r) => r.body.includes('Tried Ltd'))).toEqual([]);
});

test('no secret appears in any log line, API answer or stored error', async () => {
  const everything = JSON.stringify([(await api.get('/connectors')).body, (await api.get('/outbox?limit=500')).body]);
  expect(everything).not.toContain(SIGNING_SECRET);
  expect(logged.join('\n')).not.toContain(SIGNING_SECRET);
});
