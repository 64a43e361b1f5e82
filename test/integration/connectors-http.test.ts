// The `http:request` task type of the http connector against a real HTTP server on loopback: FEEL
// parameters, a secret by reference (sent, never stored in variables, incidents or logs), result
// mapping, a 4xx as a BPMN error, and the failures that are retried then raise an incident: a 5xx,
// a timeout, a refused connection. A disabled connector's task fails.
import { connectors } from '../../connectors/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { closedPort, startReceiver, type Receiver } from '../support/receiver.ts';
import { eventually, InstanceDriver } from '../support/workflows.ts';

const TOKEN = 'api-token-s3cr3t-value-XYZ';
let env: TestPlatform;
let receiver: Receiver;
const logged: string[] = [];
const originalError = console.error;

const definitions = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">${body}</bpmn:definitions>`;

const callProcess = definitions(`
  <bpmn:error id="notFound" errorCode="HTTP_404" />
  <bpmn:process id="call" isExecutable="true">
    <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="request" />
    <bpmn:serviceTask id="request">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="http:request" retries="2" />
        <zeebe:ioMapping>
          <zeebe:input source="=method" target="method" />
          <zeebe:input source="=base + path" target="url" />
          <zeebe:input source="={&quot;Authorization&quot;: &quot;Bearer {{secrets.crm}}&quot;}" target="headers" />
          <zeebe:input source="={name: customer, total: amount * 2}" target="body" />
          <zeebe:input source="=timeout" target="timeoutSeconds" />
          <zeebe:output source="=response.status" target="status" />
          <zeebe:output source="=response.body.accepted" target="accepted" />
        </zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:boundaryEvent id="missing" attachedToRef="request"><bpmn:errorEventDefinition errorRef="notFound" /></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="request" targetRef="end" /><bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f3" sourceRef="missing" targetRef="endMissing" /><bpmn:endEvent id="endMissing" />
  </bpmn:process>`);

beforeAll(async () => {
  console.error = (...args: unknown[]) => {
    logged.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  };
  env = await startTestPlatform({ connectors });
  receiver = await startReceiver();
  await env.platform.connectors.settings.write('http', connectors.find((c) => c.id === 'http')!.configSchema, { enabled: true, config: { secrets: [{ name: 'crm', value: TOKEN }], timeoutSeconds: 5 } }, { userId: null, via: 'system' });
  await env.platform.processes.deploy(callProcess, { source: 'test' });
  await env.platform.processes.startWorkers();
}, 120_000);

afterAll(async () => {
  console.error = originalError;
  await receiver?.close();
  await env?.close();
});

const start = (variables: Record<string, unknown>) => InstanceDriver.start(env.platform, 'call', { method: 'POST', base: receiver.url, path: '/orders', customer: 'ACME', amount: 21, timeout: 5, ...variables } as never);

async function incidentOf(d: InstanceDriver): Promise<{ code: string; message: string }> {
  return eventually(async () => (await env.platform.knex('tessera.process_incidents').where({ instance_id: d.id }).first()) as { code: string; message: string } | undefined, 20_000, 'the incident');
}

test('a call sends the FEEL body and the secret header, and maps the response', async () => {
  receiver.received.length = 0;
  receiver.answer = () => ({ status: 201, body: { accepted: true } });
  const d = await start({});
  await eventually(async () => (await d.status()) === 'completed', 15_000, 'the call');
  expect(receiver.received).toHaveLength(1);
  const [request] = receiver.received;
  expect(request).toMatchObject({ method: 'POST', path: '/orders' });
  expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  expect(JSON.parse(request!.body)).toEqual({ name: 'ACME', total: 42 });
  const variables = await d.rootVariables();
  expect(variables).toMatchObject({ status: 201, accepted: true });
  expect(JSON.stringify(variables)).not.toContain(TOKEN);
});

test('a 404 raises the BPMN error HTTP_404, caught by the boundary', async () => {
  receiver.answer = () => ({ status: 404, body: { error: 'no such order' } });
  const d = await start({ path: '/missing' });
  await eventually(async () => (await d.status()) === 'completed', 15_000, 'the error path');
  expect(await d.completedElements()).toEqual(['start', 'missing', 'endMissing']);
});

test('a 5xx is retried, then raises an incident', async () => {
  receiver.received.length = 0;
  receiver.answer = () => ({ status: 503 });
  const d = await start({ path: '/down' });
  const incident = await incidentOf(d);
  expect(incident.message).toBe(`POST ${receiver.url}/down: the server answered 503`);
  expect(receiver.received.filter((r) => r.path === '/down')).toHaveLength(2);
}, 30_000);

test('a timeout and a refused connection fail the task without leaking the secret', async () => {
  receiver.answer = () => ({ status: 200, delayMs: 3000 });
  const slow = await start({ path: '/slow', timeout: 0.3 });
  expect((await incidentOf(slow)).message).toContain('no response within 0.3 s');
  const refused = await start({ base: `http://127.0.0.1:${await closedPort()}`, path: '/{{secrets.crm}}' });
  const incident = await incidentOf(refused);
  expect(incident.message).toMatch(/the request failed \(ECONNREFUSED\)/);
  expect(incident.message).not.toContain(TOKEN);
  const incidents = await env.platform.knex('tessera.process_incidents').select('message');
  expect(JSON.stringify(incidents)).not.toContain(TOKEN);
  expect(logged.join('\n')).not.toContain(TOKEN);
}, 40_000);

test('while the connector is disabled its task fails with a message saying so', async () => {
  await env.platform.connectors.settings.write('http', connectors.find((c) => c.id === 'http')!.configSchema, { enabled: false }, { userId: null, via: 'system' });
  const d = await start({});
  expect((await incidentOf(d)).message).toContain('the connector http is disabled');
}, 30_000);
