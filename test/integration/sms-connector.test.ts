// The `sms` connector through the platform, against SMSAPI.pl and Twilio doubles on loopback
// (test/support/sms-gateway-servers.ts, their documented request, answer and callback shapes):
// sending from a contact through the outbox, per-use account choice, retries only for retryable
// errors, delivery callbacks (verified) moving the message and its activity to delivered/failed,
// incoming messages matched to contacts, opt-outs, templates, and the `sms:send` task type.
import { connectors } from '../../connectors/index.ts';
import { deployShippedWorkflows, seedPackage } from '../../engine/seeding.ts';
import type { RecordContext } from '../../engine/records/index.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';
import { startSmsapiDouble, startTwilioDouble, type SmsapiDouble, type TwilioDouble } from '../support/sms-gateway-servers.ts';
import { eventually, InstanceDriver } from '../support/workflows.ts';

const SMSAPI_TOKEN = 'smsapi-token-0123456789-SECRET';
const CALLBACK_SECRET = 'cb-secret-0123456789-abcdef';
const TWILIO_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TWILIO_TOKEN = 'twilio-auth-token-SECRET-42';
const ctx: RecordContext = { actor: { userId: null, via: 'system' } };

let env: TestPlatform;
let server: TestServer;
let api: JsonClient;
let smsapi: SmsapiDouble;
let twilio: TwilioDouble;
let contractor: string;
let anna: string;
const logged: string[] = [];
const originalError = console.error;

async function configure(extra: Record<string, unknown> = {}) {
  const current = await api.get('/connectors/sms/settings');
  const saved = await api.put('/connectors/sms/settings', {
    enabled: true,
    version: current.body.version,
    config: {
      defaultAccount: 'bramka',
      defaultRegion: 'PL',
      publicUrl: server.url,
      retryDelaySeconds: 0.2,
      accounts: [
        { id: 'bramka', label: 'SMSAPI', kind: 'smsapi', token: SMSAPI_TOKEN, callbackSecret: CALLBACK_SECRET, senderName: 'Serwis', baseUrl: smsapi.url, maxAttempts: 3 },
        { id: 'twilio', kind: 'twilio', accountSid: TWILIO_SID, authToken: TWILIO_TOKEN, fromNumber: '+15005550006', baseUrl: twilio.url },
      ],
      templates: [
        { id: 'ready', purpose: 'transactional', text: { pl: 'Dzień dobry {{name}}, urządzenie jest gotowe do odbioru.', en: 'Hello {{name}}, your device is ready.' } },
        { id: 'promo', purpose: 'marketing', text: { pl: 'Promocja: przegląd klimatyzacji -20%.' } },
      ],
      ...extra,
    },
  });
  expect(saved.status).toBe(200);
  return saved.body;
}

