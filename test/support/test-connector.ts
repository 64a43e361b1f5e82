// A connector for the engine-process tests, loaded the way an installation adds its own
// (TESSERA_CONNECTOR_MODULES). `test:work` sleeps a little (a connector call), records each
// execution in public.test_job_calls through its own connection (outside the step transaction, as
// a real connector's side effect would be) and returns a marker variable. `test:where` (inline) and
// `test:where-job` (job) say which process ran them.
import pg from 'pg';
import type { Connector } from '../../engine/connectors/index.ts';

let pool: pg.Pool | undefined;

function calls(): pg.Pool {
  if (!pool) {
    pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
    // An idle connection closed by the database's shutdown is no failure of the test.
    pool.on('error', () => undefined);
  }
  return pool;
}

/** Ends this process's connections of the test connector (before its database goes away). */
export async function closeTestConnector(): Promise<void> {
  await pool?.end();
  pool = undefined;
}

export const TEST_JOB_CALLS_DDL = `CREATE TABLE IF NOT EXISTS public.test_job_calls (id bigserial PRIMARY KEY, job_id uuid NOT NULL, idempotency_key text NOT NULL, pid integer NOT NULL, at timestamptz NOT NULL DEFAULT now())`;

export const TEST_POLL_RUNS_DDL = `CREATE TABLE IF NOT EXISTS public.test_poll_runs (id bigserial PRIMARY KEY, pid integer NOT NULL, at timestamptz NOT NULL DEFAULT now())`;

// With TEST_POLL_SECONDS set, a poller records each of its runs (which process, when).
const pollSeconds = Number(process.env.TEST_POLL_SECONDS ?? 0);

export const testConnector: Connector = {
  id: 'test',
  label: { pl: 'Test', en: 'Test', ro: 'Test' },
  enabledByDefault: true,
  pollers: pollSeconds > 0 ? [{ id: 'tick', everySeconds: pollSeconds, run: async () => void (await calls().query('INSERT INTO public.test_poll_runs (pid) VALUES ($1)', [process.pid])) }] : [],
  taskTypes: [
    {
      type: 'test:work',
      mode: 'job',
      timeoutSeconds: Number(process.env.TEST_WORK_TIMEOUT ?? 5),
      concurrency: 8,
      async handler(input, ctx) {
        const ms = typeof input.parameters.ms === 'number' ? input.parameters.ms : 10 + Math.floor(Math.random() * 30);
        await new Promise((resolve) => setTimeout(resolve, ms));
        await calls().query('INSERT INTO public.test_job_calls (job_id, idempotency_key, pid) VALUES ($1, $2, $3)', [ctx.jobId, ctx.idempotencyKey, process.pid]);
        return { [`done_${ctx.elementId}`]: true };
      },
    },
    {
      type: 'test:where',
      mode: 'inline',
      readOnly: true,
      async handler(_input, ctx) {
        return { [`pid_${ctx.elementId}`]: process.pid, connector: ctx.connector.connectorId };
      },
    },
    {
      type: 'test:where-job',
      mode: 'job',
      async handler(_input, ctx) {
        return { [`pid_${ctx.elementId}`]: process.pid };
      },
    },
  ],
};

export const connectors: readonly Connector[] = [testConnector];
