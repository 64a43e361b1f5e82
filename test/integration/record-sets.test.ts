// Work over sets of records on the default CRM: the partner's history (a contractor's timeline with
// the activities of its deals, offers… — only what the reader may read), the query task
// (tessera:query-records) with the instance's rights, and the shipped timer-started processes over it.
import { readFileSync } from 'node:fs';
import { seedPackage, SHIPPED_WORKFLOWS_DIR } from '../../engine/seeding.ts';
import type { RecordContext } from '../../engine/records/index.ts';
import { validatePackage } from '../../metadata/index.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';
import { InstanceDriver } from '../support/workflows.ts';

let env: TestPlatform;
let server: TestServer;
const ids: Record<string, string> = {};
const system: RecordContext = { actor: { userId: null, via: 'system' } };
const as = (userId: string): RecordContext => ({ actor: { userId, via: 'system', owner: userId } });

const isoDay = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata(await seedPackage(), { source: 'seed' });
  for (const file of ['contract-expiry', 'device-inspection', 'reservation-expiry', 'marketing-generate-opportunities']) {
    await env.platform.processes.deploy(readFileSync(`${SHIPPED_WORKFLOWS_DIR}${file}.bpmn`, 'utf8'), { source: 'test', resourceName: `${file}.bpmn` });
  }
  server = await startTestServer(env.platform);
  ids.ola = await createTestUser(env.platform, { login: 'ola', roles: ['salesperson'] });
  ids.piotr = await createTestUser(env.platform, { login: 'piotr', roles: ['salesperson'] });
  const records = env.platform.records;
  ids.contractor = (await records.create(as(ids.ola), 'contractor', { name: 'Stalbud Sp. z o.o.', contractor_type: 'company', country: 'pl' })).id as string;
  ids.olaDeal = (await records.create(as(ids.ola), 'deal', { name: 'Flota 12 aut', contractor: ids.contractor })).id as string;
  ids.piotrDeal = (await records.create(as(ids.piotr), 'deal', { name: 'Serwis floty', contractor: ids.contractor })).id as string;
  const activity = (userId: string, values: Record<string, unknown>) => records.create(as(userId), 'activity', values);
  await activity(ids.ola, { kind: 'note', subject: 'Note on the contractor', contractor: ids.contractor });
  await activity(ids.ola, { kind: 'task', subject: 'Task on Ola’s deal', deal: ids.olaDeal });
  await activity(ids.ola, { kind: 'call', subject: 'Call on Piotr’s deal', deal: ids.piotrDeal });
  await activity(ids.piotr, { kind: 'task', subject: 'Piotr’s task on Ola’s deal', deal: ids.olaDeal });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

