// The shipped workflows end to end on the default CRM (seed metadata with its triggers, workflows
// deployed as on first start, workers running): record changes made through the records service
// start and move the processes in the same transaction.
import { deployShippedWorkflows, seedPackage } from '../../engine/seeding.ts';
import type { RecordContext } from '../../engine/records/index.ts';
import { accessFor, loadSubject } from '../../engine/access/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { eventually, WORKFLOW_CTX } from '../support/workflows.ts';

let env: TestPlatform;
let ewaUser: string;
let ewa: string;
let contractor: string;
const ctx: RecordContext = { actor: { userId: null, via: 'system' } };

beforeAll(async () => {
  env = await startTestPlatform();
  const { platform } = env;
  await platform.applyMetadata(await seedPackage(), { source: 'seed' });
  expect(await deployShippedWorkflows(platform)).toEqual(['contract-expiry', 'deal-stage-follow-up', 'device-inspection', 'lead-qualification', 'loyalty-points-expiry', 'loyalty-points', 'marketing-generate-opportunities', 'recurring-invoices', 'reservation-expiry', 'service-order-lifecycle', 'task-reminder', 'training-certificates', 'vehicle-mileage-intake', 'vehicle-service-due']);
  // A second call deploys nothing: the processes are there.
  expect(await deployShippedWorkflows(platform)).toEqual([]);
  await platform.processes.startWorkers();
  ewaUser = ((await platform.knex('tessera.users').insert({ login: 'ewa', display_name: 'Ewa Nowak' }).returning('id')) as { id: string }[])[0]!.id;
  ewa = (await platform.records.create(ctx, 'employee', { name: 'Ewa Nowak', user_account: ewaUser })).id as string;
  contractor = (await platform.records.create(ctx, 'contractor', { name: 'Stalbud Sp. z o.o.', contractor_type: 'company', country: 'pl' })).id as string;
}, 60_000);

afterAll(async () => {
  await env?.close();
});

async function openTasks(entity: string, id: string) {
  return (await env.platform.records.list(ctx, 'activity', { filter: { [entity]: { eq: id }, kind: { eq: 'task' } }, sort: 'created_at' })).data;
}

async function update(entity: string, id: string, values: Record<string, unknown>) {
  const current = await env.platform.records.get(ctx, entity, id);
  return env.platform.records.update(ctx, entity, id, values, { expectedVersion: current.version as number });
}