beforeAll(async () => {
  console.error = (...args: unknown[]) => void logged.push(args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  env = await startTestPlatform({ connectors });
  await env.platform.applyMetadata(await seedPackage(), { source: 'seed' });
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  smsapi = await startSmsapiDouble(SMSAPI_TOKEN);
  twilio = await startTwilioDouble(TWILIO_SID, TWILIO_TOKEN);
  await env.platform.processes.startWorkers();
  await configure();
  contractor = (await env.platform.records.create(ctx, 'contractor', { name: 'Stalbud Sp. z o.o.', contractor_type: 'company', country: 'pl', phone: '+48 22 555 01 01' })).id as string;
  anna = (await env.platform.records.create(ctx, 'person', { first_name: 'Anna', last_name: 'Wiśniewska', contractor, mobile: '600 100 200', marketing_consent: true })).id as string;
}, 120_000);

afterAll(async () => {
  console.error = originalError;
  await smsapi?.close();
  await twilio?.close();
  await server?.close();
  await env?.close();
});

async function smsActivities(entity: string, id: string) {
  return (await env.platform.records.list(ctx, 'activity', { filter: { [entity]: { eq: id }, kind: { eq: 'sms' } }, sort: 'created_at' })).data;
}

const row = (id: string) => env.platform.knex('tessera.sms_messages').where({ id }).first();
const outboxOf = (key: string) => env.platform.knex('tessera.outbox').where({ channel: 'sms', idempotency_key: key }).first();

test('the connector is listed, and its secrets are sealed and never returned', async () => {
  const view = await api.get('/connectors/sms/settings');
  expect(view.body).toMatchObject({ id: 'sms', enabled: true });
  expect(view.body.secretsSet.sort()).toEqual(['/accounts/0/callbackSecret', '/accounts/0/token', '/accounts/1/authToken']);
  expect(JSON.stringify(view.body)).not.toContain(SMSAPI_TOKEN);
  expect(JSON.stringify(view.body)).not.toContain(TWILIO_TOKEN);
  const compose = await api.get('/connectors/sms/compose');
  expect(compose.body).toMatchObject({ defaultAccount: 'bramka', accounts: [{ id: 'bramka', kind: 'smsapi', usable: true }, { id: 'twilio', kind: 'twilio', usable: true }] });
  expect(JSON.stringify(compose.body)).not.toContain(SMSAPI_TOKEN);
});

test('an SMS to a person goes through the outbox to SMSAPI, and its delivery report (with our secret) moves it to delivered', async () => {
  smsapi.requests.length = 0;
  const sent = await api.post('/connectors/sms/messages', { record: { entity: 'person', id: anna }, text: 'Zażółć gęślą jaźń — odbiór jutro.' });
  expect(sent.status).toBe(201);
  expect(sent.body).toMatchObject({ status: 'queued', to: '+48600100200', account: 'bramka' });
  await eventually(async () => (await row(sent.body.id)).status === 'sent', 15_000, 'the hand-over');
  expect(smsapi.requests).toHaveLength(1);
  const form = smsapi.requests[0]!.form;
  expect(form.get('to')).toBe('48600100200');
  expect(form.get('message')).toBe('Zażółć gęślą jaźń — odbiór jutro.');
  expect(form.get('from')).toBe('Serwis');
  expect(form.get('idx')).toBe(sent.body.id);
  const notifyUrl = form.get('notify_url')!;
  expect(notifyUrl).toBe(`${server.url}/api/connectors/sms/public/smsapi/bramka?secret=${CALLBACK_SECRET}`);
  const stored = await row(sent.body.id);
  // The activity follows the message row a moment later.
  await eventually(async () => (await smsActivities('person', anna))[0]?.sms_status === 'sent', 10_000, 'the activity sent');
  const [activity] = await smsActivities('person', anna);
  expect(activity).toMatchObject({ id: sent.body.activityId, direction: 'outbound', phone_number: '+48600100200', sms_status: 'sent', contractor, description: 'Zażółć gęślą jaźń — odbiór jutro.' });

  // A forged report (wrong secret) changes nothing and is answered as a problem with the pointer.
  const forged = await fetch(notifyUrl.replace(CALLBACK_SECRET, 'guessed-secret-000000') + `&MsgId=${stored.provider_id}&status=404&status_name=DELIVERED`);
  expect(forged.status).toBe(403);
  expect(forged.headers.get('content-type')).toContain('application/problem+json');
  expect(((await forged.json()) as any).errors[0].pointer).toBe('/secret');
  expect((await row(sent.body.id)).status).toBe('sent');

  expect(await smsapi.report(notifyUrl, [{ id: stored.provider_id, status: 404, statusName: 'DELIVERED', idx: sent.body.id }])).toBe(200);
  expect((await row(sent.body.id)).status).toBe('delivered');
  expect((await env.platform.records.get(ctx, 'activity', sent.body.activityId)).sms_status).toBe('delivered');
  // The outbox row: at once, or — when the report beat the attempt's end — as the attempt ends.
  await eventually(async () => (await env.platform.knex('tessera.outbox').where({ channel: 'sms', recipient: '+48600100200' }).first()).state === 'delivered', 10_000, 'the outbox row delivered');
  // The timeline asks for the state of the SMS it shows; the audit names who sent it.
  const states = await api.get(`/connectors/sms/messages?activity=${sent.body.activityId}`);
  expect(states.body.data).toEqual([expect.objectContaining({ activityId: sent.body.activityId, status: 'delivered', parts: 1, to: '+48600100200', errorCode: null })]);
  const audit = await env.platform.knex('tessera.audit_log').where({ record_id: sent.body.activityId, action: 'create' }).first();
  expect(audit).toMatchObject({ actor: server.adminId, via: 'api' });
  // Without signing in: the user routes answer 401, the callbacks stay reachable (they verify themselves).
  expect((await fetch(`${server.url}/api/connectors/sms/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"to":"600100200","text":"x"}' })).status).toBe(401);
});

test('the same idempotency key sends once; a bad number is refused with its pointer', async () => {
  smsapi.requests.length = 0;
  const first = await api.post('/connectors/sms/messages', { to: '+40 722 123 456', text: 'Bună ziua', idempotencyKey: 'once' });
  const again = await api.post('/connectors/sms/messages', { to: '+40 722 123 456', text: 'Bună ziua', idempotencyKey: 'once' });
  expect([first.status, again.status]).toEqual([201, 200]);
  expect(again.body.id).toBe(first.body.id);
  await eventually(async () => (await row(first.body.id)).status === 'sent', 15_000, 'the hand-over');
  expect(smsapi.requests.filter((r) => r.form.get('to') === '40722123456')).toHaveLength(1);

  const bad = await api.post('/connectors/sms/messages', { to: '12', text: 'x' });
  expect(bad.status).toBe(422);
  expect(bad.contentType).toContain('application/problem+json');
  expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: '/to', code: 'phone.tooShort' })]);
  const landline = await api.post('/connectors/sms/messages', { record: { entity: 'contractor', id: contractor }, text: 'x' });
  expect(landline.status).toBe(422);
  expect(landline.body.errors[0]).toMatchObject({ pointer: '/record', code: 'sms.recipient.noNumber' });
  const shape = await api.post('/connectors/sms/messages', { to: 5, text: 'x', purpose: 'spam' });
  expect(shape.status).toBe(422);
  expect(shape.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/purpose', '/to']);
});

test('sending acts with the caller’s rights: a user who may not log activities sends nothing', async () => {
  const userId = await createTestUser(env.platform, { login: 'analityk', roles: ['analyst'] });
  const analyst = await userClient(env.platform, `${server.url}/api`, userId);
  const before = await env.platform.knex('tessera.sms_messages').count('* as n').first();
  const refused = await analyst.post('/connectors/sms/messages', { record: { entity: 'person', id: anna }, text: 'Nie powinno wyjść' });
  expect(refused.status).toBe(403);
  expect(refused.contentType).toContain('application/problem+json');
  expect(await env.platform.knex('tessera.sms_messages').count('* as n').first()).toEqual(before);
  const missing = await api.post('/connectors/sms/messages', { record: { entity: 'person', id: '00000000-0000-4000-8000-000000000000' }, text: 'x' });
  expect(missing.status).toBe(404);
});

test('Twilio, chosen per use: a signed status callback delivers; a forged one is refused; undelivered fails and tells the sender', async () => {
  const userId = await createTestUser(env.platform, { login: 'ola', roles: ['admin'] });
  const ola = await userClient(env.platform, `${server.url}/api`, userId);
  twilio.requests.length = 0;
  const sent = await ola.post('/connectors/sms/messages', { record: { entity: 'person', id: anna }, text: 'Hello from Twilio', account: 'twilio' });
  expect(sent.status).toBe(201);
  await eventually(async () => (await row(sent.body.id)).status === 'sent', 15_000, 'the hand-over');
  const form = twilio.requests[0]!.form;
  expect(Object.fromEntries(form)).toMatchObject({ To: '+48600100200', From: '+15005550006', Body: 'Hello from Twilio', StatusCallback: `${server.url}/api/connectors/sms/public/twilio/twilio` });
  const sid = (await row(sent.body.id)).provider_id;
  expect(await twilio.statusCallback(form.get('StatusCallback')!, { MessageSid: sid, MessageStatus: 'delivered' }, 'not-the-token')).toBe(403);
  expect((await row(sent.body.id)).status).toBe('sent');
  expect(await twilio.statusCallback(form.get('StatusCallback')!, { MessageSid: sid, MessageStatus: 'delivered' })).toBe(204);
  expect((await row(sent.body.id)).status).toBe('delivered');

  const lost = await ola.post('/connectors/sms/messages', { to: '+48 601 222 333', text: 'Nikt nie odbierze', account: 'twilio' });
  await eventually(async () => (await row(lost.body.id)).status === 'sent', 15_000, 'the hand-over');
  const lostSid = (await row(lost.body.id)).provider_id;
  expect(await twilio.statusCallback(`${server.url}/api/connectors/sms/public/twilio/twilio`, { MessageSid: lostSid, MessageStatus: 'undelivered', ErrorCode: '30005' })).toBe(204);
  const failed = await row(lost.body.id);
  expect(failed).toMatchObject({ status: 'failed', error_code: 'sms.error.unknownSubscriber' });
  await eventually(async () => (await outboxOf(failed.idempotency_key)).state === 'failed', 10_000, 'the outbox row failed');
  expect((await env.platform.records.get(ctx, 'activity', lost.body.activityId)).sms_status).toBe('failed');
  const notes = await env.platform.knex('tessera.notifications').where({ user_id: userId, kind: 'sms-failed' });
  expect(notes).toHaveLength(1);
  expect(notes[0].subject).toContain('+48601222333');
});

test('a 5xx is retried until the gateway takes the message; an authentication error fails at once, without the token in the log', async () => {
  smsapi.requests.length = 0;
  smsapi.failures.push({ status: 503, body: 'busy' }, { status: 500, body: 'oops' });
  const retried = await api.post('/connectors/sms/messages', { to: '600 700 800', text: 'Trzecia próba' });
  await eventually(async () => (await row(retried.body.id)).status === 'sent', 20_000, 'the third attempt');
  const outboxRow = await eventually(async () => {
    const entry = await env.platform.knex('tessera.outbox').where({ channel: 'sms', recipient: '+48600700800' }).first();
    return entry.state === 'sent' ? entry : undefined;
  }, 10_000, 'the outbox row settled');
  expect(outboxRow).toMatchObject({ state: 'sent', attempts: 3 });

  smsapi.failures.push({ status: 401, body: { error: 101, message: 'Authorization failed' } });
  const refused = await api.post('/connectors/sms/messages', { to: '600 700 801', text: 'Bez autoryzacji' });
  await eventually(async () => (await row(refused.body.id)).status === 'failed', 15_000, 'the failure');
  const entry = await env.platform.knex('tessera.outbox').where({ channel: 'sms', recipient: '+48600700801' }).first();
  expect(entry).toMatchObject({ state: 'failed', attempts: 1 });
  expect(entry.last_error).toContain('sms.error.authentication');
  expect((await row(refused.body.id)).error_code).toBe('sms.error.authentication');
  expect(JSON.stringify(entry)).not.toContain(SMSAPI_TOKEN);
  expect(logged.join('\n')).not.toContain(SMSAPI_TOKEN);
}, 40_000);

test('incoming SMS land on the sender’s timeline by number, however it was written; an unknown sender stays to be filed', async () => {
  const url = `${server.url}/api/connectors/sms/public/smsapi/bramka/incoming?secret=${CALLBACK_SECRET}`;
  const post = (target: string, form: Record<string, string>) => fetch(target, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  const answer = await post(url, { sms_from: '48600100200', sms_to: '48500000000', sms_text: 'Dziękuję, będę o 15.', sms_date: String(Math.floor(Date.now() / 1000)), MsgId: 'in-1', username: 'serwis' });
  expect(answer.status).toBe(200);
  expect(await answer.text()).toBe('OK');
  // SMSAPI repeats a callback it got no answer to: stored once.
  expect((await post(url, { sms_from: '48600100200', sms_text: 'Dziękuję, będę o 15.', MsgId: 'in-1' })).status).toBe(200);
  const inbound = (await smsActivities('person', anna)).filter((a) => a.direction === 'inbound');
  expect(inbound).toHaveLength(1);
  expect(inbound[0]).toMatchObject({ description: 'Dziękuję, będę o 15.', sms_status: 'received', phone_number: '+48600100200', contractor });

  expect((await post(url.replace(CALLBACK_SECRET, 'nope-nope-nope-nope'), { sms_from: '48600100200', sms_text: 'x', MsgId: 'in-2' })).status).toBe(403);
  const malformed = await post(url, { sms_text: 'x' });
  expect(malformed.status).toBe(400);
  expect(((await malformed.json()) as any).errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/sms_from', '/MsgId']);

  // Twilio's incoming webhook, signed over the URL it was given.
  const twilioIncoming = `${server.url}/api/connectors/sms/public/twilio/twilio/incoming`;
  expect(await twilio.statusCallback(twilioIncoming, { MessageSid: 'SMin1', From: '+48 509 999 888', To: '+15005550006', Body: 'Kto mówi?' })).toBe(200);
  const unfiled = (await env.platform.records.list(ctx, 'activity', { filter: { kind: { eq: 'sms' }, direction: { eq: 'inbound' }, person: { isNull: true }, contractor: { isNull: true } } })).data;
  expect(unfiled.map((a) => [a.description, a.phone_number])).toEqual([['Kto mówi?', '+48509999888']]);
});

test('STOP opts the number out of marketing; transactional messages still go; a template fills its values', async () => {
  const marek = (await env.platform.records.create(ctx, 'person', { first_name: 'Marek', last_name: 'Zieliński', contractor, mobile: '+48 602 333 444', marketing_consent: true })).id as string;
  const noConsent = (await env.platform.records.create(ctx, 'person', { first_name: 'Ewa', last_name: 'Bez Zgody', contractor, mobile: '602 333 445' })).id as string;
  const promo = await api.post('/connectors/sms/messages', { record: { entity: 'person', id: marek }, template: 'promo' });
  expect(promo.status).toBe(201);
  expect((await row(promo.body.id)).purpose).toBe('marketing');
  const refusedConsent = await api.post('/connectors/sms/messages', { record: { entity: 'person', id: noConsent }, template: 'promo' });
  expect(refusedConsent.status).toBe(422);
  expect(refusedConsent.body.errors[0]).toMatchObject({ code: 'sms.error.optedOut', pointer: '/record' });

  const stop = await fetch(`${server.url}/api/connectors/sms/public/smsapi/bramka/incoming?secret=${CALLBACK_SECRET}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ sms_from: '48602333444', sms_text: 'Stop.', MsgId: 'in-stop' }).toString() });
  expect(stop.status).toBe(200);
  expect((await env.platform.records.get(ctx, 'person', marek)).sms_opt_out).toBe(true);
  expect(await env.platform.knex('tessera.sms_opt_outs').where({ phone: '+48602333444' }).first()).toMatchObject({ source: 'reply' });
  const refused = await api.post('/connectors/sms/messages', { record: { entity: 'person', id: marek }, template: 'promo' });
  expect(refused.status).toBe(422);
  expect(refused.body.errors[0].code).toBe('sms.error.optedOut');
  // The number itself is blocked too, whoever it is sent to.
  expect((await api.post('/connectors/sms/messages', { to: '602333444', text: 'Rabat!', purpose: 'marketing' })).status).toBe(422);
  // Clearing the flag on the card (the contact consented again) lifts the STOP; setting it blocks again.
  const flagged = await env.platform.records.get(ctx, 'person', marek);
  const cleared = await env.platform.records.update(ctx, 'person', marek, { sms_opt_out: false }, { expectedVersion: flagged.version as number });
  expect(await env.platform.knex('tessera.sms_opt_outs').where({ phone: '+48602333444' }).first()).toBeUndefined();
  expect((await api.post('/connectors/sms/messages', { to: '602333444', text: 'Rabat!', purpose: 'marketing' })).status).toBe(201);
  await env.platform.records.update(ctx, 'person', marek, { sms_opt_out: true }, { expectedVersion: cleared.version as number });
  expect(await env.platform.knex('tessera.sms_opt_outs').where({ phone: '+48602333444' }).first()).toMatchObject({ source: 'record' });
  const ready = await api.post('/connectors/sms/messages', { record: { entity: 'person', id: marek }, template: 'ready', values: { name: 'Marek' } });
  expect(ready.status).toBe(201);
  expect((await row(ready.body.id)).body).toBe('Dzień dobry Marek, urządzenie jest gotowe do odbioru.');
  const missing = await api.post('/connectors/sms/messages', { record: { entity: 'person', id: marek }, template: 'ready' });
  expect(missing.body.errors[0]).toMatchObject({ code: 'sms.template.missingValue', pointer: '/template' });
});

