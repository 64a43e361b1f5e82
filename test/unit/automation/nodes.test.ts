// Each Tessera node in Node-RED's runtime (node-red-node-test-helper), against recording ports: what
// it asks the engine for, as which identity, what it sends on, and that a refusal is reported in the
// flow (node.error with the message: what Catch nodes receive, with its code). The engine side of the ports is tested through a real
// server in test/integration/automation.test.ts.
import { registerTesseraNodes, type NodeRedApi, type NodeMessage } from '../../../connectors/node-red/nodes.ts';
import { registerSendNodes } from '../../../connectors/node-red/send-nodes.ts';
import type { IdentityRef, RecordEvent, TesseraPorts } from '../../../engine/automation/index.ts';
import { helper, palette } from '../../support/node-red-helper.ts';

type Call = { readonly op: string; readonly who: IdentityRef; readonly args: readonly unknown[] };
let calls: Call[] = [];
let subscribers = new Map<string, (event: RecordEvent) => Promise<void>>();
let refuse: string | null = null;

function refusal(code: string): Error {
  return Object.assign(new Error(`refused: ${code}`), { code });
}

const ports: TesseraPorts = {
  records: {
    async get(who, entity, id) {
      calls.push({ op: 'get', who, args: [entity, id] });
      if (refuse) throw refusal(refuse);
      return { id, version: 7, title: 'stored' };
    },
    async list(who, entity, query) {
      calls.push({ op: 'list', who, args: [entity, query] });
      return { data: [{ id: 'r1' }, { id: 'r2' }], next: 'cursor' };
    },
    async create(who, entity, values) {
      calls.push({ op: 'create', who, args: [entity, values] });
      if (refuse) throw refusal(refuse);
      return { id: 'new-id', version: 1, ...values };
    },
    async update(who, entity, id, values, version) {
      calls.push({ op: 'update', who, args: [entity, id, values, version] });
      if (refuse) throw refusal(refuse);
      return { id, version: (version ?? 0) + 1, ...values };
    },
    async remove(who, entity, id) {
      calls.push({ op: 'remove', who, args: [entity, id] });
      return { id, deleted_at: 'now' };
    },
  },
  workflows: {
    async start(who, processId, variables, record) {
      calls.push({ op: 'start', who, args: [processId, variables, record] });
      return 'instance-1';
    },
    async publish(who, message, key, variables) {
      calls.push({ op: 'publish', who, args: [message, key, variables] });
      return { correlated: 1, started: [] };
    },
    async complete(who, activityId, formData) {
      calls.push({ op: 'complete', who, args: [activityId, formData] });
      if (refuse) throw refusal(refuse);
      return { instanceId: 'instance-1', activity: { id: activityId, status: 'resolved' } };
    },
  },
  connectors: {
    async act(who, connectorId, action, input, key) {
      calls.push({ op: `${connectorId}.${action}`, who, args: [input, key] });
      if (refuse) throw refusal(refuse);
      return { queued: true, key };
    },
  },
  events: {
    subscribe(entity, deliver) {
      subscribers.set(entity, deliver);
      return () => subscribers.delete(entity);
    },
  },
  feelHolds: (condition, record) => (condition === 'city = "Kraków"' ? record.city === 'Kraków' : true),
};

