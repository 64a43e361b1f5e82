// Long work does not freeze the server: while the database runs a long statement, or a large BPMN
// file is parsed and checked, health and the web app keep answering. Asserted by order (answered
// while the work was still in progress), never by how long anything took; timing targets are in the
// benchmark (`npm run bench`, "embedded under load").
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { isTesseraError } from '../../engine/errors.ts';
import { MAX_FLOW_ELEMENTS } from '../../engine/workflows/runtime/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { startTestServer, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
let uiDir: string;

beforeAll(async () => {
  env = await startTestPlatform();
  uiDir = mkdtempSync(join(tmpdir(), 'tessera-ui-'));
  writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>probe page</title>');
  server = await startTestServer(env.platform, { uiDir });
});

afterAll(async () => {
  await server?.close();
  await env?.close();
  if (uiDir) rmSync(uiDir, { recursive: true, force: true });
});

interface Health {
  readonly status: string;
  readonly databaseBusyMs?: number | null;
}

async function health(): Promise<{ status: number; body: Health }> {
  const res = await fetch(`${server.url}/api/health`);
  return { status: res.status, body: (await res.json()) as Health };
}

/** On a server the statement is visible from another connection; on PGlite health tells it (databaseBusyMs). */
async function sleepIsRunning(): Promise<boolean> {
  if (env.kind === 'server') {
    const { rows } = (await env.platform.knex.raw(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'SELECT pg_sleep%'`)) as { rows: { n: number }[] };
    return rows[0]!.n > 0;
  }
  const { body } = await health();
  return typeof body.databaseBusyMs === 'number';
}

test('while the database runs a long statement, health and the web app answer', async () => {
  const client = new pg.Client({ connectionString: env.platform.db.url });
  await client.connect();
  try {
    let finished = false;
    const sleeping = client.query('SELECT pg_sleep(4)').then(() => {
      finished = true;
    });
    // Wait until the statement is under way (or, where the server is frozen, until it is over).
    while (!finished && !(await sleepIsRunning())) await new Promise((resolve) => setTimeout(resolve, 20));
    const probe = await health();
    const page = await fetch(`${server.url}/`);
    const pageText = await page.text();
    const answeredWhileRunning = !finished;
    await sleeping;
    expect(answeredWhileRunning).toBe(true);
    expect(probe.status).toBe(200);
    expect(probe.body.status).toBe('ok');
    if (env.kind === 'embedded') expect(probe.body.databaseBusyMs).toBeGreaterThanOrEqual(0);
    expect(page.status).toBe(200);
    expect(pageText).toContain('probe page');
  } finally {
    await client.end();
  }
});

/** A process of `tasks` service tasks in a row, then (unless `valid`) a script task, which is outside the supported subset. */
function largeBpmn(tasks: number, valid = false): string {
  const parts = [
    `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="definitions" targetNamespace="https://tessera.dev/bpmn/test">
<bpmn:process id="large" isExecutable="true"><bpmn:startEvent id="start"/>`,
  ];
  let previous = 'start';
  for (let i = 0; i < tasks; i++) {
    parts.push(`<bpmn:serviceTask id="task${i}" name="Task ${i}"><bpmn:extensionElements><zeebe:taskDefinition type="noop"/></bpmn:extensionElements></bpmn:serviceTask><bpmn:sequenceFlow id="flow${i}" sourceRef="${previous}" targetRef="task${i}"/>`);
    previous = `task${i}`;
  }
  if (!valid) {
    parts.push(`<bpmn:scriptTask id="compute" scriptFormat="javascript"><bpmn:script>1+1</bpmn:script></bpmn:scriptTask><bpmn:sequenceFlow id="toCompute" sourceRef="${previous}" targetRef="compute"/>`);
    previous = 'compute';
  }
  parts.push(`<bpmn:endEvent id="end"/><bpmn:sequenceFlow id="toEnd" sourceRef="${previous}" targetRef="end"/></bpmn:process></bpmn:definitions>`);
  return parts.join('\n');
}

test('while a large BPMN file is parsed and checked, health and the web app answer; the file is then refused with every problem', async () => {
  // Just under the element limit (two elements per task).
  const xml = largeBpmn((MAX_FLOW_ELEMENTS - 10) / 2);
  let settled = false;
  // Refused after the check, so nothing but parsing and checking stands between the call and its end.
  const deploying = env.platform.processes.deploy(xml, { source: 'test' }).then(
    () => null,
    (error: unknown) => error,
  );
  void deploying.then(() => {
    settled = true;
  });
  const probe = await health();
  const page = await fetch(`${server.url}/`);
  await page.text();
  const answeredWhileChecking = !settled;
  const error = await deploying;
  expect(answeredWhileChecking).toBe(true);
  expect(probe.status).toBe(200);
  expect(page.status).toBe(200);
  expect(isTesseraError(error)).toBe(true);
  if (!isTesseraError(error)) return;
  expect(error.code).toBe('WORKFLOW_INVALID');
  expect(error.problems).toEqual([expect.objectContaining({ pointer: '/elements/compute', code: expect.stringMatching(/^BPMN_/) })]);
  expect(await env.platform.knex('tessera.process_deployments').count({ n: '*' }).first()).toEqual({ n: 0 });
});

test('a file over the element limit is refused as a whole, with the limit in the message; nothing is stored', async () => {
  const error = await env.platform.processes.deploy(largeBpmn(MAX_FLOW_ELEMENTS / 2, true), { source: 'test' }).then(
    () => null,
    (failure: unknown) => failure,
  );
  expect(isTesseraError(error)).toBe(true);
  if (!isTesseraError(error)) return;
  expect(error.code).toBe('WORKFLOW_INVALID');
  expect(error.problems).toEqual([expect.objectContaining({ pointer: '', code: 'BPMN_TOO_LARGE', detail: expect.stringContaining(`at most ${MAX_FLOW_ELEMENTS}`) })]);
  expect(await env.platform.knex('tessera.process_deployments').count({ n: '*' }).first()).toEqual({ n: 0 });
});
