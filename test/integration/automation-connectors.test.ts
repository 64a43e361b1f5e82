// The Tessera nodes in Node-RED's runtime (node-red-node-test-helper) against the real engine ports
// (engine/automation/services.ts) of a platform with the connectors: `tessera-sms-send` queues an
// SMS through the SMS connector's outbox, which hands it to an SMSAPI double on loopback — once per
// idempotency key, as the identity (its activity and audit row name the user, `via: automation`
// and the flow); an identity without rights is refused and the refusal reported in the flow;
// `tessera-email-send` sends from the identity's own mail account through the outbox to an SMTP
// peer, once per key (another user's account: FORBIDDEN);
// `tessera-workflow` completes a user task as its assignee (someone else: refused); the fiscal
// print node reports a disabled connector.
import { connectors } from '../../connectors/index.ts';
import { registerTesseraNodes, type NodeMessage, type NodeRedApi } from '../../connectors/node-red/nodes.ts';
import { registerSendNodes } from '../../connectors/node-red/send-nodes.ts';
import { AutomationEvents } from '../../engine/automation/events.ts';
import { AutomationActors, automationPorts, ensureAutomationUser } from '../../engine/automation/services.ts';
import type { TesseraPorts } from '../../engine/automation/index.ts';
import type { RecordContext } from '../../engine/records/index.ts';
import { seedPackage } from '../../engine/seeding.ts';
import { createTestUser, tokenFor } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';
import { startSmsapiDouble, type SmsapiDouble } from '../support/sms-gateway-servers.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';
import { eventually } from '../support/workflows.ts';
import { helper, palette } from '../support/node-red-helper.ts';

const SMSAPI_TOKEN = 'smsapi-token-automation-0123456789';
const SYSTEM: RecordContext = { actor: { userId: null, via: 'system' } };
const PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="flow_review" isExecutable="true">
    <bpmn:extensionElements>
      <zeebe:userTaskForm id="reviewForm">{"components":[{"type":"textfield","key":"verdict","label":"Verdict","validate":{"required":true}}]}</zeebe:userTaskForm>
    </bpmn:extensionElements>
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:userTask id="review" name="Review">
      <bpmn:extensionElements>
        <zeebe:formDefinition formKey="camunda-forms:bpmn:reviewForm" />
        <zeebe:assignmentDefinition assignee="=reviewer" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

let env: TestPlatform;
let server: TestServer;
let api: JsonClient;
let smsapi: SmsapiDouble;
let smtp: SmtpPeer;
let mailAccount: string;
let ports: TesseraPorts;
const users: Record<string, { id: string; token: string }> = {};

beforeAll(async () => {
  env = await startTestPlatform({ connectors });
  await env.platform.applyMetadata(await seedPackage(), { source: 'seed' });
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  smsapi = await startSmsapiDouble(SMSAPI_TOKEN);
  await env.platform.processes.startWorkers();
  const current = await api.get('/connectors/sms/settings');
  const saved = await api.put('/connectors/sms/settings', {
    enabled: true,
    version: current.body.version,
    config: { defaultAccount: 'bramka', defaultRegion: 'PL', publicUrl: server.url, accounts: [{ id: 'bramka', label: 'SMSAPI', kind: 'smsapi', token: SMSAPI_TOKEN, callbackSecret: 'cb-secret-0123456789-abcdef', senderName: 'Serwis', baseUrl: smsapi.url }] },
  });
  expect(saved.status).toBe(200);
  expect((await api.post('/workflows', PROCESS, { 'content-type': 'application/xml' })).status).toBe(201);
  for (const [login, roles] of [['seller', ['salesperson']], ['other', ['salesperson']], ['norights', []]] as const) {
    const id = await createTestUser(env.platform, { login, roles: [...roles] });
    users[login] = { id, token: await tokenFor(env.platform, id) };
  }
  // The seller's personal mail account, sending through an SMTP peer on loopback (no IMAP: the Sent copy is skipped).
  smtp = await startSmtpPeer();
  expect((await api.put('/connectors/email/settings', { enabled: true, config: { publicUrl: server.url, ownDomains: ['firma.example'] } })).status).toBe(200);
  const account = await api.post('/records/email_account', { name: 'Seller', address: 'seller@firma.example', account_type: 'personal', owner_user: users.seller!.id, imap_host: '127.0.0.1', imap_port: 1, imap_tls: false, imap_user: 'seller', imap_password: 'x', smtp_host: '127.0.0.1', smtp_port: smtp.port, smtp_tls: false, folders: 'INBOX', throttle_per_minute: 100000 });
  expect(account.status).toBe(201);
  mailAccount = account.body.id;
  const events = new AutomationEvents(env.platform.knex, env.platform.records);
  ports = automationPorts(env.platform, new AutomationActors(env.platform, await ensureAutomationUser(env.platform.knex)), events);
  helper.settings({
    tesseraPalette: (red: NodeRedApi) => {
      registerTesseraNodes(red, ports);
      registerSendNodes(red, ports);
    },
  });
  await new Promise<void>((resolve) => helper.startServer(resolve));
}, 120_000);

