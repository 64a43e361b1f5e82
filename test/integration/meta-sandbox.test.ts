// Trying a pending metadata change in the sandbox (POST /api/meta/sandbox): the apply runs on a
// transaction with sample records and is rolled back — no table, column, row, counter or metadata
// version is left — and only those who may apply metadata may try. A sample runs the real write
// path: the tried package's triggers start their workflows in the transaction, and what would leave
// it (the jobs the workflow queues) is reported, not queued. The designer's preview of the
// next numbers (metadata/numbering.ts over GET /api/meta/numbering/{entity}) is what the engine
// then gives out.
import { createApiToken } from '../../engine/access/index.ts';
import { loadPackageDir, nextNumbers, TOKEN_SCOPES, type PackageFiles } from '../../metadata/index.ts';
import { createTestUser } from '../support/auth.ts';
import { startTestPlatform, testDatabaseKind, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
let api: JsonClient;
let files: PackageFiles['files'];
let contractor: string;

type Entity = { fields: Record<string, unknown>[]; numbering?: unknown };

beforeAll(async () => {
  env = await startTestPlatform();
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  files = (await loadPackageDir(new URL('../fixtures/packages/crm-mini/', import.meta.url).pathname)).package.files;
  expect((await api.put('/meta', { files })).status).toBe(200);
  contractor = (await api.post('/records/contractor', { name: 'Hydrobudowa' })).body.id;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

/** What a sandbox must leave as it was: tables, columns, rows of every table, the version, the counters. */
async function footprint(): Promise<Record<string, unknown>> {
  const { knex } = env.platform;
  const tables = (await knex.raw(`SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE' ORDER BY 1`)).rows as { t: string }[];
  const columns = (await knex.raw(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`)).rows[0].n;
  const rows: Record<string, number> = {};
  for (const { t } of tables) {
    const [schema, name] = t.split('.');
    rows[t] = Number((await knex.raw(`SELECT count(*)::int AS n FROM "${schema}"."${name}"`)).rows[0].n);
  }
  const version = (await knex('tessera.meta_versions').max({ v: 'version' }).first())?.v;
  const counters = await knex('tessera.number_series').orderBy('series').select('series', 'last_value');
  return { tables: tables.map((t) => t.t), columns, rows, version, counters };
}

function changedPackage(): PackageFiles['files'] {
  const next = structuredClone(files) as Record<string, unknown>;
  const deal = next['entities/deal.json'] as Entity;
  deal.fields.push({ id: 't.deal.channel', name: 'channel', type: 'enum', required: true, label: { en: 'Channel' }, values: [{ id: 't.deal.channel.web', value: 'web', label: { en: 'Web' } }] });
  next['entities/visit.json'] = { kind: 'entity', id: 't.visit', name: 'visit', label: { en: 'Visit' }, fields: [{ id: 't.visit.place', name: 'place', type: 'string', required: true, label: { en: 'Place' } }] };
  return next as PackageFiles['files'];
}

test('a tried change creates its sample records and plan, and nothing of it persists', async () => {
  const before = await footprint();
  const res = await api.post('/meta/sandbox', {
    files: changedPackage(),
    samples: [{ entity: 'deal', values: { title: 'Próbna', contractor, channel: 'web' } }, { entity: 'visit' }, { entity: 'deal', values: { title: 'Bez kanału', contractor } }],
  });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ fromVersion: 1, version: 2, changed: true, rolledBack: true });
  expect(res.body.steps.map((s: { op: string }) => s.op)).toEqual(expect.arrayContaining(['createTable', 'addColumn']));
  const [deal, visit, refused] = res.body.samples;
  // The sample is numbered, defaulted and validated by the new model, as a real create would be.
  expect(deal.record).toMatchObject({ title: 'Próbna', channel: 'web', number: expect.stringMatching(/^SZ\/\d{4}\/0001$/) });
  expect(visit.record).toMatchObject({ place: 'Sandbox' });
  expect(refused.record).toBeUndefined();
  expect(refused.problems.map((p: { pointer: string }) => p.pointer)).toContain('/channel');
  expect(await footprint()).toEqual(before);
  // The running model is the applied one: the tried field is unknown to it.
  expect((await api.post('/records/deal', { title: 'Real', contractor, channel: 'web' })).status).toBe(422);
});

test('without samples, one is generated per entity type the change adds or alters', async () => {
  const before = await footprint();
  const res = await api.post('/meta/sandbox', { files: changedPackage() });
  expect(res.status).toBe(200);
  expect(res.body.samples.map((s: { entity: string }) => s.entity).sort()).toEqual(['deal', 'visit']);
  expect(res.body.samples.find((s: { entity: string }) => s.entity === 'visit').record).toBeDefined();
  expect(await footprint()).toEqual(before);
});

test('only those who may apply metadata try changes or read the counters; a bad body is a problem', async () => {
  const userId = await createTestUser(env.platform, { login: 'operator-sandbox' });
  const { token } = await createApiToken(env.platform.knex, userId, { name: 'operator', scopes: TOKEN_SCOPES });
  const operator = jsonClient(`${server.url}/api`, { token });
  const before = await footprint();
  for (const res of [await operator.post('/meta/sandbox', { files: changedPackage() }), await operator.get('/meta/numbering/deal')]) {
    expect(res.status).toBe(403);
    expect(res.contentType).toContain('application/problem+json');
  }
  expect(await footprint()).toEqual(before);
  const bad = await api.post('/meta/sandbox', { files: changedPackage(), samples: [{ entity: 'deal', values: [] }] });
  expect(bad.status).toBe(422);
  expect(bad.body.errors[0].pointer).toBe('/samples/0/values');
  const invalid = await api.post('/meta/sandbox', { files: { ...changedPackage(), 'entities/visit.json': { kind: 'entity', name: 'visit' } } });
  expect(invalid.status).toBe(422);
  expect((await api.get('/meta/numbering/nothing')).status).toBe(404);
});

test('the preview of the next numbers from the current counter is what the engine gives out', async () => {
  for (const title of ['A', 'B']) expect((await api.post('/records/deal', { title, contractor })).status).toBe(201);
  const counters = (await api.get('/meta/numbering/deal')).body.data as { series: string; lastValue: number }[];
  const timeZone = 'UTC';
  const preview = nextNumbers('deal', { field: 'number', pattern: 'SZ/{YYYY}/{seq:4}' }, null, 3, new Date(), timeZone);
  const counter = counters.find((c) => c.series === preview.key);
  expect(counter?.lastValue).toBe(2);
  const next = nextNumbers('deal', { field: 'number', pattern: 'SZ/{YYYY}/{seq:4}' }, counter!.lastValue, 3, new Date(), timeZone).numbers;
  const given: string[] = [];
  for (const title of ['C', 'D', 'E']) given.push((await api.post('/records/deal', { title, contractor })).body.number);
  expect(given).toEqual(next);
});

test('a sandbox does not queue behind real work: a table it alters held by another transaction makes it give up', async () => {
  // The embedded database has one session: there is no second transaction to hold a lock.
  if (testDatabaseKind() !== 'server') return;
  const table = env.platform.runtime.snapshot.model.entities.get('deal')!.table;
  const before = await footprint();
  const holder = await env.platform.knex.transaction();
  try {
    await holder.raw(`LOCK TABLE ${table.split('.').map((p) => `"${p}"`).join('.')} IN SHARE MODE`);
    const res = await api.post('/meta/sandbox', { files: changedPackage() });
    expect(res.body.code).toBe('MIGRATION_FAILED');
    expect(res.body.detail).toMatch(/lock/i);
  } finally {
    await holder.rollback();
  }
  expect(await footprint()).toEqual(before);
});

/** A workflow whose one step is a job (a mail, say): the work that leaves a transaction. */
const WELCOME = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_welcome" targetNamespace="https://tessera.dev/bpmn/test">
  <bpmn:process id="welcome" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:serviceTask id="mail"><bpmn:extensionElements><zeebe:taskDefinition type="test:welcome-mail" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="mail" /><bpmn:sequenceFlow id="f1" sourceRef="mail" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

test("a sample fires the tried package's triggers: its workflows start in the transaction and their jobs are reported, not queued", async () => {
  const sent: unknown[] = [];
  await env.platform.processes.registerTaskType({ type: 'test:welcome-mail', mode: 'job', handler: async (input) => void sent.push(input) });
  await env.platform.processes.deploy(WELCOME, { source: 'test' });
  // Deals exist by now: the package adds only the visit type (deal.channel would need a default).
  const next = structuredClone(files) as Record<string, unknown>;
  next['entities/visit.json'] = (changedPackage() as Record<string, unknown>)['entities/visit.json'];
  next['triggers/welcome.json'] = { kind: 'trigger', id: 't.trigger.welcome', name: 'welcome_visit', label: { en: 'Welcome' }, entity: 'visit', on: 'created', start: { process: 'welcome' } };
  next['triggers/later.json'] = { kind: 'trigger', id: 't.trigger.later', name: 'not_deployed', label: { en: 'Later' }, entity: 'visit', on: 'created', start: { process: 'not_deployed_yet' } };
  const before = await footprint();
  const res = await api.post('/meta/sandbox', { files: next, samples: [{ entity: 'visit' }, { entity: 'deal', values: { title: 'Próbna', contractor } }] });
  expect(res.status).toBe(200);
  const [visit, deal] = res.body.samples;
  expect(visit.record).toMatchObject({ place: 'Sandbox' });
  expect(visit.fired.workflows).toEqual([
    { trigger: 'not_deployed', process: 'not_deployed_yet', version: null },
    { trigger: 'welcome_visit', process: 'welcome', version: 1 },
  ]);
  // The step's job is what would have left the transaction: reported, and not left queued (the footprint below).
  expect(Object.entries(visit.fired.jobs)).toEqual([[expect.stringContaining('welcome-mail'), 1]]);
  expect(visit.fired.audited).toBeGreaterThanOrEqual(1);
  // A deal has no trigger: it fires nothing but its own audit row.
  expect(deal.fired).toMatchObject({ workflows: [], messages: [], jobs: {}, problems: [] });
  // Without samples, the type whose trigger the change adds gets one, and shows what it would start.
  const onlyTrigger = structuredClone(files) as Record<string, unknown>;
  onlyTrigger['triggers/welcome.json'] = { kind: 'trigger', id: 't.trigger.welcome', name: 'welcome_contractor', label: { en: 'Welcome' }, entity: 'contractor', on: 'created', start: { process: 'welcome' } };
  const generated = await api.post('/meta/sandbox', { files: onlyTrigger });
  expect(generated.body.samples.map((s: { entity: string }) => s.entity)).toEqual(['contractor']);
  expect(generated.body.samples[0].fired.workflows).toEqual([{ trigger: 'welcome_contractor', process: 'welcome', version: 1 }]);
  expect(await footprint()).toEqual(before);
  expect(sent).toEqual([]);
});
