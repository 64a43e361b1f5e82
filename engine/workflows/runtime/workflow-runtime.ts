// The persisted process runtime: deployments, instances, user tasks as activities, triggers, and the
// pg-boss workers that fire timers and run connector jobs. Every change runs in a step session (one
// transaction, see session.ts). Several engine processes may share one database: a step locks its
// instance row, and an event that no longer applies is rejected without changes, so each step runs
// exactly once whoever delivers it, however often.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type pg from 'pg';
import { ACTIVITY_ENTITY, type Trigger, isUuid } from '../../../metadata/index.ts';
import { TesseraError, type Problem } from '../../errors.ts';
import { SubjectCache } from '../../access/index.ts';
import { currentTrial, type RecordChange, type RecordContext, type RecordService } from '../../records/index.ts';
import { ProcessGraphCache } from '../deploy.ts';
import type { ProcessGraph } from '../definition.ts';
import type { InstanceEvent } from '../events.ts';
import type { JsonObject } from '../expression.ts';
import { startTriggers } from '../step.ts';
import { BUILT_IN_TASK_TYPES } from './actions.ts';
import { BpmnThread } from './bpmn-thread.ts';
import { definitionForms, definitionPlatformRights, definitionXml, latestVersion, recordDeployment, taskTypeWarnings, type DeployedProcess } from './deployments.ts';
import { checkFormData, formOf, type CamundaForm } from './task-forms.ts';
import { DELIVER_QUEUE, JobQueue, SIGNAL_QUEUE, TIMER_QUEUE, type NewJob, type QueuedJob, type QueueSpec } from './jobs.ts';
import { NotificationService } from './notifications.ts';
import { activityNotificationsHook } from './activity-notifications.ts';
import { StepSession, type InstanceRow, type Outcome, type PublishResult, type SessionServices } from './session.ts';
import { isRetryableDbError, sqlOf, withConnection, type Sql } from './sql.ts';
import { jobQueueName, TaskTypeRegistry, type JobTaskType, type TaskType } from './task-types.ts';
import { runJobAttempt, type ConnectorJob } from './task-runner.ts';
import { evaluateTriggers } from './triggers.ts';
import { hasOpenTaskAbout, TaskDirectory } from './user-tasks.ts';
import { triggerOrigin, userAccess, userOrigin, workflowActor, type StartOrigin } from './run-as.ts';

export interface RuntimeOptions {
  /** The database URL pg-boss connects to (its own small pool). */
  readonly url: string;
  /** The `pg` Client class pg-boss's pool uses (the platform's driver). */
  readonly pgClient?: typeof pg.Client;
  readonly log?: (message: string, error?: unknown) => void;
  /** Extra task types (connectors); the built-in engine actions are always there. */
  readonly taskTypes?: readonly TaskType[];
  /** Seconds after which an internal job held by a dead process runs again (default 30). */
  readonly expireInSeconds?: number;
  /** pg-boss maintenance interval: how soon lost jobs are noticed (default 10). */
  readonly superviseIntervalSeconds?: number;
  readonly pollingIntervalSeconds?: number;
  readonly now?: () => Date;
  /**
   * Users that instances act for, kept across steps; the owner empties it on identity changes.
   * Default: kept for no longer than a step.
   */
  readonly subjects?: SubjectCache;
}

export interface WorkerOptions {
  /** Timer, delivery and signal jobs handled at once per process (default 8). */
  readonly concurrency?: number;
  readonly batchSize?: number;
}

export interface DeployOptions {
  readonly source: 'api' | 'cli' | 'seed' | 'test';
  readonly resourceName?: string | null;
  readonly deployedBy?: string | null;
  /**
   * The processes of the file act with platform rights even when a user starts them (for callers
   * holding administerWorkflows). A changed flag makes a new version.
   */
  readonly platformRights?: boolean;
}

/** A user task as its activity shows it (GET /api/activities/:id/task). */
export interface ActivityTask {
  readonly activityId: string;
  readonly instanceId: string;
  readonly processId: string;
  readonly version: number;
  readonly elementId: string;
  readonly formKey: string | null;
  /** The embedded Camunda form the completion is checked against; null when the key names none. */
  readonly form: CamundaForm | null;
  readonly endedAt: string | null;
}

export interface DeployResult {
  readonly deploymentId: string | null;
  readonly processes: readonly DeployedProcess[];
  readonly warnings: readonly string[];
}

