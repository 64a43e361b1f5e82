// The statements one workflow instance costs (issue #19): start → engine action → user task →
// completion, counted by wrapping the `pg` client. The bounds are today's counts, so a change that
// adds a round trip to the step path fails here; the behaviour the folded statements carry (the
// assignee's language, the reference check of the assignee, the assignment notification and the
// audit rows) is checked on the same instance.
import pg from 'pg';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { crmMiniPackage } from '../support/packages.ts';
import { eventually, WORKFLOW_CTX } from '../support/workflows.ts';
import { jobQueueName } from '../../engine/workflows/runtime/task-types.ts';

let env: TestPlatform;
let annaId: string;

const PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_counted" targetNamespace="https://tessera.dev/bpmn/test">
  <bpmn:process id="counted" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:serviceTask id="act"><bpmn:extensionElements><zeebe:taskDefinition type="test:echo" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:userTask id="approve" name="Approve"><bpmn:extensionElements><zeebe:assignmentDefinition assignee="anna" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="act" />
    <bpmn:sequenceFlow id="f2" sourceRef="act" targetRef="approve" />
    <bpmn:sequenceFlow id="f3" sourceRef="approve" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

/** The same through a connector job; its task names the assignee by id, so no login lookup (cached for 30 s) can join a step whatever the test's pace. */
const jobProcess = (assignee: string) =>
  PROCESS.replace('id="d_counted"', 'id="d_counted_job"').replace('id="counted"', 'id="counted_job"').replace('type="test:echo"', 'type="test:job"').replace('assignee="anna"', `assignee="${assignee}"`);

interface Sent {
  readonly client: pg.Client;
  readonly text: string;
  readonly values: readonly unknown[];
}

/** The statements sent through any `pg` client while `work` runs (after-commit wake-ups apart: they go on their own, shared). */
async function statementsOf<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[]; sent: Sent[] }> {
  const sent: Sent[] = [];
  const query = pg.Client.prototype.query;
  const counting = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string; values?: unknown[] };
    const text = typeof first === 'string' ? first : (first?.text ?? '');
    const values = (typeof first === 'object' && first?.values) || (Array.isArray(args[1]) ? (args[1] as unknown[]) : []);
    if (!text.includes('pg_notify')) sent.push({ client: this, text: text.replace(/\s+/g, ' ').trim(), values });
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  };
  pg.Client.prototype.query = counting as typeof query;
  try {
    const result = await work();
    return { result, statements: sent.map((s) => s.text.slice(0, 100)), sent };
  } finally {
    pg.Client.prototype.query = query;
  }
}

/** The statements of the transaction (BEGIN … COMMIT on one client) that sent a statement `naming` says is its. */
function transactionOf(sent: readonly Sent[], naming: (statement: Sent) => boolean): string[] {
  const hit = sent.findIndex(naming);
  if (hit < 0) return [];
  const own = sent.filter((s) => s.client === sent[hit]!.client);
  const at = own.indexOf(sent[hit]!);
  let begin = at;
  while (begin > 0 && !own[begin]!.text.startsWith('BEGIN')) begin--;
  let end = at;
  while (end < own.length - 1 && !own[end]!.text.startsWith('COMMIT')) end++;
  return own.slice(begin, end + 1).map((s) => s.text);
}

async function openTask(instanceId: string): Promise<string> {
  const task = (await env.platform.knex('tessera.process_user_tasks').where({ instance_id: instanceId }).first('activity_id')) as { activity_id: string };
  return task.activity_id;
}

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata(await crmMiniPackage(), { source: 'cli' });
  annaId = ((await env.platform.knex('tessera.users').insert({ login: 'anna', display_name: 'Anna', language: 'ro' }).returning('id')) as { id: string }[])[0]!.id;
  await env.platform.processes.registerTaskType({ type: 'test:echo', mode: 'inline', readOnly: true, handler: async () => ({ echoed: true }) });
  await env.platform.processes.registerTaskType({ type: 'test:job', mode: 'job', timeoutSeconds: 45, handler: async () => ({}) });
  await env.platform.processes.deploy(PROCESS, { source: 'test', resourceName: 'counted.bpmn' });
  await env.platform.processes.deploy(jobProcess(annaId), { source: 'test', resourceName: 'counted-job.bpmn' });
  await env.platform.processes.startInstance(WORKFLOW_CTX, { processId: 'counted_job' });
  // Warm: the assignee's login resolved, the latest version and the graph cached, statements named.
  for (let i = 0; i < 2; i++) {
    const id = await env.platform.processes.startInstance(WORKFLOW_CTX, { processId: 'counted' });
    await env.platform.processes.completeActivity(WORKFLOW_CTX, await openTask(id), {});
  }
}, 120_000);