test('sms:send from a workflow completes once the provider took it, and raises a BPMN error the model catches when it cannot be sent', async () => {
  await env.platform.processes.deploy(
    `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:error id="optedOut" errorCode="SMS_OPTED_OUT" />
  <bpmn:error id="failed" errorCode="SMS_FAILED" />
  <bpmn:process id="smsFlow" isExecutable="true">
    <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="send" />
    <bpmn:serviceTask id="send">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="sms:send" retries="2" />
        <zeebe:ioMapping>
          <zeebe:input source="=number" target="to" />
          <zeebe:input source="=&quot;Zlecenie &quot; + order + &quot; gotowe.&quot;" target="text" />
          <zeebe:input source="=purpose" target="purpose" />
          <zeebe:output source="=sms.status" target="smsStatus" />
        </zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:boundaryEvent id="noConsent" attachedToRef="send"><bpmn:errorEventDefinition errorRef="optedOut" /></bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="lost" attachedToRef="send"><bpmn:errorEventDefinition errorRef="failed" /></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="send" targetRef="end" /><bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f3" sourceRef="noConsent" targetRef="endOptedOut" /><bpmn:endEvent id="endOptedOut" />
    <bpmn:sequenceFlow id="f4" sourceRef="lost" targetRef="endFailed" /><bpmn:endEvent id="endFailed" />
  </bpmn:process>
</bpmn:definitions>`,
    { source: 'test' },
  );
  smsapi.requests.length = 0;
  const ok = await InstanceDriver.start(env.platform, 'smsFlow', { number: '600 800 900', order: 'SRV/2026/0042', purpose: 'transactional' });
  await eventually(async () => (await ok.status()) === 'completed', 20_000, 'the sent path');
  expect(await ok.completedElements()).toContain('end');
  expect((await ok.rootVariables()).smsStatus).toBe('sent');
  expect(smsapi.requests.map((r) => r.form.get('message'))).toEqual(['Zlecenie SRV/2026/0042 gotowe.']);

  const optedOut = await InstanceDriver.start(env.platform, 'smsFlow', { number: '602 333 444', order: 'X', purpose: 'marketing' });
  await eventually(async () => (await optedOut.status()) === 'completed', 20_000, 'the opted-out path');
  expect(await optedOut.completedElements()).toContain('endOptedOut');

  smsapi.failures.push({ status: 400, body: { error: 13, message: 'No correct phone numbers' } });
  const failed = await InstanceDriver.start(env.platform, 'smsFlow', { number: '600 800 901', order: 'Y', purpose: 'transactional' });
  await eventually(async () => (await failed.status()) === 'completed', 20_000, 'the failed path');
  expect(await failed.completedElements()).toContain('endFailed');
}, 60_000);