export interface StartRequest {
  readonly processId: string;
  readonly version?: number;
  readonly variables?: JsonObject;
  readonly record?: { readonly entity: string; readonly id: string } | null;
  readonly startEventId?: string;
}

/** A queue beside the runtime's own (the outbox, connector pollers): created where the runtime starts, worked where its workers run. */
export interface WorkQueue<T extends object> {
  readonly name: string;
  /** Seconds one attempt may run before it counts as lost and is delivered again. */
  readonly expireInSeconds: number;
  /** Jobs of this queue one process handles at once. */
  readonly concurrency: number;
  handler(job: QueuedJob<T>): Promise<void>;
  /** Jobs one fetch takes (default: concurrency); with `handleBatch` they are handed over together. */
  readonly batchSize?: number;
  /**
   * Handles a fetched batch at once (the outbox claims and settles its messages with one statement
   * each): per job, in order, null when it is done or the error it failed with (pg-boss retries it).
   * Where absent, `handler` runs per job, `concurrency` at a time.
   */
  handleBatch?(jobs: readonly QueuedJob<T>[]): Promise<readonly (Error | null)[]>;
}

export class WorkflowRuntime {
  readonly registry = new TaskTypeRegistry();
  readonly notifications: NotificationService;
  readonly #knex: Knex;
  readonly #records: RecordService;
  #jobs: JobQueue;
  /** Parses and checks BPMN off the event loop (deploys, and graphs loaded from stored XML). */
  readonly #bpmn = new BpmnThread();
  readonly #graphs = new ProcessGraphCache(500, (xml) => this.#bpmn.load(xml));
  readonly #sessions = new WeakMap<Knex.Transaction, StepSession>();
  readonly #services: SessionServices;
  readonly #options: RuntimeOptions;
  readonly #log: (message: string, error?: unknown) => void;
  #workers = false;
  #started = false;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each queue keeps its own job type
  readonly #workQueues = new Map<string, WorkQueue<any>>();

  constructor(knex: Knex, records: RecordService, options: RuntimeOptions) {
    this.#knex = knex;
    this.#records = records;
    this.#options = options;
    this.#log = options.log ?? ((message, error) => console.error(`[tessera workflows] ${message}`, error ?? ''));
    this.notifications = new NotificationService(knex);
    for (const type of BUILT_IN_TASK_TYPES) this.registry.register(type);
    for (const type of options.taskTypes ?? []) this.registry.register(type);
    this.#jobs = new JobQueue({ url: options.url, supervise: false, log: this.#log, ...(options.pgClient ? { pgClient: options.pgClient } : {}), ...(options.superviseIntervalSeconds ? { superviseIntervalSeconds: options.superviseIntervalSeconds } : {}) });
    this.#services = {
      records,
      registry: this.registry,
      jobs: () => this.#jobs,
      graph: (sql, processId, version) => this.#graph(sql, processId, version),
      newId: randomUUID,
      now: options.now ?? (() => new Date()),
      log: this.#log,
      bind: (trx, session) => this.#sessions.set(trx, session),
      unbind: (trx) => this.#sessions.delete(trx),
      directory: new TaskDirectory(),
      notifications: this.notifications,
      subjects: options.subjects ?? new SubjectCache({ ttlMs: 0 }),
      platformRights: (sql, processId, version) => this.#platformRights(sql, processId, version),
    };
    records.onChange((trx, change) => this.#onRecordChange(trx, change));
    // The user a workflow task is for may open the record it is about.
    records.delegateReads((db, subject, entity, id) => {
      const activities = records.runtime.snapshot.entities.get(ACTIVITY_ENTITY);
      return activities ? hasOpenTaskAbout(db, activities.entity.table, subject, entity, id) : Promise.resolve(false);
    });
    records.onChange(activityNotificationsHook(records, this.notifications));
  }

  // ---- lifecycle ----

