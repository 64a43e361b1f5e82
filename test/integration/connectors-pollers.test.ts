// A connector's poller runs once per period in the whole installation, however many processes offer
// it: here the test platform (with workers) and a worker process, each offering a run twice per
// period. Without the pg-boss slot there would be about four runs per period.
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { startEngineProcess, type EngineProcess } from '../support/engine-process.ts';
import { eventually } from '../support/workflows.ts';

let env: TestPlatform;
let worker: EngineProcess;

beforeAll(async () => {
  process.env.TEST_POLL_SECONDS = '1';
  const { testConnector, TEST_POLL_RUNS_DDL } = await import('../support/test-connector.ts');
  env = await startTestPlatform({ listen: true, connectors: [testConnector] });
  process.env.DATABASE_URL = env.platform.db.url;
  await env.platform.knex.raw(TEST_POLL_RUNS_DDL);
  worker = await startEngineProcess(env.platform.db.url, { TEST_POLL_SECONDS: '1' });
  await env.platform.processes.startWorkers();
}, 90_000);

afterAll(async () => {
  worker?.kill('SIGTERM');
  await worker?.exited();
  const { closeTestConnector } = await import('../support/test-connector.ts');
  await env?.platform.processes.stop();
  await closeTestConnector();
  await env?.close();
});

test('two processes offering a 1 s poller run it about once a second between them', async () => {
  await eventually(async () => Number((await env.platform.knex('public.test_poll_runs').count({ n: '*' }).first())!.n) >= 1, 20_000, 'a first run');
  const first = Number((await env.platform.knex('public.test_poll_runs').count({ n: '*' }).first())!.n);
  await new Promise((resolve) => setTimeout(resolve, 6000));
  const runs = Number((await env.platform.knex('public.test_poll_runs').count({ n: '*' }).first())!.n) - first;
  expect(runs).toBeGreaterThanOrEqual(3);
  expect(runs).toBeLessThanOrEqual(8);
}, 60_000);