beforeAll(async () => {
  helper.settings({
    tesseraPalette: (red: NodeRedApi) => {
      registerTesseraNodes(red, ports);
      registerSendNodes(red, ports);
    },
  });
  await new Promise<void>((resolve) => helper.startServer(resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => helper.stopServer(resolve));
});

beforeEach(() => {
  calls = [];
  subscribers = new Map();
  refuse = null;
});

afterEach(async () => {
  await helper.unload();
});

const TOKEN = 'tsr_identity-token';

/** A flow of one node under test wired to a helper node. */
function flowOf(node: Record<string, unknown>) {
  return [
    { id: 'tab', type: 'tab' },
    { id: 'ident', type: 'tessera-identity', name: 'robot' },
    { id: 'n1', z: 'tab', ...node, wires: [['out']] },
    { id: 'out', z: 'tab', type: 'helper' },
  ];
}

async function load(node: Record<string, unknown>): Promise<void> {
  await helper.load(palette, flowOf(node), { ident: { token: TOKEN } });
}

function next(id: string): Promise<NodeMessage> {
  return new Promise((resolve) => helper.getNode(id)!.on('input', resolve));
}

/** The error the node reports in the flow (node.error(error, msg): what Catch nodes get). */
function reported(id: string): Promise<{ error: Error & { code?: string }; msg?: NodeMessage }> {
  return new Promise((resolve) => helper.getNode(id)!.on('call:error', (call) => resolve({ error: call.args[0], ...(call.args[1] ? { msg: call.args[1] } : {}) })));
}

test('tessera-create creates from msg.payload as the configured identity, without the platform’s fields', async () => {
  await load({ type: 'tessera-create', entity: 'lead', identity: 'ident' });
  const out = next('out');
  helper.getNode('n1')!.receive({ payload: { title: 'From a form', id: 'ignored', version: 3, created_at: 'x' } });
  const msg = await out;
  expect(calls).toEqual([{ op: 'create', who: { token: TOKEN, flow: 'tab', node: 'n1' }, args: ['lead', { title: 'From a form' }] }]);
  expect(msg.payload).toEqual({ id: 'new-id', version: 1, title: 'From a form' });
  expect(msg.recordId).toBe('new-id');
});

test('without an identity a node acts as the installation’s automation user (no token)', async () => {
  await load({ type: 'tessera-create', entity: 'lead' });
  const out = next('out');
  helper.getNode('n1')!.receive({ payload: { title: 'x' } });
  await out;
  expect(calls[0]!.who).toEqual({ flow: 'tab', node: 'n1' });
});

test('a refusal is reported in the flow with its code and sends nothing on', async () => {
  await load({ type: 'tessera-create', entity: 'lead', identity: 'ident' });
  refuse = 'FORBIDDEN';
  let sent = false;
  helper.getNode('out')!.on('input', () => (sent = true));
  const caught = reported('n1');
  helper.getNode('n1')!.receive({ payload: { title: 'x' } });
  const { error, msg } = await caught;
  expect(error.code).toBe('FORBIDDEN');
  expect(msg?.payload).toEqual({ title: 'x' });
  expect(sent).toBe(false);
});

test('tessera-update writes with the version the message carries, else the current one', async () => {
  await load({ type: 'tessera-update', entity: 'lead', identity: 'ident' });
  let out = next('out');
  helper.getNode('n1')!.receive({ recordId: 'r9', payload: { interests: 'x', version: 4 } });
  expect((await out).payload).toEqual({ id: 'r9', version: 5, interests: 'x' });
  expect(calls).toEqual([{ op: 'update', who: { token: TOKEN, flow: 'tab', node: 'n1' }, args: ['lead', 'r9', { interests: 'x' }, 4] }]);
  calls = [];
  out = next('out');
  helper.getNode('n1')!.receive({ recordId: 'r9', payload: { interests: 'y' } });
  await out;
  expect(calls.map((c) => [c.op, c.args.at(-1)])).toEqual([
    ['get', 'r9'],
    ['update', 7],
  ]);
});

test('tessera-get, tessera-delete and tessera-query read the id and entity from the message', async () => {
  await load({ type: 'tessera-get', entity: '' });
  let out = next('out');
  helper.getNode('n1')!.receive({ entity: 'deal', payload: { id: 'd1' } });
  expect((await out).payload).toEqual({ id: 'd1', version: 7, title: 'stored' });
  await helper.unload();
  await load({ type: 'tessera-delete', entity: 'deal' });
  out = next('out');
  helper.getNode('n1')!.receive({ recordId: 'd2' });
  await out;
  await helper.unload();
  await load({ type: 'tessera-query', entity: 'contractor', query: '{"city":"Kraków"}', sort: '-created_at', limit: '10' });
  out = next('out');
  helper.getNode('n1')!.receive({});
  const listed = await out;
  expect(listed.payload).toEqual([{ id: 'r1' }, { id: 'r2' }]);
  expect(listed.next).toBe('cursor');
  expect(calls.map((c) => [c.op, ...c.args])).toEqual([
    ['get', 'deal', 'd1'],
    ['remove', 'deal', 'd2'],
    ['list', 'contractor', { filter: { city: 'Kraków' }, sort: '-created_at', limit: 10 }],
  ]);
});

test('a node without an entity or a record id reports BAD_INPUT', async () => {
  await load({ type: 'tessera-update', entity: 'lead' });
  const caught = reported('n1');
  helper.getNode('n1')!.receive({ payload: { title: 'no id' } });
  expect((await caught).error.code).toBe('BAD_INPUT');
  expect(calls).toEqual([]);
});

test('tessera-workflow starts a process with the message’s record, or publishes a message', async () => {
  await load({ type: 'tessera-workflow', mode: 'start', processId: 'lead-qualification', identity: 'ident' });
  let out = next('out');
  helper.getNode('n1')!.receive({ payload: { score: 3 }, entity: 'lead', recordId: 'l1' });
  expect((await out).payload).toEqual({ instanceId: 'instance-1' });
  await helper.unload();
  await load({ type: 'tessera-workflow', mode: 'publish', message: 'payment-received' });
  out = next('out');
  helper.getNode('n1')!.receive({ payload: { amount: 10 }, correlationKey: 'INV-1' });
  expect((await out).payload).toEqual({ correlated: 1, started: [] });
  expect(calls.map((c) => [c.op, ...c.args])).toEqual([
    ['start', 'lead-qualification', { score: 3 }, { entity: 'lead', id: 'l1' }],
    ['publish', 'payment-received', 'INV-1', { amount: 10 }],
  ]);
});

test('tessera-event sends the changes it listens for that pass its FEEL filter, and unsubscribes when stopped', async () => {
  await load({ type: 'tessera-event', entity: 'contractor', actions: 'create,update', filter: 'city = "Kraków"' });
  const deliver = subscribers.get('contractor')!;
  expect(deliver).toBeDefined();
  const received: NodeMessage[] = [];
  helper.getNode('out')!.on('input', (msg) => received.push(msg));
  const event = (id: string, action: RecordEvent['action'], city: string): RecordEvent => ({ id, entity: 'contractor', action, recordId: `c${id}`, record: { id: `c${id}`, city }, previous: null, changes: {}, transitions: [], actor: null, occurredAt: '2026-12-03T10:00:00.000Z' });
  await deliver(event('1', 'create', 'Kraków'));
  await deliver(event('2', 'delete', 'Kraków'));
  await deliver(event('3', 'update', 'Gdańsk'));
  await deliver(event('4', 'update', 'Kraków'));
  await new Promise((resolve) => setImmediate(resolve));
  expect(received.map((m) => [m.topic, m.recordId, m.event?.id])).toEqual([
    ['contractor.create', 'c1', '1'],
    ['contractor.update', 'c4', '4'],
  ]);
  await helper.unload();
  expect(subscribers.has('contractor')).toBe(false);
});

test('every node names its flow (id and label) and itself (id and name) for the audit trail', async () => {
  await helper.load(
    palette,
    [
      { id: 'tab', type: 'tab', label: 'Web forms' },
      { id: 'n1', z: 'tab', type: 'tessera-create', name: 'create the lead', entity: 'lead', wires: [['out']] },
      { id: 'out', z: 'tab', type: 'helper' },
    ],
    {},
  );
  const out = next('out');
  helper.getNode('n1')!.receive({ payload: { title: 'x' } });
  await out;
  expect(calls[0]!.who).toEqual({ flow: 'tab', flowName: 'Web forms', node: 'n1', nodeName: 'create the lead' });
});

test('tessera-workflow completes the user task of an activity with the form data, as the identity', async () => {
  await load({ type: 'tessera-workflow', mode: 'complete', identity: 'ident' });
  let out = next('out');
  helper.getNode('n1')!.receive({ activityId: 'a1', payload: { approved: true } });
  expect((await out).payload).toEqual({ instanceId: 'instance-1', activity: { id: 'a1', status: 'resolved' } });
  // A record event about an activity: its record is no form data.
  out = next('out');
  helper.getNode('n1')!.receive({ entity: 'activity', recordId: 'a2', payload: { id: 'a2', status: 'open' }, formData: { note: 'ok' } });
  await out;
  out = next('out');
  helper.getNode('n1')!.receive({ entity: 'activity', recordId: 'a3', payload: { id: 'a3', status: 'open' }, event: { id: '9' } as RecordEvent });
  await out;
  expect(calls.map((c) => [c.op, c.who.token, ...c.args])).toEqual([
    ['complete', TOKEN, 'a1', { approved: true }],
    ['complete', TOKEN, 'a2', { note: 'ok' }],
    ['complete', TOKEN, 'a3', {}],
  ]);
  // No activity named: BAD_INPUT, nothing asked; a refusal is reported with its code.
  const caught = reported('n1');
  helper.getNode('n1')!.receive({ entity: 'lead', recordId: 'l1' });
  expect((await caught).error.code).toBe('BAD_INPUT');
  refuse = 'FORBIDDEN';
  const refused = reported('n1');
  helper.getNode('n1')!.receive({ activityId: 'a4' });
  expect((await refused).error.code).toBe('FORBIDDEN');
});

test('tessera-sms-send calls the SMS connector’s send action as the identity, with a key per node and message', async () => {
  await load({ type: 'tessera-sms-send', identity: 'ident', account: 'modem', purpose: 'transactional' });
  let out = next('out');
  helper.getNode('n1')!.receive({ to: '+48 600 100 200', payload: 'Your order is ready', idempotencyKey: 'order-17' });
  const sent = await out;
  expect(sent.payload).toEqual({ queued: true, key: 'node-red:n1:order-17' });
  // A record event: the contact's number, the event id as the key (a redelivery sends nothing new).
  out = next('out');
  helper.getNode('n1')!.receive({ entity: 'person', recordId: 'p1', payload: 'Hello', event: { id: '42' } as RecordEvent });
  await out;
  expect(calls.map((c) => [c.op, c.who.token, ...c.args])).toEqual([
    ['sms.send', TOKEN, { to: '+48 600 100 200', text: 'Your order is ready', account: 'modem', purpose: 'transactional' }, 'node-red:n1:order-17'],
    ['sms.send', TOKEN, { record: { entity: 'person', id: 'p1' }, text: 'Hello', account: 'modem', purpose: 'transactional' }, 'node-red:n1:42'],
  ]);
});

test('tessera-sms-send with a template sends the payload as its values; the key property is configurable', async () => {
  await load({ type: 'tessera-sms-send', template: 'ready', key: 'payload.order' });
  const out = next('out');
  helper.getNode('n1')!.receive({ to: '600100200', payload: { order: 'ZL-5', name: 'Ann' } });
  await out;
  expect(calls).toEqual([{ op: 'sms.send', who: { flow: 'tab', node: 'n1' }, args: [{ to: '600100200', template: 'ready', values: { order: 'ZL-5', name: 'Ann' } }, 'node-red:n1:ZL-5'] }]);
});

test('tessera-email-send takes the node’s settings and the message’s addresses, subject and text', async () => {
  await load({ type: 'tessera-email-send', identity: 'ident', account: 'sales@example.com', subject: 'Hello' });
  const out = next('out');
  helper.getNode('n1')!.receive({ to: ['ann@example.com'], cc: 'bob@example.com', payload: 'Body text', entity: 'lead', recordId: 'l1', idempotencyKey: 'k1' });
  await out;
  expect(calls).toEqual([{ op: 'email.send', who: { token: TOKEN, flow: 'tab', node: 'n1' }, args: [{ account: 'sales@example.com', to: ['ann@example.com'], cc: 'bob@example.com', subject: 'Hello', text: 'Body text', record: { entity: 'lead', id: 'l1' } }, 'node-red:n1:k1'] }]);
});

test('tessera-fiscal-print prints the sale of the message, or a receipt; a refusal is reported', async () => {
  await load({ type: 'tessera-fiscal-print', identity: 'ident', printer: 'till-1' });
  let out = next('out');
  helper.getNode('n1')!.receive({ entity: 'sale', recordId: 's1', event: { id: '5' } as RecordEvent });
  await out;
  out = next('out');
  helper.getNode('n1')!.receive({ receipt: { lines: [] }, printer: 'till-2', idempotencyKey: 'r-1' });
  await out;
  expect(calls.map((c) => [c.op, ...c.args])).toEqual([
    ['fiscal.print', { sale: 's1', printer: 'till-1' }, 'node-red:n1:5'],
    ['fiscal.print', { receipt: { lines: [] }, printer: 'till-2' }, 'node-red:n1:r-1'],
  ]);
  refuse = 'FORBIDDEN';
  const caught = reported('n1');
  helper.getNode('n1')!.receive({ saleId: 's2' });
  expect((await caught).error.code).toBe('FORBIDDEN');
});
