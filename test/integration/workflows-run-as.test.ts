// Who a workflow acts as (docs/security.md, "Workflows act for a user"), over HTTP as users meet it:
// a process a user starts reads and writes with that user's rights unless a workflow administrator
// deployed it with platform rights; triggered processes act with platform rights on behalf of the
// user whose change triggered them; every audit row names the acting user and the instance; what a
// workflow creates has an owner and a creator; instance variables are not shown to readers who could
// not read what the instance read; the assignee of a workflow task may open the record it is about.
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';
import { crmMiniPackage } from '../support/packages.ts';
import { eventually } from '../support/workflows.ts';

let env: TestPlatform;
let server: TestServer;
type Client = ReturnType<typeof jsonClient>;
let admin: Client;
const users: Record<string, string> = {};
const clients: Record<string, Client> = {};
let contractor: string;
/** Tina's own task, which no one else may read. */
let privateTask: string;

const bpmn = (id: string, body: string, flows: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_${id}" targetNamespace="https://tessera.dev/bpmn/test">
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="start" />${body}
    <bpmn:endEvent id="end" />${flows}
  </bpmn:process>
</bpmn:definitions>`;

const chain = (...ids: string[]) => ['start', ...ids, 'end'].slice(1).map((to, i, all) => `<bpmn:sequenceFlow id="f${i}" sourceRef="${i === 0 ? 'start' : all[i - 1]}" targetRef="${to}" />`).join('');

/** Reads a task named by a start variable into `stolen`, then renames it. */
const SNOOP = (id: string) =>
  bpmn(
    id,
    `<bpmn:serviceTask id="read"><bpmn:extensionElements><zeebe:taskDefinition type="tessera:get-record" />
       <zeebe:taskHeaders><zeebe:header key="entity" value="activity" /><zeebe:header key="resultVariable" value="stolen" /></zeebe:taskHeaders>
       <zeebe:ioMapping><zeebe:input source="=taskId" target="id" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:serviceTask>
     <bpmn:serviceTask id="change"><bpmn:extensionElements><zeebe:taskDefinition type="tessera:update-record" />
       <zeebe:taskHeaders><zeebe:header key="entity" value="activity" /></zeebe:taskHeaders>
       <zeebe:ioMapping><zeebe:input source="=taskId" target="id" /><zeebe:input source="={subject: &quot;taken over&quot;}" target="values" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:serviceTask>`,
    chain('read', 'change'),
  );

/** Creates a task about the instance's deal (kept in `note`) and changes the deal. */
const MAKE = bpmn(
  'make',
  `<bpmn:serviceTask id="note"><bpmn:extensionElements><zeebe:taskDefinition type="tessera:create-activity" />
     <zeebe:taskHeaders><zeebe:header key="subject" value="Call the client" /><zeebe:header key="resultVariable" value="note" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>
   <bpmn:serviceTask id="touch"><bpmn:extensionElements><zeebe:taskDefinition type="tessera:update-record" />
     <zeebe:ioMapping><zeebe:input source="={lost_reason: &quot;checked by a workflow&quot;}" target="values" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:serviceTask>`,
  chain('note', 'touch'),
);

/** Started by the trigger below: plans a visit about the deal. */
const PLAN_VISIT = bpmn(
  'plan_visit',
  `<bpmn:serviceTask id="visit"><bpmn:extensionElements><zeebe:taskDefinition type="tessera:create-activity" />
     <zeebe:taskHeaders><zeebe:header key="subject" value="Visit the client" /></zeebe:taskHeaders>
     <zeebe:ioMapping><zeebe:input source="=follow_up" target="deadline" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:serviceTask>`,
  chain('visit'),
);

/** A user task for a reviewer named at the start. */
const ASK = bpmn(
  'ask',
  `<bpmn:userTask id="review" name="Review the deal"><bpmn:extensionElements><zeebe:assignmentDefinition assignee="=reviewer" /></bpmn:extensionElements></bpmn:userTask>`,
  chain('review'),
);

/** A connector (job) task: says who it acts as. */
const WHO = bpmn(
  'who',
  `<bpmn:serviceTask id="ask_connector"><bpmn:extensionElements><zeebe:taskDefinition type="test:whoami" /></bpmn:extensionElements></bpmn:serviceTask>
   <bpmn:userTask id="hold" />`,
  chain('ask_connector', 'hold'),
);

beforeAll(async () => {
  env = await startTestPlatform();
  const sales = {
    kind: 'role', id: 't.role.sales', name: 'sales', label: { en: 'Sales' },
    permissions: [
      { entity: 'deal', read: 'own', create: true, update: 'own' },
      { entity: 'activity', read: 'own', create: true, update: 'own' },
      { entity: 'contractor', read: 'all' },
    ],
  };
  // A manager changes every deal but has no rights on activities at all.
  const manager = { kind: 'role', id: 't.role.manager', name: 'manager', label: { en: 'Manager' }, permissions: [{ entity: 'deal', read: 'all', update: 'all' }] };
  const trigger = {
    kind: 'trigger', id: 't.trigger.plan_visit', name: 'plan_visit', label: { en: 'Plan a visit' },
    entity: 'deal', on: 'fieldChanged', field: 'follow_up', condition: 'follow_up != null',
    start: { process: 'plan_visit', variables: { follow_up: 'follow_up' } },
  };
  await env.platform.applyMetadata(await crmMiniPackage({ 'roles/sales.json': sales, 'roles/manager.json': manager, 'triggers/plan_visit.json': trigger }), { source: 'cli' });
  await env.platform.processes.registerTaskType({
    type: 'test:whoami',
    mode: 'job',
    async handler(_input, ctx) {
      // What a connector acting for the instance may read: the deal through the records service, as the instance acts.
      const deal = await ctx.records.get({ actor: ctx.actor }, ctx.record!.entity, ctx.record!.id).then(() => 'readable', (e: { code?: string }) => e.code ?? 'error');
      return { actor: ctx.actor.userId, instance: ctx.actor.instanceId ?? null, userRights: ctx.actor.access !== undefined, deal };
    },
  });
  await env.platform.processes.startWorkers();
  server = await startTestServer(env.platform);
  admin = jsonClient(`${server.url}/api`);
  for (const [login, roles] of [['sam', ['sales']], ['tina', ['sales']], ['max', ['manager']]] as const) {
    users[login] = await createTestUser(env.platform, { login, roles: [...roles] });
    clients[login] = await userClient(env.platform, `${server.url}/api`, users[login]!);
  }
  for (const xml of [SNOOP('snoop'), MAKE, PLAN_VISIT, ASK, WHO]) expect((await admin.request('POST', '/workflows', xml, { 'content-type': 'application/xml' })).status).toBe(201);
  contractor = (await admin.post('/records/contractor', { name: 'Stalbud' })).body.id;
  const task = await clients.tina!.post('/records/activity', { kind: 'task', subject: 'Salary talk with HR', description: 'confidential' });
  expect(task.status).toBe(201);
  privateTask = task.body.id;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

async function samsDeal(title: string): Promise<{ id: string; version: number }> {
  const res = await clients.sam!.post('/records/deal', { title, contractor });
  expect(res.status).toBe(201);
  return res.body;
}

const start = (client: Client, processId: string, deal: string, variables: Record<string, unknown> = {}) => client.post(`/workflows/${processId}/instances`, { record: { entity: 'deal', id: deal }, variables });

async function history(entity: string, id: string): Promise<Record<string, unknown>[]> {
  const res = await admin.get(`/records/${entity}/${id}/history`);
  expect(res.status).toBe(200);
  return res.body.data ?? res.body;
}

async function activitiesOf(deal: string, subject: string): Promise<Record<string, unknown>[]> {
  const res = await admin.get(`/records/activity?filter=${encodeURIComponent(JSON.stringify({ deal: { eq: deal }, subject: { eq: subject } }))}`);
  expect(res.status).toBe(200);
  return res.body.data;
}

test('a process a user starts acts with their rights: another user’s private task is out of its reach', async () => {
  const deal = await samsDeal('Fleet of twelve vans');
  const res = await start(clients.sam!, 'snoop', deal.id, { taskId: privateTask });
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ runAs: 'user', startedBy: users.sam, startedVia: 'user', status: 'active', openIncidents: 1 });
  expect(res.body.incidents[0]).toMatchObject({ elementId: 'read', message: expect.stringContaining(`no activity with id ${privateTask}`) });
  expect(res.body.variables.stolen).toBeUndefined();
  expect(JSON.stringify(res.body)).not.toContain('confidential');
  // The task is as Tina left it, changed by no one.
  expect((await admin.get(`/records/activity/${privateTask}`)).body).toMatchObject({ subject: 'Salary talk with HR', version: 1 });
  expect((await history('activity', privateTask)).map((row) => row.via)).toEqual(['api']);
});

test('platform rights only for a version a workflow administrator deployed with them; the audit names the starter and the instance; the starter does not see its variables', async () => {
  const xml = SNOOP('snoop_platform');
  expect((await clients.sam!.request('POST', '/workflows?platformRights=true', xml, { 'content-type': 'application/xml' })).status).toBe(403);
  const deployed = await admin.request('POST', '/workflows?platformRights=true', xml, { 'content-type': 'application/xml' });
  expect(deployed.status).toBe(201);

  const deal = await samsDeal('Warehouse racks');
  const started = await start(clients.sam!, 'snoop_platform', deal.id, { taskId: privateTask });
  expect(started.status).toBe(201);
  // It read Tina's task with platform rights: Sam, who may not read it, does not get it back.
  expect(started.body.variables.stolen).toBeUndefined();
  expect(JSON.stringify(started.body)).not.toContain('confidential');
  expect(started.body).toMatchObject({ runAs: 'platform', startedBy: users.sam, status: 'completed', variables: {}, variablesHidden: true });
  expect(deployed.body.processes).toEqual([expect.objectContaining({ processId: 'snoop_platform', version: 1, platformRights: true })]);
  const listed = (await admin.get('/workflows')).body.data.find((d: { processId: string }) => d.processId === 'snoop_platform');
  expect(listed.versions).toEqual([expect.objectContaining({ version: 1, platformRights: true })]);
  const bad = await admin.request('POST', '/workflows?platformRights=yes', xml, { 'content-type': 'application/xml' });
  expect(bad.status).toBe(400);
  expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: '/query/platformRights' })]);
  const asSam = await clients.sam!.get(`/instances/${started.body.id}`);
  expect(asSam.status).toBe(200);
  expect(asSam.body).toMatchObject({ variables: {}, variablesHidden: true });
  // A workflow administrator sees everything the instance read.
  expect((await admin.get(`/instances/${started.body.id}`)).body.variables.stolen).toMatchObject({ subject: 'Salary talk with HR' });
  // The change is audited as Sam's, made through this instance.
  const last = (await history('activity', privateTask)).at(-1)!;
  expect(last).toMatchObject({ actor: users.sam, via: 'workflow', instance_id: started.body.id, action: 'update' });

  // Deployed again without the flag: a new version that acts for its starter.
  const again = await admin.request('POST', '/workflows', xml, { 'content-type': 'application/xml' });
  expect(again.body.processes).toEqual([expect.objectContaining({ version: 2, changed: true, platformRights: false })]);
  const plain = await start(clients.sam!, 'snoop_platform', deal.id, { taskId: privateTask });
  expect(plain.body).toMatchObject({ version: 2, runAs: 'user', openIncidents: 1 });
});

test('what a process started by a user creates is theirs (owner and creator); every audit row names them and the instance; they see its variables', async () => {
  const deal = await samsDeal('Office move');
  const res = await start(clients.sam!, 'make', deal.id);
  expect(res.status).toBe(201);
  const [note] = await activitiesOf(deal.id, 'Call the client');
  expect(note).toMatchObject({ owner: users.sam, created_by: users.sam, deal: deal.id });
  // Limited to his own records, he finds it.
  expect((await clients.sam!.get(`/records/activity/${note!.id as string}`)).status).toBe(200);
  expect(res.body).toMatchObject({ runAs: 'user', status: 'completed', recordOwner: users.sam });
  // Sam started it with his own rights: he sees what it read and made.
  expect(res.body.variables.note).toMatchObject({ subject: 'Call the client', owner: users.sam });
  expect((await history('activity', note!.id as string))[0]).toMatchObject({ actor: users.sam, via: 'workflow', instance_id: res.body.id, action: 'create' });
  expect((await history('deal', deal.id)).at(-1)).toMatchObject({ actor: users.sam, via: 'workflow', instance_id: res.body.id, action: 'update', changes: { lost_reason: [null, 'checked by a workflow'] } });
  // Records the user changes himself are audited without an instance.
  expect((await history('deal', deal.id))[0]).toMatchObject({ actor: users.sam, via: 'api', instance_id: null });
});

test('a triggered process acts with platform rights on behalf of the user whose change triggered it; what it creates belongs to the record’s owner', async () => {
  const deal = await samsDeal('Annual service');
  // Max may change any deal but nothing about activities: the triggered process plans the visit regardless.
  const changed = await clients.max!.patch(`/records/deal/${deal.id}`, { follow_up: '2026-12-01', version: deal.version });
  expect(changed.status).toBe(200);
  const [visit] = await activitiesOf(deal.id, 'Visit the client');
  expect(visit).toMatchObject({ owner: users.sam, created_by: users.max, deadline: '2026-12-01T00:00:00.000Z' });
  expect((await clients.sam!.get(`/records/activity/${visit!.id as string}`)).status).toBe(200);
  const [instance] = (await admin.get(`/instances?record=deal:${deal.id}`)).body.data;
  expect(instance).toMatchObject({ processId: 'plan_visit', status: 'completed', runAs: 'platform', startedVia: 'trigger', startedBy: users.max, recordOwner: users.sam });
  expect((await history('activity', visit!.id as string))[0]).toMatchObject({ actor: users.max, via: 'workflow', instance_id: instance.id });
  // Sam may read the deal, and so the instance, but not what a platform-rights instance may have read.
  const asSam = await clients.sam!.get(`/instances/${instance.id as string}`);
  expect(asSam.status).toBe(200);
  expect(asSam.body).toMatchObject({ variables: {}, variablesHidden: true });
});

test('the assignee of a workflow task may open the record it is about while the task is open, read only', async () => {
  const deal = await samsDeal('Solar panels');
  expect((await clients.tina!.get(`/records/deal/${deal.id}`)).status).toBe(404);
  const res = await start(clients.sam!, 'ask', deal.id, { reviewer: 'tina' });
  expect(res.status).toBe(201);
  const [task] = res.body.userTasks;
  const opened = await clients.tina!.get(`/records/deal/${deal.id}`);
  expect(opened.status).toBe(200);
  expect(opened.body).toMatchObject({ id: deal.id, title: 'Solar panels' });
  const activity = (await clients.tina!.get(`/records/activity/${task.activityId as string}`)).body;
  expect(activity).toMatchObject({ assignee: users.tina, owner: users.sam, created_by: users.sam, deal: deal.id });
  expect((await history('activity', task.activityId as string))[0]).toMatchObject({ actor: users.sam, via: 'workflow', instance_id: res.body.id });
  expect((await clients.tina!.get(`/records/deal/${deal.id}/activities`)).status).toBe(200);
  // Reading is all: the deal stays Sam's to change.
  expect((await clients.tina!.patch(`/records/deal/${deal.id}`, { title: 'Mine now', version: opened.body.version })).status).toBe(404);
  // She sees the instance her task belongs to, not what it read with Sam's rights.
  expect((await clients.tina!.get(`/instances/${res.body.id as string}`)).body).toMatchObject({ id: res.body.id, variablesHidden: true });
  // Nor does her task open other deals of Sam's.
  const other = await samsDeal('Heat pumps');
  expect((await clients.tina!.get(`/records/deal/${other.id}`)).status).toBe(404);

  expect((await clients.tina!.post(`/activities/${task.activityId as string}/complete`, {})).status).toBe(200);
  expect((await clients.tina!.get(`/records/deal/${deal.id}`)).status).toBe(404);
});

test('a connector (job) acts as the instance does: the starter’s rights and the instance for the audit', async () => {
  const deal = await samsDeal('Forklift rental');
  const res = await start(clients.sam!, 'who', deal.id);
  expect(res.status).toBe(201);
  const variables = await eventually(async () => {
    const view = (await admin.get(`/instances/${res.body.id as string}`)).body;
    return view.variables.actor !== undefined ? view.variables : undefined;
  }, 15_000, 'the connector job');
  expect(variables).toEqual({ actor: users.sam, instance: res.body.id, userRights: true, deal: 'readable' });
});
