// A connector for the engine-process tests, loaded the way an installation adds its own
// (TESSERA_CONNECTOR_MODULES). `test:work` sleeps a little (a connector call), records each
// execution in public.test_job_calls through its own connection (outside the step transaction, as
// a real connector's side effect would be) and returns a marker variable. `test:where` (inline) and
// `test:where-job` (job) say which process ran them.
import pg from 'pg';
import type { Connector } from '../../engine/connectors/index.ts';

let pool: pg.Pool | undefined;

function calls(): pg.Pool {
  pool ??= new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  return pool;
}

export const TEST_JOB_CALLS_DDL = `CREATE TABLE IF NOT EXISTS public.test_job_calls (id bigserial PRIMARY KEY, job_id uuid NOT NULL, idempotency_key text NOT NULL, pid integer NOT NULL, at timestamptz NOT NULL DEFAULT now())`;

export const testConnector: Connector = {
  id: 'test',
  label: { pl: 'Test', en: 'Test', ro: 'Test' },
  enabledByDefault: true,
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