afterEach(async () => {
  await helper.unload();
});

afterAll(async () => {
  await new Promise<void>((resolve) => helper.stopServer(resolve));
  await smsapi?.close();
  await smtp?.close();
  await server?.close();
  await env?.close();
});

/** A flow "Notifications": the node under test (acting as `login`) → a helper node. */
async function load(node: Record<string, unknown>, login: string): Promise<void> {
  await helper.load(
    palette,
    [
      { id: 'tab', type: 'tab', label: 'Notifications' },
      { id: 'ident', type: 'tessera-identity', name: login },
      { id: 'n1', z: 'tab', name: 'tell the customer', identity: 'ident', ...node, wires: [['out']] },
      { id: 'out', z: 'tab', type: 'helper' },
    ],
    { ident: { token: users[login]!.token } },
  );
}

function outcome(): Promise<{ sent: NodeMessage } | { error: Error & { code?: string } }> {
  return new Promise((resolve) => {
    helper.getNode('out')!.on('input', (sent) => resolve({ sent }));
    helper.getNode('n1')!.on('call:error', (call) => resolve({ error: call.args[0] }));
  });
}

test('tessera-sms-send: through the outbox to SMSAPI once per key, as the identity, audited with the flow', async () => {
  await load({ type: 'tessera-sms-send' }, 'seller');
  smsapi.requests.length = 0;
  let result = outcome();
  helper.getNode('n1')!.receive({ to: '600 100 200', payload: 'Your device is ready.', idempotencyKey: 'order-42' });
  const first = await result;
  expect('sent' in first && first.sent.payload).toMatchObject({ status: 'queued', to: '+48600100200', account: 'bramka', created: true });
  // The same key again (a redelivered event, a retried webhook): the stored message, nothing sent.
  result = outcome();
  helper.getNode('n1')!.receive({ to: '600 100 200', payload: 'Your device is ready.', idempotencyKey: 'order-42' });
  const again = await result;
  expect('sent' in again && again.sent.payload).toMatchObject({ created: false });
  await eventually(async () => smsapi.requests.length > 0, 20_000, 'the SMS to reach SMSAPI');
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(smsapi.requests.map((r) => [r.form.get('to'), r.form.get('message')])).toEqual([['48600100200', 'Your device is ready.']]);
  // The SMS activity is the seller's, created via automation by this flow's node.
  const activityId = String((first as { sent: NodeMessage }).sent.payload && ((first as { sent: NodeMessage }).sent.payload as { activityId: string }).activityId);
  const history = await env.platform.records.history(SYSTEM, 'activity', activityId);
  expect(history[0]).toMatchObject({ action: 'create', actor: users.seller!.id, via: 'automation', origin: { flow: 'tab', flowName: 'Notifications', node: 'n1', nodeName: 'tell the customer' } });
});

