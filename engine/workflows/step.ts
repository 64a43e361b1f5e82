// The pure step function: (graph, state, event, ctx) → new state + effects + history. No I/O, no clock
// and no randomness beyond ctx, so the same inputs always give the same outputs and the persistence
// layer can run it inside the transaction that holds the instance row lock.
import type { EventTrigger, ProcessGraph } from './definition.ts';
import { evaluateExpression } from './expression.ts';
import { Execution, PROCESS_TYPE } from './execution.ts';
import { propagateVariable, setLocalVariable, type ElementInstance, type InstanceState, type Wait, type WaitKind } from './state.ts';
import type { InstanceEvent, StepContext, StepRejection, StepRejectionCode, StepResult } from './events.ts';
import { addDuration, firstDueDate, parseTimer, type IsoDuration } from './timer.ts';

export function step(graph: ProcessGraph, state: InstanceState | null, event: InstanceEvent, ctx: StepContext): StepResult {
  if (event.type === 'startInstance') {
    if (state !== null) return reject('INSTANCE_EXISTS', `instance ${state.instanceId} already exists`);
    return startInstance(graph, event, ctx);
  }
  if (state === null) return reject('INSTANCE_MISSING', `${event.type} needs an existing instance`);
  if (state.status !== 'active') return reject('INSTANCE_ENDED', `instance ${state.instanceId} is ${state.status}`);
  const run = new Execution(graph, structuredClone(state), ctx);
  const rejection = applyEvent(run, event, ctx);
  if (rejection) return { ok: false, error: rejection };
  run.run();
  return { ok: true, state: run.state, effects: run.effects, history: run.history };
}

function startInstance(graph: ProcessGraph, event: Extract<InstanceEvent, { type: 'startInstance' }>, ctx: StepContext): StepResult {
  const rootScope = graph.scopes.get(graph.processId);
  const startEventId = event.startEventId ?? rootScope?.noneStartEventId ?? null;
  if (startEventId === null) return reject('NO_NONE_START_EVENT', `process ${graph.processId} has no none start event; name the start event`);
  if (!rootScope?.startEventIds.includes(startEventId)) return reject('UNKNOWN_START_EVENT', `${startEventId} is not a start event of process ${graph.processId}`);
  const instanceId = event.instanceId ?? ctx.newId();
  const root: ElementInstance = { id: ctx.newId(), elementId: graph.processId, elementType: PROCESS_TYPE, kind: 'process', parentId: null, status: 'active', loopCounter: null, multiInstance: null };
  const state: InstanceState = {
    instanceId,
    processId: graph.processId,
    status: 'active',
    parent: event.parent ?? null,
    rootElementInstanceId: root.id,
    elementInstances: { [root.id]: root },
    tokens: {},
    variables: {},
    waits: {},
    incidents: {},
  };
  for (const [name, value] of Object.entries(event.variables ?? {})) setLocalVariable(state, root.id, name, value);
  const run = new Execution(graph, state, ctx);
  run.record(root, 'entered');
  run.queueActivate(root.id, null, startEventId);
  run.run();
  return { ok: true, state: run.state, effects: run.effects, history: run.history };
}

