// The runtime with its pg-boss workers running: connector jobs with retries, backoff, idempotency
// keys, incidents after the last retry and their retry; BPMN errors from connectors; timers firing
// on time; signal broadcasts fanned out to waiting instances; process start timer cycles.
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { bpmnFixture, eventually, InstanceDriver } from '../support/workflows.ts';
import { TaskBpmnError } from '../../engine/workflows/runtime/index.ts';

let env: TestPlatform;
const calls: { type: string; key: string; attempt: number; retriesLeft: number }[] = [];
let flakyFailures = 2;
let alwaysFail = true;

const definitions = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="t">${body}</bpmn:definitions>`;

const serviceProcess = (id: string, type: string, retries: number, extra = '') =>
  definitions(`
  <bpmn:error id="err" errorCode="REJECTED" />
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
    <bpmn:serviceTask id="call"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" retries="${retries}" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:boundaryEvent id="rejected" attachedToRef="call"><bpmn:errorEventDefinition errorRef="err" /></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" /><bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f3" sourceRef="rejected" targetRef="endRejected" /><bpmn:endEvent id="endRejected" />
    ${extra}
  </bpmn:process>`);

beforeAll(async () => {
  env = await startTestPlatform();
  const { processes } = env.platform;
  const backoff = { initialMs: 100, factor: 2, maxMs: 1000 };
  await processes.registerTaskType({
    type: 'test:flaky',
    mode: 'job',
    backoff,
    async handler(_input, ctx) {
      calls.push({ type: 'flaky', key: ctx.idempotencyKey, attempt: ctx.attempt, retriesLeft: ctx.retriesLeft });
      if (flakyFailures-- > 0) throw new Error('gateway timeout');
      return { sent: true };
    },
  });
  await processes.registerTaskType({
    type: 'test:broken',
    mode: 'job',
    backoff,
    async handler(_input, ctx) {
      calls.push({ type: 'broken', key: ctx.idempotencyKey, attempt: ctx.attempt, retriesLeft: ctx.retriesLeft });
      if (alwaysFail) throw new Error('SMS gateway down');
      return { sent: 'late' };
    },
  });
  await processes.registerTaskType({
    type: 'test:reject',
    mode: 'job',
    async handler() {
      throw new TaskBpmnError('REJECTED', 'number blocked', { reason: 'blocked' });
    },
  });
  await processes.deploy(serviceProcess('flaky', 'test:flaky', 3), { source: 'test' });
  await processes.deploy(serviceProcess('broken', 'test:broken', 2), { source: 'test' });
  await processes.deploy(serviceProcess('reject', 'test:reject', 3), { source: 'test' });
  for (const fixture of ['catch-timer', 'catch-signal', 'throw-signal']) await processes.deploy(bpmnFixture(fixture), { source: 'test' });
  await processes.startWorkers();
}, 60_000);

afterAll(async () => {
  await env?.close();
});

test('a connector that fails twice is retried with backoff and the same idempotency key, then completes', async () => {
  const d = await InstanceDriver.start(env.platform, 'flaky');
  await eventually(async () => (await d.status()) === 'completed', 15_000, 'the flaky job to complete');
  const mine = calls.filter((c) => c.type === 'flaky');
  expect(mine.map((c) => [c.attempt, c.retriesLeft])).toEqual([
    [1, 3],
    [2, 2],
    [3, 1],
  ]);
  expect(new Set(mine.map((c) => c.key)).size).toBe(1);
  expect(await d.rootVariables()).toEqual({ sent: true });
  expect(await d.completedElements()).toEqual(['start', 'call', 'end']);
});

test('after the last retry an incident is raised; retrying it runs the connector again', async () => {
  const d = await InstanceDriver.start(env.platform, 'broken');
  const incident = await eventually(async () => (await env.platform.knex('tessera.process_incidents').where({ instance_id: d.id }).first()) as { id: string; code: string; message: string } | undefined, 15_000, 'the incident');
  expect(incident).toMatchObject({ code: 'JOB_NO_RETRIES', message: expect.stringContaining('SMS gateway down') });
  expect(calls.filter((c) => c.type === 'broken')).toHaveLength(2);
  alwaysFail = false;
  await env.platform.processes.resolveIncident(incident.id);
  await eventually(async () => (await d.status()) === 'completed', 15_000, 'the retried job');
  expect(await d.rootVariables()).toEqual({ sent: 'late' });
});

test('a connector throwing a BPMN error is caught by the error boundary', async () => {
  const d = await InstanceDriver.start(env.platform, 'reject');
  await eventually(async () => (await d.status()) === 'completed', 15_000, 'the rejected path');
  expect(await d.completedElements()).toEqual(['start', 'rejected', 'endRejected']);
  expect(await d.rootVariables()).toEqual({ reason: 'blocked' });
});

test('a timer fires within 2 s of its due time', async () => {
  const d = await InstanceDriver.start(env.platform, 'catchTimer', { waitFor: 'PT1S' });
  const [timer] = await env.platform.knex('tessera.process_timers').where({ instance_id: d.id });
  await eventually(async () => (await d.completedElements()).includes('wait'), 10_000, 'the timer');
  const fired = await env.platform.knex('tessera.process_history').where({ instance_id: d.id, element_id: 'wait', event: 'left' }).first('at');
  const lateness = fired.at.getTime() - timer.due_at.getTime();
  expect(lateness).toBeGreaterThanOrEqual(0);
  expect(lateness).toBeLessThan(2000);
});

test('a signal thrown by one instance reaches the instances waiting for it', async () => {
  const waiting = await InstanceDriver.start(env.platform, 'catchSignal');
  await InstanceDriver.start(env.platform, 'throwSignal', { region: 'RO' });
  await eventually(async () => (await waiting.status()) === 'completed', 10_000, 'the signal');
  expect(await waiting.rootVariables()).toEqual({ region: 'RO' });
});

test('a process start timer cycle starts an instance per firing', async () => {
  await env.platform.processes.deploy(
    definitions(`<bpmn:process id="ticker" isExecutable="true">
      <bpmn:startEvent id="tick"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R2/PT1S</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
      <bpmn:sequenceFlow id="f1" sourceRef="tick" targetRef="end" /><bpmn:endEvent id="end" />
    </bpmn:process>`),
    { source: 'test' },
  );
  await eventually(async () => Number((await env.platform.knex('tessera.process_instances').where({ process_id: 'ticker', status: 'completed' }).count({ n: '*' }).first())?.n) === 2, 10_000, 'two ticks');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(Number((await env.platform.knex('tessera.process_instances').where({ process_id: 'ticker' }).count({ n: '*' }).first())?.n)).toBe(2);
  expect(await env.platform.knex('tessera.process_timers').where({ process_id: 'ticker' })).toEqual([]);
});
