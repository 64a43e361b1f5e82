// One test per supported BPMN element through the persisted runtime: every move is a step
// transaction on the database, and the outcome is read back from the instance row, the history and
// the index tables (timers, subscriptions, user tasks, incidents). Jobs are completed by delivering
// their result as a worker would; timers are fired the same way (the workers' own timing is tested in
// workflows-workers.test.ts).
import { loadPackageDir } from '../../metadata/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { deployFixture, InstanceDriver, WORKFLOW_CTX } from '../support/workflows.ts';

let env: TestPlatform;
const FIXTURE_JOB_TYPES = ['charge-card', 'send-reminder', 'child-work', 'publish-message', 'do-work', 'remind', 'notify', 'credit-check', 'send-email', 'score-lead', 'create-account', 'publish-announcement'];
const FIXTURES = [
  'start-none', 'start-message', 'start-timer', 'end-error', 'end-message', 'end-terminate', 'user-task', 'service-task', 'send-task', 'receive-task', 'manual-task',
  'exclusive-gateway', 'exclusive-no-default', 'parallel-gateway', 'inclusive-gateway', 'event-based-gateway', 'catch-timer', 'catch-message', 'catch-signal', 'throw-message',
  'throw-signal', 'boundary-timer', 'boundary-timer-cycle', 'boundary-message', 'boundary-error', 'subprocess', 'event-subprocess', 'event-subprocess-nested',
  'event-subprocess-error', 'call-activity', 'multi-instance', 'multi-instance-completion', 'loop-without-wait',
];

beforeAll(async () => {
  env = await startTestPlatform();
  const { package: files } = await loadPackageDir(new URL('../fixtures/packages/crm-mini/', import.meta.url).pathname);
  await env.platform.applyMetadata(files, { source: 'cli' });
  await env.platform.knex('tessera.users').insert({ login: 'ana', display_name: 'Ana' });
  // Connector types the fixtures name; no workers run here, so their jobs wait until a test completes them.
  for (const type of FIXTURE_JOB_TYPES) await env.platform.processes.registerTaskType({ type, mode: 'job', handler: async () => ({}) });
  for (const fixture of FIXTURES) await deployFixture(env.platform, fixture);
}, 120_000);

afterAll(async () => {
  await env?.close();
});

const start = (processId: string, variables = {}, startEventId?: string) => InstanceDriver.start(env.platform, processId, variables, startEventId);

async function rows(table: string, instanceId: string): Promise<Record<string, unknown>[]> {
  return (await env.platform.knex(`tessera.${table}`).where({ instance_id: instanceId })) as Record<string, unknown>[];
}

describe('start and end events', () => {
  test('none start → none end: completed, history entered/left, no index rows left', async () => {
    const d = await start('startNone', { a: 1 });
    expect(await d.status()).toBe('completed');
    expect(await d.completedElements()).toEqual(['start', 'end']);
    const row = await env.platform.knex('tessera.process_instances').where({ id: d.id }).first();
    expect(row.ended_at).not.toBeNull();
    expect(row.state.variables[row.state.rootElementInstanceId]).toEqual({ a: 1 });
  });

  test('message start: a published message starts the latest version with its variables', async () => {
    const result = await env.platform.processes.publishMessage('lead-created', '', { leadId: 'L-1' });
    expect(result.started).toHaveLength(1);
    const d = new InstanceDriver(env.platform, result.started[0]!);
    expect(await d.status()).toBe('completed');
    expect(await d.rootVariables()).toEqual({ leadId: 'L-1' });
  });

  test('timer start: the deploy registered a start timer row and its pg-boss job', async () => {
    const timers = await env.platform.knex('tessera.process_timers').where({ process_id: 'startTimer' }).whereNull('instance_id');
    expect(timers).toHaveLength(1);
    expect(timers[0].due_at.toISOString()).toBe('2030-01-01T09:00:00.000Z');
    const job = await env.platform.knex('tessera_jobs.job').where({ id: timers[0].id }).first('name', 'state');
    expect(job).toEqual({ name: 'tessera.timer', state: 'created' });
  });

  test('error end event in a sub-process is caught by its boundary', async () => {
    const d = await start('endError');
    expect(await d.completedElements()).toEqual(['start', 'checkStart', 'rejected', 'onCredit', 'handle', 'handled']);
    expect(await d.cancelledElements()).toEqual(['check']);
    expect(await d.status()).toBe('completed');
  });

  test('message end event is a job; the instance ends when it completes', async () => {
    const d = await start('endMessage');
    expect(await d.status()).toBe('active');
    await d.completeJob('end');
    expect(await d.status()).toBe('completed');
  });

  test('terminate end event cancels the other branch and its activity', async () => {
    const d = await start('endTerminate');
    expect(await d.cancelledElements()).toEqual(['review']);
    const [task] = await rows('process_user_tasks', d.id);
    expect(task).toMatchObject({ outcome: 'cancelled' });
    const activity = await env.platform.records.get(WORKFLOW_CTX, 'activity', task!.activity_id as string);
    expect(activity.status).toBe('cancelled');
    expect(await d.status()).toBe('completed');
  });
});