test('tessera-email-send: from the identity’s own account through the outbox to SMTP, once per key; another user’s account refused', async () => {
  await load({ type: 'tessera-email-send', account: 'seller@firma.example', subject: 'Your order' }, 'seller');
  let result = outcome();
  helper.getNode('n1')!.receive({ to: 'Anna <anna@klient.example>', payload: 'Shipped today.', idempotencyKey: 'ship-7' });
  const first = await result;
  expect('sent' in first && first.sent.payload).toMatchObject({ queued: true, account: mailAccount });
  result = outcome();
  helper.getNode('n1')!.receive({ to: 'anna@klient.example', payload: 'Shipped today.', idempotencyKey: 'ship-7' });
  const again = await result;
  expect('sent' in again && again.sent.payload).toMatchObject({ queued: false });
  const delivered = await eventually(async () => smtp.received.find((m) => m.raw.toString().includes('Subject: Your order')), 20_000, 'the e-mail to reach SMTP');
  expect(delivered.to).toEqual(['anna@klient.example']);
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(smtp.received.filter((m) => m.raw.toString().includes('Subject: Your order'))).toHaveLength(1);
  await helper.unload();
  // Another salesperson may not send from the seller's personal account.
  await load({ type: 'tessera-email-send', account: 'seller@firma.example', subject: 'Not mine' }, 'other');
  result = outcome();
  helper.getNode('n1')!.receive({ to: 'anna@klient.example', payload: 'x', idempotencyKey: 'other-1' });
  const refused = await result;
  expect('error' in refused && refused.error.code).toBe('FORBIDDEN');
});

test('tessera-sms-send: an identity that may not create activities is refused, the refusal reported in the flow', async () => {
  await load({ type: 'tessera-sms-send' }, 'norights');
  const result = outcome();
  helper.getNode('n1')!.receive({ to: '600 100 201', payload: 'Not allowed.', idempotencyKey: 'x-1' });
  const refused = await result;
  expect('error' in refused && refused.error.code).toBe('FORBIDDEN');
  expect(Number((await env.platform.knex('tessera.sms_messages').where({ to_number: '+48600100201' }).count('* as n').first())!.n)).toBe(0);
});

test('tessera-workflow completes the user task of its identity; another identity may not', async () => {
  const started = await api.post('/workflows/flow_review/instances', { variables: { reviewer: 'seller' } });
  expect(started.status).toBe(201);
  const activityId = started.body.userTasks[0].activityId as string;
  await load({ type: 'tessera-workflow', mode: 'complete' }, 'other');
  let result = outcome();
  helper.getNode('n1')!.receive({ activityId, formData: { verdict: 'fine' } });
  const refused = await result;
  expect('error' in refused && refused.error.code).toBe('NOT_FOUND');
  await helper.unload();
  await load({ type: 'tessera-workflow', mode: 'complete' }, 'seller');
  // The task's form is checked: a missing required field is refused.
  result = outcome();
  helper.getNode('n1')!.receive({ activityId, formData: {} });
  const invalid = await result;
  expect('error' in invalid && invalid.error.code).toBe('VALIDATION_FAILED');
  result = outcome();
  helper.getNode('n1')!.receive({ activityId, formData: { verdict: 'fine' } });
  const done = await result;
  expect('sent' in done && done.sent.payload).toMatchObject({ instanceId: started.body.id, activity: { id: activityId, status: 'resolved' } });
  const instance = (await env.platform.knex('tessera.process_instances').where({ id: started.body.id }).first('state')) as { state: { status: string; variables: Record<string, unknown> } };
  expect(instance.state).toMatchObject({ status: 'completed', variables: { [Object.keys(instance.state.variables)[0]!]: { verdict: 'fine' } } });
  const history = await env.platform.records.history(SYSTEM, 'activity', activityId);
  expect(history.at(-1)).toMatchObject({ action: 'update', actor: users.seller!.id, via: 'automation', origin: { flowName: 'Notifications', node: 'n1' } });
});

test('a send node whose connector is disabled (fiscal, here) reports UNAVAILABLE and queues nothing', async () => {
  await load({ type: 'tessera-fiscal-print' }, 'norights');
  const result = outcome();
  helper.getNode('n1')!.receive({ saleId: '00000000-0000-4000-8000-000000000001', idempotencyKey: 'p-1' });
  const refused = await result;
  expect('error' in refused && refused.error.code).toBe('UNAVAILABLE');
  expect(Number((await env.platform.knex('tessera.fiscal_receipts').count('* as n').first())!.n)).toBe(0);
});
