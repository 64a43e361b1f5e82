// Rights before forms: completing a workflow task, reading a task's form and reading an instance
// check the user's rights first. Whoever may not read the activity (or instance) gets the same 404
// as for an id that does not exist, and learns neither that it is a workflow task nor its form;
// whoever may read but not change it, or a read-only token, gets 403 before the form is checked.
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';
import { crmMiniPackage } from '../support/packages.ts';

let env: TestPlatform;
let server: TestServer;
let admin: JsonClient;
const ids: Record<string, string> = {};
const as: Record<string, JsonClient> = {};

const MISSING = '00000000-0000-4000-8000-00000000abcd';

const PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="secret_review" isExecutable="true">
    <bpmn:extensionElements>
      <zeebe:userTaskForm id="reviewForm">{"components":[{"type":"textfield","key":"salaryBand","label":"Salary band","validate":{"required":true}}]}</zeebe:userTaskForm>
    </bpmn:extensionElements>
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:userTask id="review" name="Review">
      <bpmn:extensionElements>
        <zeebe:formDefinition formKey="camunda-forms:bpmn:reviewForm" />
        <zeebe:assignmentDefinition assignee="=owner" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

beforeAll(async () => {
  env = await startTestPlatform();
  const worker = { kind: 'role', id: 't.role.worker', name: 'worker', label: { en: 'Worker' }, permissions: [{ entity: 'activity', read: 'own', create: true, update: 'own' }, { entity: 'deal', read: 'own' }] };
  const viewer = { kind: 'role', id: 't.role.viewer', name: 'viewer', label: { en: 'Viewer' }, permissions: [{ entity: 'activity', read: 'all' }] };
  await env.platform.applyMetadata(await crmMiniPackage({ 'roles/worker.json': worker, 'roles/viewer.json': viewer }), { source: 'cli' });
  server = await startTestServer(env.platform);
  admin = jsonClient(`${server.url}/api`);
  expect((await admin.post('/workflows', PROCESS, { 'content-type': 'application/xml' })).status).toBe(201);
  for (const [login, role] of [['ana', 'worker'], ['olek', 'worker'], ['vera', 'viewer']] as const) {
    ids[login] = await createTestUser(env.platform, { login, roles: [role] });
    as[login] = await userClient(env.platform, `${server.url}/api`, ids[login]!);
  }
  // Ana's task, in an instance about no record; and one about a deal only the administrator reads.
  const loose = (await admin.post('/workflows/secret_review/instances', { variables: { owner: 'ana' } })).body;
  ids.looseInstance = loose.id;
  ids.task = loose.userTasks[0].activityId;
  const contractor = (await admin.post('/records/contractor', { name: 'Hidden Ltd' })).body;
  const deal = (await admin.post('/records/deal', { title: 'Hidden deal', contractor: contractor.id })).body;
  ids.dealInstance = (await admin.post('/workflows/secret_review/instances', { variables: { owner: 'ana' }, record: { entity: 'deal', id: deal.id } })).body.id;
  // Olek's own activity that is no workflow task.
  ids.olekNote = (await as.olek!.post('/records/activity', { kind: 'task', subject: 'Call back' })).body.id;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

/** What a refusal tells: status, code and message with the id asked for replaced, so answers for different ids compare. */
const answer = (res: { status: number; body: { code?: string; detail?: string; errors?: unknown } }, id: string) => ({
  status: res.status,
  code: res.body.code,
  detail: res.body.detail?.replaceAll(id, '<id>'),
  errors: res.body.errors,
});

describe('completing a task', () => {
  test('who may not read the activity gets the 404 of a missing one: not that it is a workflow task, not its form', async () => {
    const task = answer(await as.olek!.post(`/activities/${ids.task}/complete`, {}), ids.task!);
    const missing = answer(await as.olek!.post(`/activities/${MISSING}/complete`, {}), MISSING);
    expect(task).toEqual(missing);
    expect(task.status).toBe(404);
    expect(JSON.stringify(task)).not.toMatch(/workflow|salaryBand|form/i);
  });

  test('who may read but not change it, or a read-only token of its assignee, gets 403 before the form is checked', async () => {
    const viewer = await as.vera!.post(`/activities/${ids.task}/complete`, {});
    expect(viewer.status).toBe(403);
    expect(JSON.stringify(viewer.body)).not.toContain('salaryBand');
    const readOnly = await userClient(env.platform, `${server.url}/api`, ids.ana!, ['read']);
    const refused = await readOnly.post(`/activities/${ids.task}/complete`, {});
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).not.toContain('salaryBand');
    expect((await admin.get(`/records/activity/${ids.task}`)).body.status).toBe('open');
  });

  test('the assignee gets the form check (422), then completes it', async () => {
    const invalid = await as.ana!.post(`/activities/${ids.task}/complete`, {});
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toEqual([expect.objectContaining({ pointer: '/salaryBand', code: 'REQUIRED' })]);
    // Olek's own activity that is no task: now the answer may say so.
    const note = await as.olek!.post(`/activities/${ids.olekNote}/complete`, {});
    expect(note.status).toBe(404);
    expect(note.body.detail).toContain('not a workflow task');
  });
});

describe("reading a task's form", () => {
  test('the assignee reads the task and its form without any right on the instance', async () => {
    const res = await as.ana!.get(`/activities/${ids.task}/task`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ activityId: ids.task, instanceId: ids.looseInstance, processId: 'secret_review', version: 1, elementId: 'review', formKey: 'camunda-forms:bpmn:reviewForm', endedAt: null });
    expect(res.body.form.components[0]).toMatchObject({ key: 'salaryBand', validate: { required: true } });
    expect((await as.ana!.get(`/instances/${ids.looseInstance}`)).status).toBe(404);
  });

  test('who may not read the activity gets the 404 of a missing one', async () => {
    const task = answer(await as.olek!.get(`/activities/${ids.task}/task`), ids.task!);
    expect(task).toEqual(answer(await as.olek!.get(`/activities/${MISSING}/task`), MISSING));
    expect(task.status).toBe(404);
    expect(JSON.stringify(task)).not.toMatch(/workflow|salaryBand/i);
    expect((await as.olek!.get(`/activities/${ids.olekNote}/task`)).body.detail).toContain('not a workflow task');
  });
});

describe('reading an instance', () => {
  test('an instance about no record, or about a record the user may not read, is 404 like a missing one', async () => {
    const missing = answer(await as.olek!.get(`/instances/${MISSING}`), MISSING);
    expect(missing.status).toBe(404);
    expect(answer(await as.olek!.get(`/instances/${ids.looseInstance}`), ids.looseInstance!)).toEqual(missing);
    expect(answer(await as.olek!.get(`/instances/${ids.dealInstance}`), ids.dealInstance!)).toEqual(missing);
    expect(answer(await as.vera!.get(`/instances/${ids.dealInstance}`), ids.dealInstance!)).toEqual(missing);
    expect((await admin.get(`/instances/${ids.dealInstance}`)).body).toMatchObject({ id: ids.dealInstance, record: { entity: 'deal' } });
  });
});

test('completing the task after all of that moves the process on', async () => {
  expect((await as.ana!.post(`/activities/${ids.task}/complete`, { salaryBand: 'B' })).status).toBe(200);
  expect((await admin.get(`/instances/${ids.looseInstance}`)).body.status).toBe('completed');
  expect((await as.ana!.get(`/activities/${ids.task}/task`)).body.endedAt).toEqual(expect.any(String));
});
