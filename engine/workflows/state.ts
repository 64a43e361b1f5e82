// The state of one process instance as plain JSON: every map is keyed by id so the persistence layer
// can store each entry as a row (element instances, tokens, variables per scope, waits, incidents).
import type { JsonObject, JsonValue } from './expression.ts';
import type { IsoDuration } from './timer.ts';

export type InstanceStatus = 'active' | 'completed' | 'terminated';

export interface ParentLink {
  readonly instanceId: string;
  /** The call activity's element instance in the parent. */
  readonly elementInstanceId: string;
}

export interface MultiInstanceProgress {
  readonly items: JsonValue[];
  readonly sequential: boolean;
  /** Index of the next item to start (sequential) or the number started (parallel). */
  nextIndex: number;
  completed: number;
}

export interface ElementInstance {
  readonly id: string;
  readonly elementId: string;
  readonly elementType: string;
  /** `process` is the root scope; a multi-instance body holds one `element` per item. */
  readonly kind: 'process' | 'element' | 'multiInstanceBody';
  /** The enclosing scope: process root, (event) sub-process or multi-instance body. Null for the root. */
  readonly parentId: string | null;
  status: 'active' | 'incident';
  /** 1-based position among the instances of a multi-instance body. */
  readonly loopCounter: number | null;
  multiInstance: MultiInstanceProgress | null;
}

/** A token that arrived at a joining parallel/inclusive gateway and waits for the others. */
export interface Token {
  readonly id: string;
  readonly scopeId: string;
  readonly elementId: string;
  readonly flowId: string;
}

interface WaitCommon {
  readonly id: string;
  /** The element instance the wait belongs to; it ends with that instance. */
  readonly elementInstanceId: string;
  /** The element a trigger activates: the owner itself, a boundary event, an event sub-process start or a gateway target. */
  readonly elementId: string;
}

export type Wait =
  | (WaitCommon & { readonly kind: 'job'; readonly jobType: string; retries: number })
  | (WaitCommon & { readonly kind: 'userTask' })
  | (WaitCommon & { readonly kind: 'timer'; readonly dueAt: string; readonly repetitionsLeft: number | null; readonly interval: IsoDuration | null })
  | (WaitCommon & { readonly kind: 'message'; readonly messageName: string; readonly correlationKey: string })
  | (WaitCommon & { readonly kind: 'signal'; readonly signalName: string })
  | (WaitCommon & { readonly kind: 'childInstance' });

export type WaitKind = Wait['kind'];

export type IncidentCode = 'JOB_NO_RETRIES' | 'FEEL_EVALUATION' | 'NO_FLOW_MATCHED' | 'UNHANDLED_ERROR' | 'INVALID_TIMER' | 'CHILD_TERMINATED' | 'STEP_LIMIT' | 'TASK_CANCELLED';

/** What resolving the incident retries. */
export type IncidentResume =
  | { readonly op: 'activate'; readonly startEventId?: string }
  | { readonly op: 'complete'; readonly variables: JsonObject | null }
  | { readonly op: 'retryJob'; readonly jobId: string }
  /** The user task is given again (a new activity). */
  | { readonly op: 'recreateUserTask' }
  | { readonly op: 'none' };

export interface Incident {
  readonly id: string;
  readonly code: IncidentCode;
  readonly message: string;
  readonly elementInstanceId: string;
  readonly elementId: string;
  readonly resume: IncidentResume;
}

export interface InstanceState {
  readonly instanceId: string;
  readonly processId: string;
  status: InstanceStatus;
  readonly parent: ParentLink | null;
  readonly rootElementInstanceId: string;
  elementInstances: Record<string, ElementInstance>;
  tokens: Record<string, Token>;
  /** Local variables per scope (element instance id); a scope without variables has no entry. */
  variables: Record<string, JsonObject>;
  waits: Record<string, Wait>;
  incidents: Record<string, Incident>;
}

/** Visible variables of an element instance: the scope chain from the root down, inner names shadowing outer. */
export function visibleVariables(state: InstanceState, elementInstanceId: string | null): JsonObject {
  const chain: string[] = [];
  for (let id = elementInstanceId; id !== null; id = state.elementInstances[id]?.parentId ?? null) chain.unshift(id);
  const result: JsonObject = {};
  for (const id of chain) Object.assign(result, state.variables[id]);
  return result;
}

/** Sets a variable on one scope; a dotted target (`a.b`) updates a nested entry of `a`. */
export function setLocalVariable(state: InstanceState, scopeId: string, target: string, value: JsonValue): void {
  const [name = target, ...path] = target.split('.');
  const current = state.variables[scopeId]?.[name] ?? null;
  state.variables[scopeId] = { ...state.variables[scopeId], [name]: withPath(current, path, value) };
}

/**
 * Zeebe's propagation: the variable is updated in the nearest scope (starting at `fromScopeId`) that
 * already has it, otherwise created at the root.
 */
export function propagateVariable(state: InstanceState, fromScopeId: string, target: string, value: JsonValue): void {
  const name = target.split('.')[0] ?? target;
  let scope: string | null = fromScopeId;
  while (scope !== null && !(name in (state.variables[scope] ?? {}))) scope = state.elementInstances[scope]?.parentId ?? null;
  setLocalVariable(state, scope ?? state.rootElementInstanceId, target, value);
}

function withPath(current: JsonValue, path: readonly string[], value: JsonValue): JsonValue {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  const object: JsonObject = current !== null && typeof current === 'object' && !Array.isArray(current) ? { ...current } : {};
  object[head] = withPath(object[head] ?? null, rest, value);
  return object;
}

export function childrenOf(state: InstanceState, scopeId: string): ElementInstance[] {
  return Object.values(state.elementInstances).filter((e) => e.parentId === scopeId);
}

export function waitsOf(state: InstanceState, elementInstanceId: string): Wait[] {
  return Object.values(state.waits).filter((w) => w.elementInstanceId === elementInstanceId);
}
