// A step session: everything the runtime does inside one database transaction. It locks each
// instance it touches (SELECT … FOR UPDATE), runs the pure step function on it, executes the
// effects that stay in the database (activities for user tasks, inline engine actions, child
// instances, parent notification, incidents, index rows) and enqueues the work that leaves it
// (connector jobs, timers, signals) on pg-boss through the same connection. Events that effects
// cause for other instances (or the same one) are queued and run in order until nothing moves; then
// the new states, history rows and index rows are written with a few multi-row statements
// (session-flush.ts). Index rows and the effects that only touch them live in session-indexes.ts,
// pending pg-boss jobs in pending-jobs.ts, the message buffer's statements in message-buffer.ts, and
// what a connector job carries in task-runner.ts (connectorJob).
//
// A rejected event (a job completed twice, a timer already cancelled) changes nothing: that is what
// makes re-delivered work harmless. Record hooks that fire inside the session (a trigger starting an
// instance because an engine action changed a record) join the same queue instead of opening a
// second view of instances this session already holds.
import type { Knex } from 'knex';
import type { JsonObject } from '../expression.ts';
import type { ProcessGraph } from '../definition.ts';
import { step, nextCycleDue } from '../step.ts';
import type { Effect, HistoryEntry, InstanceEvent, StepRejection } from '../events.ts';
import type { InstanceState, ParentLink } from '../state.ts';
import type { IsoDuration } from '../timer.ts';
import type { Access, SubjectCache, Subject } from '../../access/index.ts';
import type { Actor, AuditRow, RecordService } from '../../records/index.ts';
import type { NotificationInput, NotificationService } from './notifications.ts';
import { resolveCalledVersion } from './deployments.ts';
import { type JobAttempt, type JobQueue, type NewJob } from './jobs.ts';
import { keepMessage, lockMessageKey, messageStarts, messageSubscribers, takeKeptMessage } from './message-buffer.ts';
import { PendingJobs } from './pending-jobs.ts';
import { SessionIndexes } from './session-indexes.ts';
import { isRetryableDbError, sqlOf, type BossDb, type Sql } from './sql.ts';
import { jobQueueName, type BusinessRecordRef, type TaskTypeRegistry } from './task-types.ts';
import { connectorJob, runInlineTask, taskEvent, taskInput } from './task-runner.ts';
import { cancelTaskActivity, createTaskActivity, type TaskDirectory } from './user-tasks.ts';
import { accessFor } from '../../access/index.ts';
import { callOrigin, runAsOf, TIMER_ORIGIN, userAccess, workflowActor, type ActingAs, type RunAs, type StartedVia, type StartOrigin } from './run-as.ts';
import { isUuid } from '../../../metadata/index.ts';
import { flushStatement, heldWrites, type LoadedInstance as Loaded } from './session-flush.ts';

export interface InstanceMeta {
  readonly id: string;
  readonly processId: string;
  readonly version: number;
  readonly record: BusinessRecordRef | null;
  readonly parentInstanceId: string | null;
  /** The acting user: the starter, or the user whose change triggered the instance (null: the platform). */
  readonly startedBy: string | null;
  readonly startedVia: StartedVia | null;
  /** Owner of the records the instance creates. */
  readonly owner: string | null;
  readonly runAs: RunAs;
}

export interface SessionServices {
  readonly records: RecordService;
  readonly registry: TaskTypeRegistry;
  /** The pg-boss client in use (a worker process swaps in one that supervises). */
  readonly jobs: () => JobQueue;
  readonly graph: (sql: Sql, processId: string, version: number) => Promise<ProcessGraph>;
  readonly newId: () => string;
  readonly now: () => Date;
  readonly log: (message: string, error?: unknown) => void;
  /** Makes a savepoint of this session's transaction resolve to this session (inline actions write through one). */
  readonly bind: (trx: Knex.Transaction, session: StepSession) => void;
  readonly unbind: (trx: Knex.Transaction) => void;
  /** Assignees and candidate groups of user tasks, resolved to users and teams. */
  readonly directory: TaskDirectory;
  /** Where record hooks write notifications: those on a session's transaction are held for its flush. */
  readonly notifications: NotificationService;
  /** Users that instances act for (cached across sessions, emptied on identity changes). */
  readonly subjects: SubjectCache;
  /** Whether a definition version runs with platform rights (versions never change: cached). */
  readonly platformRights: (sql: Sql, processId: string, version: number) => Promise<boolean>;
}

