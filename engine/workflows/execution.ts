// Token movement inside one step: a FIFO of work items run to quiescence over a private copy of the
// state. Every evaluation that can fail happens before the state is touched, so a failure becomes an
// incident on an unchanged element instance and resolving it simply retries the same work item.
import type { ActivityNode, BoundaryEventNode, EventTrigger, FlowNode, JobBinding, ProcessGraph, SequenceFlow, StartEventNode, UserTaskBinding } from './definition.ts';
import { evaluateAs, evaluateExpression, isArray, isBoolean, isNumber, isString, type Expression, type JsonObject, type JsonValue } from './expression.ts';
import { addDuration, firstDueDate, parseTimer, remainingAfterFiring, type IsoDuration } from './timer.ts';
import { childrenOf, propagateVariable, setLocalVariable, visibleVariables, waitsOf, type ElementInstance, type IncidentCode, type IncidentResume, type InstanceState, type Wait } from './state.ts';
import type { Effect, HistoryEntry, StepContext, ThrownError, UserTaskSpec } from './events.ts';
import { taskIdempotencyKey } from './events.ts';

export const MULTI_INSTANCE_BODY_TYPE = 'bpmn:MultiInstanceBody';
export const PROCESS_TYPE = 'bpmn:Process';
const DEFAULT_MAX_OPERATIONS = 10_000;

type Work =
  | { readonly op: 'activate'; readonly elementInstanceId: string; readonly payload: JsonObject | null; readonly startEventId?: string }
  | { readonly op: 'complete'; readonly elementInstanceId: string; readonly payload: JsonObject | null }
  | { readonly op: 'scopeCheck'; readonly scopeId: string };

/** A computation that may fail; `apply` mutates state only once every part has succeeded. */
type Prepared<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: IncidentCode; readonly message: string };

type WaitSpec =
  | { readonly kind: 'timer'; readonly dueAt: Date; readonly repetitionsLeft: number | null; readonly interval: IsoDuration | null }
  | { readonly kind: 'message'; readonly messageName: string; readonly correlationKey: string }
  | { readonly kind: 'signal'; readonly signalName: string };

interface PlannedWait {
  readonly elementId: string;
  readonly interrupting: boolean;
  readonly spec: WaitSpec;
}

const ok = <T>(value: T): Prepared<T> => ({ ok: true, value });
const fail = (code: IncidentCode, message: string): Prepared<never> => ({ ok: false, code, message });

export class Execution {
  readonly graph: ProcessGraph;
  readonly state: InstanceState;
  readonly effects: Effect[] = [];
  readonly history: HistoryEntry[] = [];
  readonly #ctx: StepContext;
  readonly #queue: Work[] = [];
  #operations = 0;

  constructor(graph: ProcessGraph, state: InstanceState, ctx: StepContext) {
    this.graph = graph;
    this.state = state;
    this.#ctx = ctx;
  }

  get now(): string {
    return this.#ctx.now.toISOString();
  }

  newId(): string {
    return this.#ctx.newId();
  }

  // ---- Queue ----

  queueActivate(elementInstanceId: string, payload: JsonObject | null, startEventId?: string): void {
    this.#queue.push(startEventId === undefined ? { op: 'activate', elementInstanceId, payload } : { op: 'activate', elementInstanceId, payload, startEventId });
  }

  queueComplete(elementInstanceId: string, payload: JsonObject | null): void {
    this.#queue.push({ op: 'complete', elementInstanceId, payload });
  }

  /** Runs work until nothing moves, including inclusive joins that can only fire once all else is quiet. */
  run(): void {
    const limit = this.#ctx.maxOperations ?? DEFAULT_MAX_OPERATIONS;
    for (;;) {
      for (let work = this.#queue.shift(); work !== undefined; work = this.#queue.shift()) {
        if (work.op === 'scopeCheck') {
          this.#scopeCheck(work.scopeId);
          continue;
        }
        const instance = this.state.elementInstances[work.elementInstanceId];
        if (!instance || instance.status === 'incident') continue;
        if (++this.#operations > limit) {
          const resume: IncidentResume = work.op === 'activate' ? activateResume(work.startEventId) : { op: 'complete', variables: work.payload };
          this.raiseIncident(instance, 'STEP_LIMIT', `more than ${limit} operations in one step; the model probably loops without a wait state`, resume);
          continue;
        }
        if (work.op === 'activate') this.#activate(instance, work.payload, work.startEventId);
        else this.#complete(instance, work.payload);
      }
      if (!this.#fireInclusiveJoins()) return;
    }
  }

  // ---- Element instances ----

  enter(elementId: string, scopeId: string, payload: JsonObject | null, loopCounter: number | null = null): ElementInstance {
    const node = this.node(elementId);
    const body = node?.kind === 'activity' && node.multiInstance !== null && loopCounter === null;
    const instance: ElementInstance = {
      id: this.newId(),
      elementId,
      elementType: body ? MULTI_INSTANCE_BODY_TYPE : (node?.bpmnType ?? 'unknown'),
      kind: body ? 'multiInstanceBody' : 'element',
      parentId: scopeId,
      status: 'active',
      loopCounter,
      multiInstance: null,
    };
    this.state.elementInstances[instance.id] = instance;
    this.record(instance, 'entered');
    this.queueActivate(instance.id, payload);
    return instance;
  }

  record(instance: ElementInstance, event: HistoryEntry['event']): void {
    this.history.push({ instanceId: this.state.instanceId, elementInstanceId: instance.id, elementId: instance.elementId, elementType: instance.elementType, event, at: this.now });
  }

  node(elementId: string): FlowNode | undefined {
    return this.graph.nodes.get(elementId);
  }

  /** Removes an instance that finished normally (its waits are closed by the caller's rules). */
  #leave(instance: ElementInstance): void {
    for (const wait of waitsOf(this.state, instance.id)) this.closeWait(wait);
    this.record(instance, 'left');
    this.#forget(instance);
  }