describe('tasks', () => {
  test('user task: an activity with assignee, deadline, priority; completing it maps the output', async () => {
    const d = await start('userTask', { owner: 'ana', dueDate: '2026-01-09T17:00:00Z' });
    const [task] = await rows('process_user_tasks', d.id);
    expect(task).toMatchObject({ element_id: 'approve', form_key: 'discount-form', assignee: 'ana', candidate_groups: ['sales', 'managers'], ended_at: null });
    const activity = await env.platform.records.get(WORKFLOW_CTX, 'activity', task!.activity_id as string);
    const ana = await env.platform.knex('tessera.users').where({ login: 'ana' }).first('id');
    expect(activity).toMatchObject({ kind: 'task', subject: 'Approve discount', status: 'open', priority: 'high', assignee: ana.id, deadline: '2026-01-09T17:00:00.000Z' });
    await d.completeUserTask('approve', { decision: 'yes' });
    expect(await d.status()).toBe('completed');
    expect(await d.rootVariables()).toEqual({ owner: 'ana', dueDate: '2026-01-09T17:00:00Z', approved: true });
    const [ended] = await rows('process_user_tasks', d.id);
    expect(ended).toMatchObject({ outcome: 'completed' });
    expect((await env.platform.records.get(WORKFLOW_CTX, 'activity', task!.activity_id as string)).status).toBe('resolved');
  });

  test('a user task for someone who left (an inactive login, even a remembered one) is created unassigned', async () => {
    await env.platform.knex('tessera.users').insert({ login: 'olek', display_name: 'Olek' });
    const first = await start('userTask', { owner: 'olek', dueDate: '2026-01-09T17:00:00Z' });
    const [assigned] = await rows('process_user_tasks', first.id);
    expect((await env.platform.records.get(WORKFLOW_CTX, 'activity', assigned!.activity_id as string)).assignee).not.toBeNull();
    await env.platform.knex('tessera.users').where({ login: 'olek' }).update({ active: false });
    const second = await start('userTask', { owner: 'olek', dueDate: '2026-01-09T17:00:00Z' });
    const [unassigned] = await rows('process_user_tasks', second.id);
    expect(unassigned).toMatchObject({ assignee: 'olek' });
    expect((await env.platform.records.get(WORKFLOW_CTX, 'activity', unassigned!.activity_id as string)).assignee).toBeNull();
  });

  test('service task: a pg-boss job with the job id; its result goes through the output mapping', async () => {
    const d = await start('serviceTask', { lead: { amount: 21 } });
    const job = await d.wait('job', 'score');
    expect(job).toMatchObject({ jobType: 'score-lead', retries: 2 });
    const queued = await env.platform.knex('tessera_jobs.job').where({ id: job.id }).first('name', 'state', 'data');
    expect(queued).toMatchObject({ name: 'tessera.job.score-lead', state: 'created', data: { jobId: job.id, instanceId: d.id, attempt: 1 } });
    await d.completeJob('score', { score: 9 });
    expect(await d.rootVariables()).toEqual({ lead: { amount: 21 }, leadScore: 10 });
  });

  test('a job completed twice: the second delivery is rejected and changes nothing', async () => {
    const d = await start('serviceTask', { lead: { amount: 1 } });
    const job = await d.wait('job', 'score');
    expect(await env.platform.processes.deliver(d.id, { type: 'jobCompleted', jobId: job.id, variables: { score: 1 } })).toEqual({ ok: true });
    const before = await d.history();
    expect(await env.platform.processes.deliver(d.id, { type: 'jobCompleted', jobId: job.id, variables: { score: 5 } })).toEqual({ ok: false, error: expect.objectContaining({ code: 'INSTANCE_ENDED' }) });
    expect(await d.history()).toEqual(before);
    expect(await d.rootVariables()).toEqual({ lead: { amount: 1 }, leadScore: 2 });
  });

  test('send task is a job of its type', async () => {
    const d = await start('sendTask');
    await d.completeJob('notify', { sentAt: 'now' });
    expect(await d.rootVariables()).toEqual({ sentAt: 'now' });
  });

  test('receive task: a subscription row with the FEEL key; the message completes it', async () => {
    const d = await start('receiveTask', { orderId: 4711 });
    expect(await rows('process_message_subscriptions', d.id)).toEqual([expect.objectContaining({ message_name: 'payment-received', correlation_key: '4711' })]);
    expect(await env.platform.processes.publishMessage('payment-received', '4712', {})).toEqual({ correlated: 0, started: [], buffered: null });
    await d.correlate('waitPayment', { paid: 99.5 });
    expect(await d.rootVariables()).toEqual({ orderId: 4711, paid: 99.5 });
    expect(await rows('process_message_subscriptions', d.id)).toEqual([]);
  });

  test('manual task passes through', async () => {
    const d = await start('manualTask');
    expect(await d.completedElements()).toEqual(['start', 'call', 'note', 'end']);
  });
});