export type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: StepRejection };

export interface PublishResult {
  readonly correlated: number;
  readonly started: readonly string[];
  /** The id under which the message waits for a subscription (it had a time to live and no instance took it). */
  readonly buffered: string | null;
}

type Item =
  | { readonly kind: 'event'; readonly instanceId: string; readonly event: InstanceEvent; readonly attempt?: number; outcome?: Outcome }
  | { readonly kind: 'start'; readonly meta: InstanceMeta; readonly variables: JsonObject; readonly startEventId?: string; readonly parent?: ParentLink; outcome?: Outcome }
  | { readonly kind: 'publish'; readonly name: string; readonly correlationKey: string; readonly variables: JsonObject; readonly timeToLiveMs: number; readonly origin: StartOrigin; result?: PublishResult }
  | { readonly kind: 'bufferedMessage'; readonly instanceId: string; readonly subscriptionId: string; readonly name: string; readonly correlationKey: string }
  | { readonly kind: 'activityResolved'; readonly activityId: string; readonly variables: JsonObject; outcome?: Outcome | null }
  | { readonly kind: 'activityCancelled'; readonly activityId: string; readonly reason: string };


export interface InstanceRow {
  id: string;
  process_id: string;
  version: number;
  state: InstanceState;
  business_entity: string | null;
  business_id: string | null;
  parent_instance_id: string | null;
  started_by: string | null;
  started_via: StartedVia | null;
  record_owner: string | null;
  run_as: RunAs;
}


/** Rows to insert and ids to delete for one index table, written at the next flush. */

export class StepSession {
  readonly trx: Knex.Transaction;
  readonly sql: Sql;
  readonly bossDb: BossDb;
  readonly #services: SessionServices;
  readonly #instances = new Map<string, Loaded>();
  readonly #queue: Item[] = [];
  #running = false;
  readonly #history: HistoryEntry[] = [];
  /** Timers, subscriptions, user tasks and incidents to write at the flush. */
  readonly #indexes: SessionIndexes;
  /** pg-boss jobs to create, cancel and delete at the flush. */
  readonly #jobs: PendingJobs;
  /** The pg-boss attempts whose work this transaction settles. */
  readonly #settled: { queue: string; attempt: JobAttempt }[] = [];
  /** Audit rows of record changes made on this transaction, written with the flush. */
  readonly #audits: AuditRow[] = [];
  readonly #stopCollectingAudit: () => void;
  /** Notifications record hooks wrote on this transaction (an assignment's), written with the flush. */
  readonly #notifications: NotificationInput[] = [];
  readonly #stopCollectingNotifications: () => void;

  private constructor(trx: Knex.Transaction, sql: Sql, bossDb: BossDb, services: SessionServices) {
    this.trx = trx;
    this.sql = sql;
    this.bossDb = bossDb;
    this.#services = services;
    this.#jobs = new PendingJobs(services.newId);
    this.#indexes = new SessionIndexes(this.#jobs);
    this.#stopCollectingAudit = services.records.collectAudit(trx, (row) => this.#audits.push(row));
    this.#stopCollectingNotifications = services.notifications.collect(trx, (input) => this.#notifications.push(input));
  }

  static async open(trx: Knex.Transaction, services: SessionServices): Promise<StepSession> {
    const { sql, bossDb } = await sqlOf(trx);
    return new StepSession(trx, sql, bossDb, services);
  }

  /**
   * Record changes on the transaction after this are audited by the records service itself again.
   * Audit rows and notifications still held (the work failed before settling) are written now:
   * should the caller commit the transaction anyway, no record change goes without its row.
   */
  async close(): Promise<void> {
    this.#stopCollectingAudit();
    this.#stopCollectingNotifications();
    try {
      await this.#writeHeld();
    } catch {
      // The transaction is aborted: it cannot commit those changes either.
    }
  }

  get running(): boolean {
    return this.#running;
  }

  // ---- entry points: each queues an item and, unless the session is already running, runs it now ----

