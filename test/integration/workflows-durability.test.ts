// Durability with real engine processes (child processes on the test database: the embedded
// database over its socket URL, or the PostgreSQL server database):
// - an engine killed with SIGKILL while many instances have connector jobs and timers in flight is
//   replaced by a new one, and every instance completes with each element entered and left exactly
//   once (no step lost, none doubled);
// - two engine processes working the same database never run a step twice, and share the work.
import { startTestPlatform, testDatabaseKind, type TestPlatform } from '../support/database.ts';
import { startEngineProcess, type EngineProcess } from '../support/engine-process.ts';
import { testConnector, TEST_JOB_CALLS_DDL } from '../support/test-connector.ts';
import { eventually, WORKFLOW_CTX } from '../support/workflows.ts';

let env: TestPlatform;
const engines: EngineProcess[] = [];

// start → A → fork ─ timer (1 s) → B ─┐
//                  └ C ───────────────┴ join → D → end
const PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="t">
  <bpmn:process id="durable" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="A" />
    <bpmn:serviceTask id="A"><bpmn:extensionElements><zeebe:taskDefinition type="test:work" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="A" targetRef="fork" />
    <bpmn:parallelGateway id="fork" />
    <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="wait" />
    <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f4" sourceRef="wait" targetRef="B" />
    <bpmn:serviceTask id="B"><bpmn:extensionElements><zeebe:taskDefinition type="test:work" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f5" sourceRef="B" targetRef="join" />
    <bpmn:sequenceFlow id="f6" sourceRef="fork" targetRef="C" />
    <bpmn:serviceTask id="C"><bpmn:extensionElements><zeebe:taskDefinition type="test:work" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f7" sourceRef="C" targetRef="join" />
    <bpmn:parallelGateway id="join" />
    <bpmn:sequenceFlow id="f8" sourceRef="join" targetRef="D" />
    <bpmn:serviceTask id="D"><bpmn:extensionElements><zeebe:taskDefinition type="test:work" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f9" sourceRef="D" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;
// PGlite runs one statement at a time for every process: fewer instances keep the embedded run short.
const INSTANCES = testDatabaseKind() === 'embedded' ? 40 : 100;
const ELEMENTS = ['durable', 'start', 'A', 'fork', 'wait', 'B', 'C', 'join', 'D', 'end'];

beforeAll(async () => {
  // Jobs take the expiry of their queue when created, here too: 3 s, as in the engine processes.
  env = await startTestPlatform({ workflows: { expireInSeconds: 3, superviseIntervalSeconds: 1 }, connectors: [testConnector] });
  await env.platform.knex.raw(TEST_JOB_CALLS_DDL);
  await env.platform.processes.deploy(PROCESS, { source: 'test' });
}, 60_000);

afterEach(async () => {
  for (const engine of engines.splice(0)) {
    engine.kill('SIGTERM');
    await engine.exited();
  }
});

afterAll(async () => {
  await env?.close();
});

async function startInstances(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await env.platform.processes.startInstance(WORKFLOW_CTX, { processId: 'durable', variables: { n: i } }));
  return ids;
}

async function count(sql: string, bindings: readonly unknown[]): Promise<number> {
  const { rows } = await env.platform.knex.raw(sql, bindings as never[]);
  return Number(rows[0].n);
}

async function engine(): Promise<EngineProcess> {
  const started = await startEngineProcess(env.platform.db.url);
  engines.push(started);
  return started;
}

/** Every element of every instance entered exactly once and left exactly once. */
async function expectEachStepOnce(ids: readonly string[]): Promise<void> {
  const { rows } = await env.platform.knex.raw(
    `SELECT instance_id, element_id, event, count(*)::int AS n FROM tessera.process_history WHERE instance_id = ANY(?::uuid[]) GROUP BY 1, 2, 3`,
    [ids as string[]],
  );
  const seen = new Map<string, number>();
  for (const row of rows as { instance_id: string; element_id: string; event: string; n: number }[]) seen.set(`${row.instance_id}/${row.element_id}/${row.event}`, row.n);
  const wrong: string[] = [];
  for (const id of ids) {
    for (const element of ELEMENTS) {
      for (const event of ['entered', 'left']) {
        const n = seen.get(`${id}/${element}/${event}`) ?? 0;
        if (n !== 1) wrong.push(`${id} ${element} ${event} ×${n}`);
      }
    }
  }
  expect(wrong).toEqual([]);
  expect(rows.length).toBe(ids.length * ELEMENTS.length * 2);
}