describe('gateways', () => {
  test.each([
    [5000, 'bigDeal'],
    [500, 'mediumDeal'],
    [5, 'smallDeal'],
  ])('exclusive gateway: amount %d → %s', async (amount, expected) => {
    const d = await start('exclusiveGateway', { amount });
    expect((await d.waits('userTask')).map((w) => w.elementId)).toEqual([expected]);
    await d.completeUserTask(expected);
    expect(await d.completedElements()).toEqual(['start', 'amountCheck', expected, 'merge', 'end']);
  });

  test('exclusive gateway without a matching flow raises an incident; resolving it retries', async () => {
    const d = await start('exclusiveNoDefault', { amount: 500 });
    const [incident] = await rows('process_incidents', d.id);
    expect(incident).toMatchObject({ code: 'NO_FLOW_MATCHED', resolved_at: null });
    await env.platform.processes.deliver(d.id, { type: 'setVariables', variables: { amount: 5000 } });
    await env.platform.processes.resolveIncident(incident!.id as string);
    expect((await rows('process_incidents', d.id))[0]!.resolved_at).not.toBeNull();
    expect((await d.row()).state.incidents).toEqual({});
    expect(await d.status()).toBe('completed');
  });

  test('parallel gateway forks and joins once', async () => {
    const d = await start('parallelGateway');
    await d.completeUserTask('legal');
    expect(await d.status()).toBe('active');
    await d.completeJob('credit');
    expect((await d.completedElements()).filter((id) => id === 'join')).toHaveLength(1);
    expect(await d.status()).toBe('completed');
  });

  test('inclusive gateway joins only the branches it activated', async () => {
    const d = await start('inclusiveGateway', { wantsEmail: true, wantsSms: true });
    await d.completeUserTask('sms');
    expect(await d.status()).toBe('active');
    await d.completeUserTask('email');
    expect(await d.status()).toBe('completed');
  });

  test('event-based gateway: the message wins, the timer row and its job are cancelled', async () => {
    const d = await start('eventBasedGateway', { ticket: 'T-9' });
    const timer = await d.wait('timer', 'timeout');
    await d.correlate('replied', { answer: 'ok' });
    expect(await d.completedElements()).toEqual(['start', 'race', 'replied', 'gotReply']);
    expect(await rows('process_timers', d.id)).toEqual([]);
    expect((await env.platform.knex('tessera_jobs.job').where({ id: timer.id }).first('state')).state).toBe('cancelled');
  });
});

