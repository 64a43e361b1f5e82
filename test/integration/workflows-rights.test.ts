// Who may start a process by hand: processes act with the platform's rights, so only workflow
// administrators, or users who may change the record the process is about.
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';
import { crmMiniPackage } from '../support/packages.ts';

let env: TestPlatform;
let server: TestServer;
const ids: Record<string, string> = {};

const PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="follow_up" isExecutable="true">
    <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end" /><bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

beforeAll(async () => {
  env = await startTestPlatform();
  const files = await crmMiniPackage({
    'roles/sales.json': { kind: 'role', id: 't.role.sales', name: 'sales', label: { en: 'Sales' }, permissions: [{ entity: 'contractor', read: 'all', create: true, update: 'own' }] },
  });
  await env.platform.applyMetadata(files, { source: 'cli' });
  server = await startTestServer(env.platform);
  const admin = jsonClient(`${server.url}/api`);
  expect((await admin.request('POST', '/workflows', PROCESS, { 'content-type': 'application/xml' })).status).toBe(201);
  ids.sales = await createTestUser(env.platform, { login: 'sales1', roles: ['sales'] });
  ids.nobody = await createTestUser(env.platform, { login: 'nobody' });
  const sales = await userClient(env.platform, `${server.url}/api`, ids.sales);
  ids.own = (await sales.post('/records/contractor', { name: 'Own Client' })).body.id;
  ids.other = (await admin.post('/records/contractor', { name: 'Someone Else' })).body.id;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

const start = (client: Awaited<ReturnType<typeof userClient>>, record?: string) =>
  client.post('/workflows/follow_up/instances', record ? { record: { entity: 'contractor', id: record } } : {});

test('a user who may change the record starts a process about it', async () => {
  const sales = await userClient(env.platform, `${server.url}/api`, ids.sales!);
  const res = await start(sales, ids.own);
  expect(res.status).toBe(201);
  expect(res.body.status).toBe('completed');
});

test('readable but not changeable, a read-only token, no record, or an unreadable record: refused', async () => {
  const sales = await userClient(env.platform, `${server.url}/api`, ids.sales!);
  expect((await start(sales, ids.other)).status).toBe(403);
  expect((await start(sales)).status).toBe(403);
  const readOnly = await userClient(env.platform, `${server.url}/api`, ids.sales!, ['read']);
  expect((await start(readOnly, ids.own)).status).toBe(403);
  const nobody = await userClient(env.platform, `${server.url}/api`, ids.nobody!);
  expect([403, 404]).toContain((await start(nobody, ids.own)).status);
  const count = await env.platform.knex('tessera.process_instances').count({ n: '*' }).first();
  expect(Number((count as { n: number }).n)).toBe(1);
});