describe('deal stages (WinMENTOR style)', () => {
  test('a deal entering a stage gives the stage delegate a follow-up task due at the follow-up date; the next stage replaces it', async () => {
    const deal = await env.platform.records.create(ctx, 'deal', { name: 'Flota 12 aut', contractor, stage_delegate: ewa, follow_up_date: '2026-12-01' });
    const [first] = await openTasks('deal', deal.id as string);
    expect(first).toMatchObject({ subject: 'Skontaktuj się w sprawie transakcji: Flota 12 aut', status: 'open', assignee: ewaUser, deadline: '2026-12-01T09:00:00.000Z', priority: 'high' });

    await update('deal', deal.id as string, { stage: 'offering', follow_up_date: '2026-12-05' });
    const tasks = await openTasks('deal', deal.id as string);
    expect(tasks.map((t) => [t.status, t.deadline])).toEqual([
      ['cancelled', '2026-12-01T09:00:00.000Z'],
      ['open', '2026-12-05T09:00:00.000Z'],
    ]);
    const instances = await env.platform.knex('tessera.process_instances').where({ business_entity: 'deal', business_id: deal.id }).orderBy('started_at').select('status');
    expect(instances.map((i: { status: string }) => i.status)).toEqual(['completed', 'active']);
  });

  test('without a stage delegate nothing starts; completing the task ends its instance', async () => {
    const quiet = await env.platform.records.create(ctx, 'deal', { name: 'Bez delegata', contractor });
    expect(await openTasks('deal', quiet.id as string)).toEqual([]);
    const deal = await env.platform.records.create(ctx, 'deal', { name: 'Serwis roczny', contractor, stage_delegate: ewa });
    const [task] = await openTasks('deal', deal.id as string);
    // No follow-up date: due in three days.
    expect(task!.deadline).toMatch(/T09:00:00.000Z$/);
    const { instanceId } = await env.platform.processes.completeActivity(WORKFLOW_CTX, task!.id as string, {});
    expect((await env.platform.knex('tessera.process_instances').where({ id: instanceId }).first('status')).status).toBe('completed');
  });

  test('a salesperson who is the stage delegate of a colleague’s deal opens that deal while the follow-up task is open', async () => {
    const { platform } = env;
    const asUser = async (login: string): Promise<RecordContext> => {
      const id = ((await platform.knex('tessera.users').insert({ login, display_name: login, roles: ['salesperson'] }).returning('id')) as { id: string }[])[0]!.id;
      return { actor: { userId: id, via: 'api', access: accessFor(platform.runtime.snapshot.model, (await loadSubject(platform.knex, id))!) } };
    };
    const owner = await asUser('olga');
    const delegate = await asUser('piotr');
    const employee = (await platform.records.create(ctx, 'employee', { name: 'Piotr Zieliński', user_account: delegate.actor.userId })).id as string;
    // Olga's deal: salespeople read their own deals only.
    const deal = await platform.records.create(owner, 'deal', { name: 'Modernizacja magazynu', contractor, stage_delegate: employee });
    const [task] = await openTasks('deal', deal.id as string);
    // The task is Piotr's; the deal it is about opens for him (read only) while it is open.
    expect(await platform.records.get(delegate, 'deal', deal.id as string)).toMatchObject({ name: 'Modernizacja magazynu' });
    expect(await platform.records.get(delegate, 'activity', task!.id as string)).toMatchObject({ deal: deal.id });
    // The trigger acted on Olga's change: the task is hers (the deal's owner) and made by her.
    expect(task).toMatchObject({ assignee: delegate.actor.userId, owner: owner.actor.userId, created_by: owner.actor.userId });
    await expect(platform.records.update(delegate, 'deal', deal.id as string, { name: 'x' }, { expectedVersion: deal.version as number })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await platform.processes.completeActivity(delegate, task!.id as string, {});
    await expect(platform.records.get(delegate, 'deal', deal.id as string)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('service orders (enova style)', () => {
  test('a status change produces the client notification; the technician gets the repair task, completing it sets the order ready', async () => {
    const person = await env.platform.records.create(ctx, 'person', { first_name: 'Jan', last_name: 'Kowalski', contractor, mobile: '+48 601 200 300' });
    const order = await env.platform.records.create(ctx, 'service_order', {
      order_type: 'repair',
      received_at: '2026-11-20T10:00:00Z',
      priority: 'normal',
      contractor,
      person: person.id,
      problem: 'Drukarka nie pobiera papieru.',
      notify_sms: true,
    });
    const notifications = () => env.platform.knex('tessera.notifications').where({ record_entity: 'service_order', record_id: order.id }).orderBy('id');
    expect(await notifications()).toEqual([
      expect.objectContaining({ channel: 'sms', status: 'pending', recipient_entity: 'person', recipient_id: person.id, address: '+48 601 200 300', subject: expect.stringContaining('zostało przyjęte') }),
    ]);

    await update('service_order', order.id as string, { technician: ewa, status: 'in_repair', promised_date: '2026-11-25' });
    const [repair] = await openTasks('service_order', order.id as string);
    expect(repair).toMatchObject({ subject: expect.stringMatching(/^Napraw urządzenie: ZS\/\d{4}\/\d{4}$/), assignee: ewaUser, deadline: '2026-11-25T16:00:00.000Z', status: 'open' });

    await expect(env.platform.processes.completeActivity(WORKFLOW_CTX, repair!.id as string, {})).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await env.platform.processes.completeActivity(WORKFLOW_CTX, repair!.id as string, { work_done: 'Wymieniono rolkę pobierającą.', labour_hours: 1.5 });
    const ready = await env.platform.records.get(ctx, 'service_order', order.id as string);
    expect(ready).toMatchObject({ status: 'ready', work_done: 'Wymieniono rolkę pobierającą.', labour_hours: 1.5 });
    expect((await notifications()).map((n: { channel: string; subject: string }) => [n.channel, n.subject])).toEqual([
      ['sms', expect.stringContaining('zostało przyjęte')],
      ['sms', expect.stringContaining('jest gotowe do odbioru')],
    ]);

    await update('service_order', order.id as string, { status: 'released', released_at: '2026-11-26T12:00:00Z' });
    const instance = await env.platform.knex('tessera.process_instances').where({ business_entity: 'service_order', business_id: order.id }).first('status');
    expect(instance.status).toBe('completed');
  });

  test('set to ready by hand: the repair task ends (its activity cancelled) and the client is told', async () => {
    const order = await env.platform.records.create(ctx, 'service_order', { order_type: 'inspection', received_at: '2026-11-21T09:00:00Z', priority: 'low', contractor, problem: 'Przegląd.', notify_sms: false, notify_email: true });
    await update('service_order', order.id as string, { technician: ewa, status: 'in_repair' });
    await update('service_order', order.id as string, { work_done: 'Przegląd wykonany.', status: 'ready' });
    const [repair] = await openTasks('service_order', order.id as string);
    expect(repair!.status).toBe('cancelled');
    const sent = await env.platform.knex('tessera.notifications').where({ record_entity: 'service_order', record_id: order.id }).orderBy('id').select('channel', 'subject', 'recipient_entity');
    expect(sent).toEqual([
      { channel: 'email', subject: expect.stringContaining('zostało przyjęte'), recipient_entity: 'contractor' },
      { channel: 'email', subject: expect.stringContaining('jest gotowe do odbioru'), recipient_entity: 'contractor' },
    ]);
  });

  test('cancelling the order ends its process', async () => {
    const order = await env.platform.records.create(ctx, 'service_order', { order_type: 'repair', received_at: '2026-11-21T09:00:00Z', priority: 'low', contractor, problem: 'X' });
    await update('service_order', order.id as string, { status: 'cancelled' });
    const instance = await env.platform.knex('tessera.process_instances').where({ business_entity: 'service_order', business_id: order.id }).first('status');
    expect(instance.status).toBe('completed');
  });
});

describe('leads', () => {
  test('a new lead gets a qualification task; the decision in its form moves the lead', async () => {
    const lead = await env.platform.records.create(ctx, 'lead', { title: 'Wdrożenie CRM w hurtowni', service_responsible: ewa });
    const [task] = await openTasks('lead', lead.id as string);
    expect(task).toMatchObject({ subject: 'Zakwalifikuj leada: Wdrożenie CRM w hurtowni', assignee: ewaUser, status: 'open' });
    await env.platform.processes.completeActivity(WORKFLOW_CTX, task!.id as string, { decision: 'disqualified', reason: 'Brak budżetu' });
    expect(await env.platform.records.get(ctx, 'lead', lead.id as string)).toMatchObject({ status: 'disqualified', disqualification_reason: 'Brak budżetu' });
    // Without a reason, the one the workflow writes is in the business language (the package's default, Polish).
    const quiet = await env.platform.records.create(ctx, 'lead', { title: 'Bez powodu', service_responsible: ewa });
    const [next] = await openTasks('lead', quiet.id as string);
    await env.platform.processes.completeActivity(WORKFLOW_CTX, next!.id as string, { decision: 'disqualified' });
    expect(await env.platform.records.get(ctx, 'lead', quiet.id as string)).toMatchObject({ status: 'disqualified', disqualification_reason: 'Zdyskwalifikowany w zadaniu kwalifikacji' });
  });

  test('a lead qualified by hand ends the task', async () => {
    const lead = await env.platform.records.create(ctx, 'lead', { title: 'Leasing floty' });
    const [task] = await openTasks('lead', lead.id as string);
    expect(task!.assignee).toBeNull();
    await update('lead', lead.id as string, { status: 'qualified' });
    expect((await openTasks('lead', lead.id as string))[0]!.status).toBe('cancelled');
  });
});

describe('workflow tasks reach somebody, in their language (issue #10 item 5)', () => {
  const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
  const userCtx = async (login: string, language: string): Promise<{ id: string; ctx: RecordContext }> => {
    const id = ((await env.platform.knex('tessera.users').insert({ login, display_name: login, language }).returning('id')) as { id: string }[])[0]!.id;
    return { id, ctx: { actor: { userId: id, via: 'system' } } };
  };

  test('a lead with nobody responsible goes to its owner, in the owner’s language, with a description for people', async () => {
    const radu = await userCtx('radu', 'ro');
    const lead = await env.platform.records.create(radu.ctx, 'lead', { title: 'Echipamente pentru depozit' });
    const [task] = await openTasks('lead', lead.id as string);
    expect(task).toMatchObject({ subject: 'Califică lead-ul: Echipamente pentru depozit', assignee: radu.id, status: 'open' });
    expect(task!.description).toBe('Verifică lead-ul (nevoi, buget, cine decide) și alege în formularul sarcinii: calificat sau descalificat, cu motivul.\nPrivește: Lead „Echipamente pentru depozit”');
    expect(task!.description).not.toMatch(UUID);
    expect(task!.description).not.toContain('camunda-forms');
  });

  test('a stage delegate without a user account: the deal’s owner gets the follow-up, in English when that is their language', async () => {
    const john = await userCtx('john', 'en');
    const delegate = (await env.platform.records.create(ctx, 'employee', { name: 'Jan Bez Konta' })).id as string;
    const deal = await env.platform.records.create(john.ctx, 'deal', { name: 'Forklift fleet', contractor, stage_delegate: delegate });
    const [task] = await openTasks('deal', deal.id as string);
    expect(task).toMatchObject({ subject: 'Follow up the deal: Forklift fleet', assignee: john.id, status: 'open' });
    expect(task!.description).toBe('The deal entered a new stage. Contact the client, log the outcome as an activity and mark this task done.\nAbout: Deal “Forklift fleet”');
  });

  test('the technician without a user account: the order’s owner gets the repair task; a task for nobody speaks the business language (Polish)', async () => {
    const ola = await userCtx('ola', 'pl');
    const technician = (await env.platform.records.create(ctx, 'employee', { name: 'Technik Bez Konta' })).id as string;
    const order = await env.platform.records.create(ola.ctx, 'service_order', { order_type: 'repair', received_at: '2026-11-21T09:00:00Z', priority: 'low', contractor, problem: 'Nie drukuje.' });
    await update('service_order', order.id as string, { technician, status: 'in_repair' });
    const [repair] = await openTasks('service_order', order.id as string);
    expect(repair).toMatchObject({ subject: `Napraw urządzenie: ${String(order.number)}`, assignee: ola.id });
    expect(repair!.description).toContain(`Dotyczy: Zlecenie serwisowe „${String(order.number)}”`);
    // Nobody owns a lead made by the platform: unassigned, in the package's language.
    const lead = await env.platform.records.create(ctx, 'lead', { title: 'Bez właściciela' });
    const [task] = await openTasks('lead', lead.id as string);
    expect(task).toMatchObject({ subject: 'Zakwalifikuj leada: Bez właściciela', assignee: null });
  });
});

describe('task reminders', () => {
  test('a reminder fires N days before the deadline (timer computed with FEEL from the deadline)', async () => {
    const deadline = new Date(Date.now() + 24 * 3600_000 + 3000);
    const task = await env.platform.records.create(ctx, 'activity', { kind: 'task', subject: 'Oddzwonić do klienta', assignee: ewaUser, deadline: deadline.toISOString(), reminder: 'one_day_before', remind_by: 'message' });
    const instance = await env.platform.knex('tessera.process_instances').where({ process_id: 'task-reminder', business_id: task.id }).first('id');
    const [timer] = await env.platform.knex('tessera.process_timers').where({ instance_id: instance.id });
    // The deadline as stored (milliseconds dropped by FEEL), one day earlier.
    expect(Math.abs(timer.due_at.getTime() - (deadline.getTime() - 24 * 3600_000))).toBeLessThan(1000);
    const notification = await eventually(async () => (await env.platform.processes.notifications.forUser(ewaUser)).find((n) => n.subject === 'Przypomnienie: Oddzwonić do klienta'), 10_000, 'the reminder');
    expect(notification.record).toEqual({ entity: 'activity', id: task.id });
  }, 20_000);

  test('moving the deadline replaces the pending reminder; resolving the task drops it', async () => {
    const task = await env.platform.records.create(ctx, 'activity', { kind: 'task', subject: 'Wysłać ofertę', assignee: ewaUser, deadline: '2030-05-10T12:00:00Z', reminder: 'two_days_before' });
    const instances = () => env.platform.knex('tessera.process_instances').where({ process_id: 'task-reminder', business_id: task.id }).orderBy('started_at').select('id', 'status');
    await update('activity', task.id as string, { deadline: '2030-06-10T12:00:00Z' });
    const [old, current] = await instances();
    expect([old!.status, current!.status]).toEqual(['completed', 'active']);
    const [timer] = await env.platform.knex('tessera.process_timers').where({ instance_id: current!.id });
    expect(timer.due_at.toISOString()).toBe('2030-06-08T12:00:00.000Z');
    await update('activity', task.id as string, { status: 'resolved' });
    expect((await instances()).map((i: { status: string }) => i.status)).toEqual(['completed', 'completed']);
  });
});

describe('upgrades', () => {
  const latest = async (processId: string) =>
    (await env.platform.knex('tessera.process_definitions as d').join('tessera.process_deployments as p', 'p.id', 'd.deployment_id').where('d.process_id', processId).orderBy('d.version', 'desc').first('d.version', 'p.source', 'p.xml')) as { version: number; source: string; xml: string };

  test('a process whose latest version is an earlier shipped one gets the shipped version; an analyst’s version is kept', async () => {
    const { platform } = env;
    const shipped = await latest('task-reminder');
    // An earlier release shipped another version of it.
    await platform.processes.deploy(shipped.xml.replace('name="Remind the assignee"', 'name="Remind the assignee (old)"'), { source: 'seed', resourceName: 'task-reminder.bpmn' });
    expect((await latest('task-reminder')).xml).toContain('(old)');
    // An analyst changed another one.
    const analysts = (await latest('lead-qualification')).xml.replace('name="Qualify the lead"', 'name="Qualify the lead (ours)"');
    await platform.processes.deploy(analysts, { source: 'api', resourceName: 'lead-qualification.bpmn' });
    expect(await deployShippedWorkflows(platform)).toEqual(['task-reminder']);
    expect((await latest('task-reminder')).xml).not.toContain('(old)');
    expect((await latest('lead-qualification')).xml).toContain('(ours)');
    expect(await deployShippedWorkflows(platform)).toEqual([]);
  });
});
