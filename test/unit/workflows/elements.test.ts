// One behaviour test per supported BPMN element, each on its own small fixture.
import { nextCycleDue, startTriggers } from '../../../engine/workflows/index.ts';
import { Driver, loadGraph, loadGraphs } from './driver.ts';

async function driver(fixture: string): Promise<Driver> {
  return new Driver(await loadGraph(fixture));
}

describe('start events', () => {
  test('none start event runs to the none end event and completes the instance', async () => {
    const d = await driver('start-none');
    const effects = d.start({ a: 1 });
    expect(d.completedElements()).toEqual(['start', 'end']);
    expect(effects).toEqual([{ type: 'instanceCompleted', instanceId: d.current.instanceId, parent: null, variables: { a: 1 } }]);
    expect(d.current.status).toBe('completed');
    expect(d.current.elementInstances).toEqual({});
  });

  test('message start event starts with the message variables and is listed as a start trigger', async () => {
    const d = await driver('start-message');
    expect(startTriggers(d.graph, d.now)).toEqual({ timers: [], messages: [{ startEventId: 'start', messageName: 'lead-created' }] });
    d.start({ leadId: 'L-1' }, 'start');
    expect(d.completedElements()).toEqual(['start', 'end']);
    expect(d.effectsOf('instanceCompleted')[0]?.variables).toEqual({ leadId: 'L-1' });
  });

  test('timer start event: the cycle is planned from its start date and repeats R3 times', async () => {
    const graph = await loadGraph('start-timer');
    const { timers } = startTriggers(graph, new Date('2026-01-01T00:00:00Z'));
    expect(timers).toEqual([{ startEventId: 'start', dueAt: '2030-01-01T09:00:00.000Z', repetitions: 3, interval: expect.objectContaining({ hours: 1 }) }]);
    const interval = timers[0]?.interval;
    if (!interval) throw new Error('no interval');
    expect(nextCycleDue('2030-01-01T09:00:00.000Z', interval, 3)).toBe('2030-01-01T10:00:00.000Z');
    expect(nextCycleDue('2030-01-01T11:00:00.000Z', interval, 1)).toBeNull();
    const d = new Driver(graph);
    d.start({}, 'start');
    expect(d.current.status).toBe('completed');
  });

  test('a start event id that is not a root start event is rejected', async () => {
    const d = await driver('end-error');
    const result = d.tryStep({ type: 'startInstance', startEventId: 'checkStart' });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNKNOWN_START_EVENT' }) });
  });
});

describe('end events', () => {
  test('message end event is a job; the instance ends when it completes', async () => {
    const d = await driver('end-message');
    d.start();
    expect(d.effectsOf('createJob').map((j) => [j.elementId, j.jobType])).toEqual([['end', 'publish-message']]);
    expect(d.current.status).toBe('active');
    d.completeJob('end');
    expect(d.current.status).toBe('completed');
  });

  test('error end event in a sub-process is caught by the error boundary of the sub-process', async () => {
    const d = await driver('end-error');
    d.start();
    expect(d.completedElements()).toEqual(['start', 'checkStart', 'rejected', 'onCredit', 'handle', 'handled']);
    expect(d.cancelledElements()).toEqual(['check']);
    expect(d.current.status).toBe('completed');
  });

  test('terminate end event cancels the other branch and completes the instance', async () => {
    const d = await driver('end-terminate');
    d.start();
    expect(d.cancelledElements()).toEqual(['review']);
    expect(d.effectsOf('cancelUserTask')).toHaveLength(1);
    expect(d.effectsOf('cancelUserTask')[0]?.userTaskId).toBe(d.effectsOf('createUserTask')[0]?.userTaskId);
    expect(d.current.status).toBe('completed');
  });
});