function applyEvent(run: Execution, event: Exclude<InstanceEvent, { type: 'startInstance' }>, ctx: StepContext): StepRejection | null {
  const state = run.state;
  switch (event.type) {
    case 'jobCompleted':
      return withWait(state, event.jobId, 'job', (wait) => {
        run.closeWait(wait, true);
        run.queueComplete(wait.elementInstanceId, event.variables ?? {});
      });
    case 'jobFailed':
      return withWait(state, event.jobId, 'job', (wait) => {
        const retries = Math.max(0, Math.floor(event.retriesLeft));
        wait.retries = retries;
        const owner = state.elementInstances[wait.elementInstanceId];
        if (retries > 0 || !owner) {
          const retryAt = new Date(ctx.now.getTime() + Math.max(0, event.retryBackoffMs ?? 0)).toISOString();
          run.effects.push({ type: 'retryJob', jobId: wait.id, retries, retryAt });
        } else {
          run.raiseIncident(owner, 'JOB_NO_RETRIES', event.errorMessage, { op: 'retryJob', jobId: wait.id });
        }
      });
    case 'jobErrorThrown':
      return withWait(state, event.jobId, 'job', (wait) => {
        run.closeWait(wait, true);
        const owner = state.elementInstances[wait.elementInstanceId];
        if (owner) run.throwError(owner, { errorCode: event.errorCode, errorMessage: event.errorMessage ?? null, variables: event.variables ?? null });
      });
    case 'userTaskCompleted':
      return withWait(state, event.userTaskId, 'userTask', (wait) => {
        run.closeWait(wait, true);
        run.queueComplete(wait.elementInstanceId, event.variables ?? {});
      });
    case 'userTaskCancelled':
      return withWait(state, event.userTaskId, 'userTask', (wait) => {
        run.closeWait(wait, true);
        const owner = state.elementInstances[wait.elementInstanceId];
        if (owner) run.raiseIncident(owner, 'TASK_CANCELLED', event.reason, { op: 'recreateUserTask' });
      });
    case 'timerFired':
      return withWait(state, event.timerId, 'timer', (wait) => run.triggerWait(wait, null));
    case 'messageCorrelated':
      return withWait(state, event.subscriptionId, 'message', (wait) => run.triggerWait(wait, event.variables ?? {}));
    case 'signalBroadcast': {
      const waits = Object.values(state.waits).filter((w) => w.kind === 'signal' && w.signalName === event.signalName);
      // Earlier triggers may end later waits (interrupting boundary, event-based gateway race): re-check each.
      for (const wait of waits) if (state.waits[wait.id]) run.triggerWait(wait, event.variables ?? {});
      return null;
    }
    case 'childInstanceCompleted':
      return withWait(state, event.childInstanceId, 'childInstance', (wait) => {
        run.closeWait(wait, true);
        const node = run.node(wait.elementId);
        const call = node?.kind === 'activity' && node.behaviour.kind === 'callActivity' ? node.behaviour.call : null;
        const dropAll = call !== null && !call.propagateAllChildVariables && node?.outputs.length === 0;
        run.queueComplete(wait.elementInstanceId, dropAll ? null : event.variables);
      });
    case 'childInstanceTerminated':
      return withWait(state, event.childInstanceId, 'childInstance', (wait) => {
        run.closeWait(wait, true);
        const owner = state.elementInstances[wait.elementInstanceId];
        if (!owner) return;
        if (event.error) run.throwError(owner, event.error);
        else run.raiseIncident(owner, 'CHILD_TERMINATED', `called instance ${event.childInstanceId} was terminated`, { op: 'none' });
      });
    case 'cancelInstance':
      run.terminateInstance(null);
      return null;
    case 'resolveIncident': {
      const incident = state.incidents[event.incidentId];
      if (!incident) return { code: 'INCIDENT_NOT_FOUND', message: `no incident ${event.incidentId}` };
      delete state.incidents[incident.id];
      run.effects.push({ type: 'resolveIncident', incidentId: incident.id });
      const owner = state.elementInstances[incident.elementInstanceId];
      if (!owner) return null;
      owner.status = 'active';
      const resume = incident.resume;
      if (resume.op === 'activate') run.queueActivate(owner.id, null, resume.startEventId);
      if (resume.op === 'complete') run.queueComplete(owner.id, resume.variables);
      if (resume.op === 'recreateUserTask') run.recreateUserTask(owner);
      const job = resume.op === 'retryJob' ? state.waits[resume.jobId] : undefined;
      if (job?.kind === 'job') {
        job.retries = Math.max(1, event.retries ?? 1);
        run.effects.push({ type: 'retryJob', jobId: job.id, retries: job.retries, retryAt: ctx.now.toISOString() });
      }
      return null;
    }
    case 'setVariables': {
      const scopeId = event.elementInstanceId ?? state.rootElementInstanceId;
      if (!state.elementInstances[scopeId]) return { code: 'ELEMENT_INSTANCE_NOT_FOUND', message: `no element instance ${scopeId}` };
      for (const [name, value] of Object.entries(event.variables)) {
        if (event.local) setLocalVariable(state, scopeId, name, value);
        else propagateVariable(state, scopeId, name, value);
      }
      return null;
    }
  }
}

function withWait<K extends WaitKind>(state: InstanceState, waitId: string, kind: K, act: (wait: Extract<Wait, { kind: K }>) => void): StepRejection | null {
  const wait = state.waits[waitId];
  if (!wait || wait.kind !== kind) return { code: 'WAIT_NOT_FOUND', message: `no open ${kind} ${waitId} in instance ${state.instanceId}` };
  act(wait as Extract<Wait, { kind: K }>);
  return null;
}

function reject(code: StepRejectionCode, message: string): StepResult {
  return { ok: false, error: { code, message } };
}

/** Process-level start triggers the persistence layer registers at deploy: start timers and message starts. */
export interface StartTriggers {
  readonly timers: readonly { readonly startEventId: string; readonly dueAt: string; readonly repetitions: number | null; readonly interval: IsoDuration | null }[];
  readonly messages: readonly { readonly startEventId: string; readonly messageName: string }[];
}

export function startTriggers(graph: ProcessGraph, now: Date): StartTriggers {
  const timers: StartTriggers['timers'][number][] = [];
  const messages: StartTriggers['messages'][number][] = [];
  for (const id of graph.scopes.get(graph.processId)?.startEventIds ?? []) {
    const node = graph.nodes.get(id);
    if (node?.kind !== 'startEvent') continue;
    const planned = plannedStartTimer(node.trigger, now);
    if (planned) timers.push({ startEventId: id, ...planned });
    if (node.trigger.kind === 'message' && node.trigger.message.name.kind === 'literal') messages.push({ startEventId: id, messageName: node.trigger.message.name.text });
    else if (node.trigger.kind === 'message') {
      const name = evaluateExpression(node.trigger.message.name, {});
      if (name.ok && typeof name.value === 'string') messages.push({ startEventId: id, messageName: name.value });
    }
  }
  return { timers, messages };
}

function plannedStartTimer(trigger: EventTrigger, now: Date): { dueAt: string; repetitions: number | null; interval: IsoDuration | null } | null {
  if (trigger.kind !== 'timer') return null;
  const value = evaluateExpression(trigger.timer.value, {});
  const spec = value.ok && typeof value.value === 'string' ? parseTimer(trigger.timer.kind, value.value) : null;
  if (!spec) return null;
  return { dueAt: firstDueDate(spec, now).toISOString(), repetitions: spec.kind === 'cycle' ? spec.repetitions : 1, interval: spec.kind === 'cycle' ? spec.interval : null };
}

/** Next firing of a start timer cycle after one at `dueAt`, or null when its repetitions are used up. */
export function nextCycleDue(dueAt: string, interval: IsoDuration, repetitionsLeft: number | null): string | null {
  if (repetitionsLeft !== null && repetitionsLeft <= 1) return null;
  return addDuration(new Date(dueAt), interval).toISOString();
}