  /** Delivers an event; the outcome, or null when queued behind the step in progress. */
  async deliver(instanceId: string, event: InstanceEvent, attempt?: number): Promise<Outcome | null> {
    const item: Item = attempt === undefined ? { kind: 'event', instanceId, event } : { kind: 'event', instanceId, event, attempt };
    await this.#submit(item);
    return item.outcome ?? null;
  }

  async start(meta: InstanceMeta, variables: JsonObject, options: { startEventId?: string; parent?: ParentLink } = {}): Promise<Outcome | null> {
    const item: Item = { kind: 'start', meta, variables, ...(options.startEventId ? { startEventId: options.startEventId } : {}), ...(options.parent ? { parent: options.parent } : {}) };
    await this.#submit(item);
    return item.outcome ?? null;
  }

  /**
   * Correlates a message to every waiting subscription (one per instance) and starts message-start
   * processes. With a time to live, a message no instance was waiting for is kept for the first
   * subscription that opens within that time.
   */
  async publish(name: string, correlationKey: string, variables: JsonObject, timeToLiveMs = 0, origin: StartOrigin = MESSAGE_ORIGIN): Promise<PublishResult | null> {
    const item: Item = { kind: 'publish', name, correlationKey, variables, timeToLiveMs, origin };
    await this.#submit(item);
    return item.result ?? null;
  }

  /** An activity became resolved: completes its user task with the form data, if it is one. Null when queued or not a task. */
  /** An activity was cancelled: if it is an open user task's (and not this session cancelling it), the task ends on an incident. */
  async activityCancelled(activityId: string, reason: string): Promise<void> {
    await this.#submit({ kind: 'activityCancelled', activityId, reason });
  }

  async activityResolved(activityId: string, variables: JsonObject): Promise<Outcome | null> {
    const item: Item = { kind: 'activityResolved', activityId, variables };
    await this.#submit(item);
    return item.outcome ?? null;
  }

  /** Form data of activities completed through the API in this transaction, for their user tasks. */
  readonly formData = new Map<string, JsonObject>();

  /** The user task behind an activity, when the caller already read (and locked) it. */
  knowTask(activityId: string, task: { readonly userTaskId: string; readonly instanceId: string }): void {
    this.#knownTasks.set(activityId, task);
  }

  readonly #knownTasks = new Map<string, { readonly userTaskId: string; readonly instanceId: string }>();