describe('tasks', () => {
  test('user task: assignment, form, schedule, priority and output mapping', async () => {
    const d = await driver('user-task');
    d.start({ owner: 'ana', dueDate: '2026-01-09T17:00:00Z' });
    const [task] = d.effectsOf('createUserTask');
    expect(task).toEqual(
      expect.objectContaining({
        elementId: 'approve',
        name: 'Approve discount',
        assignee: 'ana',
        candidateGroups: ['sales', 'managers'],
        candidateUsers: [],
        dueDate: '2026-01-09T17:00:00Z',
        priority: 70,
        formKey: 'discount-form',
        variables: { owner: 'ana', dueDate: '2026-01-09T17:00:00Z' },
      }),
    );
    d.completeUserTask('approve', { decision: 'yes' });
    // With an output mapping only the mapped value reaches the process scope.
    expect(d.effectsOf('instanceCompleted')[0]?.variables).toEqual({ owner: 'ana', dueDate: '2026-01-09T17:00:00Z', approved: true });
  });

  test('service task: job with type, retries, headers, input mappings and idempotency key', async () => {
    const d = await driver('service-task');
    d.start({ lead: { amount: 21 } });
    const [job] = d.effectsOf('createJob');
    const instance = d.current.instanceId;
    expect(job).toEqual({
      type: 'createJob',
      jobId: expect.any(String),
      instanceId: instance,
      elementInstanceId: expect.any(String),
      elementId: 'score',
      jobType: 'score-lead',
      retries: 2,
      headers: { model: 'v2' },
      variables: { lead: { amount: 21 }, doubled: 42, mode: 'static' },
      idempotencyKey: `${instance}:${job?.elementInstanceId}`,
    });
    d.completeJob('score', { score: 9 });
    expect(d.effectsOf('instanceCompleted')[0]?.variables).toEqual({ lead: { amount: 21 }, leadScore: 10 });
  });

  test('send task is a job of its task type', async () => {
    const d = await driver('send-task');
    d.start();
    expect(d.effectsOf('createJob').map((j) => j.jobType)).toEqual(['send-email']);
    d.completeJob('notify', { sentAt: 'now' });
    expect(d.effectsOf('instanceCompleted')[0]?.variables).toEqual({ sentAt: 'now' });
  });

  test('receive task opens a subscription with the FEEL correlation key and merges the message', async () => {
    const d = await driver('receive-task');
    d.start({ orderId: 4711 });
    expect(d.effectsOf('openMessageSubscription')).toEqual([expect.objectContaining({ elementId: 'waitPayment', messageName: 'payment-received', correlationKey: '4711' })]);
    d.correlate('waitPayment', { paid: 99.5 });
    expect(d.effectsOf('instanceCompleted')[0]?.variables).toEqual({ orderId: 4711, paid: 99.5 });
    expect(d.effectsOf('closeMessageSubscription')).toHaveLength(1);
  });

  test('manual and undefined tasks pass straight through', async () => {
    const d = await driver('manual-task');
    d.start();
    expect(d.completedElements()).toEqual(['start', 'call', 'note', 'end']);
  });
});