describe('intermediate events', () => {
  test('timer catch: rows with due dates, fired one after the other', async () => {
    const d = await start('catchTimer', { waitFor: 'PT90M' });
    const [first] = await rows('process_timers', d.id);
    expect(first!.element_id).toBe('wait');
    await d.fireTimer('wait');
    expect((await rows('process_timers', d.id)).map((t) => (t.due_at as Date).toISOString())).toEqual(['2030-01-01T00:00:00.000Z']);
    await d.fireTimer('until');
    expect(await d.status()).toBe('completed');
  });

  test('a fired timer fired again is rejected (the re-delivered job is harmless)', async () => {
    const d = await start('catchTimer', { waitFor: 'PT1M' });
    const timer = await d.wait('timer', 'wait');
    await d.fireTimer('wait');
    expect(await env.platform.processes.deliver(d.id, { type: 'timerFired', timerId: timer.id })).toEqual({ ok: false, error: expect.objectContaining({ code: 'WAIT_NOT_FOUND' }) });
  });

  test('message catch with a nested correlation key', async () => {
    const d = await start('catchMessage', { contract: { id: 'C-7' } });
    await d.correlate('signed', { signedBy: 'Ion' });
    expect(await d.rootVariables()).toEqual({ contract: { id: 'C-7' }, signedBy: 'Ion' });
  });

  test('signal catch: a subscription row; a broadcast delivered to the instance completes it', async () => {
    const d = await start('catchSignal');
    expect(await rows('process_signal_subscriptions', d.id)).toEqual([expect.objectContaining({ signal_name: 'go-live' })]);
    await env.platform.processes.deliver(d.id, { type: 'signalBroadcast', signalName: 'go-live', variables: { wave: 2 } });
    expect(await d.rootVariables()).toEqual({ wave: 2 });
    expect(await rows('process_signal_subscriptions', d.id)).toEqual([]);
  });

  test('message throw event is a job', async () => {
    const d = await start('throwMessage');
    await d.completeJob('announce');
    expect(await d.status()).toBe('completed');
  });

  test('signal throw event enqueues the broadcast with its variables', async () => {
    const d = await start('throwSignal', { region: 'RO', secret: 'x' });
    expect(await d.status()).toBe('completed');
    const jobs = await env.platform.knex('tessera_jobs.job').where({ name: 'tessera.signal' }).select('data');
    expect(jobs.map((j: { data: unknown }) => j.data)).toContainEqual({ signalName: 'go-live', variables: { region: 'RO' } });
  });
});

describe('boundary events', () => {
  test('interrupting timer boundary cancels the task and its activity', async () => {
    const d = await start('boundaryTimer');
    await d.fireTimer('expired');
    expect(await d.cancelledElements()).toEqual(['review']);
    expect(await d.completedElements()).toEqual(['start', 'expired', 'escalate', 'escalated']);
    expect((await rows('process_user_tasks', d.id))[0]).toMatchObject({ outcome: 'cancelled' });
  });

  test('non-interrupting timer cycle fires R2 times while the task stays', async () => {
    const d = await start('boundaryTimerCycle');
    await d.fireTimer('remind');
    await d.fireTimer('remind');
    expect(await d.waits('timer')).toEqual([]);
    expect((await d.waits('job')).map((j) => j.elementId)).toEqual(['sendReminder', 'sendReminder']);
    expect((await d.waits('userTask')).map((u) => u.elementId)).toEqual(['review']);
  });

  test('message boundaries: non-interrupting keeps the task, interrupting ends it', async () => {
    const d = await start('boundaryMessage', { dealId: 'D1' });
    await d.correlate('updated', { change: 1 });
    expect((await d.waits('message')).map((m) => m.elementId).sort()).toEqual(['cancelled', 'updated']);
    await d.correlate('cancelled');
    expect(await d.cancelledElements()).toEqual(['negotiate']);
    expect(await d.status()).toBe('completed');
    expect(await rows('process_message_subscriptions', d.id)).toEqual([]);
  });

  test('error boundary catches a BPMN error thrown by a job', async () => {
    const d = await start('boundaryError');
    await d.throwError('charge', 'DECLINED', { reason: 'limit' });
    expect(await d.completedElements()).toEqual(['start', 'declined', 'failed']);
    expect(await d.rootVariables()).toEqual({ declineReason: 'limit' });
  });
});