describe("the partner's history", () => {
  const subjects = (body: { data: { subject: string }[] }) => body.data.map((a) => a.subject).sort();

  test("the contractor's timeline rolls in its deals' activities, newest first; the administrator sees them all", async () => {
    const admin = jsonClient(`${server.url}/api`);
    const res = await admin.get(`/records/contractor/${ids.contractor}/activities?include=deal`);
    expect(res.status).toBe(200);
    expect(subjects(res.body)).toEqual(['Call on Piotr’s deal', 'Note on the contractor', 'Piotr’s task on Ola’s deal', 'Task on Ola’s deal']);
    const times = res.body.data.map((a: { created_at: string }) => a.created_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(res.body.data.find((a: { subject: string }) => a.subject === 'Task on Ola’s deal').deal).toMatchObject({ id: ids.olaDeal, name: 'Flota 12 aut' });
  });

  test('a reader sees neither activities they may not read nor those of related records they may not read', async () => {
    const ola = await userClient(env.platform, `${server.url}/api`, ids.ola!);
    const res = await ola.get(`/records/contractor/${ids.contractor}/activities`);
    expect(res.status).toBe(200);
    expect(subjects(res.body)).toEqual(['Note on the contractor', 'Task on Ola’s deal']);
  });

  test('filtered by kind, own links only, and page by page', async () => {
    const admin = jsonClient(`${server.url}/api`);
    expect(subjects((await admin.get(`/records/contractor/${ids.contractor}/activities?kind=task`)).body)).toEqual(['Piotr’s task on Ola’s deal', 'Task on Ola’s deal']);
    expect(subjects((await admin.get(`/records/contractor/${ids.contractor}/activities?kind=call,note`)).body)).toEqual(['Call on Piotr’s deal', 'Note on the contractor']);
    expect(subjects((await admin.get(`/records/contractor/${ids.contractor}/activities?scope=own`)).body)).toEqual(['Note on the contractor']);
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const page: { body: { data: { subject: string }[]; next: string | null } } = await admin.get(`/records/contractor/${ids.contractor}/activities?limit=3${next ? `&after=${encodeURIComponent(next)}` : ''}`);
      seen.push(...page.body.data.map((a) => a.subject));
      next = page.body.next;
    } while (next);
    expect(seen).toHaveLength(4);
    expect((await admin.get(`/records/contractor/${ids.contractor}/activities?scope=mine`)).status).toBe(400);
  });

  test('metadata: a timeline include must name a type with activities and its reference to this type', async () => {
    const pkg = await seedPackage();
    const contractor = pkg.files['entities/contractor.json'] as { timeline: { include: { from: string; via: string }[] } };
    contractor.timeline.include.push({ from: 'deal', via: 'person' }, { from: 'rental', via: 'contractor' });
    const result = validatePackage(pkg);
    if (result.ok) throw new Error('the package should be refused');
    const pointers = result.errors.filter((e) => e.file === 'entities/contractor.json').map((e) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/timeline/include/6/via', '/timeline/include/7/from']));
  });
});

describe('the query task', () => {
  const QUERY = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="my-deals" isExecutable="true">
    <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="query" />
    <bpmn:serviceTask id="query"><bpmn:extensionElements><zeebe:taskDefinition type="tessera:query-records" />
      <zeebe:ioMapping><zeebe:input source="deal" target="entity" /><zeebe:input source="={contractor: recordId}" target="filter" /><zeebe:input source="name" target="sort" /><zeebe:input source="deals" target="resultVariable" /></zeebe:ioMapping>
    </bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="query" targetRef="each" />
    <bpmn:serviceTask id="each"><bpmn:extensionElements><zeebe:taskDefinition type="tessera:get-record" />
      <zeebe:ioMapping><zeebe:input source="deal" target="entity" /><zeebe:input source="=deal.id" target="id" /><zeebe:output source="=record.name" target="seen" /></zeebe:ioMapping>
    </bpmn:extensionElements>
      <bpmn:multiInstanceLoopCharacteristics isSequential="true"><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=deals" inputElement="deal" outputCollection="names" outputElement="=seen" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="each" targetRef="end" /><bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

  test("started by a user, it collects only the rows that user may read, and a multi-instance activity runs over them", async () => {
    const admin = jsonClient(`${server.url}/api`);
    expect((await admin.request('POST', '/workflows', QUERY, { 'content-type': 'application/xml' })).status).toBe(201);
    const ola = await userClient(env.platform, `${server.url}/api`, ids.ola!);
    const started = await ola.post('/workflows/my-deals/instances', { record: { entity: 'contractor', id: ids.contractor }, variables: { recordId: ids.contractor } });
    expect(started.status).toBe(201);
    expect(started.body.status).toBe('completed');
    const olaVars = await new InstanceDriver(env.platform, started.body.id).rootVariables();
    expect((olaVars.deals as { id: string }[]).map((d) => d.id)).toEqual([ids.olaDeal]);
    expect(olaVars).toMatchObject({ dealsCount: 1, names: ['Flota 12 aut'] });

    const byAdmin = await admin.post('/workflows/my-deals/instances', { record: { entity: 'contractor', id: ids.contractor }, variables: { recordId: ids.contractor } });
    const adminVars = await new InstanceDriver(env.platform, byAdmin.body.id).rootVariables();
    expect(adminVars).toMatchObject({ dealsCount: 2, names: ['Flota 12 aut', 'Serwis floty'] });
  });
});

describe('shipped timer-started processes', () => {
  /** Fires the process's start timer now, as its pg-boss job would. */
  async function fireStartTimer(processId: string): Promise<void> {
    const timer = (await env.platform.knex('tessera.process_timers').where({ process_id: processId }).whereNull('instance_id').first('id')) as { id: string };
    await env.platform.processes.transact((session) => session.fireStartTimer(timer.id));
  }

  test('contracts expiring in 30 days: a task to the owner, linked to the contract; other contracts untouched', async () => {
    const make = (title: string, validTo: string, status = 'active') =>
      env.platform.records.create(as(ids.ola!), 'contract', { title, contract_type: 'service', status, contractor: ids.contractor, valid_from: isoDay(-300), valid_to: validTo });
    // Deployed, the daily check waits a day (a cycle with a past start date would catch up on every missed day at once).
    const [due] = (await env.platform.knex('tessera.process_timers').where({ process_id: 'contract-expiry' }).whereNull('instance_id').select('due_at')) as { due_at: Date }[];
    expect(due!.due_at.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    const expiring = await make('Serwis 2026', isoDay(30));
    await make('Later', isoDay(31));
    await make('Already ended', isoDay(30), 'expired');
    await fireStartTimer('contract-expiry');
    const instance = (await env.platform.knex('tessera.process_instances').where({ process_id: 'contract-expiry' }).first('status', 'started_via')) as { status: string; started_via: string };
    expect(instance).toEqual({ status: 'completed', started_via: 'timer' });
    const tasks = (await env.platform.records.list(system, 'activity', { filter: { contract: { isNull: false } } })).data;
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ kind: 'task', contract: expiring.id, assignee: ids.ola, priority: 'high' });
    expect(String(tasks[0]!.subject)).toBe(`Umowa wygasa ${isoDay(30)}: Serwis 2026`);
  });

  test('planned device inspections: a task to the owner due on the inspection date, once per device and date even when run twice', async () => {
    const make = (name: string, nextInspection: string) => env.platform.records.create(as(ids.ola!), 'device', { name, serial_no: `SN-${name}`, next_inspection: nextInspection });
    const due = await make('Kserokopiarka KM-2540', isoDay(7));
    await make('Drukarka later', isoDay(8));
    await make('Drukarka earlier', isoDay(6));
    await fireStartTimer('device-inspection');
    await fireStartTimer('device-inspection');
    const statuses = (await env.platform.knex('tessera.process_instances').where({ process_id: 'device-inspection' }).pluck('status')) as string[];
    expect(statuses).toEqual(['completed', 'completed']);
    const tasks = (await env.platform.records.list(system, 'activity', { filter: { device: { isNull: false } } })).data;
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ kind: 'task', device: due.id, assignee: ids.ola });
    expect(String(tasks[0]!.deadline).slice(0, 10)).toBe(isoDay(7));
    expect(String(tasks[0]!.subject)).toBe(`Przegląd urządzenia ${isoDay(7)}: Kserokopiarka KM-2540`);
  });

  test('reservation blocks past their end are set expired; current ones and plain reservations stay', async () => {
    const block = (title: string, endsInHours: number, type = 'block') =>
      env.platform.records.create(system, 'reservation', { title, reservation_type: type, starts_at: new Date(Date.now() - 48 * 3600_000).toISOString(), ends_at: new Date(Date.now() + endsInHours * 3600_000).toISOString() });
    const past = await block('Past block', -1);
    const current = await block('Current block', 5);
    const reservation = await block('Past reservation', -1, 'reservation');
    await fireStartTimer('reservation-expiry');
    const status = async (id: unknown) => (await env.platform.records.get(system, 'reservation', String(id))).status;
    expect(await status(past.id)).toBe('expired');
    expect(await status(current.id)).toBe('booked');
    expect(await status(reservation.id)).toBe('booked');
  });
});