async function waitAllCompleted(ids: readonly string[], timeoutMs: number, engineOutput: () => string): Promise<void> {
  try {
    await eventually(async () => (await count(`SELECT count(*) AS n FROM tessera.process_instances WHERE id = ANY(?::uuid[]) AND status = 'completed'`, [ids])) === ids.length, timeoutMs, 'every instance to complete');
  } catch (error) {
    const status = await env.platform.knex.raw(`SELECT status, count(*) FROM tessera.process_instances WHERE id = ANY(?::uuid[]) GROUP BY 1`, [ids as string[]]);
    const incidents = await env.platform.knex('tessera.process_incidents').whereIn('instance_id', ids as string[]).limit(5);
    throw new Error(`${(error as Error).message}: ${JSON.stringify(status.rows)} incidents ${JSON.stringify(incidents)}\n${engineOutput().slice(-3000)}`, { cause: error });
  }
}

test('engines killed with SIGKILL mid-run are replaced; every instance completes with each step exactly once', async () => {
  const ids = await startInstances(INSTANCES);
  const passed = (element: string) => count(`SELECT count(*) AS n FROM tessera.process_history WHERE instance_id = ANY(?::uuid[]) AND element_id = ? AND event = 'left'`, [ids, element]);
  const killed: EngineProcess[] = [];
  // Two kills while jobs and timers are in flight: after a quarter of the instances passed A, and
  // after a quarter passed the timer.
  for (const [element, share] of [['A', 0.25], ['wait', 0.25]] as const) {
    const before = await passed(element);
    const victim = await engine();
    await eventually(async () => (await passed(element)) >= Math.max(before + 1, INSTANCES * share), 60_000, `progress past ${element} before the kill`);
    victim.kill('SIGKILL');
    await victim.exited();
    killed.push(victim);
    engines.splice(engines.indexOf(victim), 1);
    const active = await count(`SELECT count(*) AS n FROM tessera.process_instances WHERE id = ANY(?::uuid[]) AND status = 'active'`, [ids]);
    expect(active).toBeGreaterThan(0);
  }
  const last = await engine();
  await waitAllCompleted(ids, 90_000, () => killed.map((k) => k.output()).join('') + last.output());
  await expectEachStepOnce(ids);
  // Nothing left waiting: no timers, no connector jobs.
  expect(await count(`SELECT count(*) AS n FROM tessera.process_timers WHERE instance_id = ANY(?::uuid[])`, [ids])).toBe(0);
  expect(await count(`SELECT count(*) AS n FROM tessera_jobs.job WHERE name = 'tessera.job.test_3awork' AND state IN ('created', 'active', 'retry')`, [])).toBe(0);
  // Connectors run at least once per task; only attempts cut off by a kill (8 at a time) may have run twice.
  const jobs = (await env.platform.knex.raw(`SELECT idempotency_key, count(*)::int AS n FROM public.test_job_calls GROUP BY 1`)).rows as { n: number }[];
  expect(jobs.length).toBe(ids.length * 4);
  expect(jobs.filter((j) => j.n > 1).length).toBeLessThanOrEqual(16);
}, 240_000);

test('two engine processes on one database share the work and never run a step twice', async () => {
  await env.platform.knex.raw('TRUNCATE public.test_job_calls');
  const [a, b] = await Promise.all([engine(), engine()]);
  const ids = await startInstances(INSTANCES);
  await waitAllCompleted(ids, 90_000, () => a!.output() + b!.output());
  await expectEachStepOnce(ids);
  const calls = (await env.platform.knex.raw(`SELECT idempotency_key, count(*)::int AS n, min(pid) AS pid FROM public.test_job_calls GROUP BY 1`)).rows as { n: number; pid: number }[];
  expect(calls.length).toBe(ids.length * 4);
  // No crash here: each connector call happened exactly once, and both processes took part.
  expect(calls.filter((c) => c.n > 1)).toEqual([]);
  expect(new Set(calls.map((c) => c.pid)).size).toBe(2);
}, 180_000);
