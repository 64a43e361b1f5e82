// An engine process that only works: `node engine/worker.ts` (or `tessera workflows
// worker`) runs the workflow workers (timers, deliveries, signals, connector jobs) against the
// database in DATABASE_URL, beside the server or other workers. Several may run at once: each step
// locks its instance and a consumed wait rejects a second delivery, so no step runs twice.
//
// Environment: DATABASE_URL (required), TESSERA_WORKER_CONCURRENCY (jobs at once, default 8),
// TESSERA_JOB_EXPIRE_SECONDS (how long a job held by a dead process waits before it runs again,
// default 30), TESSERA_SUPERVISE_SECONDS (how often lost jobs are looked for, default 10),
// TESSERA_DB_POOL_SIZE (database connections, default 10), TESSERA_TASK_TYPES (a module exporting
// `taskTypes`: connectors to register).
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { startPlatform, type Platform } from './platform.ts';
import type { TaskType } from './workflows/runtime/index.ts';

export interface WorkerProcessOptions {
  readonly url: string;
  readonly concurrency?: number;
  readonly expireInSeconds?: number;
  readonly superviseIntervalSeconds?: number;
  /** Database connections of this process's pool (default 10). */
  readonly poolSize?: number;
  /** Path of a module exporting `taskTypes: TaskType[]`. */
  readonly taskTypesModule?: string;
}

export interface RunningWorker {
  readonly platform: Platform;
  stop(): Promise<void>;
}

export async function runWorker(options: WorkerProcessOptions): Promise<RunningWorker> {
  const platform = await startPlatform({
    url: options.url,
    listen: true,
    ...(options.poolSize ? { poolSize: options.poolSize } : {}),
    workflows: {
      ...(options.expireInSeconds ? { expireInSeconds: options.expireInSeconds } : {}),
      ...(options.superviseIntervalSeconds ? { superviseIntervalSeconds: options.superviseIntervalSeconds } : {}),
    },
  });
  try {
    if (options.taskTypesModule) {
      const module = (await import(pathToFileURL(resolve(options.taskTypesModule)).href)) as { taskTypes?: readonly TaskType[] };
      for (const type of module.taskTypes ?? []) await platform.processes.registerTaskType(type);
    }
    await platform.processes.startWorkers({ ...(options.concurrency ? { concurrency: options.concurrency } : {}) });
  } catch (error) {
    await platform.close();
    throw error;
  }
  return { platform, stop: () => platform.close() };
}

function numberFromEnv(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${text}"`);
  return value;
}

export function workerOptionsFromEnv(): WorkerProcessOptions {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL must name the database the engine works on');
  const concurrency = numberFromEnv('TESSERA_WORKER_CONCURRENCY');
  const expireInSeconds = numberFromEnv('TESSERA_JOB_EXPIRE_SECONDS');
  const superviseIntervalSeconds = numberFromEnv('TESSERA_SUPERVISE_SECONDS');
  const poolSize = numberFromEnv('TESSERA_DB_POOL_SIZE');
  return {
    ...(poolSize ? { poolSize } : {}),
    url,
    ...(concurrency ? { concurrency } : {}),
    ...(expireInSeconds ? { expireInSeconds } : {}),
    ...(superviseIntervalSeconds ? { superviseIntervalSeconds } : {}),
    ...(process.env.TESSERA_TASK_TYPES ? { taskTypesModule: process.env.TESSERA_TASK_TYPES } : {}),
  };
}

/** Runs until SIGINT/SIGTERM; prints `ready` once the workers poll. */
export async function workerMain(): Promise<void> {
  const worker = await runWorker(workerOptionsFromEnv());
  console.log('ready');
  const stop = () => {
    void worker.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (import.meta.main) {
  workerMain().catch((error: unknown) => {
    console.error(`tessera worker: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
