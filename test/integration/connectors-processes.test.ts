// Issue #11: a connector loaded the documented way runs in every process kind. A step started in the
// server (an HTTP start) runs the connector's inline task type there, and its job type on a worker
// process; a step run by a worker process (after a timer) runs the inline type in the worker. Both
// processes load the connector as an installation would (TESSERA_CONNECTOR_MODULES).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPackageDir } from '../../metadata/index.ts';
import { loadConnectors } from '../../engine/connectors/platform-api.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { startEngineProcess, type EngineProcess } from '../support/engine-process.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';
import { eventually, InstanceDriver } from '../support/workflows.ts';
import { tessera } from '../support/cli.ts';

const TEST_CONNECTOR = fileURLToPath(new URL('../support/test-connector.ts', import.meta.url));

let env: TestPlatform;
let server: TestServer;
let worker: EngineProcess;

const definitions = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">${body}</bpmn:definitions>`;
const task = (id: string, type: string) => `<bpmn:serviceTask id="${id}"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" /></bpmn:extensionElements></bpmn:serviceTask>`;

beforeAll(async () => {
  // The server process: the test connector from the same module list as the worker's, no workers here.
  env = await startTestPlatform({ listen: true, connectors: await loadConnectors([], { TESSERA_CONNECTOR_MODULES: TEST_CONNECTOR }) });
  const { package: files } = await loadPackageDir(new URL('../fixtures/packages/crm-mini/', import.meta.url).pathname);
  await env.platform.applyMetadata(files, { source: 'cli' });
  server = await startTestServer(env.platform);
  await env.platform.processes.deploy(
    definitions(`<bpmn:process id="where" isExecutable="true">
      <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="inline" />
      ${task('inline', 'test:where')}<bpmn:sequenceFlow id="f2" sourceRef="inline" targetRef="job" />
      ${task('job', 'test:where-job')}<bpmn:sequenceFlow id="f3" sourceRef="job" targetRef="end" /><bpmn:endEvent id="end" />
    </bpmn:process>`),
    { source: 'test' },
  );
  await env.platform.processes.deploy(
    definitions(`<bpmn:process id="whereLater" isExecutable="true">
      <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
      <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
      <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="inline" />
      ${task('inline', 'test:where')}<bpmn:sequenceFlow id="f3" sourceRef="inline" targetRef="end" /><bpmn:endEvent id="end" />
    </bpmn:process>`),
    { source: 'test' },
  );
  worker = await startEngineProcess(env.platform.db.url);
}, 90_000);

afterAll(async () => {
  worker?.kill('SIGTERM');
  await worker?.exited();
  await server?.close();
  await env?.close();
});

test('a step started in the server runs the connector inline type in the server and its job type on the worker', async () => {
  const started = await jsonClient(server.url).post('/api/workflows/where/instances', {});
  expect([started.status, started.body]).toEqual([201, expect.objectContaining({ id: expect.any(String) })]);
  const d = new InstanceDriver(env.platform, started.body.id as string);
  await eventually(async () => (await d.status()) === 'completed', 20_000, `the instance to complete\n${worker.output()}`);
  expect(await d.rootVariables()).toEqual({ pid_inline: process.pid, connector: 'test', pid_job: worker.pid });
}, 30_000);

test('a step run by the worker process (after a timer) runs the connector inline type there', async () => {
  const d = await InstanceDriver.start(env.platform, 'whereLater');
  await eventually(async () => (await d.status()) === 'completed', 20_000, `the instance to complete\n${worker.output()}`);
  expect(await d.rootVariables()).toEqual({ pid_inline: worker.pid, connector: 'test' });
}, 30_000);

test('`tessera workflows validate` knows the connector task types the server and worker run', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-validate-'));
  const file = join(dir, 'where.bpmn');
  await writeFile(file, definitions(`<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="inline" />${task('inline', 'test:where')}<bpmn:sequenceFlow id="f2" sourceRef="inline" targetRef="other" />${task('other', 'nobody:there')}<bpmn:sequenceFlow id="f3" sourceRef="other" targetRef="e" /><bpmn:endEvent id="e" /></bpmn:process>`));
  try {
    const result = await tessera(['workflows', 'validate', file], { TESSERA_CONNECTOR_MODULES: TEST_CONNECTOR });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('nobody:there');
    expect(result.stdout).not.toContain('test:where');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
