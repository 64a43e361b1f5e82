// Declared record actions (issue #17): POST /api/records/<type>/<id>/actions/<name> runs a button of
// the record page on the server — a conversion, or a deployed workflow started about the record with
// the user's rights — only when the action is declared and its condition holds.
import { seedPackage } from '../../engine/seeding.ts';
import type { MetadataItem, PackageFiles } from '../../metadata/index.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
let api: JsonClient;
let sales: JsonClient;
let analyst: JsonClient;
let reader: JsonClient;
let salesId: string;
let contractor: string;

/** The shipped CRM with one workflow action on deals (only for deals with a description). */
async function withWorkflowAction(): Promise<PackageFiles> {
  const pkg = await seedPackage();
  const file = Object.keys(pkg.files).find((f) => f.endsWith('entities/deal.json'))!;
  const deal = structuredClone(pkg.files[file]) as MetadataItem & { actions: unknown[] };
  deal.actions.push({ name: 'review', label: { en: 'Review', pl: 'Przegląd', ro: 'Revizuire' }, workflow: 'dealReview', when: 'description != null' });
  const reader = { kind: 'role', id: 'test.role.deal_reader', name: 'deal_reader', label: { en: 'Deal reader' }, permissions: [{ entity: 'deal', read: 'all' }] };
  return { files: { ...pkg.files, [file]: deal, 'roles/deal_reader.json': reader as MetadataItem } };
}

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata(await withWorkflowAction(), { source: 'seed' });
  await env.platform.processes.deploy(
    `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="https://tessera.dev/bpmn/test">
  <bpmn:message id="m" name="never" />
  <bpmn:process id="dealReview" isExecutable="true">
    <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:manualTask id="wait" /><bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" /><bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`,
    { source: 'test' },
  );
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  salesId = await createTestUser(env.platform, { login: 'sara', roles: ['salesperson'] });
  sales = await userClient(env.platform, `${server.url}/api`, salesId);
  analyst = await userClient(env.platform, `${server.url}/api`, await createTestUser(env.platform, { login: 'alan', roles: ['analyst'] }));
  reader = await userClient(env.platform, `${server.url}/api`, await createTestUser(env.platform, { login: 'rita', roles: ['deal_reader'] }));
  contractor = (await api.post('/records/contractor', { name: 'Biuro Rachunkowe Bilans' })).body.id;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

test('a conversion action runs the conversion: the deal’s offer is created and linked', async () => {
  const deal = (await sales.post('/records/deal', { name: 'Porządki w dokumentach', contractor })).body;
  const res = await sales.post(`/records/deal/${deal.id}/actions/generate_offer`);
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ action: 'generate_offer', kind: 'conversion', result: { conversion: 'to_offer', target: 'offer', records: [{ title: 'Porządki w dokumentach', deal: deal.id, owner: salesId }] } });
  const refused = await analyst.post(`/records/deal/${deal.id}/actions/generate_offer`);
  expect([refused.status, refused.contentType]).toEqual([403, expect.stringContaining('application/problem+json')]);
  const unknown = await sales.post(`/records/deal/${deal.id}/actions/nothing`);
  expect([unknown.status, unknown.body.errors[0].code]).toEqual([404, 'UNKNOWN_ACTION']);
});

test('a workflow action starts the process about the record as the user, only while its condition holds and for users who may change the record', async () => {
  const deal = (await sales.post('/records/deal', { name: 'Audyt', contractor })).body;
  const early = await sales.post(`/records/deal/${deal.id}/actions/review`);
  expect([early.status, early.body.errors[0].code]).toEqual([409, 'ACTION_NOT_ALLOWED']);
  const described = await sales.patch(`/records/deal/${deal.id}`, { version: deal.version, description: 'Audyt dokumentów za 2026' });
  expect(described.status).toBe(200);
  // Reading the deal is not enough to start a process about it (an administrator of workflows may).
  const refused = await reader.post(`/records/deal/${deal.id}/actions/review`);
  expect(refused.status).toBe(403);
  expect(Number(((await env.platform.knex('tessera.process_instances').where({ business_id: deal.id }).count({ n: '*' })) as { n: string }[])[0]!.n)).toBe(0);
  const res = await sales.post(`/records/deal/${deal.id}/actions/review`);
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ action: 'review', kind: 'workflow', instance: expect.any(String) });
  const row = await env.platform.knex('tessera.process_instances').where('id', res.body.instance).first();
  expect(row).toMatchObject({ process_id: 'dealReview', business_entity: 'deal', business_id: deal.id, started_by: salesId });
});