describe('gateways', () => {
  test.each([
    [5000, 'bigDeal'],
    [500, 'mediumDeal'],
    [5, 'smallDeal'],
  ])('exclusive gateway: amount %d takes the first holding condition or the default (%s)', async (amount, expected) => {
    const d = await driver('exclusive-gateway');
    d.start({ amount });
    expect(d.waits('userTask').map((w) => w.elementId)).toEqual([expected]);
    d.completeUserTask(expected);
    expect(d.completedElements()).toEqual(['start', 'amountCheck', expected, 'merge', 'end']);
  });

  test('parallel gateway forks three branches and joins when all arrive', async () => {
    const d = await driver('parallel-gateway');
    d.start();
    expect(Object.values(d.current.tokens).map((t) => [t.elementId, t.flowId])).toEqual([['join', 'f7']]);
    d.completeUserTask('legal');
    expect(d.current.status).toBe('active');
    d.completeJob('credit');
    expect(d.completedElements().slice(-2)).toEqual(['join', 'end']);
    expect(d.completedElements().filter((id) => id === 'join')).toHaveLength(1);
    expect(d.current.status).toBe('completed');
  });

  test('inclusive gateway activates every holding branch and joins only those', async () => {
    const d = await driver('inclusive-gateway');
    d.start({ wantsEmail: true, wantsSms: false });
    expect(d.waits('userTask').map((w) => w.elementId)).toEqual(['email']);
    d.completeUserTask('email');
    expect(d.current.status).toBe('completed');
    expect(d.completedElements()).toEqual(['start', 'channels', 'email', 'sent', 'end']);
  });

  test('inclusive gateway waits for all branches it activated', async () => {
    const d = await driver('inclusive-gateway');
    d.start({ wantsEmail: true, wantsSms: true });
    d.completeUserTask('sms');
    expect(d.current.status).toBe('active');
    expect(Object.values(d.current.tokens).map((t) => t.flowId)).toEqual(['f3']);
    d.completeUserTask('email');
    expect(d.current.status).toBe('completed');
  });

  test('event-based gateway: the first event wins and the other wait is closed', async () => {
    const d = await driver('event-based-gateway');
    d.start({ ticket: 'T-9' });
    expect(d.waits('timer').map((t) => [t.elementId, t.dueAt])).toEqual([['timeout', '2026-01-08T09:00:00.000Z']]);
    d.correlate('replied', { answer: 'ok' });
    expect(d.completedElements()).toEqual(['start', 'race', 'replied', 'gotReply']);
    expect(d.effectsOf('cancelTimer')).toHaveLength(1);
    expect(d.effectsOf('instanceCompleted')[0]?.variables).toEqual({ ticket: 'T-9', answer: 'ok' });
  });

  test('event-based gateway: the timer can win too', async () => {
    const d = await driver('event-based-gateway');
    d.start({ ticket: 'T-9' });
    d.fireTimer('timeout');
    expect(d.completedElements()).toEqual(['start', 'race', 'timeout', 'noReply']);
    expect(d.effectsOf('closeMessageSubscription')).toHaveLength(1);
  });
});

describe('intermediate events', () => {
  test('timer catch: FEEL duration from a variable, then a fixed date', async () => {
    const d = await driver('catch-timer');
    d.start({ waitFor: 'PT90M' });
    expect(d.effectsOf('scheduleTimer').map((t) => t.dueAt)).toEqual(['2026-01-05T10:30:00.000Z']);
    d.fireTimer('wait');
    expect(d.effectsOf('scheduleTimer').map((t) => t.dueAt)).toEqual(['2026-01-05T10:30:00.000Z', '2030-01-01T00:00:00.000Z']);
    d.fireTimer('until');
    expect(d.current.status).toBe('completed');
  });

  test('message catch with a nested correlation key', async () => {
    const d = await driver('catch-message');
    d.start({ contract: { id: 'C-7' } });
    expect(d.wait('message', 'signed').correlationKey).toBe('C-7');
    d.correlate('signed', { signedBy: 'Ion' });
    expect(d.effectsOf('instanceCompleted')[0]?.variables).toEqual({ contract: { id: 'C-7' }, signedBy: 'Ion' });
  });

  test('signal catch is triggered by a broadcast of its name only', async () => {
    const d = await driver('catch-signal');
    d.start();
    expect(d.effectsOf('openSignalSubscription').map((s) => s.signalName)).toEqual(['go-live']);
    d.send({ type: 'signalBroadcast', signalName: 'other' });
    expect(d.current.status).toBe('active');
    d.send({ type: 'signalBroadcast', signalName: 'go-live', variables: { wave: 2 } });
    expect(d.effectsOf('instanceCompleted')[0]?.variables).toEqual({ wave: 2 });
  });

  test('message throw event is a job', async () => {
    const d = await driver('throw-message');
    d.start();
    expect(d.effectsOf('createJob').map((j) => [j.elementId, j.jobType])).toEqual([['announce', 'publish-announcement']]);
    d.completeJob('announce');
    expect(d.current.status).toBe('completed');
  });

  test('signal throw event broadcasts with its input-mapped variables', async () => {
    const d = await driver('throw-signal');
    d.start({ region: 'RO', secret: 'x' });
    expect(d.effectsOf('broadcastSignal')).toEqual([{ type: 'broadcastSignal', signalName: 'go-live', variables: { region: 'RO' } }]);
    expect(d.current.status).toBe('completed');
  });
});

