// The workflow API over real HTTP: deploying (versions only on change, one refusal test per refused
// construct with its element ids and types), definitions and their XML, starting and reading
// instances, messages, completing user tasks through activities (with form validation), incidents
// and their retry, cancelling, and in-app notifications.
import { readdirSync } from 'node:fs';
import { loadPackageDir } from '../../metadata/index.ts';
import { loadDefinitions } from '../../engine/workflows/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';
import { bpmnFixture } from '../support/workflows.ts';

let env: TestPlatform;
let server: TestServer;
let api: ReturnType<typeof jsonClient>;
const XML = { 'content-type': 'application/xml' };

beforeAll(async () => {
  env = await startTestPlatform();
  const { package: files } = await loadPackageDir(new URL('../fixtures/packages/crm-mini/', import.meta.url).pathname);
  await env.platform.applyMetadata(files, { source: 'cli' });
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

const FORM_PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="approval" name="Approval" isExecutable="true">
    <bpmn:extensionElements>
      <zeebe:userTaskForm id="approvalForm">{"components":[{"type":"radio","key":"decision","label":"Decision","validate":{"required":true},"values":[{"label":"Yes","value":"yes"},{"label":"No","value":"no"}]},{"type":"number","key":"discount","validate":{"min":0,"max":30}}]}</zeebe:userTaskForm>
    </bpmn:extensionElements>
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="approve" />
    <bpmn:userTask id="approve" name="Approve the discount">
      <bpmn:extensionElements>
        <zeebe:formDefinition formKey="camunda-forms:bpmn:approvalForm" />
        <zeebe:assignmentDefinition assignee="=owner" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="approve" targetRef="notify" />
    <bpmn:serviceTask id="notify" name="Tell the owner">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="tessera:notify" />
        <zeebe:ioMapping>
          <zeebe:input source="=owner" target="to" />
          <zeebe:input source="=&quot;Discount &quot; + decision" target="subject" />
        </zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="notify" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

describe('deploying', () => {
  test('201 with process ids and versions; the same file again is unchanged (200); a change makes version 2', async () => {
    const first = await api.post('/workflows', bpmnFixture('user-task'), XML);
    expect(first.status).toBe(201);
    expect(first.body.processes).toEqual([{ processId: 'userTask', version: 1, name: null, versionTag: null, changed: true, platformRights: false }]);
    const again = await api.post('/workflows', bpmnFixture('user-task'), XML);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ deploymentId: null, processes: [{ processId: 'userTask', version: 1, changed: false }] });
    const changed = await api.post('/workflows', bpmnFixture('user-task').replace('Approve discount', 'Approve the discount'), XML);
    expect(changed.status).toBe(201);
    expect(changed.body.processes[0]).toMatchObject({ processId: 'userTask', version: 2, changed: true });
    const list = await api.get('/workflows');
    expect(list.body.data.find((d: { processId: string }) => d.processId === 'userTask')).toMatchObject({ latestVersion: 2, versions: [{ version: 2 }, { version: 1 }] });
    const xml = await api.get('/workflows/userTask/xml?version=1');
    expect(xml.contentType).toContain('application/xml');
    expect(xml.body).toContain('Approve discount');
    expect((await api.get('/workflows/userTask/xml')).body).toContain('Approve the discount');
  });

  test('moving shapes (diagram only) does not make a new version', async () => {
    const base = bpmnFixture('manual-task');
    expect((await api.post('/workflows', base, XML)).status).toBe(201);
    const withDiagram = base.replace('</bpmn:definitions>', '<bpmndi:BPMNDiagram xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="manualTask" /></bpmndi:BPMNDiagram></bpmn:definitions>');
    const res = await api.post('/workflows', withDiagram, XML);
    expect(res.status).toBe(200);
    expect(res.body.processes[0]).toMatchObject({ version: 1, changed: false });
  });

  test('warns about task types no handler is registered for', async () => {
    const res = await api.post('/workflows', bpmnFixture('send-task'), XML);
    expect(res.status).toBe(201);
    expect(res.body.warnings).toEqual([expect.stringContaining("task type 'send-email'")]);
  });

  test('a body that is not XML is 415; without the right it is 403', async () => {
    expect((await api.post('/workflows', { xml: '<x/>' })).status).toBe(415);
    expect((await jsonClient(`${server.url}/api`, { token: null }).post('/workflows', bpmnFixture('start-none'), XML)).status).toBe(401);
  });

  const refusals = readdirSync(new URL('../fixtures/bpmn/', import.meta.url)).filter((f) => f.startsWith('refuse-')).map((f) => f.replace(/\.bpmn$/, ''));
  test.each(refusals)('%s is refused with 422 naming each element and its type', async (fixture) => {
    const xml = bpmnFixture(fixture);
    const expected = await loadDefinitions(xml);
    if (expected.ok) throw new Error(`${fixture} deploys`);
    const res = await api.post('/workflows', xml, XML);
    expect(res.status).toBe(422);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body.code).toBe('WORKFLOW_INVALID');
    expect(res.body.elements).toEqual(expected.problems.map((p) => ({ elementId: p.elementId, elementType: p.elementType, code: p.code, message: p.message, ...(p.line ? { line: p.line, column: p.column } : {}) })));
    // An element's problem points at the element, a problem of the whole file at its place in the file.
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(expected.problems.map((p) => (p.elementId ? `/elements/${p.elementId}` : `/line/${p.line}/column/${p.column}`)));
    if (!['refuse-malformed-xml', 'refuse-no-executable-process'].includes(fixture)) expect(res.body.elements.every((e: { elementId: string | null; elementType: string | null }) => e.elementId && e.elementType)).toBe(true);
  });

  test('nothing of a refused file is stored', async () => {
    const before = await env.platform.knex('tessera.process_deployments').count({ n: '*' }).first();
    await api.post('/workflows', bpmnFixture('refuse-script-task'), XML);
    expect(await env.platform.knex('tessera.process_deployments').count({ n: '*' }).first()).toEqual(before);
  });
});