  /** An instance row the caller already locked (SELECT … FOR UPDATE) in this transaction. */
  async preload(row: InstanceRow): Promise<void> {
    if (this.#instances.has(row.id)) return;
    this.#instances.set(row.id, await this.#loaded(row));
  }

  /**
   * A new instance's meta: who it acts as follows from how it is started and, for a user's own
   * start, from whether its definition version runs with platform rights.
   */
  async newMeta(id: string, processId: string, version: number, record: BusinessRecordRef | null, parentInstanceId: string | null, origin: StartOrigin): Promise<InstanceMeta> {
    const mayActAsUser = origin.userRequest && origin.userId !== null;
    const platformRights = mayActAsUser && (await this.#services.platformRights(this.sql, processId, version));
    return { id, processId, version, record, parentInstanceId, startedBy: origin.userId, startedVia: origin.via, owner: origin.owner, runAs: runAsOf(origin, platformRights) };
  }

  /** The rights of users that instances act for, loaded once per session. */
  readonly #access = new Map<string, Access>();

  /** The acting user's subject as the request that opened this session loaded it (saves loading it again). */
  knowSubject(subject: Subject | null | undefined): void {
    if (subject && !this.#access.has(subject.userId)) this.#access.set(subject.userId, accessFor(this.#services.records.runtime.snapshot.model, subject));
  }

  /** The actor an instance's engine actions change records as (with its user's rights when it acts for one). */
  async #actorOf(meta: InstanceMeta): Promise<Actor> {
    if (meta.runAs !== 'user' || meta.startedBy === null) return workflowActor(acting(meta));
    let access = this.#access.get(meta.startedBy);
    if (!access) {
      access = await userAccess(this.#services.subjects, this.trx, this.#services.records.runtime.snapshot.model, meta.startedBy);
      this.#access.set(meta.startedBy, access);
    }
    return workflowActor(acting(meta), access);
  }

  /** A pg-boss job created with the transaction. */
  enqueue(queue: string, job: NewJob): void {
    this.#jobs.add(queue, job);
  }

  /** The instance, locked for this transaction, with its graph and current state; null when it does not exist. */
  async instance(instanceId: string): Promise<{ readonly meta: InstanceMeta; readonly graph: ProcessGraph; readonly state: InstanceState } | null> {
    return this.#load(instanceId);
  }

  /** The pg-boss job that caused this work is completed with the transaction. */
  settleJob(queue: string, attempt: JobAttempt): void {
    this.#settled.push({ queue, attempt });
  }

  /** A new process start timer (deploy, or the next cycle after a firing). */
  scheduleStartTimer(timer: Parameters<SessionIndexes['scheduleStartTimer']>[0]): void {
    this.#indexes.scheduleStartTimer(timer);
  }

  cancelStartTimers(ids: readonly string[]): void {
    this.#indexes.cancelStartTimers(ids);
  }

  /** Fires a process start timer: starts an instance and plans the next cycle. False when it is gone. */
  async fireStartTimer(timerId: string): Promise<boolean> {
    const [row] = await this.sql<{ process_id: string; version: number; element_id: string; repetitions: number | null; cycle: IsoDuration | null; due_at: Date }>(
      `DELETE FROM tessera.process_timers WHERE id = $1 AND instance_id IS NULL RETURNING process_id, version, element_id, repetitions, cycle, due_at`,
      [timerId],
    );
    if (!row) return false;
    const meta = await this.newMeta(this.#services.newId(), row.process_id, row.version, null, null, TIMER_ORIGIN);
    // As a trigger's start does: the business language, for the words the process sends people.
    const runtime = this.#services.records.runtime;
    const language = runtime.loaded ? runtime.snapshot.model.pkg.manifest.defaultLanguage : undefined;
    await this.start(meta, language ? { language } : {}, { startEventId: row.element_id });
    const next = row.cycle ? nextCycleDue(row.due_at.toISOString(), row.cycle, row.repetitions) : null;
    if (next && row.cycle) {
      this.scheduleStartTimer({ id: this.#services.newId(), processId: row.process_id, version: row.version, startEventId: row.element_id, dueAt: next, repetitions: row.repetitions === null ? null : row.repetitions - 1, cycle: row.cycle });
    }
    return true;
  }

  async #submit(item: Item): Promise<void> {
    this.#queue.push(item);
    await this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) await this.#process(next);
    } finally {
      this.#running = false;
    }
  }

  /** Runs what is queued and writes everything; the caller commits. */
  async settle(): Promise<void> {
    await this.#drain();
    await this.#flush(this.#settled.splice(0));
  }

  /** The instances this session has stepped, as they will be written. */
  stateOf(instanceId: string): InstanceState | null {
    return this.#instances.get(instanceId)?.state ?? null;
  }

  // ---- processing ----

  async #process(item: Item): Promise<void> {
    switch (item.kind) {
      case 'event':
        item.outcome = await this.#step(item.instanceId, item.event, item.attempt);
        return;
      case 'start':
        item.outcome = await this.#startInstance(item);
        return;
      case 'publish':
        item.result = await this.#publish(item.name, item.correlationKey, item.variables, item.timeToLiveMs, item.origin);
        return;
      case 'bufferedMessage':
        await this.#takeBufferedMessage(item.instanceId, item.subscriptionId, item.name, item.correlationKey);
        return;
      case 'activityCancelled':
        await this.#cancelActivityTask(item.activityId, item.reason);
        return;
      case 'activityResolved':
        item.outcome = await this.#completeActivityTask(item.activityId, item.variables);
        return;
    }
  }

  async #load(instanceId: string): Promise<Loaded | null> {
    const known = this.#instances.get(instanceId);
    if (known) return known;
    if (!isUuid(instanceId)) return null;
    const [row] = await this.sql<InstanceRow>(
      `SELECT id, process_id, version, state, business_entity, business_id, parent_instance_id, started_by, started_via, record_owner, run_as FROM tessera.process_instances WHERE id = $1 FOR UPDATE`,
      [instanceId],
    );
    if (!row) return null;
    const loaded = await this.#loaded(row);
    this.#instances.set(instanceId, loaded);
    return loaded;
  }

  async #loaded(row: InstanceRow): Promise<Loaded> {
    const graph = await this.#services.graph(this.sql, row.process_id, row.version);
    return {
      meta: {
        id: row.id,
        processId: row.process_id,
        version: row.version,
        record: row.business_entity && row.business_id ? { entity: row.business_entity, id: row.business_id } : null,
        parentInstanceId: row.parent_instance_id,
        startedBy: row.started_by,
        startedVia: row.started_via,
        owner: row.record_owner,
        runAs: row.run_as,
      },
      graph,
      state: row.state,
      isNew: false,
      dirty: false,
    };
  }