describe('boundary events', () => {
  test('interrupting timer boundary cancels the task and takes the escalation path', async () => {
    const d = await driver('boundary-timer');
    d.start();
    expect(d.wait('timer', 'expired').dueAt).toBe('2026-01-05T10:00:00.000Z');
    d.fireTimer('expired');
    expect(d.cancelledElements()).toEqual(['review']);
    expect(d.completedElements()).toEqual(['start', 'expired', 'escalate', 'escalated']);
    expect(d.effectsOf('cancelUserTask')).toHaveLength(1);
  });

  test('the timer boundary is cancelled when the task completes first', async () => {
    const d = await driver('boundary-timer');
    d.start();
    d.completeUserTask('review');
    expect(d.effectsOf('cancelTimer').map((t) => t.timerId)).toEqual(d.effectsOf('scheduleTimer').map((t) => t.timerId));
    expect(d.completedElements()).toEqual(['start', 'review', 'end']);
  });

  test('non-interrupting timer cycle fires R2 times while the task stays', async () => {
    const d = await driver('boundary-timer-cycle');
    d.start();
    d.fireTimer('remind');
    d.fireTimer('remind');
    expect(d.waits('timer')).toEqual([]);
    expect(d.effectsOf('scheduleTimer').map((t) => t.dueAt)).toEqual(['2026-01-05T09:10:00.000Z', '2026-01-05T09:20:00.000Z']);
    expect(d.waits('job').map((j) => j.elementId)).toEqual(['sendReminder', 'sendReminder']);
    expect(d.waits('userTask').map((u) => u.elementId)).toEqual(['review']);
  });

  test('message boundaries: non-interrupting keeps the task and its subscription, interrupting ends it', async () => {
    const d = await driver('boundary-message');
    d.start({ dealId: 'D1' });
    d.correlate('updated', { change: 1 });
    expect(d.completedElements()).toEqual(['start', 'updated', 'note', 'noted']);
    expect(d.waits('message').map((m) => m.elementId).sort()).toEqual(['cancelled', 'updated']);
    d.correlate('cancelled');
    expect(d.cancelledElements()).toEqual(['negotiate']);
    expect(d.completedElements().slice(-2)).toEqual(['cancelled', 'aborted']);
    expect(d.current.status).toBe('completed');
    expect(d.effectsOf('closeMessageSubscription')).toHaveLength(2);
  });

  test('error boundary: an exact error code wins over the catch-all, with output mapping of error variables', async () => {
    const d = await driver('boundary-error');
    d.start();
    d.send({ type: 'jobErrorThrown', jobId: d.wait('job', 'charge').id, errorCode: 'DECLINED', variables: { reason: 'limit' } });
    expect(d.completedElements()).toEqual(['start', 'declined', 'failed']);
    expect(d.effectsOf('instanceCompleted')[0]?.variables).toEqual({ declineReason: 'limit' });
  });

  test('error boundary without error reference catches any code', async () => {
    const d = await driver('boundary-error');
    d.start();
    d.send({ type: 'jobErrorThrown', jobId: d.wait('job', 'charge').id, errorCode: 'TIMEOUT' });
    expect(d.completedElements()).toEqual(['start', 'anyError', 'broken']);
  });
});

