// Job workers are woken after the inserting transaction commits, not by a NOTIFY inside it:
// PostgreSQL serializes the commits of transactions that NOTIFY (each holds a server-wide lock
// through its WAL flush), which capped the connector-job path at about one step per disk flush.
// Connector job queues therefore do not NOTIFY on insert (pg-boss's `notify` is off) and the runtime
// sends the wake-up itself once the step committed. Here the workers poll only every two minutes, so a job
// handled within seconds was woken. A server database only: the embedded one delivers no NOTIFY
// between connections (its workers poll).
import { startTestPlatform, testDatabaseKind, type TestPlatform } from '../support/database.ts';
import { eventually, InstanceDriver } from '../support/workflows.ts';

const serverOnly = testDatabaseKind() === 'server' ? test : test.skip;
let env: TestPlatform;
const handled: string[] = [];

const serviceProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="woken" isExecutable="true">
    <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
    <bpmn:serviceTask id="call"><bpmn:extensionElements><zeebe:taskDefinition type="test:wake" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" /><bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

beforeAll(async () => {
  env = await startTestPlatform({ workflows: { pollingIntervalSeconds: 120 } });
  await env.platform.processes.registerTaskType({
    type: 'test:wake',
    mode: 'job',
    async handler(_input, ctx) {
      handled.push(ctx.idempotencyKey);
      return { done: true };
    },
  });
  await env.platform.processes.deploy(serviceProcess, { source: 'test' });
  await env.platform.processes.startWorkers();
}, 60_000);

afterAll(async () => {
  await env?.close();
});

serverOnly('a connector job queued by a step is worked at once after the commit, woken without a NOTIFY in the step transaction', async () => {
  const { rows } = await env.platform.knex.raw(`SELECT name, notify FROM tessera_jobs.queue WHERE name LIKE 'tessera.%' ORDER BY name`);
  const queues = rows as { name: string; notify: boolean }[];
  // A connector job's queue does not NOTIFY inside the transaction that inserts its jobs; the
  // runtime's own queues keep pg-boss's NOTIFY (it also wakes workers when timers come due).
  expect(queues.find((q) => q.name === 'tessera.job.test_3awake')).toEqual({ name: 'tessera.job.test_3awake', notify: false });
  expect(queues.find((q) => q.name === 'tessera.timer')).toEqual({ name: 'tessera.timer', notify: true });
  // The worker's fetch after each job finds nothing more; its next poll is two minutes away.
  for (let i = 0; i < 3; i++) {
    const instance = await InstanceDriver.start(env.platform, 'woken');
    await eventually(async () => (await instance.status()) === 'completed', 20_000, `instance ${i + 1} to complete`);
  }
  expect(handled).toHaveLength(3);
});
