// Candidate groups of BPMN user tasks bind to teams: the task's activity gets the first group that
// names a team, its members find it in "my tasks" (the records API with $me / $myTeams, as the web
// app asks), one of them takes it and completes it; others never see it. Writes naming a team that
// does not exist are refused with a pointer.
import { createTestTeam, createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';
import { crmMiniPackage } from '../support/packages.ts';
import { InstanceDriver, WORKFLOW_CTX } from '../support/workflows.ts';

let env: TestPlatform;
let server: TestServer;
const ids: Record<string, string> = {};
type Client = Awaited<ReturnType<typeof userClient>>;
const clients: Record<string, Client> = {};

const PROCESS = (id: string, groups: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_${id}" targetNamespace="https://tessera.dev/bpmn/test">
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="quote" name="Prepare the quote">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="${groups}" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="quote" />
    <bpmn:sequenceFlow id="f2" sourceRef="quote" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

/** "My tasks" as the web app asks for them: assigned to me, or unassigned in one of my teams' queues. */
const MY_TASKS = { and: [{ kind: 'task' }, { status: 'open' }, { or: [{ assignee: '$me' }, { assignee: { isNull: true }, team: { in: '$myTeams' } }] }] };

async function myTasks(client: Client): Promise<Record<string, unknown>[]> {
  const res = await client.get(`/records/activity?filter=${encodeURIComponent(JSON.stringify(MY_TASKS))}&include=team,assignee`);
  expect(res.status).toBe(200);
  return res.body.data;
}

async function taskOf(d: InstanceDriver): Promise<{ activity_id: string; candidate_groups: string[] }> {
  return (await env.platform.knex('tessera.process_user_tasks').where({ instance_id: d.id }).first('activity_id', 'candidate_groups')) as { activity_id: string; candidate_groups: string[] };
}

beforeAll(async () => {
  env = await startTestPlatform();
  // Operators see and change their own activities only (owner or assignee): the team queue is what shows them the team's.
  const operator = { kind: 'role', id: 't.role.operator', name: 'operator', label: { en: 'Operator' }, permissions: [{ entity: 'activity', read: 'own', create: true, update: 'own', delete: 'own' }] };
  await env.platform.applyMetadata(await crmMiniPackage({ 'roles/operator.json': operator }), { source: 'cli' });
  server = await startTestServer(env.platform);
  ids.sales = await createTestTeam(env.platform, 'sales');
  ids.support = await createTestTeam(env.platform, 'support');
  ids.ana = await createTestUser(env.platform, { login: 'ana', roles: ['operator'], teams: ['sales'] });
  ids.bea = await createTestUser(env.platform, { login: 'bea', roles: ['operator'], teams: ['sales', 'support'] });
  ids.olek = await createTestUser(env.platform, { login: 'olek', roles: ['operator'], teams: ['support'] });
  for (const login of ['ana', 'bea', 'olek']) clients[login] = await userClient(env.platform, `${server.url}/api`, ids[login]!);
  const processes = { quoteSales: 'Sales', quoteFirstKnown: 'nobody, SUPPORT, sales', quoteUnknown: 'nobody, managers', quoteFeel: '=groups' };
  for (const [id, groups] of Object.entries(processes)) await env.platform.processes.deploy(PROCESS(id, groups), { source: 'test', resourceName: `${id}.bpmn` });
}, 120_000);

afterAll(async () => {
  // The server first: it uses the database.
  await server?.close();
  await env?.close();
});

describe('candidate groups → the activity’s team', () => {
  test('candidateGroups="Sales": the activity goes to the Sales team (names match in any case), unassigned; the user task keeps its groups', async () => {
    const d = await InstanceDriver.start(env.platform, 'quoteSales');
    const task = await taskOf(d);
    expect(task.candidate_groups).toEqual(['Sales']);
    const activity = await env.platform.records.get(WORKFLOW_CTX, 'activity', task.activity_id, { include: ['team'] });
    expect(activity).toMatchObject({ kind: 'task', subject: 'Prepare the quote', status: 'open', assignee: null, team: { id: ids.sales, name: 'sales', label: 'sales' } });
    // The group that named the team is the team; the description speaks of the task, not of ids.
    expect(activity.description).not.toContain('Sales');
  });

  test('the first group that names a team wins; groups naming no team leave the team empty and stay in the description', async () => {
    const first = await InstanceDriver.start(env.platform, 'quoteFirstKnown');
    expect((await env.platform.records.get(WORKFLOW_CTX, 'activity', (await taskOf(first)).activity_id)).team).toBe(ids.support);
    const unknown = await InstanceDriver.start(env.platform, 'quoteUnknown');
    const activity = await env.platform.records.get(WORKFLOW_CTX, 'activity', (await taskOf(unknown)).activity_id);
    expect(activity.team).toBeNull();
    expect(activity.description).toMatch(/(Groups|Grupy|Grupuri): nobody, managers$/);
  });

  test('a FEEL list of groups; a team id is a group too', async () => {
    const byId = await InstanceDriver.start(env.platform, 'quoteFeel', { groups: ['nobody', ids.support!] });
    expect((await env.platform.records.get(WORKFLOW_CTX, 'activity', (await taskOf(byId)).activity_id)).team).toBe(ids.support);
    const byName = await InstanceDriver.start(env.platform, 'quoteFeel', { groups: ['SaLeS'] });
    expect((await env.platform.records.get(WORKFLOW_CTX, 'activity', (await taskOf(byName)).activity_id)).team).toBe(ids.sales);
  });
});

describe('"my tasks" of a team', () => {
  test('members of Sales see the task in "my tasks" through the HTTP API; a non-member neither lists nor reads it; a member claims and completes it', async () => {
    const d = await InstanceDriver.start(env.platform, 'quoteSales');
    const { activity_id: id } = await taskOf(d);
    const listed = (await myTasks(clients.ana!)).find((t) => t.id === id);
    expect(listed).toMatchObject({ assignee: null, team: { id: ids.sales, name: 'sales' } });
    expect((await myTasks(clients.bea!)).map((t) => t.id)).toContain(id);
    expect((await myTasks(clients.olek!)).map((t) => t.id)).not.toContain(id);
    // Outside "my tasks" too: the queue is not in a non-member's scope.
    expect((await clients.olek!.get(`/records/activity/${id}`)).status).toBe(404);
    expect((await clients.olek!.patch(`/records/activity/${id}`, { assignee: ids.olek, version: listed!.version })).status).toBe(404);
    // Members see and take the queue, but `delete: own` does not reach it.
    expect((await clients.bea!.delete(`/records/activity/${id}`)).status).toBe(403);

    // Ana takes it: the assignee becomes her, and it leaves the queue of the others.
    const claimed = await clients.ana!.patch(`/records/activity/${id}`, { assignee: ids.ana, version: listed!.version });
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ assignee: ids.ana, team: ids.sales });
    expect((await myTasks(clients.ana!)).find((t) => t.id === id)).toMatchObject({ assignee: { id: ids.ana, login: 'ana' } });
    expect((await myTasks(clients.bea!)).map((t) => t.id)).not.toContain(id);
    expect((await clients.bea!.get(`/records/activity/${id}`)).status).toBe(404);

    // She completes it: the process moves on.
    expect((await clients.ana!.post(`/activities/${id}/complete`, {})).status).toBe(200);
    expect(await d.status()).toBe('completed');
    expect((await myTasks(clients.ana!)).map((t) => t.id)).not.toContain(id);
  });

  test('a user without teams has an empty queue; the tokens of the filter are checked like any operand', async () => {
    const loner = await userClient(env.platform, `${server.url}/api`, await createTestUser(env.platform, { login: 'loner', roles: ['operator'] }));
    expect(await myTasks(loner)).toEqual([]);
    const res = await loner.get(`/records/activity?filter=${encodeURIComponent(JSON.stringify({ team: '$me' }))}`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ pointer: '/query/filter/team/eq', detail: '$me compares with a reference to users; "team" is not one' }]);
  });
});