describe('sub-processes', () => {
  test('embedded sub-process', async () => {
    const d = await start('subprocess', { customer: { name: 'Ana' } });
    await d.completeUserTask('welcome', { greeted: true });
    await d.completeJob('createAccount', { accountId: 'A1' });
    expect(await d.completedElements()).toEqual(['start', 'onboardingStart', 'welcome', 'createAccount', 'onboardingEnd', 'onboarding', 'celebrate', 'end']);
    expect(await d.rootVariables()).toEqual({ customer: { name: 'Ana' }, greeted: true, accountId: 'A1' });
  });

  test('event sub-processes: non-interrupting repeats, interrupting cancels the main flow', async () => {
    const d = await start('eventSubprocess', { caseId: 'K1' });
    await d.correlate('noteStart', { note: 'a' });
    await d.correlate('noteStart', { note: 'b' });
    expect((await d.completedElements()).filter((id) => id === 'onNote')).toHaveLength(2);
    await d.correlate('abortStart');
    expect(await d.cancelledElements()).toEqual(['work']);
    await d.completeUserTask('cleanUp');
    expect(await d.status()).toBe('completed');
  });

  test('timer event sub-process inside a sub-process ends with its scope', async () => {
    const d = await start('eventSubprocessNested');
    await d.fireTimer('hourly');
    await d.completeJob('remind');
    await d.completeUserTask('handleCase');
    expect(await rows('process_timers', d.id)).toEqual([]);
    expect(await d.status()).toBe('completed');
  });

  test('error event sub-process', async () => {
    const d = await start('eventSubprocessError');
    await d.throwError('work', 'FAILED', { why: 'down' });
    expect(await d.completedElements()).toEqual(['start', 'failureStart', 'failureEnd', 'onFailure']);
  });
});