describe('sub-processes', () => {
  test('embedded sub-process: own scope with local input variables, then continues outside', async () => {
    const d = await driver('subprocess');
    d.start({ customer: { name: 'Ana' } });
    const task = d.effectsOf('createUserTask')[0];
    expect(task?.variables).toEqual({ customer: { name: 'Ana' }, name: 'Ana' });
    d.completeUserTask('welcome', { greeted: true });
    d.completeJob('createAccount', { accountId: 'A1' });
    expect(d.completedElements()).toEqual(['start', 'onboardingStart', 'welcome', 'createAccount', 'onboardingEnd', 'onboarding', 'celebrate', 'end']);
    // The local `name` ends with the sub-process; results propagate to the root.
    expect(d.effectsOf('instanceCompleted')[0]?.variables).toEqual({ customer: { name: 'Ana' }, greeted: true, accountId: 'A1' });
  });

  test('non-interrupting message event sub-process runs beside the main flow and can repeat', async () => {
    const d = await driver('event-subprocess');
    d.start({ caseId: 'K1' });
    d.correlate('noteStart', { note: 'a' });
    d.correlate('noteStart', { note: 'b' });
    expect(d.completedElements().filter((id) => id === 'onNote')).toHaveLength(2);
    expect(d.waits('userTask').map((u) => u.elementId)).toEqual(['work']);
    d.completeUserTask('work');
    expect(d.current.status).toBe('completed');
    expect(d.effectsOf('closeMessageSubscription')).toHaveLength(2);
  });

  test('interrupting message event sub-process cancels the main flow and its other subscriptions', async () => {
    const d = await driver('event-subprocess');
    d.start({ caseId: 'K1' });
    d.correlate('abortStart');
    expect(d.cancelledElements()).toEqual(['work']);
    expect(d.waits('message')).toEqual([]);
    d.completeUserTask('cleanUp');
    expect(d.completedElements().slice(-3)).toEqual(['cleanUp', 'abortEnd', 'onAbort']);
    expect(d.current.status).toBe('completed');
  });

  test('timer event sub-process inside a sub-process repeats per cycle and ends with its scope', async () => {
    const d = await driver('event-subprocess-nested');
    d.start();
    expect(d.wait('timer', 'hourly').dueAt).toBe('2026-01-05T10:00:00.000Z');
    d.fireTimer('hourly');
    expect(d.wait('timer', 'hourly').dueAt).toBe('2026-01-05T11:00:00.000Z');
    d.completeJob('remind');
    expect(d.completedElements()).toContain('reminders');
    d.completeUserTask('handleCase');
    expect(d.effectsOf('cancelTimer')).toHaveLength(1);
    expect(d.completedElements().slice(-3)).toEqual(['caseEnd', 'case', 'end']);
    expect(d.current.status).toBe('completed');
  });

  test('error event sub-process catches an error thrown by a job', async () => {
    const d = await driver('event-subprocess-error');
    d.start();
    d.send({ type: 'jobErrorThrown', jobId: d.wait('job', 'work').id, errorCode: 'FAILED', variables: { why: 'down' } });
    expect(d.cancelledElements()).toEqual(['work']);
    expect(d.completedElements()).toEqual(['start', 'failureStart', 'failureEnd', 'onFailure']);
    expect(d.effectsOf('instanceCompleted')[0]?.variables).toEqual({ why: 'down' });
  });
});

