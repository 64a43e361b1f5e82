// The step function's contract: incidents instead of crashes, rejections that change nothing,
// determinism, JSON state, cancellation and the runaway-loop guard.
import { step, type InstanceState, type ProcessGraph } from '../../../engine/workflows/index.ts';
import { Driver, loadGraph, loadGraphs } from './driver.ts';

async function driver(fixture: string): Promise<Driver> {
  return new Driver(await loadGraph(fixture));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const entry of Object.values(value)) deepFreeze(entry);
    Object.freeze(value);
  }
  return value;
}

describe('incidents', () => {
  test('no matching flow at an exclusive gateway without default; fixed by new variables and resolve', async () => {
    const d = await driver('exclusive-no-default');
    d.start({ amount: 500 });
    const [incident] = d.effectsOf('raiseIncident');
    expect(incident).toEqual(expect.objectContaining({ elementId: 'check', code: 'NO_FLOW_MATCHED' }));
    expect(Object.values(d.current.elementInstances).find((e) => e.elementId === 'check')?.status).toBe('incident');
    d.send({ type: 'setVariables', variables: { amount: 5000 } });
    d.send({ type: 'resolveIncident', incidentId: incident?.incidentId ?? '' });
    expect(d.completedElements()).toEqual(['start', 'check', 'high']);
    expect(d.current.status).toBe('completed');
  });

  test('a condition that gives null (missing variable) is a FEEL evaluation incident, as in Zeebe', async () => {
    const d = await driver('exclusive-no-default');
    d.start({});
    expect(d.effectsOf('raiseIncident')).toEqual([expect.objectContaining({ elementId: 'check', code: 'FEEL_EVALUATION', message: expect.stringContaining('toHigh') })]);
  });

  test('job failures: retries go back to the worker, exhausted retries raise an incident, resolve retries the job', async () => {
    const d = await driver('send-task');
    d.start();
    const jobId = d.wait('job', 'notify').id;
    const effects = d.send({ type: 'jobFailed', jobId, retriesLeft: 2, errorMessage: 'SMTP down', retryBackoffMs: 60_000 });
    expect(effects).toEqual([{ type: 'retryJob', jobId, retries: 2, retryAt: '2026-01-05T09:01:00.000Z' }]);
    d.send({ type: 'jobFailed', jobId, retriesLeft: 0, errorMessage: 'SMTP down' });
    const [incident] = d.effectsOf('raiseIncident');
    expect(incident).toEqual(expect.objectContaining({ code: 'JOB_NO_RETRIES', message: 'SMTP down', elementId: 'notify' }));
    expect(d.send({ type: 'resolveIncident', incidentId: incident?.incidentId ?? '', retries: 3 })).toEqual([
      { type: 'resolveIncident', incidentId: incident?.incidentId },
      { type: 'retryJob', jobId, retries: 3, retryAt: '2026-01-05T09:00:00.000Z' },
    ]);
    d.completeJob('notify');
    expect(d.current.status).toBe('completed');
  });

  test('an invalid timer value at run time is an incident; resolving re-activates the element', async () => {
    const d = await driver('catch-timer');
    d.start({ waitFor: 'soon' });
    const [incident] = d.effectsOf('raiseIncident');
    expect(incident).toEqual(expect.objectContaining({ elementId: 'wait', code: 'INVALID_TIMER' }));
    expect(d.effectsOf('scheduleTimer')).toEqual([]);
    d.send({ type: 'setVariables', variables: { waitFor: 'PT5M' } });
    d.send({ type: 'resolveIncident', incidentId: incident?.incidentId ?? '' });
    expect(d.wait('timer', 'wait').dueAt).toBe('2026-01-05T09:05:00.000Z');
  });

  test('a user task whose activity was cancelled ends on an incident; resolving gives the task again, evaluated anew', async () => {
    const d = await driver('user-task');
    d.start();
    const first = d.wait('userTask', d.effectsOf('createUserTask')[0]!.elementId);
    d.send({ type: 'userTaskCancelled', userTaskId: first.id, reason: 'cancelled by hand' });
    expect(d.current.waits[first.id]).toBeUndefined();
    const [incident] = d.effectsOf('raiseIncident');
    expect(incident).toEqual(expect.objectContaining({ code: 'TASK_CANCELLED', message: 'cancelled by hand', elementId: first.elementId }));
    // Consumed, not cancelled by the process: no cancelUserTask effect (the activity is already gone).
    expect(d.effectsOf('cancelUserTask')).toEqual([]);
    expect(d.tryStep({ type: 'userTaskCompleted', userTaskId: first.id })).toEqual({ ok: false, error: expect.objectContaining({ code: 'WAIT_NOT_FOUND' }) });
    d.send({ type: 'resolveIncident', incidentId: incident!.incidentId });
    const created = d.effectsOf('createUserTask');
    expect(created).toHaveLength(2);
    expect(created[1]!.userTaskId).not.toBe(first.id);
    d.send({ type: 'userTaskCompleted', userTaskId: created[1]!.userTaskId });
    expect(d.current.status).toBe('completed');
  });

  test('a missing correlation key value is an incident, not a subscription on "null"', async () => {
    const d = await driver('receive-task');
    d.start({});
    expect(d.effectsOf('openMessageSubscription')).toEqual([]);
    expect(d.effectsOf('raiseIncident')).toEqual([expect.objectContaining({ elementId: 'waitPayment', code: 'FEEL_EVALUATION' })]);
  });

  test('a multi-instance collection that is not a list is an incident on the body', async () => {
    const d = await driver('multi-instance');
    d.start({ contacts: 'ana' });
    expect(d.effectsOf('raiseIncident')).toEqual([expect.objectContaining({ elementId: 'notifyEach', code: 'FEEL_EVALUATION' })]);
  });

  test('an error nobody catches is an incident in a top-level instance', async () => {
    const d = await driver('send-task');
    d.start();
    d.send({ type: 'jobErrorThrown', jobId: d.wait('job', 'notify').id, errorCode: 'BOUNCED', errorMessage: 'mailbox full' });
    expect(d.effectsOf('raiseIncident')).toEqual([expect.objectContaining({ code: 'UNHANDLED_ERROR', message: "error 'BOUNCED' was not caught: mailbox full" })]);
  });

  test('an error nobody catches in a called instance terminates it and hands the error to the parent', async () => {
    const [, childGraph] = await loadGraphs('call-activity');
    if (!childGraph) throw new Error('no child');
    const child = new Driver(childGraph);
    const parent = { instanceId: 'P', elementInstanceId: 'CA' };
    child.send({ type: 'startInstance', variables: {}, parent });
    child.send({ type: 'jobErrorThrown', jobId: child.wait('job', 'childWork').id, errorCode: 'NOPE', variables: { x: 1 } });
    expect(child.current.status).toBe('terminated');
    expect(child.effectsOf('instanceTerminated')).toEqual([
      { type: 'instanceTerminated', instanceId: child.current.instanceId, parent, error: { errorCode: 'NOPE', errorMessage: null, variables: { x: 1 } } },
    ]);
  });

  test('a loop without a wait state hits the operation limit as an incident instead of hanging', async () => {
    const graph = await loadGraph('loop-without-wait');
    const result = step(graph, null, { type: 'startInstance' }, { now: new Date(0), newId: counter(), maxOperations: 50 });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.effects).toEqual([expect.objectContaining({ type: 'raiseIncident', code: 'STEP_LIMIT' })]);
    expect(result.state.status).toBe('active');
  });
});

