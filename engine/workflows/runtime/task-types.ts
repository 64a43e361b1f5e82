// The service task type registry: what runs when a token reaches a service or send task (and a
// message throw or end event) whose `zeebe:taskDefinition type` names a registered type.
//
// `inline` types are engine actions: they run inside the step transaction and their result is fed
// back in that same transaction, so record changes and the step commit together. `job` types are
// connectors (e-mail, SMS, HTTP…): they run outside any transaction on pg-boss workers, with retries
// and exponential backoff, and get the effect's idempotency key, because a job can run again after a
// crash between the call and the commit of its result.
import type { Knex } from 'knex';
import type { JsonObject } from '../expression.ts';
import type { Actor, RecordService } from '../../records/index.ts';

/** What a handler sees of the task it runs. */
export interface TaskInput {
  readonly jobType: string;
  /** The task's static `zeebe:taskHeaders`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The task's own input mappings (its parameters, FEEL evaluated). */
  readonly parameters: JsonObject;
  /** Every variable visible to the task (process scope included). */
  readonly variables: JsonObject;
}

export interface BusinessRecordRef {
  readonly entity: string;
  readonly id: string;
}

interface TaskContextCommon {
  readonly instanceId: string;
  readonly processId: string;
  readonly elementId: string;
  readonly jobId: string;
  /** Stable across retries and re-deliveries of the same task activation. */
  readonly idempotencyKey: string;
  /** The record the instance is about (from a trigger or the start request), if any. */
  readonly record: BusinessRecordRef | null;
  readonly records: RecordService;
  /**
   * Who the instance acts as: pass it to the records service (`{ actor: ctx.actor }`). It carries
   * the starting user's rights when the instance acts for them, and names the acting user and the
   * instance in the audit trail either way.
   */
  readonly actor: Actor;
}

export interface InlineTaskContext extends TaskContextCommon {
  /** The step transaction: write through it (or through `records` with `trx`) to commit with the step. */
  readonly trx: Knex.Transaction;
}

export interface JobTaskContext extends TaskContextCommon {
  /** 1 for the first try; grows with each retry. */
  readonly attempt: number;
  readonly retriesLeft: number;
  /** Aborted when the worker stops. */
  readonly signal: AbortSignal;
}

/** Throw from a handler to raise a BPMN error (caught by an error boundary or event sub-process). */
export class TaskBpmnError extends Error {
  readonly errorCode: string;
  readonly variables: JsonObject | undefined;
  constructor(errorCode: string, message?: string, variables?: JsonObject) {
    super(message ?? errorCode);
    this.name = 'TaskBpmnError';
    this.errorCode = errorCode;
    this.variables = variables;
  }
}

export interface Backoff {
  /** Delay before the first retry. */
  readonly initialMs: number;
  /** Each further retry waits this many times longer, up to maxMs. */
  readonly factor: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, factor: 2, maxMs: 5 * 60_000 };

export interface InlineTaskType {
  readonly type: string;
  readonly mode: 'inline';
  readonly description?: string;
  /** Writes nothing: runs without a savepoint (a failing action that writes is undone by one). */
  readonly readOnly?: boolean;
  handler(input: TaskInput, ctx: InlineTaskContext): Promise<JsonObject | void>;
}

export interface JobTaskType {
  readonly type: string;
  readonly mode: 'job';
  readonly description?: string;
  readonly backoff?: Backoff;
  /** How long one attempt may run before it counts as lost and is delivered again (default 60). */
  readonly timeoutSeconds?: number;
  /** Attempts of this type one engine process runs at once (default 10). */
  readonly concurrency?: number;
  handler(input: TaskInput, ctx: JobTaskContext): Promise<JsonObject | void>;
}

export type TaskType = InlineTaskType | JobTaskType;

export class TaskTypeRegistry {
  readonly #types = new Map<string, TaskType>();

  register(type: TaskType): this {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.:\-/]{0,99}$/.test(type.type)) throw new Error(`task type "${type.type}" must be letters, digits and _ . : - / (at most 100)`);
    if (this.#types.has(type.type)) throw new Error(`task type "${type.type}" is already registered`);
    this.#types.set(type.type, type);
    return this;
  }

  get(type: string): TaskType | undefined {
    return this.#types.get(type);
  }

  list(): readonly TaskType[] {
    return [...this.#types.values()];
  }

  jobTypes(): readonly JobTaskType[] {
    return this.list().filter((t): t is JobTaskType => t.mode === 'job');
  }
}

/** Delay before retry number `attempt` (1 = the first retry). */
export function backoffDelay(backoff: Backoff, attempt: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** Math.max(0, attempt - 1));
}

/** pg-boss queue of a job type: its names allow letters, digits, `_ . - /`. */
export function jobQueueName(type: string): string {
  return `tessera.job.${type.replace(/[^A-Za-z0-9_.\-/]/g, (c) => `_${c.charCodeAt(0).toString(16)}`)}`;
}