  async #startInstance(item: Extract<Item, { kind: 'start' }>): Promise<Outcome> {
    if (this.#instances.has(item.meta.id)) return { ok: false, error: { code: 'INSTANCE_EXISTS', message: `instance ${item.meta.id} already exists` } };
    const graph = await this.#services.graph(this.sql, item.meta.processId, item.meta.version);
    const event: InstanceEvent = {
      type: 'startInstance',
      instanceId: item.meta.id,
      variables: item.variables,
      ...(item.startEventId ? { startEventId: item.startEventId } : {}),
      ...(item.parent ? { parent: item.parent } : {}),
    };
    const result = step(graph, null, event, this.#context());
    if (!result.ok) return { ok: false, error: result.error };
    const loaded: Loaded = { meta: item.meta, graph, state: result.state, isNew: true, dirty: true };
    this.#instances.set(item.meta.id, loaded);
    await this.#applied(loaded, null, result.state, result.effects, result.history, undefined);
    return { ok: true };
  }

  async #step(instanceId: string, event: InstanceEvent, attempt: number | undefined): Promise<Outcome> {
    const loaded = await this.#load(instanceId);
    if (!loaded) return { ok: false, error: { code: 'INSTANCE_MISSING', message: `no process instance ${instanceId}` } };
    const result = step(loaded.graph, loaded.state, event, this.#context());
    if (!result.ok) return { ok: false, error: result.error };
    const before = loaded.state;
    loaded.state = result.state;
    loaded.dirty = true;
    await this.#applied(loaded, before, result.state, result.effects, result.history, attempt);
    return { ok: true };
  }

  #context() {
    return { now: this.#services.now(), newId: this.#services.newId };
  }

  async #applied(loaded: Loaded, before: InstanceState | null, after: InstanceState, effects: readonly Effect[], history: readonly HistoryEntry[], attempt: number | undefined): Promise<void> {
    this.#history.push(...history);
    const cancelledTasks = new Set(effects.flatMap((e) => (e.type === 'cancelUserTask' ? [e.userTaskId] : [])));
    // Waits that ended: their index rows go (consumed or cancelled alike); side effects follow below.
    for (const wait of Object.values(before?.waits ?? {})) {
      if (!after.waits[wait.id]) this.#indexes.waitEnded(wait, (id) => (cancelledTasks.has(id) || this.#cancelledByHand.has(id) ? 'cancelled' : 'completed'));
    }
    for (const effect of effects) await this.#effect(loaded, before, effect, attempt);
  }