describe('rejections change nothing', () => {
  test('unknown or already consumed waits are rejected with a code', async () => {
    const d = await driver('user-task');
    d.start({ owner: 'ana' });
    const before = d.current;
    expect(d.tryStep({ type: 'jobCompleted', jobId: 'nope' })).toEqual({ ok: false, error: expect.objectContaining({ code: 'WAIT_NOT_FOUND' }) });
    const userTaskId = d.wait('userTask', 'approve').id;
    d.completeUserTask('approve', { decision: 'no' });
    expect(d.tryStep({ type: 'userTaskCompleted', userTaskId })).toEqual({ ok: false, error: expect.objectContaining({ code: 'INSTANCE_ENDED' }) });
    expect(before.status).toBe('active');
  });

  test('start on an existing instance and events without one are rejected', async () => {
    const d = await driver('user-task');
    expect(d.tryStep({ type: 'cancelInstance' })).toEqual({ ok: false, error: expect.objectContaining({ code: 'INSTANCE_MISSING' }) });
    d.start();
    expect(d.tryStep({ type: 'startInstance' })).toEqual({ ok: false, error: expect.objectContaining({ code: 'INSTANCE_EXISTS' }) });
    expect(d.tryStep({ type: 'resolveIncident', incidentId: 'x' })).toEqual({ ok: false, error: expect.objectContaining({ code: 'INCIDENT_NOT_FOUND' }) });
  });
});