  /** Installs pg-boss's schema and the queues; needed before any step (steps enqueue jobs). */
  async start(): Promise<void> {
    if (this.#started) return;
    await this.#jobs.start(this.#queues());
    this.#started = true;
  }

  /**
   * Starts the workers of this process: timers, deliveries, signal fan-out and every registered
   * connector type. Servers and engine worker processes call it; one-shot CLI commands don't.
   */
  async startWorkers(options: WorkerOptions = {}): Promise<void> {
    if (this.#workers) return;
    // A worker process needs a pg-boss client that supervises (so jobs of a process that died are
    // noticed and run again) and listens for new jobs; it replaces the plain client.
    await this.stop();
    this.#jobs = new JobQueue({ url: this.#options.url, supervise: true, superviseIntervalSeconds: this.#options.superviseIntervalSeconds ?? 10, listenNotify: true, log: this.#log, poolSize: 4, ...(this.#options.pgClient ? { pgClient: this.#options.pgClient } : {}) });
    await this.start();
    const jobs = this.#jobs;
    const parallel = options.concurrency ?? 8;
    const batchSize = options.batchSize ?? 32;
    const polling = this.#options.pollingIntervalSeconds ?? 0.5;
    await jobs.work<{ timerId: string; instanceId: string | null }>(TIMER_QUEUE, { batchSize, pollingIntervalSeconds: polling, parallel }, (job) => this.#fireTimer(job));
    await jobs.work<{ instanceId: string; event: InstanceEvent }>(DELIVER_QUEUE, { batchSize, pollingIntervalSeconds: polling, parallel }, (job) => this.#deliverJob(job));
    await jobs.work<{ signalName: string; variables: JsonObject }>(SIGNAL_QUEUE, { batchSize: 4, pollingIntervalSeconds: polling, parallel: 1 }, (job) => this.#fanOutSignal(job));
    for (const type of this.registry.jobTypes()) await this.#workJobType(type);
    for (const queue of this.#workQueues.values()) await this.#workQueue(queue);
    this.#workers = true;
  }

  /** Adds a queue of the platform's (outbox, pollers): created now if the runtime runs, worked if workers run here. */
  async registerQueue<T extends object>(queue: WorkQueue<T>): Promise<void> {
    if (this.#workQueues.has(queue.name)) throw new Error(`queue "${queue.name}" is already registered`);
    this.#workQueues.set(queue.name, queue);
    if (!this.#started) return;
    await this.#jobs.ensureQueue({ name: queue.name, expireInSeconds: queue.expireInSeconds });
    if (this.#workers) await this.#workQueue(queue);
  }

  async #workQueue<T extends object>(queue: WorkQueue<T>): Promise<void> {
    if (queue.handleBatch) {
      const handleBatch = queue.handleBatch.bind(queue);
      await this.#jobs.workBatches<T>(queue.name, { batchSize: queue.batchSize ?? queue.concurrency, pollingIntervalSeconds: this.#options.pollingIntervalSeconds ?? 0.5, parallel: 1 }, handleBatch);
      return;
    }
    await this.#jobs.work<T>(queue.name, { batchSize: queue.concurrency, pollingIntervalSeconds: this.#options.pollingIntervalSeconds ?? 0.5, parallel: queue.concurrency }, (job) => queue.handler(job));
  }

  /** Queues jobs of a registered queue in the caller's transaction (so they exist if and only if it commits), or at once. */
  async enqueue(trx: Knex.Transaction | null, queue: string, jobs: readonly NewJob[]): Promise<void> {
    if (!this.#started) await this.start();
    await this.#jobs.insert(trx ? (await sqlOf(trx)).bossDb : null, queue, jobs, trx?.executionPromise);
  }

  /** One job per slot of `seconds` and key, however many processes send it (pollers). */
  async enqueueThrottled(queue: string, key: string, seconds: number): Promise<void> {
    if (!this.#started) await this.start();
    await this.#jobs.sendThrottled(queue, {}, seconds, key);
  }

  /** Registers a task type (a connector) at run time: its queue is created, and worked if workers run here. */
  async registerTaskType(type: TaskType): Promise<void> {
    this.registry.register(type);
    if (type.mode !== 'job' || !this.#started) return;
    await this.#jobs.ensureQueue({ name: jobQueueName(type.type), expireInSeconds: type.timeoutSeconds ?? 60, wakeAfterCommit: true });
    if (this.#workers) await this.#workJobType(type);
  }

  async #workJobType(type: JobTaskType): Promise<void> {
    const concurrency = type.concurrency ?? 10;
    await this.#jobs.work<ConnectorJob>(
      jobQueueName(type.type),
      { batchSize: concurrency, pollingIntervalSeconds: this.#options.pollingIntervalSeconds ?? 0.5, parallel: concurrency },
      (job) => this.#runJob(type, job),
    );
  }

  async stop(): Promise<void> {
    await this.#bpmn.stop();
    await this.#jobs.stop();
    this.#started = false;
    this.#workers = false;
  }

  get workersRunning(): boolean {
    return this.#workers;
  }

  #queues(): QueueSpec[] {
    const expire = this.#options.expireInSeconds ?? 30;
    return [
      { name: TIMER_QUEUE, expireInSeconds: expire },
      { name: DELIVER_QUEUE, expireInSeconds: expire },
      { name: SIGNAL_QUEUE, expireInSeconds: expire },
      ...this.registry.jobTypes().map((t) => ({ name: jobQueueName(t.type), expireInSeconds: t.timeoutSeconds ?? 60, wakeAfterCommit: true })),
      ...[...this.#workQueues.values()].map((q) => ({ name: q.name, expireInSeconds: q.expireInSeconds })),
    ];
  }

  // ---- transactions ----

  /**
   * Runs work in a step session. With `trx` it joins that transaction (a record write's); otherwise
   * it opens one and runs it again on a deadlock or serialization failure.
   */
  async transact<T>(work: (session: StepSession) => Promise<T>, trx?: Knex.Transaction): Promise<T> {
    if (trx) return this.#withSession(trx, work);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#knex.transaction((t) => this.#withSession(t, work));
      } catch (error) {
        if (attempt >= 8 || !isRetryableDbError(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  async #withSession<T>(trx: Knex.Transaction, work: (session: StepSession) => Promise<T>): Promise<T> {
    const existing = this.#sessions.get(trx);
    if (existing) return work(existing);
    if (!this.#started) await this.start();
    const session = await StepSession.open(trx, this.#services);
    this.#sessions.set(trx, session);
    try {
      const result = await work(session);
      await session.settle();
      return result;
    } finally {
      await session.close();
      this.#sessions.delete(trx);
    }
  }

  async #graph(sql: Sql, processId: string, version: number): Promise<ProcessGraph> {
    return this.#graphs.get(processId, version, async () => {
      const xml = await definitionXml(sql, processId, version);
      if (xml === null) throw new TesseraError('NOT_FOUND', `process ${processId} version ${version} is not deployed`);
      return xml;
    });
  }

  // ---- deployments ----

  /** Checks and stores a BPMN file (bytes in the encoding it declares, or text); a process gets a new version only when its XML changed. */
  async deploy(source: string | Uint8Array, options: DeployOptions): Promise<DeployResult> {
    const prepared = await this.#bpmn.prepare(source, { platformRights: options.platformRights ?? false });
    const warnings = taskTypeWarnings(prepared.processes.map((p) => p.graph), (type) => this.registry.get(type) !== undefined);
    const result = await this.transact(async (session) => {
      const recorded = await recordDeployment(session.sql, prepared, {
        deploymentId: randomUUID(),
        source: options.source,
        resourceName: options.resourceName ?? null,
        deployedBy: options.deployedBy ?? null,
      });
      for (const deployed of recorded.processes.filter((p) => p.changed)) {
        const graph = prepared.processes.find((p) => p.graph.processId === deployed.processId)!.graph;
        await this.#registerStartTriggers(session, graph, deployed.version);
      }
      return recorded;
    });
    for (const deployed of result.processes) if (deployed.changed) this.#latest.delete(deployed.processId);
    return { ...result, warnings };
  }

  /** The latest version's start timers and message starts replace the previous version's. */
  async #registerStartTriggers(session: StepSession, graph: ProcessGraph, version: number): Promise<void> {
    const old = await session.sql<{ id: string }>(`SELECT id FROM tessera.process_timers WHERE process_id = $1 AND instance_id IS NULL`, [graph.processId]);
    session.cancelStartTimers(old.map((r) => r.id));
    await session.sql(`DELETE FROM tessera.process_message_starts WHERE process_id = $1`, [graph.processId]);
    const triggers = startTriggers(graph, this.#services.now());
    for (const timer of triggers.timers) {
      session.scheduleStartTimer({ id: randomUUID(), processId: graph.processId, version, startEventId: timer.startEventId, dueAt: timer.dueAt, repetitions: timer.repetitions, cycle: timer.interval });
    }
    for (const message of triggers.messages) {
      await session.sql(`INSERT INTO tessera.process_message_starts (process_id, version, start_event_id, message_name) VALUES ($1, $2, $3, $4)`, [graph.processId, version, message.startEventId, message.messageName]);
    }
  }

  // ---- instances ----

  /** Starts an instance of the latest (or given) version; returns its id. */
  async startInstance(ctx: RecordContext, request: StartRequest): Promise<string> {
    return this.transact(async (session) => {
      const version = request.version
        ? ((await session.sql<{ version: number }>(`SELECT version FROM tessera.process_definitions WHERE process_id = $1 AND version = $2`, [request.processId, request.version]))[0]?.version ?? null)
        : await this.#latestVersion(session.sql, request.processId);
      if (version === null) {
        throw request.version
          ? new TesseraError('NOT_FOUND', `process ${request.processId} has no version ${request.version}`, { problems: [{ pointer: '/version', detail: 'no such version' }] })
          : new TesseraError('NOT_FOUND', `no process ${request.processId} is deployed`, { problems: [{ pointer: '/processId', detail: 'is not deployed' }] });
      }
      if (request.record) await this.#records.get({ ...ctx, trx: session.trx }, request.record.entity, request.record.id, { fields: ['id'] });
      // A user's start: the instance acts with their rights unless the version runs with platform rights.
      session.knowSubject(ctx.actor.access?.subject);
      const meta = await session.newMeta(randomUUID(), request.processId, version, request.record ?? null, null, userOrigin(ctx.actor.userId));
      const outcome = await session.start(meta, request.variables ?? {}, request.startEventId ? { startEventId: request.startEventId } : {});
      rejectIfFailed(outcome);
      return meta.id;
    }, ctx.trx);
  }

  /**
   * Publishes a message: correlates it to waiting instances by name and key, starts message-start
   * processes; with `timeToLiveMs`, a message nobody waited for is kept for the first instance that
   * subscribes within that time.
   */
  async publishMessage(name: string, correlationKey: string, variables: JsonObject = {}, trx?: Knex.Transaction, timeToLiveMs = 0, origin?: StartOrigin): Promise<PublishResult> {
    return this.transact(async (session) => (await session.publish(name, correlationKey, variables, timeToLiveMs, origin)) ?? { correlated: 0, started: [], buffered: null }, trx);
  }

  /** Broadcasts a signal to every instance waiting for it (delivered by the workers). */
  async broadcastSignal(name: string, variables: JsonObject = {}): Promise<void> {
    await this.transact(async (session) => session.enqueue(SIGNAL_QUEUE, { data: { signalName: name, variables } }));
  }

  /**
   * Completes the user task of an activity with form data: the data is checked against the task's
   * form, the activity is resolved (as the acting user, so their rights apply) and the task
   * completes, in one transaction.
   */
  async completeActivity(ctx: RecordContext, activityId: string, formData: JsonObject): Promise<{ instanceId: string; activity: Record<string, unknown> }> {
    const activities = this.#records.runtime.entity(ACTIVITY_ENTITY).entity.table;
    return this.transact(async (session) => {
      // The activity (all its columns, so the records service need not read it again), its task and
      // the task's instance, locked, in one read. The task's columns carry a prefix no field name can have.
      const [row] = await session.sql<Record<string, unknown>>(
        `SELECT a.*, t.id AS "__task.id", t.instance_id AS "__task.instance_id", t.process_id AS "__task.process_id", t.version AS "__task.version",
                t.form_key AS "__task.form_key", t.ended_at AS "__task.ended_at", i.state AS "__task.state", i.business_entity AS "__task.business_entity",
                i.business_id AS "__task.business_id", i.parent_instance_id AS "__task.parent_instance_id", i.started_by AS "__task.started_by",
                i.started_via AS "__task.started_via", i.record_owner AS "__task.record_owner", i.run_as AS "__task.run_as"
           FROM tessera.process_user_tasks t
           JOIN tessera.process_instances i ON i.id = t.instance_id
           JOIN ${activities} a ON a.id = t.activity_id AND a.deleted_at IS NULL
          WHERE t.activity_id = $1
            FOR UPDATE OF t, i, a`,
        [isUuid(activityId) ? activityId : '00000000-0000-0000-0000-000000000000'],
      );
      // Rights first: who may not change the activity learns nothing of its task or form (one who may
      // not read it gets the 404 of a missing record, whatever the id).
      const split = row ? splitTaskRow(row) : null;
      await this.#records.checkUpdate({ ...ctx, trx: session.trx }, ACTIVITY_ENTITY, activityId, { status: 'resolved' }, split?.activity);
      if (!split) throw new TesseraError('NOT_FOUND', `activity ${activityId} is not a workflow task`);
      const { activity: activityRow, task } = split;
      if (task.ended_at) throw new TesseraError('CONFLICT', `the workflow task of activity ${activityId} has already ended`);
      if (activityRow.status !== 'open') throw new TesseraError('CONFLICT', `activity ${activityId} is ${String(activityRow.status)}, not open`);
      const form = formOf(task.form_key, await this.#forms(session.sql, task.process_id, task.version));
      if (form) {
        const problems: Problem[] = checkFormData(form, formData);
        if (problems.length > 0) throw new TesseraError('VALIDATION_FAILED', `the form data does not fit the task's form: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });
      }
      await session.preload({ ...task, id: task.instance_id });
      session.knowSubject(ctx.actor.access?.subject);
      session.knowTask(activityId, { userTaskId: task.id, instanceId: task.instance_id });
      session.formData.set(activityId, formData);
      // Resolving the activity (with the user's rights) completes its task (see #onRecordChange), with the form data.
      const activity = await this.#records.update({ ...ctx, trx: session.trx }, ACTIVITY_ENTITY, activityId, { status: 'resolved' }, { expectedVersion: activityRow.version as number, lockedRow: activityRow });
      const outcome = this.#completions.get(session);
      this.#completions.delete(session);
      if (outcome) rejectIfFailed(outcome);
      return { instanceId: task.instance_id, activity };
    }, ctx.trx);
  }

  /** The workflow task of an activity and its form, for whoever may read the activity (else the 404 of a missing record). */
  async activityTask(ctx: RecordContext, activityId: string): Promise<ActivityTask> {
    await this.#records.get(ctx, ACTIVITY_ENTITY, activityId, { fields: ['id'] });
    return withConnection(this.#knex, async (sql) => {
      const [task] = await sql<{ instance_id: string; process_id: string; version: number; element_id: string; form_key: string | null; ended_at: Date | null }>(
        `SELECT instance_id, process_id, version, element_id, form_key, ended_at FROM tessera.process_user_tasks WHERE activity_id = $1`,
        [activityId],
      );
      if (!task) throw new TesseraError('NOT_FOUND', `activity ${activityId} is not a workflow task`);
      const form = formOf(task.form_key, await this.#forms(sql, task.process_id, task.version));
      return { activityId, instanceId: task.instance_id, processId: task.process_id, version: task.version, elementId: task.element_id, formKey: task.form_key, form, endedAt: task.ended_at?.toISOString() ?? null };
    });
  }

  readonly #formCache = new Map<string, Readonly<Record<string, unknown>>>();
  readonly #platformRightsCache = new Map<string, boolean>();

  /** Whether a definition version runs with platform rights; versions never change, so it is cached. */
  async #platformRights(sql: Sql, processId: string, version: number): Promise<boolean> {
    const key = `${processId}\u0000${version}`;
    let flag = this.#platformRightsCache.get(key);
    if (flag === undefined) {
      flag = await definitionPlatformRights(sql, processId, version);
      this.#platformRightsCache.set(key, flag);
    }
    return flag;
  }
  readonly #latest = new Map<string, { readonly version: number; readonly until: number }>();

  /**
   * The latest version of a process, remembered for LATEST_VERSION_TTL_MS: every start needs it.
   * A deploy through this process forgets it at once; one through another process is seen within the TTL.
   */
  async #latestVersion(sql: Sql, processId: string): Promise<number | null> {
    const hit = this.#latest.get(processId);
    if (hit && hit.until > Date.now()) return hit.version;
    const version = await latestVersion(sql, processId);
    if (version !== null) this.#latest.set(processId, { version, until: Date.now() + LATEST_VERSION_TTL_MS });
    return version;
  }

  /** Embedded forms of a definition version; versions never change, so they are cached. */
  async #forms(sql: Sql, processId: string, version: number): Promise<Readonly<Record<string, unknown>>> {
    const key = `${processId}\u0000${version}`;
    let forms = this.#formCache.get(key);
    if (!forms) {
      forms = await definitionForms(sql, processId, version);
      this.#formCache.set(key, forms);
    }
    return forms;
  }

  readonly #completions = new WeakMap<StepSession, Outcome>();

  /** Resolves an incident: the failed work runs again (a job gets `retries` more attempts). */
  async resolveIncident(incidentId: string, retries = 1): Promise<string> {
    return this.transact(async (session) => {
      const [incident] = await session.sql<{ instance_id: string; resolved_at: Date | null }>(`SELECT instance_id, resolved_at FROM tessera.process_incidents WHERE id = $1`, [isUuid(incidentId) ? incidentId : null]);
      if (!incident) throw new TesseraError('NOT_FOUND', `no incident ${incidentId}`);
      if (incident.resolved_at) throw new TesseraError('CONFLICT', `incident ${incidentId} is already resolved`);
      rejectIfFailed(await session.deliver(incident.instance_id, { type: 'resolveIncident', incidentId, retries }));
      return incident.instance_id;
    });
  }

  async cancelInstance(instanceId: string): Promise<void> {
    await this.transact(async (session) => {
      const loaded = await session.instance(instanceId);
      if (!loaded) throw new TesseraError('NOT_FOUND', `no process instance ${instanceId}`);
      rejectIfFailed(await session.deliver(instanceId, { type: 'cancelInstance' }));
    });
  }

  /** Delivers any event to an instance (tests, tools). */
  async deliver(instanceId: string, event: InstanceEvent): Promise<Outcome | null> {
    return this.transact((session) => session.deliver(instanceId, event));
  }

  // ---- record hooks: triggers and activities resolved through the records API ----

  async #onRecordChange(trx: Knex.Transaction, change: RecordChange): Promise<void> {
    if (change.entity === ACTIVITY_ENTITY && change.action === 'update') {
      const status = change.changes.status;
      if (status && status[1] === 'resolved') {
        await this.#withSession(trx, async (session) => {
          const outcome = await session.activityResolved(change.record.id as string, session.formData.get(change.record.id as string) ?? {});
          if (outcome) this.#completions.set(session, outcome);
        });
      }
    }
    // A task's activity cancelled or deleted by someone: the process must not wait silently for it.
    if (change.entity === ACTIVITY_ENTITY && ((change.action === 'update' && change.changes.status?.[1] === 'cancelled') || change.action === 'delete')) {
      const who = change.actor.userId ? `user ${change.actor.userId}` : 'the system';
      const what = change.action === 'delete' ? 'deleted' : 'cancelled';
      await this.#withSession(trx, (session) => session.activityCancelled(change.record.id as string, `the task's activity ${change.record.id as string} was ${what} by ${who} (via ${change.actor.via}); resolve the incident to give the task again`));
    }
    const triggers = this.#triggersOf(change.entity);
    if (triggers.length === 0) return;
    const trial = currentTrial();
    const outcome = evaluateTriggers(triggers, change, (trial?.model ?? this.#records.runtime.snapshot.model).pkg.manifest.defaultLanguage);
    for (const problem of outcome.problems) {
      this.#log(problem);
      trial?.problem(problem);
    }
    if (outcome.messages.length === 0 && outcome.starts.length === 0) return;
    // Triggered work acts with platform rights, on behalf of the user whose change it is, for the record's owner.
    const owner = typeof change.record.owner === 'string' ? change.record.owner : null;
    await this.#withSession(trx, async (session) => {
      for (const message of outcome.messages) {
        await session.publish(message.name, message.correlationKey, message.variables, 0, triggerOrigin(change.actor.userId, owner, 'message'));
        trial?.messagePublished(message.trigger, message.name, message.correlationKey);
      }
      for (const start of outcome.starts) {
        const version = await this.#latestVersion(session.sql, start.processId);
        trial?.workflowStarted(start.trigger, start.processId, version);
        if (version === null) {
          this.#log(`trigger ${start.trigger}: process ${start.processId} is not deployed; nothing started`);
          continue;
        }
        const meta = await session.newMeta(randomUUID(), start.processId, version, { entity: change.entity, id: change.record.id as string }, null, triggerOrigin(change.actor.userId, owner));
        await session.start(meta, start.variables);
      }
    });
  }

  readonly #triggerCache = new WeakMap<object, Map<string, readonly Trigger[]>>();

  #triggersOf(entity: string): readonly Trigger[] {
    const runtime = this.#records.runtime;
    // A sandbox's trial runs the triggers of the package it tries.
    const trial = currentTrial()?.model;
    if (!trial && !runtime.loaded) return [];
    const model = trial ?? runtime.snapshot.model;
    let byEntity = this.#triggerCache.get(model);
    if (!byEntity) {
      byEntity = new Map();
      for (const trigger of model.pkg.triggers ?? []) byEntity.set(trigger.entity, [...(byEntity.get(trigger.entity) ?? []), trigger]);
      this.#triggerCache.set(model, byEntity);
    }
    return byEntity.get(entity) ?? [];
  }

  // ---- workers ----

  async #fireTimer(job: QueuedJob<{ timerId: string; instanceId: string | null }>): Promise<void> {
    await this.transact(async (session) => {
      session.settleJob(TIMER_QUEUE, job.attempt);
      if (job.data.instanceId) await session.deliver(job.data.instanceId, { type: 'timerFired', timerId: job.data.timerId });
      else await session.fireStartTimer(job.data.timerId);
    });
  }

  async #deliverJob(job: QueuedJob<{ instanceId: string; event: InstanceEvent }>): Promise<void> {
    await this.transact(async (session) => {
      session.settleJob(DELIVER_QUEUE, job.attempt);
      await session.deliver(job.data.instanceId, job.data.event);
    });
  }

  async #fanOutSignal(job: QueuedJob<{ signalName: string; variables: JsonObject }>): Promise<void> {
    await this.transact(async (session) => {
      session.settleJob(SIGNAL_QUEUE, job.attempt);
      const rows = await session.sql<{ instance_id: string }>(`SELECT DISTINCT instance_id FROM tessera.process_signal_subscriptions WHERE signal_name = $1`, [job.data.signalName]);
      for (const row of rows) {
        session.enqueue(DELIVER_QUEUE, { data: { instanceId: row.instance_id, event: { type: 'signalBroadcast', signalName: job.data.signalName, variables: job.data.variables } } });
      }
    });
  }

  /** One attempt of a connector job: the handler runs outside any transaction, its result in a new step. */
  async #runJob(type: JobTaskType, job: QueuedJob<ConnectorJob>): Promise<void> {
    const queue = jobQueueName(type.type);
    const { jobId, instanceId, attempt, input } = job.data;
    const acting = { instanceId, ...(job.data.actingAs ?? { userId: null, owner: null, runAs: 'platform' as const }) };
    const access = acting.runAs === 'user' && acting.userId !== null ? await userAccess(this.#services.subjects, this.#knex, this.#records.runtime.snapshot.model, acting.userId) : undefined;
    const activation = { jobId, instanceId, processId: job.data.processId, elementInstanceId: job.data.elementInstanceId, elementId: input.elementId, record: job.data.record, actor: workflowActor(acting, access), records: this.#records };
    let event = await runJobAttempt(type, job.data, activation, job.signal);
    await this.transact(async (session) => {
      session.settleJob(queue, job.attempt);
      if (event.type === 'jobFailed') {
        // Retries are counted on the locked state, not on the job's copy.
        const current = (await session.instance(instanceId))?.state.waits[jobId];
        if (current?.kind !== 'job') return;
        event = { ...event, retriesLeft: current.retries - 1 };
      }
      await session.deliver(instanceId, event, attempt);
    });
  }
}

type TaskRow = { id: string; instance_id: string; process_id: string; version: number; form_key: string | null; ended_at: Date | null } & Omit<InstanceRow, 'id' | 'process_id' | 'version'>;

/** Splits completeActivity's joined row: the activity's own columns, and the task's (prefixed "__task."). */
function splitTaskRow(row: Record<string, unknown>): { activity: Record<string, unknown>; task: TaskRow } {
  const activity: Record<string, unknown> = {};
  const task: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith('__task.')) task[key.slice(7)] = value;
    else activity[key] = value;
  }
  return { activity, task: task as TaskRow };
}

/** How long a process's latest version is remembered for starts (see #latestVersion). */
export const LATEST_VERSION_TTL_MS = 2000;


function rejectIfFailed(outcome: Outcome | null): void {
  if (outcome && !outcome.ok) throw new TesseraError('CONFLICT', outcome.error.message, { extensions: { reason: outcome.error.code } });
}
