// pg-boss on the platform database: the queues the runtime uses, and enqueueing through the step
// transaction's own connection, so a job exists if and only if the step that created it committed.
//
// Queues: `tessera.timer` (instance timers and process start timers, each job due at startAfter),
// `tessera.signal` (a broadcast, fanned out to one `tessera.deliver` job per subscribed instance),
// `tessera.deliver` (an event for one instance) and `tessera.job.<type>` per connector task type.
// Handlers settle their pg-boss job inside the step transaction too, so a job whose step committed is
// never delivered again; one that was lost with its process expires and is delivered again.
//
// New connector jobs wake the workers of their queue with a NOTIFY sent after the inserting
// transaction committed, not inside it (pg-boss's queue option `notify`, kept for the other queues). PostgreSQL serializes the commits of
// transactions that NOTIFY, each holding a server-wide lock through its WAL flush: one NOTIFY per
// step capped the connector-job path at about one step per fsync. A wake-up is only a hint (a lost
// one, a kill -9 between commit and wake-up, is made up by the workers' polling), so it is sent on
// pg-boss's own connection, several queues in one statement that writes nothing and waits for no flush.
import type pg from 'pg';
import { PgBoss, type Job, type JobResult } from 'pg-boss';
import type { BossDb } from './sql.ts';
import { WakeUps } from '../../db/wake-ups.ts';
import { currentTrial } from '../../records/trial-run.ts';

export const TIMER_QUEUE = 'tessera.timer';
export const SIGNAL_QUEUE = 'tessera.signal';
export const DELIVER_QUEUE = 'tessera.deliver';
export const BOSS_SCHEMA = 'tessera_jobs';

export interface QueueSpec {
  readonly name: string;
  /** Seconds one attempt may stay active before it counts as lost (its process died) and runs again. */
  readonly expireInSeconds: number;
  /**
   * Connector job queues: inserts do not NOTIFY inside their transaction, the workers are woken
   * after it committed (below). The other queues keep pg-boss's own NOTIFY, which also wakes their
   * workers when delayed jobs (timers, retries) come due.
   */
  readonly wakeAfterCommit?: boolean;
}

export interface NewJob {
  readonly id?: string;
  readonly data: object;
  readonly startAfter?: Date;
}

/** A statement with its parameters ($1 … $n). */
export interface JobStatement {
  readonly text: string;
  readonly values: readonly unknown[];
}

export interface JobAttempt {
  readonly id: string;
  readonly retryCount: number;
}

export interface WorkerOptions {
  readonly batchSize: number;
  readonly pollingIntervalSeconds: number;
  /** Jobs of one fetched batch handled at once. */
  readonly parallel: number;
}

export interface JobQueueOptions {
  readonly url: string;
  /** Runs pg-boss maintenance (expiry of lost jobs, retention) in this process. */
  readonly supervise: boolean;
  readonly superviseIntervalSeconds?: number;
  readonly listenNotify?: boolean;
  readonly poolSize?: number;
  /** The `pg` Client class for pg-boss's pool (the platform's, which prepares statements on a server). */
  readonly pgClient?: typeof pg.Client;
  readonly log: (message: string, error?: unknown) => void;
}

/** A pg-boss job as our handlers see it: its attempt (for settling in the step transaction) and data. */
export interface QueuedJob<T> {
  readonly attempt: JobAttempt;
  readonly data: T;
  readonly signal: AbortSignal;
}

/** pg-boss's LISTEN channel for the schema (plans.notifyChannelSql; the schema name is unquoted). */
const WAKE_CHANNEL = `('pgboss_' || left(encode(sha224('${BOSS_SCHEMA}'::bytea), 'hex'), 24))`;