describe('the team reference on writes', () => {
  test('an unknown team id is refused with 422 problem+json pointing at /team; a known one is stored and included as {id, name, label}', async () => {
    const admin = jsonClient(`${server.url}/api`);
    const missing = await admin.post('/records/activity', { kind: 'task', subject: 'Call back', team: '00000000-0000-4000-8000-000000000000' });
    expect(missing.status).toBe(422);
    expect(missing.contentType).toContain('application/problem+json');
    expect(missing.body.errors).toEqual([{ pointer: '/team', detail: 'no team with id 00000000-0000-4000-8000-000000000000', code: 'REFERENCE_NOT_FOUND' }]);
    const notAnId = await admin.post('/records/activity', { kind: 'task', subject: 'Call back', team: 'sales' });
    expect(notAnId.status).toBe(422);
    expect(notAnId.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/team']);

    const created = await admin.post('/records/activity', { kind: 'task', subject: 'Call back', team: ids.support });
    expect(created.status).toBe(201);
    const read = await admin.get(`/records/activity/${created.body.id}?include=team`);
    expect(read.body.team).toEqual({ id: ids.support, name: 'support', label: 'support' });
  });

  test('deleting a team empties the team of its activities (set null)', async () => {
    const temp = await createTestTeam(env.platform, 'temp');
    const admin = jsonClient(`${server.url}/api`);
    const created = await admin.post('/records/activity', { kind: 'task', subject: 'Temporary', team: temp });
    expect(created.status).toBe(201);
    expect((await admin.delete(`/teams/${temp}`)).status).toBe(204);
    expect((await admin.get(`/records/activity/${created.body.id}`)).body.team).toBeNull();
  });
});