describe('marketing actions', () => {
  test('members come from the declared filter; the scenario runs per member; a second start adds nothing; results per outcome', async () => {
    const admin = jsonClient(`${server.url}/api`);
    const one = (await admin.post('/records/contractor', { name: 'Rombat SRL', contractor_type: 'company', country: 'ro' })).body.id as string;
    const two = (await admin.post('/records/contractor', { name: 'Carpați SA', contractor_type: 'company', country: 'ro' })).body.id as string;
    const action = (await admin.post('/records/marketing_action', { name: 'Wiosna', action_type: 'telemarketing', member_filter: { country: 'ro' } })).body;
    expect(action.status).toBe('open');
    const started = await admin.post(`/records/marketing_action/${action.id}/start`, {});
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ found: 2, started: 2, failed: 0, progress: { total: 2, completed: 2, running: 0, failed: 0, outcomes: { created: 2 } } });
    const deals = async () => (await env.platform.records.list(system, 'deal', { filter: { name: { startsWith: 'Wiosna: ' } }, sort: 'name' })).data;
    expect((await deals()).map((d) => [d.name, d.contractor])).toEqual([
      ['Wiosna: Carpați SA', two],
      ['Wiosna: Rombat SRL', one],
    ]);
    const card = await env.platform.records.get(system, 'marketing_action', action.id);
    expect(card.status).toBe('executing');
    expect((card.contractors as { id: string }[]).map((l) => l.id).sort()).toEqual([one, two].sort());
    // Started again: the members already run; nothing new.
    const again = await admin.post(`/records/marketing_action/${action.id}/start`, {});
    expect(again.body).toMatchObject({ found: 2, started: 0, progress: { total: 2, outcomes: { created: 2 } } });
    expect(await deals()).toHaveLength(2);
    // Another action of the same name finds the deals there: idempotent generation.
    const twin = (await admin.post('/records/marketing_action', { name: 'Wiosna', action_type: 'telemarketing', member_filter: { country: 'ro' } })).body;
    expect((await admin.post(`/records/marketing_action/${twin.id}/start`, {})).body.progress).toMatchObject({ total: 2, completed: 2, outcomes: { existing: 2 } });
    expect(await deals()).toHaveLength(2);
    expect((await admin.get(`/records/marketing_action/${action.id}/progress`)).body).toMatchObject({ total: 2, completed: 2 });
  });

  test('an action without a member filter, or with a filter lists refuse, is refused with a pointer', async () => {
    const admin = jsonClient(`${server.url}/api`);
    const none = (await admin.post('/records/marketing_action', { name: 'Pusta', action_type: 'mailing' })).body;
    const res = await admin.post(`/records/marketing_action/${none.id}/start`, {});
    expect(res.status).toBe(422);
    expect(res.body.errors ?? res.body.problems).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/member_filter' })]));
    const bad = (await admin.post('/records/marketing_action', { name: 'Zła', action_type: 'mailing', member_filter: { shoe_size: 42 } })).body;
    expect((await admin.post(`/records/marketing_action/${bad.id}/start`, {})).status).toBe(422);
  });
});

