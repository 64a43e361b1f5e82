// pg-boss on the platform database: the queues the runtime uses, and enqueueing through the step
// transaction's own connection, so a job exists if and only if the step that created it committed.
//
// Queues: `tessera.timer` (instance timers and process start timers, each job due at startAfter),
// `tessera.signal` (a broadcast, fanned out to one `tessera.deliver` job per subscribed instance),
// `tessera.deliver` (an event for one instance) and `tessera.job.<type>` per connector task type.
// Handlers settle their pg-boss job inside the step transaction too, so a job whose step committed is
// never delivered again; one that was lost with its process expires and is delivered again.
import type pg from 'pg';
import { PgBoss, type Job, type JobResult } from 'pg-boss';
import type { BossDb } from './sql.ts';

export const TIMER_QUEUE = 'tessera.timer';
export const SIGNAL_QUEUE = 'tessera.signal';
export const DELIVER_QUEUE = 'tessera.deliver';
export const BOSS_SCHEMA = 'tessera_jobs';

export interface QueueSpec {
  readonly name: string;
  /** Seconds one attempt may stay active before it counts as lost (its process died) and runs again. */
  readonly expireInSeconds: number;
}

export interface NewJob {
  readonly id?: string;
  readonly data: object;
  readonly startAfter?: Date;
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

export class JobQueue {
  readonly #boss: PgBoss;
  readonly #queues = new Map<string, QueueSpec>();
  readonly #log: JobQueueOptions['log'];
  #started = false;

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
    const options = { expireInSeconds: queue.expireInSeconds, retryLimit: 50, retryDelay: 1, retryBackoff: true, retryDelayMax: 60, deleteAfterSeconds: 3600, notify: true };
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

  /** Inserts jobs on the caller's connection (its transaction), or on pg-boss's own pool without one. */
  async insert(db: BossDb | null, queue: string, jobs: readonly NewJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.#boss.insert(
      queue,
      jobs.map((job) => ({ ...(job.id ? { id: job.id } : {}), data: job.data, ...(job.startAfter ? { startAfter: job.startAfter } : {}) })),
      db ? { db } : {},
    );
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

/** Runs `work` over items with at most `limit` in flight. */
export async function forEachLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}