describe('call activity', () => {
  test('starts the child by process id with mapped variables and takes back only the mapped output', async () => {
    const [parentGraph, childGraph] = await loadGraphs('call-activity');
    if (!parentGraph || !childGraph) throw new Error('fixture needs two processes');
    const parent = new Driver(parentGraph);
    parent.start({ orderId: 'O-1', childId: 'child', other: 1 });
    const [start] = parent.effectsOf('startChildInstance');
    expect(start).toEqual(expect.objectContaining({ processId: 'child', binding: 'latest', versionTag: null, variables: { orderId: 'O-1', childId: 'child', other: 1 } }));

    const child = new Driver(childGraph);
    child.send({ type: 'startInstance', instanceId: start?.childInstanceId ?? '', variables: start?.variables ?? {}, parent: { instanceId: parent.current.instanceId, elementInstanceId: start?.elementInstanceId ?? '' } });
    child.completeJob('childWork', { result: 'done', noise: true });
    const [completed] = child.effectsOf('instanceCompleted');
    expect(completed?.parent).toEqual({ instanceId: parent.current.instanceId, elementInstanceId: start?.elementInstanceId });

    parent.send({ type: 'childInstanceCompleted', childInstanceId: completed?.instanceId ?? '', variables: completed?.variables ?? {} });
    expect(parent.rootVariables()).toEqual({ orderId: 'O-1', childId: 'child', other: 1, childResult: 'done' });
    const pinned = parent.effectsOf('startChildInstance')[1];
    expect(pinned).toEqual(expect.objectContaining({ elementId: 'callPinned', processId: 'child', binding: 'versionTag', versionTag: 'v2' }));
  });

  test('an error that ends the child is thrown at the call activity', async () => {
    const [parentGraph] = await loadGraphs('call-activity');
    if (!parentGraph) throw new Error('no parent');
    const parent = new Driver(parentGraph);
    parent.start({ orderId: 'O-1' });
    const childInstanceId = parent.wait('childInstance', 'callChild').id;
    parent.send({ type: 'childInstanceTerminated', childInstanceId, error: { errorCode: 'NOPE', errorMessage: 'child failed', variables: null } });
    // Nothing catches NOPE in the parent: incident on the call activity.
    expect(parent.effectsOf('raiseIncident')).toEqual([expect.objectContaining({ elementId: 'callChild', code: 'UNHANDLED_ERROR' })]);
  });
});

describe('multi-instance', () => {
  test('parallel over a collection with output collection, then sequential one at a time', async () => {
    const d = await driver('multi-instance');
    d.start({ contacts: ['ana', 'ion'] });
    const jobs = d.effectsOf('createJob');
    expect(jobs.map((j) => [j.variables['contact'], j.variables['loopCounter']])).toEqual([
      ['ana', 1],
      ['ion', 2],
    ]);
    d.send({ type: 'jobCompleted', jobId: jobs[1]?.jobId ?? '', variables: { sent: false } });
    d.send({ type: 'jobCompleted', jobId: jobs[0]?.jobId ?? '', variables: { sent: true } });
    expect(d.rootVariables()['results']).toEqual(['ana:true', 'ion:false']);
    expect(d.waits('userTask')).toHaveLength(1);
    expect(d.effectsOf('createUserTask').map((t) => t.variables['contact'])).toEqual(['ana']);
    d.completeUserTask('reviewEach');
    expect(d.effectsOf('createUserTask').map((t) => t.variables['contact'])).toEqual(['ana', 'ion']);
    d.completeUserTask('reviewEach');
    expect(d.current.status).toBe('completed');
  });

  test('a completion condition ends the body early and cancels the remaining instances', async () => {
    const d = await driver('multi-instance-completion');
    d.start({ voters: ['a', 'b', 'c'] });
    const [first, second] = d.waits('userTask');
    d.send({ type: 'userTaskCompleted', userTaskId: first?.id ?? '' });
    expect(d.current.status).toBe('active');
    d.send({ type: 'userTaskCompleted', userTaskId: second?.id ?? '' });
    expect(d.cancelledElements()).toEqual(['vote']);
    expect(d.effectsOf('cancelUserTask')).toHaveLength(1);
    expect(d.current.status).toBe('completed');
  });

  test('an empty collection completes the body at once', async () => {
    const d = await driver('multi-instance');
    d.start({ contacts: [] });
    expect(d.current.status).toBe('completed');
    expect(d.rootVariables()['results']).toEqual([]);
  });
});