describe('bulk actions from lists', () => {
  test('a workflow per selected record, as the user: records they may not change are reported, the rest run; progress by run', async () => {
    const ola = await userClient(env.platform, `${server.url}/api`, ids.ola!);
    const foreign = (await env.platform.records.create(as(ids.piotr!), 'contractor', { name: 'Piotra klient', contractor_type: 'company', country: 'pl' })).id as string;
    const res = await ola.post('/records/contractor/bulk/workflow', { processId: 'my-deals', ids: [ids.contractor, foreign], variables: { recordId: ids.contractor } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ started: 1, failed: 1, progress: { total: 2, completed: 1, failed: 1 } });
    expect(res.body.members[1]).toMatchObject({ id: foreign, error: { code: 'FORBIDDEN' } });
    expect((await ola.get(`/record-sets/${res.body.runId}`)).body).toMatchObject({ total: 2, completed: 1 });
    // Another user does not see the run; bad input is a 4xx with pointers.
    const piotr = await userClient(env.platform, `${server.url}/api`, ids.piotr!);
    expect((await piotr.get(`/record-sets/${res.body.runId}`)).status).toBe(404);
    const bad = await ola.post('/records/contractor/bulk/workflow', { processId: 'my-deals', ids: ['nope'] });
    expect(bad.status).toBe(422);
  });
});