describe('purity', () => {
  async function waitingState(): Promise<{ graph: ProcessGraph; state: InstanceState }> {
    const d = await driver('boundary-message');
    d.start({ dealId: 'D1' });
    return { graph: d.graph, state: d.current };
  }

  test('the same inputs give the same outputs and the input state is never mutated', async () => {
    const { graph, state } = await waitingState();
    deepFreeze(state);
    const subscriptionId = Object.values(state.waits).find((w) => w.elementId === 'updated')?.id ?? '';
    const event = { type: 'messageCorrelated', subscriptionId, variables: { v: 1 } } as const;
    const first = step(graph, state, event, { now: new Date('2026-02-01T00:00:00Z'), newId: counter() });
    const second = step(graph, state, event, { now: new Date('2026-02-01T00:00:00Z'), newId: counter() });
    expect(first.ok).toBe(true);
    expect(second).toEqual(first);
  });

  test('state survives a JSON round trip and stepping goes on from it', async () => {
    const { graph, state } = await waitingState();
    const restored = JSON.parse(JSON.stringify(state)) as InstanceState;
    expect(restored).toEqual(state);
    const subscriptionId = Object.values(restored.waits).find((w) => w.elementId === 'cancelled')?.id ?? '';
    const result = step(graph, restored, { type: 'messageCorrelated', subscriptionId }, { now: new Date(), newId: counter() });
    expect(result.ok && result.state.status).toBe('completed');
  });

  test('history stamps the injected time and every entered element is left or cancelled by the end', async () => {
    const d = await driver('boundary-timer');
    d.start();
    d.fireTimer('expired');
    expect(new Set(d.history.map((h) => h.at))).toEqual(new Set(['2026-01-05T09:00:00.000Z', '2026-01-05T10:00:00.000Z']));
    const entered = d.history.filter((h) => h.event === 'entered').map((h) => h.elementInstanceId).sort();
    const ended = d.history.filter((h) => h.event !== 'entered').map((h) => h.elementInstanceId).sort();
    expect(ended).toEqual(entered);
  });
});

describe('cancellation', () => {
  test('cancelling closes every wait and terminates the instance', async () => {
    const d = await driver('parallel-gateway');
    d.start();
    const effects = d.send({ type: 'cancelInstance' });
    expect(effects.map((e) => e.type).sort()).toEqual(['cancelJob', 'cancelUserTask', 'instanceTerminated']);
    expect(d.current).toEqual(expect.objectContaining({ status: 'terminated', elementInstances: {}, waits: {}, tokens: {} }));
    expect(d.cancelledElements().sort()).toEqual(['credit', 'legal', 'parallelGateway']);
  });
});

function counter(): () => string {
  let n = 0;
  return () => `n${++n}`;
}