test('the notification channel: the shipped service-order workflow’s "ready for pick-up" goes out by SMS and shows on the order’s timeline', async () => {
  await deployShippedWorkflows(env.platform);
  smsapi.requests.length = 0;
  const technician = (await env.platform.records.create(ctx, 'employee', { name: 'Ewa Nowak' })).id as string;
  const order = await env.platform.records.create(ctx, 'service_order', { order_type: 'repair', received_at: new Date().toISOString(), priority: 'normal', contractor, person: anna, problem: 'Nie drukuje', notify_sms: true });
  await eventually(async () => smsapi.requests.some((r) => (r.form.get('message') ?? '').includes('przyjęte')), 20_000, 'the "received" SMS');
  const current = await env.platform.records.get(ctx, 'service_order', order.id as string);
  await env.platform.records.update(ctx, 'service_order', order.id as string, { technician, status: 'in_repair' }, { expectedVersion: current.version as number });
  const again = await env.platform.records.get(ctx, 'service_order', order.id as string);
  await env.platform.records.update(ctx, 'service_order', order.id as string, { work_done: 'Wymieniono rolkę.', status: 'ready' }, { expectedVersion: again.version as number });
  const request = await eventually(async () => smsapi.requests.find((r) => (r.form.get('message') ?? '').includes('gotowe do odbioru')), 20_000, 'the "ready" SMS');
  expect(request.form.get('to')).toBe('48600100200');
  const onOrder = await eventually(async () => {
    const list = await smsActivities('service_order', order.id as string);
    return list.length === 2 && list.every((a) => a.sms_status === 'sent') ? list : undefined;
  }, 15_000, 'both SMS on the order');
  expect(onOrder.map((a) => [a.person, a.contractor])).toEqual([[anna, contractor], [anna, contractor]]);
  const stored = await env.platform.knex('tessera.sms_messages').whereNotNull('notification_id').orderBy('created_at');
  const ready = stored.find((m: { body: string }) => m.body.includes('gotowe do odbioru'));
  expect(await smsapi.report(request.form.get('notify_url')!, [{ id: ready.provider_id, status: 404, statusName: 'DELIVERED' }])).toBe(200);
  expect((await env.platform.knex('tessera.notifications').where({ id: ready.notification_id }).first()).status).toBe('delivered');
  expect((await env.platform.records.get(ctx, 'activity', ready.activity_id)).sms_status).toBe('delivered');
}, 60_000);
