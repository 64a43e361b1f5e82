// The history of metadata versions through the API: who applied what and when, each version's diff
// against the one before and the plan it ran; reverting to a version plans first (a dry run) and
// applies only when asked, through the same plan → apply: destructive steps need the same
// confirmation, and their data is archived, not lost.
import { createApiToken } from '../../engine/access/index.ts';
import { loadPackageDir, TOKEN_SCOPES } from '../../metadata/index.ts';
import { createTestUser } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
let api: ReturnType<typeof jsonClient>;
let v1: Record<string, unknown>;

beforeAll(async () => {
  env = await startTestPlatform();
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  const { package: files } = await loadPackageDir(new URL('../fixtures/packages/crm-mini/', import.meta.url).pathname);
  v1 = structuredClone(files.files) as Record<string, unknown>;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

type Field = { id: string; name: string };

test('v2 adds a field and renames another; reverting to v1 plans, asks for the destructive step, and applies v1 as v3 keeping the data', async () => {
  expect((await api.put('/meta', { files: v1 })).body.version).toBe(1);
  const created = await api.post('/records/contractor', { name: 'Hydrobudowa', employees: 40 });
  expect(created.status).toBe(201);
  const id = created.body.id as string;

  const v2 = structuredClone(v1);
  const contractor = v2['entities/contractor.json'] as { fields: Field[] };
  contractor.fields.find((f) => f.name === 'employees')!.name = 'headcount';
  contractor.fields.push({ id: 't.contractor.industry', name: 'industry', type: 'string', label: { en: 'Industry' } } as Field);
  expect((await api.put('/meta', { files: v2, expectedVersion: 1 })).body.version).toBe(2);
  expect((await api.patch(`/records/contractor/${id}`, { industry: 'F.42', version: created.body.version })).status).toBe(200);
  expect((await api.get(`/records/contractor/${id}`)).body).toMatchObject({ headcount: 40, industry: 'F.42' });

  // The list: newest first, who (the user's name), when, from where, how many changes.
  const list = await api.get('/meta/versions');
  expect(list.status).toBe(200);
  expect(list.body.data.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  expect(list.body.data[0]).toMatchObject({ version: 2, source: 'api', appliedBy: { id: server.adminId, name: 'Test Administrator' }, changes: 2 });
  expect(Date.parse(list.body.data[0].appliedAt)).not.toBeNaN();

  // One version: its diff against v1, grouped by entity type, and the plan it ran.
  const detail = await api.get('/meta/versions/2');
  expect(detail.status).toBe(200);
  expect(detail.body.diff.groups).toEqual([
    {
      entity: 'contractor',
      changes: [
        { op: 'fieldAdded', item: 'entity', name: 'contractor', part: 'industry', after: 'string' },
        { op: 'fieldRenamed', item: 'entity', name: 'contractor', part: 'headcount', before: 'employees', after: 'headcount' },
      ],
    },
  ]);
  expect(detail.body.plan.map((s: { op: string }) => s.op)).toEqual(expect.arrayContaining(['renameColumn', 'addColumn']));

  // The revert's dry run: the plan (the dropped field flagged destructive) and what it would change; nothing applied.
  const dry = await api.post('/meta/versions/1/revert', {});
  expect(dry.status).toBe(200);
  expect(dry.body).toMatchObject({ fromVersion: 2, destructive: true });
  expect(dry.body.steps.filter((s: { destructive: boolean }) => s.destructive).map((s: { op: string }) => s.op)).toEqual(['archiveColumn']);
  expect(dry.body.diff.groups[0].changes.map((c: { op: string }) => c.op)).toEqual(['fieldRemoved', 'fieldRenamed']);
  expect((await api.get('/meta')).body.version).toBe(2);

  // Applying without the confirmation is refused as the designer's apply is; nothing half-applied.
  const refused = await api.post('/meta/versions/1/revert', { apply: true, expectedVersion: 2 });
  expect(refused.status).toBe(409);
  expect(refused.body.code).toBe('MIGRATION_REFUSED');
  expect((await api.get('/meta')).body.version).toBe(2);

  const applied = await api.post('/meta/versions/1/revert', { apply: true, allowDestructive: true, expectedVersion: 2 });
  expect(applied.status).toBe(200);
  expect(applied.body).toMatchObject({ version: 3, previousVersion: 2, changed: true });

  // v3 is v1's package; the renamed field's data is back under its old name; the dropped field's archived.
  const checksums = await env.platform.knex('tessera.meta_versions').orderBy('version').pluck('checksum');
  expect(checksums[2]).toBe(checksums[0]);
  expect((await api.get('/meta')).body.files).toEqual(v1);
  const record = (await api.get(`/records/contractor/${id}`)).body;
  expect(record.employees).toBe(40);
  expect(record).not.toHaveProperty('industry');
  const archived = await env.platform.knex('tessera.archived_values').where({ meta_version: 3, table_name: 'contractor', column_name: 'industry' }).select('record_id', 'value');
  expect(archived).toEqual([{ record_id: id, value: 'F.42' }]);
  const v3 = (await api.get('/meta/versions')).body.data[0];
  expect(v3).toMatchObject({ version: 3, source: 'revert', changes: 2 });

  // A stale dry run cannot be applied over a version applied meanwhile.
  const stale = await api.post('/meta/versions/2/revert', { apply: true, allowDestructive: true, expectedVersion: 2 });
  expect(stale.status).toBe(409);
  expect(stale.body.code).toBe('METADATA_CONFLICT');
});

test('the history needs the designer’s right; unknown versions and bad bodies are problems, not errors', async () => {
  const userId = await createTestUser(env.platform, { login: 'operator1' });
  const { token } = await createApiToken(env.platform.knex, userId, { name: 'operator', scopes: TOKEN_SCOPES });
  const operator = jsonClient(`${server.url}/api`, { token });
  for (const res of [await operator.get('/meta/versions'), await operator.get('/meta/versions/1'), await operator.post('/meta/versions/1/revert', {})]) {
    expect(res.status).toBe(403);
    expect(res.contentType).toContain('application/problem+json');
  }
  // Older versions page by `before`.
  expect((await api.get('/meta/versions?before=3')).body.data.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  expect((await api.get('/meta/versions?before=1')).body.data).toEqual([]);
  const badBefore = await api.get('/meta/versions?before=x');
  expect(badBefore.status).toBe(400);
  expect(badBefore.body.errors[0].pointer).toBe('/query/before');
  expect((await api.get('/meta/versions/99')).status).toBe(404);
  expect((await api.get('/meta/versions/abc')).status).toBe(404);
  expect((await api.post('/meta/versions/99/revert', {})).status).toBe(404);
  const bad = await api.post('/meta/versions/1/revert', { apply: 'yes' });
  expect(bad.status).toBe(422);
  expect(bad.body.errors[0].pointer).toBe('/apply');
  const unknown = await api.post('/meta/versions/1/revert', { confirm: true });
  expect(unknown.status).toBe(422);
  expect(unknown.body.errors[0].pointer).toBe('/confirm');
});
