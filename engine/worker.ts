// An engine process that only works: `node engine/worker.ts` (or `tessera workflows
// worker`) runs the workflow workers (timers, deliveries, signals, connector jobs) against the
// database in DATABASE_URL, beside the server or other workers. Several may run at once: each step
// locks its instance and a consumed wait rejects a second delivery, so no step runs twice.
//
// Environment: DATABASE_URL (required), TESSERA_WORKER_CONCURRENCY (jobs at once, default 8),
// TESSERA_JOB_EXPIRE_SECONDS (how long a job held by a dead process waits before it runs again,
// default 30), TESSERA_SUPERVISE_SECONDS (how often lost jobs are looked for, default 10),
// TESSERA_DB_POOL_SIZE (database connections, default 10). The connectors are those of every
// process: connectors/index.ts plus TESSERA_CONNECTOR_MODULES; secrets need the same
// TESSERA_SECRET_KEY (or TESSERA_DATA_DIR holding secret.key) as the server.
import { startPlatform, type Platform } from './platform.ts';
import { recordAutomationEvents } from './automation/index.ts';
import { loadConnectors } from './connectors/platform-api.ts';
import { connectors } from '../connectors/index.ts';

export interface WorkerProcessOptions {
  readonly url: string;
  readonly concurrency?: number;
  readonly expireInSeconds?: number;
  readonly superviseIntervalSeconds?: number;
  /** Database connections of this process's pool (default 10). */
  readonly poolSize?: number;
  /** Where secret.key is kept when TESSERA_SECRET_KEY is not set (default TESSERA_DATA_DIR). */
  readonly secretsDir?: string;
}

export interface RunningWorker {
  readonly platform: Platform;
  stop(): Promise<void>;
}

export async function runWorker(options: WorkerProcessOptions): Promise<RunningWorker> {
  const platform = await startPlatform({
    url: options.url,
    listen: true,
    connectors: await loadConnectors(connectors),
    ...(options.secretsDir ? { secretsDir: options.secretsDir } : {}),
    ...(options.poolSize ? { poolSize: options.poolSize } : {}),
    workflows: {
      ...(options.expireInSeconds ? { expireInSeconds: options.expireInSeconds } : {}),
      ...(options.superviseIntervalSeconds ? { superviseIntervalSeconds: options.superviseIntervalSeconds } : {}),
    },
  });
  // Record changes this worker makes (workflow steps) reach the automation flows through the leader.
  const automationEvents = recordAutomationEvents(platform.knex, platform.records);
  try {
    await platform.processes.startWorkers({ ...(options.concurrency ? { concurrency: options.concurrency } : {}) });
  } catch (error) {
    await automationEvents.stop();
    await platform.close();
    throw error;
  }
  return {
    platform,
    stop: async () => {
      await automationEvents.stop();
      await platform.close();
    },
  };
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