  async #effect(loaded: Loaded, before: InstanceState | null, effect: Effect, attempt: number | undefined): Promise<void> {
    const { meta } = loaded;
    if (this.#indexes.apply(meta.id, effect)) {
      // A message published earlier with a time to live may be waiting for it (checked in turn, see #takeBufferedMessage).
      if (effect.type === 'openMessageSubscription') this.#queue.push({ kind: 'bufferedMessage', instanceId: meta.id, subscriptionId: effect.subscriptionId, name: effect.messageName, correlationKey: effect.correlationKey });
      return;
    }
    switch (effect.type) {
      case 'createJob':
        return this.#createJob(loaded, effect);
      case 'retryJob': {
        const wait = loaded.state.waits[effect.jobId];
        if (wait?.kind !== 'job') return;
        return this.#retryJob(loaded, effect.jobId, wait.jobType, wait.elementInstanceId, new Date(effect.retryAt), attempt === undefined ? 1 : attempt + 1);
      }
      case 'cancelJob': {
        const wait = before?.waits[effect.jobId];
        if (wait?.kind === 'job' && this.#services.registry.get(wait.jobType)?.mode === 'job') this.#jobs.cancel(jobQueueName(wait.jobType), effect.jobId);
        return;
      }
      case 'createUserTask': {
        // A user task's activity is the engine's own bookkeeping (platform rights), named after the acting user and instance.
        const activityId = await createTaskActivity(this.#services.records, { actor: workflowActor(acting(meta)), trx: this.trx, sql: this.sql }, effect, {
          instanceId: meta.id,
          processId: meta.processId,
          version: meta.version,
          record: meta.record,
        }, this.#services.directory);
        this.#indexes.userTasks.add(effect.userTaskId, {
          activity_id: activityId,
          instance_id: meta.id,
          element_instance_id: effect.elementInstanceId,
          element_id: effect.elementId,
          process_id: meta.processId,
          version: meta.version,
          form_key: effect.formKey,
          assignee: effect.assignee,
          candidate_groups: effect.candidateGroups,
          candidate_users: effect.candidateUsers,
        });
        return;
      }
      case 'cancelUserTask': {
        // A task created and cancelled within one step never was in the diff of waits.
        this.#indexes.endUserTask(effect.userTaskId, 'cancelled');
        const activityId = await this.#activityOfTask(effect.userTaskId);
        if (activityId) this.#cancellingActivities.add(activityId);
        if (activityId) await cancelTaskActivity(this.#services.records, { actor: workflowActor(acting(meta)), trx: this.trx }, activityId);
        return;
      }
      case 'startChildInstance': {
        const version = await resolveCalledVersion(this.sql, meta, effect.processId, effect.binding, effect.versionTag);
        if (version === null) {
          this.#services.log(`call activity ${effect.elementId} of instance ${meta.id}: process ${effect.processId} is not deployed${effect.binding === 'versionTag' ? ` with version tag ${effect.versionTag ?? ''}` : ''}`);
          this.#queue.push({ kind: 'event', instanceId: meta.id, event: { type: 'childInstanceTerminated', childInstanceId: effect.childInstanceId } });
          return;
        }
        const child = await this.newMeta(effect.childInstanceId, effect.processId, version, meta.record, meta.id, callOrigin({ userId: meta.startedBy, owner: meta.owner, runAs: meta.runAs }));
        this.#queue.push({ kind: 'start', meta: child, variables: effect.variables, parent: { instanceId: meta.id, elementInstanceId: effect.elementInstanceId } });
        return;
      }
      case 'terminateChildInstance':
        this.#queue.push({ kind: 'event', instanceId: effect.childInstanceId, event: { type: 'cancelInstance' } });
        return;
      case 'instanceCompleted':
        if (effect.parent) this.#queue.push({ kind: 'event', instanceId: effect.parent.instanceId, event: { type: 'childInstanceCompleted', childInstanceId: effect.instanceId, variables: effect.variables } });
        return;
      case 'instanceTerminated':
        if (effect.parent) {
          const event: InstanceEvent = effect.error ? { type: 'childInstanceTerminated', childInstanceId: effect.instanceId, error: effect.error } : { type: 'childInstanceTerminated', childInstanceId: effect.instanceId };
          this.#queue.push({ kind: 'event', instanceId: effect.parent.instanceId, event });
        }
        return;
    }
  }

  // ---- jobs ----

  async #createJob(loaded: Loaded, effect: Extract<Effect, { type: 'createJob' }>): Promise<void> {
    await this.#runOrEnqueue(loaded, effect.jobId, effect.jobType, effect.elementInstanceId, null, 1);
  }

  async #retryJob(loaded: Loaded, jobId: string, jobType: string, elementInstanceId: string, retryAt: Date, attempt: number): Promise<void> {
    await this.#runOrEnqueue(loaded, jobId, jobType, elementInstanceId, retryAt, attempt);
  }

  async #runOrEnqueue(loaded: Loaded, jobId: string, jobType: string, elementInstanceId: string, retryAt: Date | null, attempt: number): Promise<void> {
    const type = this.#services.registry.get(jobType);
    if (!type) {
      this.#queue.push({ kind: 'event', instanceId: loaded.meta.id, event: { type: 'jobFailed', jobId, retriesLeft: 0, errorMessage: `no handler is registered for task type '${jobType}'` } });
      return;
    }
    if (type.mode === 'job') {
      const queue = jobQueueName(jobType);
      if (!this.#services.jobs().has(queue)) {
        this.#queue.push({ kind: 'event', instanceId: loaded.meta.id, event: { type: 'jobFailed', jobId, retriesLeft: 0, errorMessage: `the queue of task type '${jobType}' is not set up in this engine` } });
        return;
      }
      // A retry replaces the attempt that failed; the job keeps its id so a cancel finds it.
      if (retryAt) this.#jobs.delete(queue, jobId);
      const data = connectorJob(loaded.graph, loaded.state, { ...loaded.meta, instanceId: loaded.meta.id }, { jobId, jobType, elementInstanceId, attempt });
      this.#jobs.add(queue, { id: jobId, data, ...(retryAt ? { startAfter: retryAt } : {}) });
      return;
    }
    // Inline engine action: runs now in a savepoint, so a failure leaves no partial record change behind.
    const input = taskInput(loaded.graph, loaded.state, elementInstanceId, jobType);
    const mark = this.#queue.length;
    const instanceId = loaded.meta.id;
    // Read-only actions leave nothing to undo: they run without the savepoint's two statements.
    const isolated = async <T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T> => {
      if (type.readOnly) return work(this.trx);
      // Audit rows and notifications written in the savepoint go in at once: those collected before must precede them.
      await this.#writeHeld();
      return this.trx.transaction(work);
    };
    const activation = { jobId, instanceId, processId: loaded.meta.processId, elementInstanceId, elementId: input.elementId, record: loaded.meta.record, actor: await this.#actorOf(loaded.meta), records: this.#services.records };
    let event: InstanceEvent;
    try {
      const result = await isolated(async (savepoint) => {
        if (savepoint !== this.trx) this.#services.bind(savepoint, this);
        try {
          return await runInlineTask(type, input, activation, savepoint);
        } finally {
          if (savepoint !== this.trx) this.#services.unbind(savepoint);
        }
      });
      event = taskEvent(jobId, { ok: true, result }, { retriesLeft: 0 });
    } catch (error) {
      // A deadlock or a stale plan is the transaction's, not the action's: the whole step runs again.
      if (isRetryableDbError(error)) throw error;
      // Whatever the failed action's record hooks queued is void with its savepoint.
      this.#queue.length = mark;
      // Engine actions are deterministic: retrying at once would fail the same way, so a failure raises an incident.
      event = taskEvent(jobId, { ok: false, error }, { retriesLeft: 0 });
    }
    this.#queue.push({ kind: 'event', instanceId, event });
  }

  // ---- messages and user tasks ----

  /**
   * Correlates the oldest live buffered message to a subscription that just opened, consuming it.
   * Queued behind the step that opened the subscription, so when several open at once (an
   * event-based gateway), a message taken for the first may close the others before they look.
   */
  async #takeBufferedMessage(instanceId: string, subscriptionId: string, name: string, correlationKey: string): Promise<void> {
    const loaded = await this.#load(instanceId);
    if (!loaded?.state.waits[subscriptionId]) return;
    await lockMessageKey(this.sql, name, correlationKey);
    const variables = await takeKeptMessage(this.sql, name, correlationKey);
    if (variables) await this.#step(instanceId, { type: 'messageCorrelated', subscriptionId, variables }, undefined);
  }

  async #publish(name: string, correlationKey: string, variables: JsonObject, timeToLiveMs: number, origin: StartOrigin): Promise<PublishResult> {
    await this.#flush();
    if (timeToLiveMs > 0) await lockMessageKey(this.sql, name, correlationKey);
    const subscribers = await messageSubscribers(this.sql, name, correlationKey);
    for (const subscription of subscribers) {
      this.#queue.push({ kind: 'event', instanceId: subscription.instanceId, event: { type: 'messageCorrelated', subscriptionId: subscription.id, variables } });
    }
    const started: string[] = [];
    for (const start of await messageStarts(this.sql, name)) {
      const meta = await this.newMeta(this.#services.newId(), start.processId, start.version, null, null, origin);
      started.push(meta.id);
      this.#queue.push({ kind: 'start', meta, variables, startEventId: start.startEventId });
    }
    let buffered: string | null = null;
    // Kept only when nobody took it: not when it started instances (they could take it themselves).
    if (subscribers.length === 0 && started.length === 0 && timeToLiveMs > 0) {
      buffered = this.#services.newId();
      await keepMessage(this.sql, buffered, name, correlationKey, variables, timeToLiveMs);
    }
    return { correlated: subscribers.length, started, buffered };
  }

  async #activityOfTask(userTaskId: string): Promise<string | null> {
    const pending = this.#indexes.userTasks.inserts.get(userTaskId);
    if (pending) return pending.activity_id as string;
    const [row] = await this.sql<{ activity_id: string }>(`SELECT activity_id FROM tessera.process_user_tasks WHERE id = $1`, [userTaskId]);
    return row?.activity_id ?? null;
  }

  /** Activities this session cancels itself (its user tasks were cancelled): not a hand cancellation. */
  readonly #cancellingActivities = new Set<string>();
  /** User tasks whose activity someone cancelled: they end as cancelled, not completed. */
  readonly #cancelledByHand = new Set<string>();

  async #cancelActivityTask(activityId: string, reason: string): Promise<void> {
    if (this.#cancellingActivities.has(activityId)) return;
    await this.#flush();
    const [task] = await this.sql<{ id: string; instance_id: string }>(`SELECT id, instance_id FROM tessera.process_user_tasks WHERE activity_id = $1 AND ended_at IS NULL`, [activityId]);
    if (!task) return;
    this.#cancelledByHand.add(task.id);
    await this.#step(task.instance_id, { type: 'userTaskCancelled', userTaskId: task.id, reason }, undefined);
  }

  async #completeActivityTask(activityId: string, variables: JsonObject): Promise<Outcome | null> {
    const known = this.#knownTasks.get(activityId);
    if (known) return this.#step(known.instanceId, { type: 'userTaskCompleted', userTaskId: known.userTaskId, variables }, undefined);
    await this.#flush();
    const [task] = await this.sql<{ id: string; instance_id: string; ended_at: Date | null }>(`SELECT id, instance_id, ended_at FROM tessera.process_user_tasks WHERE activity_id = $1`, [activityId]);
    if (!task) return null;
    if (task.ended_at) return { ok: false, error: { code: 'WAIT_NOT_FOUND', message: `the workflow task of activity ${activityId} has already ended` } };
    return this.#step(task.instance_id, { type: 'userTaskCompleted', userTaskId: task.id, variables }, undefined);
  }

  // ---- writing ----

  /** Audit rows and notifications held so far, written now (one statement). */
  async #writeHeld(): Promise<void> {
    const statement = flushStatement(heldWrites(this.#audits, this.#notifications));
    if (statement) await this.sql(statement.text, statement.values);
  }

  /**
   * Writes everything pending in one statement (each table's change a data-modifying CTE: new and
   * ended index rows, new and changed instances, history, pg-boss's inserts of new jobs and its
   * completion of the attempts settled), then deletes and cancels pg-boss jobs (and inserts those
   * that must follow a deletion).
   */
  async #flush(settling: readonly { queue: string; attempt: JobAttempt }[] = []): Promise<void> {
    const jobs = this.#services.jobs();
    const statements = await this.#jobs.takeInserts(jobs, this.trx.executionPromise);
    // The pg-boss attempts this work settles complete in the same statement (their completion is pg-boss's own UPDATE).
    const unfolded: { queue: string; attempt: JobAttempt }[] = [];
    for (const settled of settling) {
      const completion = await jobs.completeStatement(settled.queue, settled.attempt);
      if (completion) statements.push(completion);
      else unfolded.push(settled);
    }
    const statement = flushStatement({
      instances: this.#instances.values(),
      history: this.#history,
      ...this.#indexes,
      audits: this.#audits,
      notifications: this.#notifications,
      statements,
    });
    if (statement) await this.sql(statement.text, statement.values);
    await this.#jobs.flush(jobs, this.bossDb, this.trx.executionPromise);
    for (const { queue, attempt } of unfolded) await jobs.complete(this.bossDb, queue, attempt);
  }
}

/** Messages published by the platform (a job, a tool) start processes with platform rights. */
const MESSAGE_ORIGIN: StartOrigin = { ...TIMER_ORIGIN, via: 'message' };

function acting(meta: InstanceMeta): ActingAs {
  return { instanceId: meta.id, userId: meta.startedBy, owner: meta.owner, runAs: meta.runAs };
}

/** Inserts the audit rows (AuditRow) of a jsonb array parameter, in their order. */


/** What a task handler gets: headers of the element, its input mappings as parameters, and all visible variables. */