  #forget(instance: ElementInstance): void {
    delete this.state.elementInstances[instance.id];
    delete this.state.variables[instance.id];
  }

  /** Cancels an instance and everything inside it: waits closed, tokens dropped, incidents resolved. */
  terminate(instance: ElementInstance): void {
    for (const child of childrenOf(this.state, instance.id)) this.terminate(child);
    for (const wait of waitsOf(this.state, instance.id)) this.closeWait(wait);
    this.#dropTokens(instance.id);
    for (const incident of Object.values(this.state.incidents)) {
      if (incident.elementInstanceId !== instance.id) continue;
      delete this.state.incidents[incident.id];
      this.effects.push({ type: 'resolveIncident', incidentId: incident.id });
    }
    this.record(instance, 'cancelled');
    this.#forget(instance);
  }

  #dropTokens(scopeId: string): void {
    for (const token of Object.values(this.state.tokens)) if (token.scopeId === scopeId) delete this.state.tokens[token.id];
  }

  raiseIncident(instance: ElementInstance, code: IncidentCode, message: string, resume: IncidentResume): void {
    const incident = { id: this.newId(), code, message, elementInstanceId: instance.id, elementId: instance.elementId, resume };
    this.state.incidents[incident.id] = incident;
    instance.status = 'incident';
    this.effects.push({ type: 'raiseIncident', incidentId: incident.id, instanceId: this.state.instanceId, elementInstanceId: instance.id, elementId: instance.elementId, code, message });
  }

  // ---- Activation ----

  #activate(instance: ElementInstance, payload: JsonObject | null, startEventId: string | undefined): void {
    if (instance.kind === 'process') return this.#activateRoot(instance, startEventId ?? this.graph.scopes.get(this.graph.processId)?.noneStartEventId ?? '', payload);
    const node = this.node(instance.elementId);
    if (!node) return;
    if (instance.kind === 'multiInstanceBody' && node.kind === 'activity') return this.#activateMultiInstanceBody(instance, node);
    const inputs = this.#evaluateMappings(node.inputs, visibleVariables(this.state, instance.id));
    if (!inputs.ok) return this.raiseIncident(instance, inputs.code, inputs.message, { op: 'activate' });
    const context = { ...visibleVariables(this.state, instance.id), ...inputs.value };
    const plan = this.#planBehaviour(node, instance, context, payload);
    if (!plan.ok) return this.raiseIncident(instance, plan.code, plan.message, { op: 'activate' });
    for (const [name, value] of Object.entries(inputs.value)) setLocalVariable(this.state, instance.id, name, value);
    plan.value();
  }

  #evaluateMappings(mappings: ActivityNode['inputs'], context: JsonObject): Prepared<JsonObject> {
    const result: JsonObject = {};
    for (const mapping of mappings) {
      const value = evaluateExpression(mapping.source, { ...context, ...result });
      if (!value.ok) return fail('FEEL_EVALUATION', `mapping to '${mapping.target}': ${value.message}`);
      result[mapping.target] = value.value;
    }
    return ok(result);
  }

  #planBehaviour(node: FlowNode, instance: ElementInstance, context: JsonObject, payload: JsonObject | null): Prepared<() => void> {
    const completeNow = ok(() => this.queueComplete(instance.id, payload));
    switch (node.kind) {
      case 'startEvent':
      case 'boundaryEvent':
        return completeNow;
      case 'endEvent': {
        const result = node.result;
        if (result.kind === 'message') return this.#planJob(result.job, instance, context);
        if (result.kind === 'error') return ok(() => this.throwError(instance, { errorCode: result.errorCode, errorMessage: result.errorMessage, variables: null }));
        if (result.kind === 'terminate') return ok(() => this.#terminateScope(instance));
        return completeNow;
      }
      case 'gateway':
        return node.gateway === 'eventBased' ? this.#planEventGateway(node.outgoing, instance, context) : completeNow;
      case 'catchEvent':
        return payload !== null ? completeNow : this.#planWaits([{ elementId: node.id, trigger: node.trigger, interrupting: true }], instance, context, () => undefined);
      case 'throwEvent': {
        const result = node.result;
        if (result.kind === 'message') return this.#planJob(result.job, instance, context);
        if (result.kind === 'none') return completeNow;
        const name = evaluateAs(result.signalName, context, 'a signal name', isString);
        if (!name.ok) return fail('FEEL_EVALUATION', name.message);
        const variables = this.#inputsOnly(node, context);
        return ok(() => {
          this.effects.push({ type: 'broadcastSignal', signalName: name.value, variables });
          this.queueComplete(instance.id, payload);
        });
      }
      case 'activity':
        return this.#planActivity(node, instance, context, payload);
    }
  }

  /** Signal and child variables: only what the element's input mappings produced. */
  #inputsOnly(node: FlowNode, context: JsonObject): JsonObject {
    const result: JsonObject = {};
    for (const mapping of node.inputs) result[mapping.target] = context[mapping.target] ?? null;
    return result;
  }

  #planActivity(node: ActivityNode, instance: ElementInstance, context: JsonObject, payload: JsonObject | null): Prepared<() => void> {
    const behaviour = node.behaviour;
    let main: Prepared<() => void>;
    switch (behaviour.kind) {
      case 'passThrough':
        return ok(() => this.queueComplete(instance.id, payload));
      case 'job':
        main = this.#planJob(behaviour.job, instance, context);
        break;
      case 'userTask':
        main = this.#planUserTask(behaviour.userTask, node, instance, context);
        break;
      case 'receive':
        if (payload !== null) return ok(() => this.queueComplete(instance.id, payload));
        main = this.#planWaits([{ elementId: node.id, trigger: { kind: 'message', message: behaviour.message }, interrupting: true }], instance, context, () => undefined);
        break;
      case 'subProcess':
        main = this.#planScopeEntry(instance, behaviour.scopeId, this.graph.scopes.get(behaviour.scopeId)?.noneStartEventId ?? '', null, context);
        break;
      case 'eventSubProcess':
        main = this.#planScopeEntry(instance, behaviour.scopeId, behaviour.startEventId, payload, context);
        break;
      case 'callActivity':
        main = this.#planCall(node, instance, context);
        break;
    }
    // Boundary events belong to the multi-instance body, not to each inner instance.
    if (!main.ok || this.#isInnerInstance(instance)) return main;
    const run = main.value;
    return this.#planBoundaries(node, instance, context, run);
  }

  #isInnerInstance(instance: ElementInstance): boolean {
    return instance.loopCounter !== null;
  }

  #planBoundaries(node: ActivityNode, instance: ElementInstance, context: JsonObject, then: () => void): Prepared<() => void> {
    const boundaries = node.boundaryEventIds.map((id) => this.node(id)).filter((b): b is BoundaryEventNode => b?.kind === 'boundaryEvent');
    return this.#planWaits(boundaries.map((b) => ({ elementId: b.id, trigger: b.trigger, interrupting: b.interrupting })), instance, context, then);
  }

  /** Opens the waits of the given triggers (error and none triggers need no wait) and then runs `then`. */
  #planWaits(triggers: readonly { elementId: string; trigger: EventTrigger; interrupting: boolean }[], owner: ElementInstance, context: JsonObject, then: () => void): Prepared<() => void> {
    const planned: PlannedWait[] = [];
    for (const { elementId, trigger, interrupting } of triggers) {
      const spec = this.#planWaitSpec(trigger, context);
      if (!spec.ok) return spec;
      if (spec.value) planned.push({ elementId, interrupting, spec: spec.value });
    }
    return ok(() => {
      for (const wait of planned) this.openWait(owner, wait);
      then();
    });
  }

  #planWaitSpec(trigger: EventTrigger, context: JsonObject): Prepared<WaitSpec | null> {
    switch (trigger.kind) {
      case 'none':
      case 'error':
        return ok(null);
      case 'signal': {
        const name = evaluateAs(trigger.signalName, context, 'a signal name', isString);
        return name.ok ? ok({ kind: 'signal', signalName: name.value }) : fail('FEEL_EVALUATION', name.message);
      }
      case 'message': {
        const name = evaluateAs(trigger.message.name, context, 'a message name', isString);
        if (!name.ok) return fail('FEEL_EVALUATION', name.message);
        const key = trigger.message.correlationKey ? evaluateExpression(trigger.message.correlationKey, context) : ({ ok: true, value: '' } as const);
        if (!key.ok) return fail('FEEL_EVALUATION', key.message);
        if (typeof key.value !== 'string' && typeof key.value !== 'number') {
          return fail('FEEL_EVALUATION', `correlation key of message '${name.value}' should be a string or number but was ${JSON.stringify(key.value)}`);
        }
        return ok({ kind: 'message', messageName: name.value, correlationKey: String(key.value) });
      }
      case 'timer': {
        const value = evaluateExpression(trigger.timer.value, context);
        if (!value.ok) return fail('FEEL_EVALUATION', value.message);
        const spec = typeof value.value === 'string' ? parseTimer(trigger.timer.kind, value.value) : null;
        if (!spec) return fail('INVALID_TIMER', `timer ${trigger.timer.kind} ${JSON.stringify(value.value)} is not valid ISO 8601`);
        return ok({
          kind: 'timer',
          dueAt: firstDueDate(spec, this.#ctx.now),
          repetitionsLeft: spec.kind === 'cycle' ? spec.repetitions : 1,
          interval: spec.kind === 'cycle' ? spec.interval : null,
        });
      }
    }
  }

  openWait(owner: ElementInstance, planned: PlannedWait): void {
    const id = this.newId();
    const target = { instanceId: this.state.instanceId, elementInstanceId: owner.id, elementId: planned.elementId };
    const common = { id, elementInstanceId: owner.id, elementId: planned.elementId };
    const spec = planned.spec;
    if (spec.kind === 'timer') {
      this.state.waits[id] = { ...common, kind: 'timer', dueAt: spec.dueAt.toISOString(), repetitionsLeft: spec.repetitionsLeft, interval: spec.interval };
      this.effects.push({ ...target, type: 'scheduleTimer', timerId: id, dueAt: spec.dueAt.toISOString() });
    } else if (spec.kind === 'message') {
      this.state.waits[id] = { ...common, kind: 'message', messageName: spec.messageName, correlationKey: spec.correlationKey };
      this.effects.push({ ...target, type: 'openMessageSubscription', subscriptionId: id, messageName: spec.messageName, correlationKey: spec.correlationKey, interrupting: planned.interrupting });
    } else {
      this.state.waits[id] = { ...common, kind: 'signal', signalName: spec.signalName };
      this.effects.push({ ...target, type: 'openSignalSubscription', subscriptionId: id, signalName: spec.signalName });
    }
  }

  /** Ends a wait because its owner ends or it lost a race; `consumed` waits were used up by the event itself. */
  closeWait(wait: Wait, consumed = false): void {
    delete this.state.waits[wait.id];
    if (consumed && wait.kind !== 'message' && wait.kind !== 'signal') return;
    switch (wait.kind) {
      case 'job':
        return void this.effects.push({ type: 'cancelJob', jobId: wait.id });
      case 'userTask':
        return void this.effects.push({ type: 'cancelUserTask', userTaskId: wait.id });
      case 'timer':
        return void this.effects.push({ type: 'cancelTimer', timerId: wait.id });
      case 'message':
        return void this.effects.push({ type: 'closeMessageSubscription', subscriptionId: wait.id });
      case 'signal':
        return void this.effects.push({ type: 'closeSignalSubscription', subscriptionId: wait.id });
      case 'childInstance':
        return void this.effects.push({ type: 'terminateChildInstance', childInstanceId: wait.id });
    }
  }

  #planJob(job: JobBinding, instance: ElementInstance, context: JsonObject): Prepared<() => void> {
    const jobType = evaluateAs(job.type, context, 'a job type', isString);
    if (!jobType.ok) return fail('FEEL_EVALUATION', jobType.message);
    const retries = this.#evaluateNumber(job.retries, context, 'job retries');
    if (!retries.ok) return retries;
    return ok(() => {
      const jobId = this.newId();
      this.state.waits[jobId] = { id: jobId, kind: 'job', elementInstanceId: instance.id, elementId: instance.elementId, jobType: jobType.value, retries: retries.value };
      this.effects.push({
        type: 'createJob',
        jobId,
        instanceId: this.state.instanceId,
        elementInstanceId: instance.id,
        elementId: instance.elementId,
        jobType: jobType.value,
        retries: retries.value,
        headers: this.#headers(instance.elementId),
        variables: visibleVariables(this.state, instance.id),
        idempotencyKey: taskIdempotencyKey(this.state.instanceId, instance.id),
      });
    });
  }

  #headers(elementId: string): Readonly<Record<string, string>> {
    const node = this.node(elementId);
    if (node?.kind === 'activity' && node.behaviour.kind === 'job') return node.behaviour.job.headers;
    if ((node?.kind === 'endEvent' || node?.kind === 'throwEvent') && node.result.kind === 'message') return node.result.job.headers;
    return {};
  }

  #evaluateNumber(expression: Expression, context: JsonObject, what: string): Prepared<number> {
    if (expression.kind === 'literal') {
      const value = Number(expression.text);
      return Number.isFinite(value) ? ok(value) : fail('FEEL_EVALUATION', `${what} '${expression.text}' is not a number`);
    }
    const value = evaluateAs(expression, context, `a number for ${what}`, isNumber);
    return value.ok ? ok(value.value) : fail('FEEL_EVALUATION', value.message);
  }

  /** Gives a user task again (a new activity) after its activity was cancelled: resolving that incident. */
  recreateUserTask(instance: ElementInstance): void {
    const node = this.node(instance.elementId);
    if (node?.kind !== 'activity' || node.behaviour.kind !== 'userTask') return;
    const plan = this.#planUserTask(node.behaviour.userTask, node, instance, visibleVariables(this.state, instance.id));
    if (!plan.ok) return this.raiseIncident(instance, plan.code, plan.message, { op: 'recreateUserTask' });
    plan.value();
  }

  #planUserTask(binding: UserTaskBinding, node: ActivityNode, instance: ElementInstance, context: JsonObject): Prepared<() => void> {
    const text = (expression: Expression | null, what: string): Prepared<string | null> => {
      if (!expression) return ok(null);
      const value = evaluateExpression(expression, context);
      if (!value.ok) return fail('FEEL_EVALUATION', value.message);
      return value.value === null || typeof value.value === 'string' ? ok(value.value) : fail('FEEL_EVALUATION', `${what} should be a string but was ${JSON.stringify(value.value)}`);
    };
    const list = (expression: Expression | null, what: string): Prepared<string[]> => {
      if (!expression) return ok([]);
      if (expression.kind === 'literal') return ok(splitList(expression.text));
      const value = evaluateExpression(expression, context);
      if (!value.ok) return fail('FEEL_EVALUATION', value.message);
      if (typeof value.value === 'string') return ok(splitList(value.value));
      if (Array.isArray(value.value) && value.value.every((v) => typeof v === 'string')) return ok(value.value.filter(isStringValue));
      return fail('FEEL_EVALUATION', `${what} should be a list of strings but was ${JSON.stringify(value.value)}`);
    };
    const assignee = text(binding.assignee, 'assignee');
    const candidateGroups = list(binding.candidateGroups, 'candidate groups');
    const candidateUsers = list(binding.candidateUsers, 'candidate users');
    const dueDate = text(binding.dueDate, 'due date');
    const followUpDate = text(binding.followUpDate, 'follow-up date');
    const priority = binding.priority ? this.#evaluateNumber(binding.priority, context, 'priority') : ok(50);
    if (!assignee.ok) return assignee;
    if (!candidateGroups.ok) return candidateGroups;
    if (!candidateUsers.ok) return candidateUsers;
    if (!dueDate.ok) return dueDate;
    if (!followUpDate.ok) return followUpDate;
    if (!priority.ok) return priority;
    const spec: UserTaskSpec = {
      name: node.name,
      assignee: assignee.value,
      candidateGroups: candidateGroups.value,
      candidateUsers: candidateUsers.value,
      dueDate: dueDate.value,
      followUpDate: followUpDate.value,
      priority: priority.value,
      formKey: binding.formKey,
      texts: binding.texts,
    };
    return ok(() => {
      const userTaskId = this.newId();
      this.state.waits[userTaskId] = { id: userTaskId, kind: 'userTask', elementInstanceId: instance.id, elementId: instance.elementId };
      this.effects.push({
        ...spec,
        type: 'createUserTask',
        userTaskId,
        instanceId: this.state.instanceId,
        elementInstanceId: instance.id,
        elementId: instance.elementId,
        variables: visibleVariables(this.state, instance.id),
      });
    });
  }

  #planCall(node: ActivityNode, instance: ElementInstance, context: JsonObject): Prepared<() => void> {
    if (node.behaviour.kind !== 'callActivity') return fail('FEEL_EVALUATION', 'not a call activity');
    const call = node.behaviour.call;
    const processId = evaluateAs(call.processId, context, 'a process id', isString);
    if (!processId.ok) return fail('FEEL_EVALUATION', processId.message);
    return ok(() => {
      const childInstanceId = this.newId();
      this.state.waits[childInstanceId] = { id: childInstanceId, kind: 'childInstance', elementInstanceId: instance.id, elementId: instance.elementId };
      this.effects.push({
        type: 'startChildInstance',
        childInstanceId,
        instanceId: this.state.instanceId,
        elementInstanceId: instance.id,
        elementId: instance.elementId,
        processId: processId.value,
        binding: call.binding,
        versionTag: call.versionTag,
        variables: call.propagateAllParentVariables ? visibleVariables(this.state, instance.id) : { ...this.state.variables[instance.id] },
      });
    });
  }

  #planEventGateway(outgoing: readonly string[], instance: ElementInstance, context: JsonObject): Prepared<() => void> {
    const targets: { elementId: string; trigger: EventTrigger; interrupting: boolean }[] = [];
    for (const flowId of outgoing) {
      const target = this.node(this.graph.flows.get(flowId)?.targetId ?? '');
      if (target?.kind === 'catchEvent') targets.push({ elementId: target.id, trigger: target.trigger, interrupting: true });
      if (target?.kind === 'activity' && target.behaviour.kind === 'receive') targets.push({ elementId: target.id, trigger: { kind: 'message', message: target.behaviour.message }, interrupting: true });
    }
    return this.#planWaits(targets, instance, context, () => undefined);
  }

  /** Entering a scope (root, sub-process, event sub-process): its event sub-process waits, then its start event. */
  #planScopeEntry(instance: ElementInstance, scopeId: string, startEventId: string, payload: JsonObject | null, context: JsonObject): Prepared<() => void> {
    const scope = this.graph.scopes.get(scopeId);
    const starts = (scope?.eventSubProcessIds ?? []).flatMap((espId) => {
      const esp = this.node(espId);
      const start = esp?.kind === 'activity' && esp.behaviour.kind === 'eventSubProcess' ? this.node(esp.behaviour.startEventId) : undefined;
      return start?.kind === 'startEvent' ? [{ elementId: start.id, trigger: start.trigger, interrupting: start.interrupting }] : [];
    });
    return this.#planWaits(starts, instance, context, () => this.enter(startEventId, instance.id, payload));
  }

  #activateRoot(root: ElementInstance, startEventId: string, payload: JsonObject | null): void {
    const plan = this.#planScopeEntry(root, this.graph.processId, startEventId, payload, visibleVariables(this.state, root.id));
    if (!plan.ok) return this.raiseIncident(root, plan.code, plan.message, activateResume(startEventId));
    plan.value();
  }

  #activateMultiInstanceBody(body: ElementInstance, node: ActivityNode): void {
    const loop = node.multiInstance;
    if (!loop) return;
    const context = visibleVariables(this.state, body.id);
    const items = evaluateAs(loop.inputCollection, context, 'a list (multi-instance inputCollection)', isArray);
    if (!items.ok) return this.raiseIncident(body, 'FEEL_EVALUATION', items.message, { op: 'activate' });
    const plan = this.#planBoundaries(node, body, context, () => undefined);
    if (!plan.ok) return this.raiseIncident(body, plan.code, plan.message, { op: 'activate' });
    plan.value();
    body.multiInstance = { items: items.value, sequential: loop.sequential, nextIndex: 0, completed: 0 };
    if (loop.outputCollection) setLocalVariable(this.state, body.id, loop.outputCollection, items.value.map(() => null));
    if (items.value.length === 0) return this.queueComplete(body.id, null);
    const startNow = loop.sequential ? 1 : items.value.length;
    for (let i = 0; i < startNow; i++) this.#enterInner(body, node);
  }

  #enterInner(body: ElementInstance, node: ActivityNode): void {
    const progress = body.multiInstance;
    if (!progress) return;
    const index = progress.nextIndex++;
    const inner: ElementInstance = { id: this.newId(), elementId: node.id, elementType: node.bpmnType, kind: 'element', parentId: body.id, status: 'active', loopCounter: index + 1, multiInstance: null };
    this.state.elementInstances[inner.id] = inner;
    if (node.multiInstance?.inputElement) setLocalVariable(this.state, inner.id, node.multiInstance.inputElement, progress.items[index] ?? null);
    setLocalVariable(this.state, inner.id, 'loopCounter', index + 1);
    this.record(inner, 'entered');
    this.queueActivate(inner.id, null);
  }

  // ---- Completion ----

  #complete(instance: ElementInstance, payload: JsonObject | null): void {
    if (instance.kind === 'process') return this.#completeInstance(instance);
    const node = this.node(instance.elementId);
    if (!node) return;
    if (instance.kind === 'multiInstanceBody') return this.#completeMultiInstanceBody(instance, node);
    const outputs = node.outputs.length > 0 ? this.#evaluateMappings(node.outputs, { ...visibleVariables(this.state, instance.id), ...payload }) : ok<JsonObject>({});
    if (!outputs.ok) return this.raiseIncident(instance, outputs.code, outputs.message, { op: 'complete', variables: payload });
    const flows = this.#selectFlows(node, instance);
    if (!flows.ok) return this.raiseIncident(instance, flows.code, flows.message, { op: 'complete', variables: payload });
    const scopeId = instance.parentId ?? this.state.rootElementInstanceId;
    if (node.outputs.length > 0) {
      for (const [name, value] of Object.entries(payload ?? {})) setLocalVariable(this.state, instance.id, name, value);
      for (const [target, value] of Object.entries(outputs.value)) propagateVariable(this.state, scopeId, target, value);
    } else {
      for (const [name, value] of Object.entries(payload ?? {})) propagateVariable(this.state, instance.id, name, value);
    }
    const body = this.state.elementInstances[scopeId];
    if (body?.kind === 'multiInstanceBody' && node.kind === 'activity') return this.#completeInner(instance, body, node, payload);
    this.#leave(instance);
    this.#continueAfter(flows.value, scopeId);
  }

  #continueAfter(flows: readonly SequenceFlow[], scopeId: string): void {
    if (flows.length === 0) return void this.#queue.push({ op: 'scopeCheck', scopeId });
    for (const flow of flows) this.takeFlow(flow, scopeId);
  }

  #selectFlows(node: FlowNode, instance: ElementInstance): Prepared<SequenceFlow[]> {
    const flows = node.outgoing.map((id) => this.graph.flows.get(id)).filter((f): f is SequenceFlow => f !== undefined);
    if (node.kind !== 'gateway' || (node.gateway !== 'exclusive' && node.gateway !== 'inclusive')) return ok(flows);
    const context = visibleVariables(this.state, instance.id);
    const chosen: SequenceFlow[] = [];
    for (const flow of flows) {
      if (flow.id === node.defaultFlowId) continue;
      let holds = true;
      if (flow.condition) {
        const result = evaluateAs(flow.condition, context, 'a boolean (condition)', isBoolean);
        if (!result.ok) return fail('FEEL_EVALUATION', `flow ${flow.id}: ${result.message}`);
        holds = result.value;
      }
      if (!holds) continue;
      chosen.push(flow);
      if (node.gateway === 'exclusive') break;
    }
    const fallback = flows.find((f) => f.id === node.defaultFlowId);
    if (chosen.length === 0 && fallback) chosen.push(fallback);
    if (chosen.length === 0 && flows.length > 0) return fail('NO_FLOW_MATCHED', `no condition of gateway ${node.id} holds and it has no default flow`);
    return ok(chosen);
  }

  takeFlow(flow: SequenceFlow, scopeId: string, payload: JsonObject | null = null): void {
    const target = this.node(flow.targetId);
    if (target?.kind === 'gateway' && (target.gateway === 'parallel' || target.gateway === 'inclusive') && target.incoming.length > 1) {
      const token = { id: this.newId(), scopeId, elementId: target.id, flowId: flow.id };
      this.state.tokens[token.id] = token;
      const arrived = new Set(this.#tokensAt(scopeId, target.id).map((t) => t.flowId));
      if (target.incoming.every((id) => arrived.has(id))) this.#fireJoin(scopeId, target.id);
      return;
    }
    this.enter(flow.targetId, scopeId, payload);
  }

  #tokensAt(scopeId: string, elementId: string): InstanceState['tokens'][string][] {
    return Object.values(this.state.tokens).filter((t) => t.scopeId === scopeId && t.elementId === elementId);
  }

  #fireJoin(scopeId: string, gatewayId: string): void {
    const taken = new Set<string>();
    for (const token of this.#tokensAt(scopeId, gatewayId)) {
      if (taken.has(token.flowId)) continue;
      taken.add(token.flowId);
      delete this.state.tokens[token.id];
    }
    this.enter(gatewayId, scopeId, null);
  }

  /** An inclusive join waits only for flows that some active element or token of its scope can still reach. */
  #fireInclusiveJoins(): boolean {
    for (const token of Object.values(this.state.tokens)) {
      const upstream = this.graph.inclusiveUpstream.get(token.elementId);
      if (!upstream) continue;
      const busy =
        childrenOf(this.state, token.scopeId).some((child) => upstream.has(child.elementId)) ||
        Object.values(this.state.tokens).some((other) => other.scopeId === token.scopeId && other.elementId !== token.elementId && upstream.has(other.elementId));
      if (busy) continue;
      this.#fireJoin(token.scopeId, token.elementId);
      return true;
    }
    return false;
  }

  #completeInner(inner: ElementInstance, body: ElementInstance, node: ActivityNode, payload: JsonObject | null): void {
    const loop = node.multiInstance;
    const progress = body.multiInstance;
    if (!loop || !progress) return;
    const context = visibleVariables(this.state, inner.id);
    let output: JsonValue = null;
    if (loop.outputElement) {
      const value = evaluateExpression(loop.outputElement, context);
      if (!value.ok) return this.raiseIncident(inner, 'FEEL_EVALUATION', value.message, { op: 'complete', variables: payload });
      output = value.value;
    }
    let done = false;
    if (loop.completionCondition) {
      const active = childrenOf(this.state, body.id).length;
      const counters = { numberOfInstances: progress.items.length, numberOfActiveInstances: active - 1, numberOfCompletedInstances: progress.completed + 1 };
      const holds = evaluateAs(loop.completionCondition, { ...context, ...counters }, 'a boolean (completionCondition)', isBoolean);
      if (!holds.ok) return this.raiseIncident(inner, 'FEEL_EVALUATION', holds.message, { op: 'complete', variables: payload });
      done = holds.value;
    }
    if (loop.outputCollection && inner.loopCounter !== null) {
      const collection = this.state.variables[body.id]?.[loop.outputCollection];
      const updated = Array.isArray(collection) ? [...collection] : progress.items.map(() => null);
      updated[inner.loopCounter - 1] = output;
      setLocalVariable(this.state, body.id, loop.outputCollection, updated);
    }
    this.#leave(inner);
    progress.completed++;
    if (done) {
      for (const other of childrenOf(this.state, body.id)) this.terminate(other);
      return this.queueComplete(body.id, null);
    }
    if (progress.sequential && progress.nextIndex < progress.items.length) return this.#enterInner(body, node);
    if (progress.completed >= progress.items.length) this.queueComplete(body.id, null);
  }

  #completeMultiInstanceBody(body: ElementInstance, node: FlowNode): void {
    const name = node.kind === 'activity' ? node.multiInstance?.outputCollection : null;
    const scopeId = body.parentId ?? this.state.rootElementInstanceId;
    if (name) propagateVariable(this.state, scopeId, name, this.state.variables[body.id]?.[name] ?? []);
    this.#leave(body);
    this.#continueAfter(node.outgoing.map((id) => this.graph.flows.get(id)).filter((f): f is SequenceFlow => f !== undefined), scopeId);
  }

  /** A scope with nothing left inside completes: a (event) sub-process leaves, the root ends the instance. */
  #scopeCheck(scopeId: string): void {
    const scope = this.state.elementInstances[scopeId];
    if (!scope || scope.status === 'incident' || scope.kind === 'multiInstanceBody') return;
    if (childrenOf(this.state, scopeId).length > 0 || Object.values(this.state.tokens).some((t) => t.scopeId === scopeId)) return;
    if (scope.kind === 'process') return this.#completeInstance(scope);
    const node = this.node(scope.elementId);
    if (node?.kind === 'activity' && (node.behaviour.kind === 'subProcess' || node.behaviour.kind === 'eventSubProcess')) this.queueComplete(scope.id, null);
  }

  #completeInstance(root: ElementInstance): void {
    for (const wait of waitsOf(this.state, root.id)) this.closeWait(wait);
    const variables = { ...this.state.variables[root.id] };
    this.record(root, 'left');
    delete this.state.elementInstances[root.id];
    this.state.status = 'completed';
    this.effects.push({ type: 'instanceCompleted', instanceId: this.state.instanceId, parent: this.state.parent, variables });
  }

  /** Terminate end event: everything else in its scope is cancelled, then the end event completes the scope. */
  #terminateScope(endEvent: ElementInstance): void {
    const scopeId = endEvent.parentId ?? this.state.rootElementInstanceId;
    for (const sibling of childrenOf(this.state, scopeId)) if (sibling.id !== endEvent.id) this.terminate(sibling);
    this.#dropTokens(scopeId);
    this.queueComplete(endEvent.id, null);
  }

  terminateInstance(error: ThrownError | null): void {
    const root = this.state.elementInstances[this.state.rootElementInstanceId];
    if (root) this.terminate(root);
    this.state.status = 'terminated';
    this.effects.push({ type: 'instanceTerminated', instanceId: this.state.instanceId, parent: this.state.parent, error });
  }

  // ---- Triggers ----

  /** A timer fired, a message correlated or a signal arrived for this wait. */
  triggerWait(wait: Wait, payload: JsonObject | null): void {
    const owner = this.state.elementInstances[wait.elementInstanceId];
    const target = this.node(wait.elementId);
    if (!owner || !target) return;
    const ownerNode = this.node(owner.elementId);
    if (target.kind === 'boundaryEvent') {
      if (target.interrupting) this.terminate(owner);
      else this.#consumeOrRepeat(wait);
      this.enter(target.id, owner.parentId ?? this.state.rootElementInstanceId, payload);
    } else if (target.kind === 'startEvent' && target.scopeId !== this.graph.processId) {
      if (target.interrupting) this.closeWait(wait, true);
      else this.#consumeOrRepeat(wait);
      this.triggerEventSubProcess(owner, target, payload);
    } else if (ownerNode?.kind === 'gateway' && ownerNode.gateway === 'eventBased') {
      this.closeWait(wait, true);
      const flow = ownerNode.outgoing.map((id) => this.graph.flows.get(id)).find((f) => f?.targetId === target.id);
      this.#leave(owner);
      if (flow) this.takeFlow(flow, owner.parentId ?? this.state.rootElementInstanceId, payload ?? {});
    } else {
      this.closeWait(wait, true);
      this.queueComplete(owner.id, payload);
    }
  }

  /** Non-interrupting triggers keep message/signal subscriptions open; timer cycles schedule their next run. */
  #consumeOrRepeat(wait: Wait): void {
    if (wait.kind !== 'timer') return;
    this.closeWait(wait, true);
    const left = remainingAfterFiring(wait.repetitionsLeft);
    const owner = this.state.elementInstances[wait.elementInstanceId];
    if (!wait.interval || (left !== null && left <= 0) || !owner) return;
    const dueAt = addDuration(new Date(wait.dueAt), wait.interval);
    this.openWait(owner, { elementId: wait.elementId, interrupting: false, spec: { kind: 'timer', dueAt, repetitionsLeft: left, interval: wait.interval } });
  }

  triggerEventSubProcess(scope: ElementInstance, start: StartEventNode, payload: JsonObject | null): void {
    if (start.interrupting) {
      for (const child of childrenOf(this.state, scope.id)) this.terminate(child);
      this.#dropTokens(scope.id);
      for (const wait of waitsOf(this.state, scope.id)) if (this.node(wait.elementId)?.kind === 'startEvent') this.closeWait(wait);
    }
    this.enter(start.scopeId, scope.id, payload ?? {});
  }

  /**
   * BPMN error: the innermost matching boundary or error event sub-process catches it. A throwing end
   * event is reached (left) before the catch cancels its scope; uncaught, it stays with an incident.
   */
  throwError(thrower: ElementInstance, error: ThrownError): void {
    const catcher = this.#errorCatcherFor(thrower, error.errorCode);
    if (catcher && this.node(thrower.elementId)?.kind === 'endEvent') this.#leave(thrower);
    if (catcher?.kind === 'eventSubProcess') return this.triggerEventSubProcess(catcher.scope, catcher.start, error.variables);
    if (catcher?.kind === 'boundary') {
      this.terminate(catcher.host);
      this.enter(catcher.boundary.id, catcher.host.parentId ?? this.state.rootElementInstanceId, error.variables ?? {});
      return;
    }
    if (this.state.parent) return this.terminateInstance(error);
    this.raiseIncident(thrower, 'UNHANDLED_ERROR', `error '${error.errorCode}' was not caught${error.errorMessage ? `: ${error.errorMessage}` : ''}`, { op: 'none' });
  }

  #errorCatcherFor(
    thrower: ElementInstance,
    errorCode: string,
  ): { kind: 'eventSubProcess'; scope: ElementInstance; start: StartEventNode } | { kind: 'boundary'; host: ElementInstance; boundary: FlowNode } | null {
    for (let current: ElementInstance | undefined = thrower; current; current = current.parentId === null ? undefined : this.state.elementInstances[current.parentId]) {
      const node = this.node(current.elementId);
      const scopeId = current.kind === 'process' ? this.graph.processId : node?.kind === 'activity' && (node.behaviour.kind === 'subProcess' || node.behaviour.kind === 'eventSubProcess') ? node.behaviour.scopeId : null;
      if (scopeId !== null) {
        const starts = (this.graph.scopes.get(scopeId)?.eventSubProcessIds ?? []).map((id) => {
          const esp = this.node(id);
          return esp?.kind === 'activity' && esp.behaviour.kind === 'eventSubProcess' ? this.node(esp.behaviour.startEventId) : undefined;
        });
        const start = this.#errorCatcher(starts, errorCode);
        if (start?.kind === 'startEvent') return { kind: 'eventSubProcess', scope: current, start };
      }
      if (node?.kind === 'activity' && !this.#isInnerInstance(current)) {
        const boundary = this.#errorCatcher(node.boundaryEventIds.map((id) => this.node(id)), errorCode);
        if (boundary) return { kind: 'boundary', host: current, boundary };
      }
    }
    return null;
  }

  /** An exact error code wins over a catch-all at the same level. */
  #errorCatcher(candidates: readonly (FlowNode | undefined)[], errorCode: string): FlowNode | undefined {
    const catching = candidates.filter((n): n is FlowNode => (n?.kind === 'boundaryEvent' || n?.kind === 'startEvent') && n.trigger.kind === 'error');
    const code = (n: FlowNode): string | null | undefined => ((n.kind === 'boundaryEvent' || n.kind === 'startEvent') && n.trigger.kind === 'error' ? n.trigger.errorCode : undefined);
    return catching.find((n) => code(n) === errorCode) ?? catching.find((n) => code(n) === null);
  }
}

function activateResume(startEventId: string | undefined): IncidentResume {
  return startEventId === undefined ? { op: 'activate' } : { op: 'activate', startEventId };
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function isStringValue(value: JsonValue): value is string {
  return typeof value === 'string';
}