afterAll(async () => {
  await env?.close();
});

test('an engine-action instance: 5 statements to start it up to its user task, 5 to complete it', async () => {
  const started = await statementsOf(() => env.platform.processes.startInstance(WORKFLOW_CTX, { processId: 'counted' }));
  // BEGIN; the assignee's language (held FOR SHARE: the activity's reference check); the activity; the flush (instance, user task, audit rows, notification); COMMIT.
  expect(started.statements).toHaveLength(5);
  const activityId = await openTask(started.result);
  const completed = await statementsOf(() => env.platform.processes.completeActivity(WORKFLOW_CTX, activityId, {}));
  // BEGIN; the activity, task and instance read and locked; the activity's update; the flush; COMMIT.
  expect(completed.statements).toHaveLength(5);

  // What the folded statements carry: the task in the assignee's language, assigned to her, her
  // notification about it, the audit rows of both changes; and the instance completed.
  const activity = await env.platform.records.get(WORKFLOW_CTX, 'activity', activityId);
  expect(activity).toMatchObject({ kind: 'task', assignee: annaId, status: 'resolved', description: 'Sarcină din flux.' });
  const notifications = await env.platform.knex('tessera.notifications').where({ record_id: activityId }).select('user_id', 'kind', 'subject', 'status');
  expect(notifications).toEqual([{ user_id: annaId, kind: 'assigned', subject: activity.subject, status: 'delivered' }]);
  const audits = await env.platform.knex('tessera.audit_log').where({ record_id: activityId }).orderBy('id').select('action', 'via', 'instance_id');
  expect(audits).toEqual([
    { action: 'create', via: 'workflow', instance_id: started.result },
    { action: 'update', via: 'workflow', instance_id: null },
  ]);
  expect(((await env.platform.knex('tessera.process_instances').where({ id: started.result }).first('status')) as { status: string }).status).toBe('completed');
});

test('an assignee deactivated meanwhile: the language read finds nobody to hold, the reference check refuses her, the task is created for nobody', async () => {
  await env.platform.knex('tessera.users').where({ id: annaId }).update({ active: false });
  try {
    const id = await env.platform.processes.startInstance(WORKFLOW_CTX, { processId: 'counted' });
    const activity = await env.platform.records.get(WORKFLOW_CTX, 'activity', await openTask(id));
    expect(activity.assignee).toBeNull();
    expect(await env.platform.knex('tessera.notifications').where({ record_id: activity.id as string }).select('id')).toEqual([]);
  } finally {
    await env.platform.knex('tessera.users').where({ id: annaId }).update({ active: true });
  }
});

test("a connector-job instance's start: 3 statements, pg-boss's job insert carried by the flush", async () => {
  const started = await statementsOf(() => env.platform.processes.startInstance(WORKFLOW_CTX, { processId: 'counted_job' }));
  // BEGIN; the flush (instance, history, audit rows and pg-boss's INSERT of the connector job); COMMIT.
  expect(started.statements).toHaveLength(3);
  // The job as pg-boss's own insert makes it: its queue's retry policy and expiry, due now, for this instance.
  const jobs = await env.platform.knex('tessera_jobs.job').where({ name: jobQueueName('test:job') }).whereRaw(`data->>'instanceId' = ?`, [started.result]).select('state', 'retry_limit', 'expire_seconds', 'data');
  expect(jobs).toMatchObject([{ state: 'created', retry_limit: 50, expire_seconds: 45, data: { instanceId: started.result, processId: 'counted_job' } }]);
});

test("a connector job's step in the worker: 6 statements, pg-boss's completion of the attempt carried by the flush", async () => {
  await env.platform.processes.startWorkers();
  const run = await statementsOf(async () => {
    const id = await env.platform.processes.startInstance(WORKFLOW_CTX, { processId: 'counted_job' });
    await eventually(async () => (await env.platform.knex('tessera.process_user_tasks').where({ instance_id: id }).first('id')) !== undefined, 20_000, 'the job to be worked');
    return id;
  });
  // BEGIN; the instance FOR UPDATE; the assignee's language; the activity; the flush (instance, user task, audit rows, notification, the job's completion); COMMIT.
  const step = transactionOf(run.sent, (s) => s.text.includes('FOR UPDATE') && s.values.includes(run.result));
  expect(step).toHaveLength(6);
  // The job completed with the step, not failed or left active for pg-boss to settle.
  const jobs = await env.platform.knex('tessera_jobs.job').where({ name: jobQueueName('test:job') }).whereRaw(`data->>'instanceId' = ?`, [run.result]).select('state');
  expect(jobs).toEqual([{ state: 'completed' }]);
});
