// What goes into a step (events), and what comes out besides the new state: effects for the persistence
// layer to execute in the same transaction, and history rows.
import type { JsonObject } from './expression.ts';
import type { CalledVersionBinding } from './definition.ts';
import type { IncidentCode, InstanceState, ParentLink } from './state.ts';

export interface ThrownError {
  readonly errorCode: string;
  readonly errorMessage: string | null;
  readonly variables: JsonObject | null;
}

export type InstanceEvent =
  | { readonly type: 'startInstance'; readonly instanceId?: string; readonly variables?: JsonObject; readonly startEventId?: string; readonly parent?: ParentLink }
  | { readonly type: 'jobCompleted'; readonly jobId: string; readonly variables?: JsonObject }
  | { readonly type: 'jobFailed'; readonly jobId: string; readonly retriesLeft: number; readonly errorMessage: string; readonly retryBackoffMs?: number }
  | { readonly type: 'jobErrorThrown'; readonly jobId: string; readonly errorCode: string; readonly errorMessage?: string; readonly variables?: JsonObject }
  | { readonly type: 'userTaskCompleted'; readonly userTaskId: string; readonly variables?: JsonObject }
  /** The task's activity was cancelled by someone: the task is over and the element waits on an incident. */
  | { readonly type: 'userTaskCancelled'; readonly userTaskId: string; readonly reason: string }
  | { readonly type: 'timerFired'; readonly timerId: string }
  | { readonly type: 'messageCorrelated'; readonly subscriptionId: string; readonly variables?: JsonObject }
  /** Delivered to each instance holding a subscription for the signal; triggers all of them. */
  | { readonly type: 'signalBroadcast'; readonly signalName: string; readonly variables?: JsonObject }
  | { readonly type: 'childInstanceCompleted'; readonly childInstanceId: string; readonly variables: JsonObject }
  | { readonly type: 'childInstanceTerminated'; readonly childInstanceId: string; readonly error?: ThrownError }
  | { readonly type: 'cancelInstance' }
  /** `retries` applies to job incidents (default 1). */
  | { readonly type: 'resolveIncident'; readonly incidentId: string; readonly retries?: number }
  /** Sets variables on a scope (default: the root); without `local` they propagate like job results. */
  | { readonly type: 'setVariables'; readonly variables: JsonObject; readonly elementInstanceId?: string; readonly local?: boolean };

interface EffectTarget {
  readonly instanceId: string;
  readonly elementInstanceId: string;
  readonly elementId: string;
}

export interface UserTaskSpec {
  readonly name: string | null;
  readonly assignee: string | null;
  readonly candidateGroups: readonly string[];
  readonly candidateUsers: readonly string[];
  readonly dueDate: string | null;
  readonly followUpDate: string | null;
  readonly priority: number;
  readonly formKey: string | null;
  /** Subject and description per language (`name:pl`, `description:ro`…), from the element's properties. */
  readonly texts: Readonly<Record<string, string>>;
}

export type Effect =
  | (EffectTarget & {
      readonly type: 'createJob';
      readonly jobId: string;
      readonly jobType: string;
      readonly retries: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly variables: JsonObject;
      /** Stable across retries: taskIdempotencyKey(instanceId, elementInstanceId). */
      readonly idempotencyKey: string;
    })
  | { readonly type: 'retryJob'; readonly jobId: string; readonly retries: number; readonly retryAt: string }
  | { readonly type: 'cancelJob'; readonly jobId: string }
  | (EffectTarget & UserTaskSpec & { readonly type: 'createUserTask'; readonly userTaskId: string; readonly variables: JsonObject })
  | { readonly type: 'cancelUserTask'; readonly userTaskId: string }
  | (EffectTarget & { readonly type: 'scheduleTimer'; readonly timerId: string; readonly dueAt: string })
  | { readonly type: 'cancelTimer'; readonly timerId: string }
  | (EffectTarget & { readonly type: 'openMessageSubscription'; readonly subscriptionId: string; readonly messageName: string; readonly correlationKey: string; readonly interrupting: boolean })
  | { readonly type: 'closeMessageSubscription'; readonly subscriptionId: string }
  | (EffectTarget & { readonly type: 'openSignalSubscription'; readonly subscriptionId: string; readonly signalName: string })
  | { readonly type: 'closeSignalSubscription'; readonly subscriptionId: string }
  | { readonly type: 'broadcastSignal'; readonly signalName: string; readonly variables: JsonObject }
  | (EffectTarget & {
      readonly type: 'startChildInstance';
      readonly childInstanceId: string;
      readonly processId: string;
      readonly binding: CalledVersionBinding;
      readonly versionTag: string | null;
      readonly variables: JsonObject;
    })
  | { readonly type: 'terminateChildInstance'; readonly childInstanceId: string }
  | (EffectTarget & { readonly type: 'raiseIncident'; readonly incidentId: string; readonly code: IncidentCode; readonly message: string })
  | { readonly type: 'resolveIncident'; readonly incidentId: string }
  | { readonly type: 'instanceCompleted'; readonly instanceId: string; readonly parent: ParentLink | null; readonly variables: JsonObject }
  | { readonly type: 'instanceTerminated'; readonly instanceId: string; readonly parent: ParentLink | null; readonly error: ThrownError | null };

export type EffectType = Effect['type'];

export interface HistoryEntry {
  readonly instanceId: string;
  readonly elementInstanceId: string;
  readonly elementId: string;
  readonly elementType: string;
  readonly event: 'entered' | 'left' | 'cancelled';
  readonly at: string;
}

export type StepRejectionCode =
  | 'INSTANCE_EXISTS'
  | 'INSTANCE_MISSING'
  | 'INSTANCE_ENDED'
  | 'UNKNOWN_START_EVENT'
  | 'NO_NONE_START_EVENT'
  | 'WAIT_NOT_FOUND'
  | 'INCIDENT_NOT_FOUND'
  | 'ELEMENT_INSTANCE_NOT_FOUND';

/** An event that does not apply to the state (unknown or already consumed wait…): nothing changes. */
export interface StepRejection {
  readonly code: StepRejectionCode;
  readonly message: string;
}

export type StepResult =
  | { readonly ok: true; readonly state: InstanceState; readonly effects: readonly Effect[]; readonly history: readonly HistoryEntry[] }
  | { readonly ok: false; readonly error: StepRejection };

export interface StepContext {
  readonly now: Date;
  readonly newId: () => string;
  /** Work items one step may process before further ones turn into STEP_LIMIT incidents (runaway loops). */
  readonly maxOperations?: number;
}

/**
 * The idempotency key of a task activation: stable across retries and re-deliveries of the same
 * activation, new for a new activation of the element (a loop). The one definition, for the
 * createJob effect and every handler context (runtime/task-runner.ts).
 */
export function taskIdempotencyKey(instanceId: string, elementInstanceId: string): string {
  return `${instanceId}:${elementInstanceId}`;
}