describe('instances', () => {
  let taskActivity: string;
  let instanceId: string;
  let deal: { id: string };

  test('start about a record: 201 with the instance, its active elements and user task', async () => {
    expect((await api.post('/workflows', FORM_PROCESS, XML)).status).toBe(201);
    const contractor = await api.post('/records/contractor', { name: 'Stalbud' });
    deal = (await api.post('/records/deal', { title: 'Fleet', contractor: contractor.body.id })).body;
    const res = await api.post('/workflows/approval/instances', { variables: { owner: 'test-admin' }, record: { entity: 'deal', id: deal.id } });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/instances/${res.body.id}`);
    expect(res.body).toMatchObject({ processId: 'approval', version: 1, status: 'active', record: { entity: 'deal', id: deal.id }, activeElementIds: ['approve'], variables: { owner: 'test-admin' } });
    expect(res.body.history.map((h: { elementId: string; event: string }) => `${h.elementId}:${h.event}`)).toEqual(['approval:entered', 'start:entered', 'start:left', 'approve:entered']);
    instanceId = res.body.id;
    taskActivity = res.body.userTasks[0].activityId;
    // The task is an activity on the deal's timeline, assigned to the user.
    const timeline = await api.get(`/records/deal/${deal.id}/activities`);
    expect(timeline.body.data).toEqual([expect.objectContaining({ id: taskActivity, kind: 'task', subject: 'Approve the discount: Fleet', assignee: server.adminId, status: 'open' })]);
  });

  test('instances by record, by process, by status', async () => {
    expect((await api.get(`/instances?record=deal:${deal.id}`)).body.data.map((i: { id: string }) => i.id)).toEqual([instanceId]);
    expect((await api.get('/instances?processId=approval&status=active')).body.data).toHaveLength(1);
    expect((await api.get('/instances?status=done')).status).toBe(400);
    expect((await api.get('/instances?record=deal')).status).toBe(400);
  });

  test('completing the activity checks the form: 422 with pointers, nothing changes', async () => {
    const res = await api.post(`/activities/${taskActivity}/complete`, { decision: 'maybe', discount: 50 });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/decision', '/discount']);
    expect((await api.post(`/activities/${taskActivity}/complete`, {})).body.errors).toEqual([expect.objectContaining({ pointer: '/decision', code: 'REQUIRED' })]);
    expect((await api.get(`/instances/${instanceId}`)).body.status).toBe('active');
  });

  test('completing the activity with valid data resolves it, completes the task and runs on (notification)', async () => {
    const res = await api.post(`/activities/${taskActivity}/complete`, { decision: 'yes', discount: 10 });
    expect(res.status).toBe(200);
    expect(res.body.activity).toMatchObject({ id: taskActivity, status: 'resolved' });
    const instance = (await api.get(`/instances/${instanceId}`)).body;
    expect(instance).toMatchObject({ status: 'completed', activeElementIds: [], variables: { owner: 'test-admin', decision: 'yes', discount: 10, notified: 1 } });
    expect(instance.userTasks[0]).toMatchObject({ outcome: 'completed' });
    const notifications = await api.get('/notifications');
    // Newest first: the workflow's message, then the notice that the user task was given to the user.
    expect(notifications.body.data).toEqual([
      expect.objectContaining({ channel: 'in-app', kind: null, subject: 'Discount yes', record: { entity: 'deal', id: deal.id }, instanceId, readAt: null }),
      expect.objectContaining({ channel: 'in-app', kind: 'assigned', subject: 'Approve the discount: Fleet', record: { entity: 'activity', id: taskActivity }, readAt: null }),
    ]);
    expect((await api.post(`/notifications/${notifications.body.data[0].id}/read`)).status).toBe(204);
    expect((await api.get('/notifications?unread=true')).body.data.map((n: { kind: string }) => n.kind)).toEqual(['assigned']);
    expect((await api.post(`/activities/${taskActivity}/complete`, { decision: 'no' })).status).toBe(409);
  });

  test('an activity resolved through the records API also completes its task (without form data)', async () => {
    const started = (await api.post('/workflows/approval/instances', { variables: { owner: 'test-admin' } })).body;
    const activityId = started.userTasks[0].activityId;
    const activity = (await api.get(`/records/activity/${activityId}`)).body;
    expect((await api.patch(`/records/activity/${activityId}`, { status: 'resolved', version: activity.version })).status).toBe(200);
    const instance = (await api.get(`/instances/${started.id}`)).body;
    expect(instance.userTasks[0]).toMatchObject({ outcome: 'completed' });
    // No decision was given, so the notification has no subject: a visible incident at the next task.
    expect(instance).toMatchObject({ status: 'active', activeElementIds: ['notify'], incidents: [expect.objectContaining({ elementId: 'notify', code: 'JOB_NO_RETRIES', message: expect.stringContaining('"subject" is required') })] });
  });

  test('an activity that is no workflow task: 404', async () => {
    const note = await api.post('/records/activity', { kind: 'task', subject: 'Call back' });
    expect((await api.post(`/activities/${note.body.id}/complete`, {})).status).toBe(404);
  });

  test('a task activity cancelled by hand: the task ends on a visible incident (409 on completing it); the retry gives the task again', async () => {
    const started = (await api.post('/workflows/approval/instances', { variables: { owner: 'test-admin' } })).body;
    const cancelled = started.userTasks[0].activityId as string;
    const version = (await api.get(`/records/activity/${cancelled}`)).body.version as number;
    expect((await api.patch(`/records/activity/${cancelled}`, { status: 'cancelled', version })).status).toBe(200);
    const waiting = (await api.get(`/instances/${started.id}`)).body;
    expect(waiting).toMatchObject({ status: 'active', activeElementIds: ['approve'], userTasks: [expect.objectContaining({ activityId: cancelled, outcome: 'cancelled' })] });
    expect(waiting.incidents).toEqual([expect.objectContaining({ code: 'TASK_CANCELLED', elementId: 'approve', resolvedAt: null, message: expect.stringContaining(`was cancelled by user ${server.adminId}`) })]);
    const refused = await api.post(`/activities/${cancelled}/complete`, { decision: 'yes', discount: 1 });
    expect(refused.status).toBe(409);
    // Resolving the incident gives the task again, as a new activity; that one completes the process.
    const retried = (await api.post(`/incidents/${waiting.incidents[0].id}/retry`, {})).body;
    expect(retried.userTasks).toHaveLength(2);
    const again = retried.userTasks.find((t: { activityId: string }) => t.activityId !== cancelled).activityId as string;
    expect((await api.get(`/records/activity/${again}`)).body).toMatchObject({ status: 'open', kind: 'task', assignee: server.adminId });
    expect((await api.post(`/activities/${again}/complete`, { decision: 'yes', discount: 1 })).status).toBe(200);
    expect((await api.get(`/instances/${started.id}`)).body.status).toBe('completed');
  });

  test('a task activity deleted by hand: the same incident; completing the deleted activity is 404', async () => {
    const started = (await api.post('/workflows/approval/instances', { variables: { owner: 'test-admin' } })).body;
    const deleted = started.userTasks[0].activityId as string;
    expect((await api.delete(`/records/activity/${deleted}`)).status).toBe(200);
    expect((await api.post(`/activities/${deleted}/complete`, { decision: 'yes', discount: 1 })).status).toBe(404);
    const instance = (await api.get(`/instances/${started.id}`)).body;
    expect(instance.incidents).toEqual([expect.objectContaining({ code: 'TASK_CANCELLED', message: expect.stringContaining('was deleted') })]);
    // Cancelling the instance ends the incident and no activity is touched again.
    expect((await api.delete(`/instances/${started.id}`)).body).toMatchObject({ status: 'terminated' });
  });

  test('start refusals: unknown process 404, bad body 422 with pointers', async () => {
    expect((await api.post('/workflows/nope/instances', {})).status).toBe(404);
    const res = await api.post('/workflows/approval/instances', { variables: [1], version: 0 });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/variables', '/version']);
  });

  test('DELETE cancels: terminated, its task activity cancelled', async () => {
    const started = (await api.post('/workflows/approval/instances', { variables: { owner: 'test-admin' } })).body;
    const res = await api.delete(`/instances/${started.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'terminated', activeElementIds: [] });
    expect((await api.get(`/records/activity/${started.userTasks[0].activityId}`)).body.status).toBe('cancelled');
    expect((await api.delete(`/instances/${started.id}`)).status).toBe(409);
  });
});