export class JobQueue {
  readonly #boss: PgBoss;
  readonly #queues = new Map<string, QueueSpec>();
  readonly #log: JobQueueOptions['log'];
  #started = false;
  /** Queues with new jobs whose workers are yet to be woken. */
  readonly #wakeUps = new WakeUps({
    send: (queues) => this.#boss.getDb().executeSql(`SELECT pg_notify(${WAKE_CHANNEL}, q) FROM unnest($1::text[]) AS q`, [queues]),
    // Only a hint: the workers' polling finds the jobs.
    failed: (error) => this.#log('waking job workers failed; they will find the jobs by polling', error),
    open: () => this.#started,
  });

  constructor(options: JobQueueOptions) {
    this.#log = options.log;
    this.#boss = new PgBoss({
      connectionString: options.url,
      schema: BOSS_SCHEMA,
      max: options.poolSize ?? 4,
      supervise: options.supervise,
      schedule: false,
      superviseIntervalSeconds: options.superviseIntervalSeconds ?? 10,
      // Lost (expired) jobs are found by the monitor pass: as often as supervision runs.
      monitorIntervalSeconds: options.superviseIntervalSeconds ?? 10,
      maintenanceIntervalSeconds: Math.max(options.superviseIntervalSeconds ?? 10, 60),
      useListenNotify: options.listenNotify ?? false,
      registerInstance: false,
      openTelemetry: { enabled: false },
      // pg-boss hands its options to pg.Pool, which opens connections with this class.
      ...(options.pgClient ? { Client: options.pgClient } : {}),
    });
    this.#boss.on('error', (error: unknown) => this.#log('pg-boss error', error));
  }

  get started(): boolean {
    return this.#started;
  }

  /** Installs or migrates pg-boss's schema and creates the queues, so sends never create them mid-transaction. */
  async start(queues: readonly QueueSpec[]): Promise<void> {
    await this.#boss.start();
    this.#started = true;
    for (const queue of queues) await this.ensureQueue(queue);
  }

  async ensureQueue(queue: QueueSpec): Promise<void> {
    if (this.#queues.has(queue.name)) return;
    // notify: false — inserts do not NOTIFY in their transaction; insert() wakes the workers after the commit.
    const options = { expireInSeconds: queue.expireInSeconds, retryLimit: 50, retryDelay: 1, retryBackoff: true, retryDelayMax: 60, deleteAfterSeconds: 3600, notify: !queue.wakeAfterCommit };
    const existing = await this.#boss.getQueue(queue.name);
    if (existing) await this.#boss.updateQueue(queue.name, options);
    else await this.#boss.createQueue(queue.name, options);
    // Warms pg-boss's queue cache: a send inside a transaction must not look the queue up on another connection.
    await this.#boss.getQueues([queue.name]);
    this.#queues.set(queue.name, queue);
  }

  has(queue: string): boolean {
    return this.#queues.has(queue);
  }

  /**
   * Inserts jobs on the caller's connection (its transaction), or on pg-boss's own pool without one.
   * Jobs due now wake their queue's workers: at once without a transaction, else once `committed`
   * (the transaction's outcome) resolves; a rolled-back transaction wakes no one.
   */
  async insert(db: BossDb | null, queue: string, jobs: readonly NewJob[], committed?: Promise<unknown>): Promise<void> {
    if (jobs.length === 0) return;
    // In the designer's sandbox the insert is rolled back with its transaction; the analyst is told what it would have queued.
    currentTrial()?.jobsQueued(queue, jobs.length);
    await this.#boss.insert(queue, jobs.map(bossJob), db ? { db } : {});
    this.#wakeFor(db, queue, jobs, committed);
  }

  /**
   * pg-boss's INSERT of `jobs` as pg-boss builds it (its queue's defaults, retry policy, expiry),
   * taken instead of run, for the caller to run inside a statement of its own (a step's flush
   * carries it as one of its CTEs); the workers are woken once `committed` resolves. Null (nothing
   * taken) when pg-boss's statement cannot be a CTE: a queue that NOTIFYs in the transaction wraps
   * the insert in a WITH of its own.
   */
  async insertStatement(queue: string, jobs: readonly NewJob[], committed: Promise<unknown>): Promise<JobStatement | null> {
    const { statement, db } = await taken((taking) => this.#boss.insert(queue, jobs.map(bossJob), { db: taking }));
    if (!statement) return null;
    currentTrial()?.jobsQueued(queue, jobs.length);
    this.#wakeFor(db, queue, jobs, committed);
    return statement;
  }

  /** pg-boss's completion of the attempt a handler holds, taken instead of run (as `insertStatement`); null when it cannot be a CTE. */
  async completeStatement(queue: string, attempt: JobAttempt): Promise<JobStatement | null> {
    return (await taken((taking) => this.#boss.complete(queue, { id: attempt.id, retryCount: attempt.retryCount }, null, { db: taking }))).statement;
  }

  #wakeFor(db: BossDb | null, queue: string, jobs: readonly NewJob[], committed: Promise<unknown> | undefined): void {
    if (!this.#queues.get(queue)?.wakeAfterCommit) return;
    // Jobs due later are found by the workers' polling, as pg-boss's own NOTIFY would have left them.
    const now = Date.now();
    if (!jobs.some((job) => !job.startAfter || job.startAfter.getTime() <= now)) return;
    if (!db) this.wake(queue);
    else if (committed) committed.then(() => this.wake(queue), () => undefined);
  }

  /** Wakes the workers of a queue (in any process) to fetch now; wake-ups asked for meanwhile go together. */
  wake(queue: string): void {
    this.#wakeUps.add(queue);
  }

  /** At most one job per `seconds`-long slot and key, whoever sends it: several processes, one run. */
  async sendThrottled(queue: string, data: object, seconds: number, key: string): Promise<string | null> {
    return this.#boss.sendThrottled(queue, data, null, seconds, key);
  }

  async cancel(db: BossDb, queue: string, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.#boss.cancel(queue, [...ids], { db });
  }

  async deleteJobs(db: BossDb, queue: string, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.#boss.deleteJob(queue, [...ids], { db });
  }

  /** Completes the attempt a handler holds, inside the caller's transaction. */
  async complete(db: BossDb, queue: string, attempt: JobAttempt): Promise<void> {
    await this.#boss.complete(queue, { id: attempt.id, retryCount: attempt.retryCount }, null, { db });
  }

  /**
   * Works a queue: batches are fetched, their jobs handled `parallel` at a time. A handler that throws
   * fails its job, which pg-boss retries with backoff; one that returns settles it.
   */
  async work<T>(queue: string, options: WorkerOptions, handler: (job: QueuedJob<T>) => Promise<void>): Promise<void> {
    await this.#boss.work<T>(
      queue,
      {
        batchSize: options.batchSize,
        pollingIntervalSeconds: options.pollingIntervalSeconds,
        // NOTIFY wakes workers for new jobs only; jobs due later (timers, retries) are found by polling.
        notifyPollingIntervalSeconds: options.pollingIntervalSeconds,
        burstWhenBatchFull: options.batchSize > 1,
        perJobResults: true,
      },
      async (jobs: Job<T>[]): Promise<JobResult[]> => {
        const results: JobResult[] = [];
        await forEachLimit(jobs, options.parallel, async (job) => {
          try {
            await handler({ attempt: { id: job.id, retryCount: job.retryCount }, data: job.data, signal: job.signal });
            results.push({ id: job.id, status: 'completed' });
          } catch (error) {
            this.#log(`job ${queue} ${job.id} failed; it will be retried`, error);
            results.push({ id: job.id, status: 'failed', output: { message: error instanceof Error ? error.message : String(error) } });
          }
        });
        return results;
      },
    );
  }

  /**
   * Works a queue batch by batch: `handler` gets every job of a fetch together and answers per job
   * (null: done; an error: failed, retried by pg-boss). A handler that throws fails the whole batch.
   */
  async workBatches<T>(queue: string, options: WorkerOptions, handler: (jobs: readonly QueuedJob<T>[]) => Promise<readonly (Error | null)[]>): Promise<void> {
    await this.#boss.work<T>(
      queue,
      { batchSize: options.batchSize, pollingIntervalSeconds: options.pollingIntervalSeconds, notifyPollingIntervalSeconds: options.pollingIntervalSeconds, burstWhenBatchFull: options.batchSize > 1, perJobResults: true },
      async (jobs: Job<T>[]): Promise<JobResult[]> => {
        const outcomes = await handler(jobs.map((job) => ({ attempt: { id: job.id, retryCount: job.retryCount }, data: job.data, signal: job.signal })));
        return jobs.map((job, i) => {
          const error = outcomes[i] ?? null;
          if (error === null) return { id: job.id, status: 'completed' };
          this.#log(`job ${queue} ${job.id} failed; it will be retried`, error);
          return { id: job.id, status: 'failed', output: { message: error.message } };
        });
      },
    );
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    await this.#boss.stop({ graceful: true, timeout: 10_000 });
  }
}

function bossJob(job: NewJob): { id?: string; data: object; startAfter?: Date } {
  return { ...(job.id ? { id: job.id } : {}), data: job.data, ...(job.startAfter ? { startAfter: job.startAfter } : {}) };
}

/**
 * The one statement `work` has pg-boss send, taken instead of run, as a data-modifying statement
 * that can stand as a CTE of another (null when it cannot): a plain INSERT or UPDATE, or pg-boss's
 * `WITH results AS (UPDATE … RETURNING id) SELECT <what it settled> FROM results`, whose UPDATE alone
 * is kept (what it settled is only reported, and our callers do not read it).
 */
async function taken(work: (db: BossDb) => Promise<unknown>): Promise<{ statement: JobStatement | null; db: BossDb }> {
  const statements: JobStatement[] = [];
  const db: BossDb = {
    executeSql: async (text, values) => {
      statements.push({ text, values: values ?? [] });
      // What pg-boss reads of a settling statement's answer (how many it settled): nothing yet.
      return { rows: [{ count: 0, ids: [] }] };
    },
  };
  await work(db);
  const [statement] = statements;
  if (statements.length !== 1 || !statement) return { statement: null, db };
  const counted = /^\s*WITH results AS \(\s*(UPDATE\s[\s\S]*?)\s+RETURNING id\s*\)\s*SELECT COUNT\(\*\), COALESCE\(array_agg\(id\), '\{\}'::uuid\[\]\) AS ids FROM results\s*$/.exec(statement.text);
  const text = counted ? counted[1]! : statement.text;
  // pg-boss writes SQL keywords in capitals: a WITH or RETURNING left is a statement of another shape.
  const single = /^\s*(INSERT|UPDATE)\s/.test(text) && !/\bRETURNING\b|\bWITH\b/.test(text);
  const ownParameters = (text.match(/\$\d+/g) ?? []).every((p) => Number(p.slice(1)) >= 1 && Number(p.slice(1)) <= statement.values.length);
  return { statement: single && ownParameters ? { text, values: statement.values } : null, db };
}

/** Runs `work` over items with at most `limit` in flight. */
export async function forEachLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}
