// The one task runner: what a service task's handler gets and how its ending becomes an instance
// event, for both kinds of task type. `inline` handlers run inside the step transaction (the session
// calls runInlineTask in a savepoint); `job` handlers run on a pg-boss worker outside any transaction
// (the runtime calls runJobAttempt and feeds the event back in a new step). The idempotency key, the
// handler context and the BPMN-error mapping exist here only.
import type { Knex } from 'knex';
import type { ProcessGraph } from '../definition.ts';
import type { InstanceEvent } from '../events.ts';
import { taskIdempotencyKey } from '../events.ts';
import type { JsonObject } from '../expression.ts';
import { visibleVariables, type InstanceState } from '../state.ts';
import type { Actor, RecordService } from '../../records/index.ts';
import type { ActingAs } from './run-as.ts';
import { backoffDelay, DEFAULT_BACKOFF, TaskBpmnError, type BusinessRecordRef, type InlineTaskType, type JobTaskContext, type JobTaskType, type TaskInput } from './task-types.ts';

/** The data of a connector's pg-boss job: what its handler needs (Zeebe's activation snapshot), so a worker reads nothing first. */
export interface ConnectorJob {
  readonly jobId: string;
  readonly instanceId: string;
  readonly processId: string;
  readonly elementInstanceId: string;
  readonly attempt: number;
  /** Attempts left after this one fails (the diagram's retries, counted down). */
  readonly retries: number;
  readonly record: BusinessRecordRef | null;
  readonly input: TaskInput & { readonly elementId: string };
  /** Who the instance acts as (absent on jobs queued before instances kept it: the platform). */
  readonly actingAs?: Omit<ActingAs, 'instanceId'>;
}

/**
 * The job of a connector task type as the createJob (or retry) effect queues it: what its handler gets
 * (Zeebe's activation snapshot), so a worker reads nothing before running it.
 */
export function connectorJob(
  graph: ProcessGraph,
  state: InstanceState,
  instance: { readonly instanceId: string; readonly processId: string; readonly record: BusinessRecordRef | null; readonly startedBy: string | null; readonly owner: string | null; readonly runAs: ActingAs['runAs'] },
  job: { readonly jobId: string; readonly jobType: string; readonly elementInstanceId: string; readonly attempt: number },
): ConnectorJob {
  const wait = state.waits[job.jobId];
  return {
    jobId: job.jobId,
    instanceId: instance.instanceId,
    processId: instance.processId,
    elementInstanceId: job.elementInstanceId,
    attempt: job.attempt,
    retries: wait?.kind === 'job' ? wait.retries : 0,
    record: instance.record,
    input: taskInput(graph, state, job.elementInstanceId, job.jobType),
    actingAs: { userId: instance.startedBy, owner: instance.owner, runAs: instance.runAs },
  };
}

/** One activation of a task: the part of the handler context both kinds share. */
export interface TaskActivation {
  readonly jobId: string;
  readonly instanceId: string;
  readonly processId: string;
  readonly elementInstanceId: string;
  readonly elementId: string;
  readonly record: BusinessRecordRef | null;
  readonly actor: Actor;
  readonly records: RecordService;
}

/** What a handler sees of the task it runs: headers, parameters (its input mappings) and visible variables. */
export function taskInput(graph: ProcessGraph, state: InstanceState, elementInstanceId: string, jobType: string): TaskInput & { readonly elementId: string } {
  const elementId = state.elementInstances[elementInstanceId]?.elementId ?? '';
  const node = graph.nodes.get(elementId);
  let headers: Readonly<Record<string, string>> = {};
  if (node?.kind === 'activity' && node.behaviour.kind === 'job') headers = node.behaviour.job.headers;
  else if ((node?.kind === 'endEvent' || node?.kind === 'throwEvent') && node.result.kind === 'message') headers = node.result.job.headers;
  return { jobType, headers, parameters: { ...state.variables[elementInstanceId] }, variables: visibleVariables(state, elementInstanceId), elementId };
}

function commonContext(activation: TaskActivation) {
  return {
    actor: activation.actor,
    records: activation.records,
    instanceId: activation.instanceId,
    processId: activation.processId,
    elementId: activation.elementId,
    jobId: activation.jobId,
    idempotencyKey: taskIdempotencyKey(activation.instanceId, activation.elementInstanceId),
    record: activation.record,
  };
}

/** How a failure that is not a BPMN error is counted. */
export interface FailurePolicy {
  readonly retriesLeft: number;
  readonly retryBackoffMs?: number;
}

/** The instance event a handler's ending makes: completed, a BPMN error (TaskBpmnError), or a failure. */
export function taskEvent(jobId: string, ending: { readonly ok: true; readonly result: JsonObject | void } | { readonly ok: false; readonly error: unknown }, failure: FailurePolicy): InstanceEvent {
  if (ending.ok) return { type: 'jobCompleted', jobId, variables: ending.result ?? {} };
  const { error } = ending;
  if (error instanceof TaskBpmnError) {
    return { type: 'jobErrorThrown', jobId, errorCode: error.errorCode, errorMessage: error.message, ...(error.variables ? { variables: error.variables } : {}) };
  }
  return { type: 'jobFailed', jobId, retriesLeft: failure.retriesLeft, errorMessage: describeError(error), ...(failure.retryBackoffMs !== undefined ? { retryBackoffMs: failure.retryBackoffMs } : {}) };
}

/** Runs an inline handler in the given transaction (a savepoint of the step). Throws what the handler throws. */
export function runInlineTask(type: InlineTaskType, input: TaskInput, activation: TaskActivation, trx: Knex.Transaction): Promise<JsonObject | void> {
  return type.handler(input, { ...commonContext(activation), trx });
}

/**
 * Runs one attempt of a job handler, bounded by its timeout and the worker's stop signal, and returns
 * the event to feed back. A stop (the worker's signal) is rethrown: the attempt runs again elsewhere.
 */
export async function runJobAttempt(type: JobTaskType, job: ConnectorJob, activation: TaskActivation, stopSignal: AbortSignal): Promise<InstanceEvent> {
  const timeout = AbortSignal.timeout((type.timeoutSeconds ?? 60) * 1000);
  const signal = AbortSignal.any([stopSignal, timeout]);
  const ctx: JobTaskContext = { ...commonContext(activation), attempt: job.attempt, retriesLeft: job.retries, signal };
  try {
    const result = await abortable(type.handler(job.input, ctx), signal);
    return taskEvent(job.jobId, { ok: true, result }, { retriesLeft: 0 });
  } catch (error) {
    if (stopSignal.aborted) throw error;
    return taskEvent(job.jobId, { ok: false, error }, { retriesLeft: job.retries - 1, retryBackoffMs: backoffDelay(type.backoff ?? DEFAULT_BACKOFF, job.attempt) });
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const problems = (error as { problems?: readonly { pointer: string; detail: string }[] }).problems;
    const detail = problems && problems.length > 0 ? ` (${problems.map((p) => `${p.pointer || '/'}: ${p.detail}`).join('; ')})` : '';
    return `${error.message}${detail}`;
  }
  return String(error);
}

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('the task timed out'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('the task timed out'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