describe('messages and incidents', () => {
  test('a message correlates by name and key', async () => {
    await api.post('/workflows', bpmnFixture('receive-task'), XML);
    const started = (await api.post('/workflows/receiveTask/instances', { variables: { orderId: 'O-9' } })).body;
    expect((await api.post('/messages', { name: 'payment-received', correlationKey: 'O-8' })).body).toEqual({ correlated: 0, started: [], buffered: null });
    expect((await api.post('/messages', { name: 'payment-received', correlationKey: 'O-9', variables: { paid: 5 } })).body).toEqual({ correlated: 1, started: [], buffered: null });
    expect((await api.get(`/instances/${started.id}`)).body).toMatchObject({ status: 'completed', variables: { orderId: 'O-9', paid: 5 } });
    expect((await api.post('/messages', { correlationKey: 1 })).body.errors).toEqual([expect.objectContaining({ pointer: '/name' })]);
  });

  test('a message with a time to live waits for the first instance that subscribes, once', async () => {
    const published = (await api.post('/messages', { name: 'payment-received', correlationKey: 'O-20', variables: { paid: 7 }, timeToLive: 'PT1M' })).body;
    expect(published).toEqual({ correlated: 0, started: [], buffered: expect.any(String) });
    const first = (await api.post('/workflows/receiveTask/instances', { variables: { orderId: 'O-20' } })).body;
    expect(first).toMatchObject({ status: 'completed', variables: { orderId: 'O-20', paid: 7 } });
    expect(first.history.map((h: { elementId: string; event: string }) => `${h.elementId}:${h.event}`)).toContain('waitPayment:left');
    const second = (await api.post('/workflows/receiveTask/instances', { variables: { orderId: 'O-20' } })).body;
    expect(second).toMatchObject({ status: 'active', activeElementIds: ['waitPayment'] });
    // A message an instance was waiting for is not kept, whatever its time to live.
    expect((await api.post('/messages', { name: 'payment-received', correlationKey: 'O-20', timeToLive: 60_000 })).body).toEqual({ correlated: 1, started: [], buffered: null });
    expect((await env.platform.knex('tessera.process_messages').count({ n: '*' }))[0]).toEqual({ n: 0 });
  });

  test('an expired message is not correlated and is cleared away by the next one kept', async () => {
    expect((await api.post('/messages', { name: 'payment-received', correlationKey: 'O-21', timeToLive: 1 })).body.buffered).toEqual(expect.any(String));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = (await api.post('/workflows/receiveTask/instances', { variables: { orderId: 'O-21' } })).body;
    expect(started).toMatchObject({ status: 'active', activeElementIds: ['waitPayment'] });
    const kept = (await api.post('/messages', { name: 'payment-received', correlationKey: 'O-22', timeToLive: 'PT10M' })).body.buffered as string;
    expect((await env.platform.knex('tessera.process_messages').select('id', 'correlation_key'))).toEqual([{ id: kept, correlation_key: 'O-22' }]);
  });

  test('several subscriptions opening at once (event-based gateway) take one message; the other stays kept', async () => {
    const race = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="https://tessera.dev/bpmn/test">
  <bpmn:message id="yes" name="offer-accepted"><bpmn:extensionElements><zeebe:subscription correlationKey="=offer" /></bpmn:extensionElements></bpmn:message>
  <bpmn:message id="no" name="offer-rejected"><bpmn:extensionElements><zeebe:subscription correlationKey="=offer" /></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="offerRace" isExecutable="true">
    <bpmn:startEvent id="start" /><bpmn:eventBasedGateway id="race" />
    <bpmn:intermediateCatchEvent id="accepted"><bpmn:messageEventDefinition messageRef="yes" /></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="rejected"><bpmn:messageEventDefinition messageRef="no" /></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="won" /><bpmn:endEvent id="lost" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="race" />
    <bpmn:sequenceFlow id="f2" sourceRef="race" targetRef="accepted" /><bpmn:sequenceFlow id="f3" sourceRef="accepted" targetRef="won" />
    <bpmn:sequenceFlow id="f4" sourceRef="race" targetRef="rejected" /><bpmn:sequenceFlow id="f5" sourceRef="rejected" targetRef="lost" />
  </bpmn:process>
</bpmn:definitions>`;
    expect((await api.post('/workflows', race, XML)).status).toBe(201);
    await api.post('/messages', { name: 'offer-rejected', correlationKey: 'OF-1', timeToLive: 'PT5M' });
    await api.post('/messages', { name: 'offer-accepted', correlationKey: 'OF-1', timeToLive: 'PT5M' });
    const started = (await api.post('/workflows/offerRace/instances', { variables: { offer: 'OF-1' } })).body;
    const ended = started.history.filter((h: { event: string; elementId: string }) => h.event === 'left' && (h.elementId === 'won' || h.elementId === 'lost'));
    expect(started.status).toBe('completed');
    expect(ended).toHaveLength(1);
    const left = await env.platform.knex('tessera.process_messages').where({ correlation_key: 'OF-1' }).pluck('message_name');
    expect(left).toHaveLength(1);
    expect(left[0]).toBe(ended[0].elementId === 'won' ? 'offer-rejected' : 'offer-accepted');
  });

  test('a bad time to live: 422 with its pointer, nothing kept', async () => {
    for (const timeToLive of ['soon', -5, 1.5, 'P1Y']) {
      const res = await api.post('/messages', { name: 'payment-received', correlationKey: 'O-30', timeToLive });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/timeToLive' })]);
    }
    expect(await env.platform.knex('tessera.process_messages').where({ correlation_key: 'O-30' }).pluck('id')).toEqual([]);
  });

  test('an incident is visible on the instance and in the list; retry runs the work again', async () => {
    await api.post('/workflows', bpmnFixture('exclusive-no-default'), XML);
    const started = (await api.post('/workflows/exclusiveNoDefault/instances', { variables: { amount: 500 } })).body;
    expect(started.incidents).toEqual([expect.objectContaining({ code: 'NO_FLOW_MATCHED', elementId: 'check', resolvedAt: null })]);
    expect(started.openIncidents).toBe(1);
    const open = (await api.get('/incidents')).body.data;
    expect(open.map((i: { id: string }) => i.id)).toContain(started.incidents[0].id);
    // Still no flow matches: the retry raises a new incident, the old one is resolved.
    const retried = await api.post(`/incidents/${started.incidents[0].id}/retry`, {});
    expect(retried.status).toBe(200);
    expect(retried.body.incidents).toHaveLength(2);
    expect(retried.body.incidents[0].resolvedAt).not.toBeNull();
    expect((await api.post(`/incidents/${started.incidents[0].id}/retry`, {})).status).toBe(409);
    expect((await api.post('/incidents/00000000-0000-0000-0000-000000000000/retry', {})).status).toBe(404);
  });
});