describe('call activity', () => {
  test('the child instance is a row with its parent; its completion continues the parent in the same transaction', async () => {
    const d = await start('parent', { orderId: 'O-1', childId: 'child', other: 1 });
    const childWait = await d.wait('childInstance', 'callChild');
    const child = new InstanceDriver(env.platform, childWait.id);
    const childRow = await env.platform.knex('tessera.process_instances').where({ id: child.id }).first();
    expect(childRow).toMatchObject({ process_id: 'child', version: 1, parent_instance_id: d.id, status: 'active' });
    await child.completeJob('childWork', { result: 'done', noise: true });
    expect(await child.status()).toBe('completed');
    expect(await d.rootVariables()).toMatchObject({ orderId: 'O-1', childResult: 'done' });
    expect(await d.rootVariables()).not.toHaveProperty('noise');
  });

  test('binding "deployment" starts the child version deployed with the caller, not the latest', async () => {
    const file = (childName: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="callerD" isExecutable="true">
    <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="call" />
    <bpmn:callActivity id="call"><bpmn:extensionElements><zeebe:calledElement processId="calledD" bindingType="deployment" /></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="e" /><bpmn:endEvent id="e" />
  </bpmn:process>
  <bpmn:process id="calledD" name="${childName}" isExecutable="true"><bpmn:startEvent id="cs" /><bpmn:sequenceFlow id="cf" sourceRef="cs" targetRef="ce" /><bpmn:endEvent id="ce" /></bpmn:process>
</bpmn:definitions>`;
    await env.platform.processes.deploy(file('first'), { source: 'test' });
    const second = await env.platform.processes.deploy(file('second').replace('id="callerD"', 'id="otherCaller"'), { source: 'test' });
    expect(second.processes.find((p) => p.processId === 'calledD')).toMatchObject({ version: 2, changed: true });
    const d = await start('callerD');
    expect(await d.status()).toBe('completed');
    const child = await env.platform.knex('tessera.process_instances').where({ parent_instance_id: d.id }).first('process_id', 'version', 'status');
    expect(child).toEqual({ process_id: 'calledD', version: 1, status: 'completed' });
  });

  test('cancelling the parent terminates the child', async () => {
    const d = await start('parent', { orderId: 'O-2', childId: 'child' });
    const childWait = await d.wait('childInstance', 'callChild');
    await env.platform.processes.cancelInstance(d.id);
    expect(await d.status()).toBe('terminated');
    expect(await new InstanceDriver(env.platform, childWait.id).status()).toBe('terminated');
  });
});

describe('multi-instance', () => {
  test('parallel over a collection with an output collection', async () => {
    const d = await start('multiInstance', { contacts: ['ana', 'ion'] });
    const { state } = await d.row();
    const jobs = Object.values(state.waits).filter((w) => w.kind === 'job');
    const counter = (jobId: string) => state.variables[state.waits[jobId]!.elementInstanceId]!['loopCounter'];
    const byCounter = jobs.sort((a, b) => Number(counter(a.id)) - Number(counter(b.id)));
    await env.platform.processes.deliver(d.id, { type: 'jobCompleted', jobId: byCounter[1]!.id, variables: { sent: false } });
    await env.platform.processes.deliver(d.id, { type: 'jobCompleted', jobId: byCounter[0]!.id, variables: { sent: true } });
    expect((await d.rootVariables())['results']).toEqual(['ana:true', 'ion:false']);
    await d.completeUserTask('reviewEach');
    await d.completeUserTask('reviewEach');
    expect(await d.status()).toBe('completed');
  });

  test('completion condition ends the remaining instances and cancels their activities', async () => {
    const d = await start('multiInstanceCompletion', { voters: ['a', 'b', 'c'] });
    const tasks = await rows('process_user_tasks', d.id);
    expect(tasks).toHaveLength(3);
    await env.platform.processes.completeActivity(WORKFLOW_CTX, tasks[0]!.activity_id as string, {});
    await env.platform.processes.completeActivity(WORKFLOW_CTX, tasks[1]!.activity_id as string, {});
    expect(await d.status()).toBe('completed');
    const ended = await rows('process_user_tasks', d.id);
    expect(ended.map((t) => t.outcome).sort()).toEqual(['cancelled', 'completed', 'completed']);
    expect((await env.platform.records.get(WORKFLOW_CTX, 'activity', tasks[2]!.activity_id as string)).status).toBe('cancelled');
  });
});

describe('runaway loops', () => {
  test('a loop without a wait state becomes a STEP_LIMIT incident, not a hang', async () => {
    const d = await start('loopWithoutWait');
    expect((await rows('process_incidents', d.id)).map((i) => i.code)).toEqual(['STEP_LIMIT']);
  });
});

describe('unregistered task types', () => {
  test('a job of a type with no handler raises a visible incident', async () => {
    await env.platform.processes.deploy(
      `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="unknownType" isExecutable="true">
    <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sms" />
    <bpmn:serviceTask id="sms"><bpmn:extensionElements><zeebe:taskDefinition type="sms:send" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="sms" targetRef="end" /><bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`,
      { source: 'test' },
    );
    const d = await start('unknownType');
    expect(await rows('process_incidents', d.id)).toEqual([expect.objectContaining({ code: 'JOB_NO_RETRIES', element_id: 'sms', message: expect.stringContaining("no handler is registered for task type 'sms:send'") })]);
  });
});
