// Schema sync through the API: metadata changes become real tables, columns, indexes and foreign
// keys without a restart; invalid or destructive changes are refused and change nothing.
import { loadPackageDir, type PackageFiles } from '../../metadata/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
let api: ReturnType<typeof jsonClient>;
let base: Record<string, unknown>;

const clone = <T>(v: T): T => structuredClone(v);

async function columns(table: string): Promise<Record<string, { type: string; nullable: boolean; length: number | null }>> {
  const res = await env.platform.knex.raw(
    `SELECT column_name, data_type, is_nullable, character_maximum_length FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ?`,
    [table],
  );
  return Object.fromEntries(res.rows.map((r: Record<string, string>) => [r.column_name, { type: r.data_type, nullable: r.is_nullable === 'YES', length: r.character_maximum_length === null ? null : Number(r.character_maximum_length) }]));
}

async function foreignKeys(table: string): Promise<string[]> {
  const res = await env.platform.knex.raw(
    `SELECT kcu.column_name || '->' || ccu.table_name AS fk FROM information_schema.table_constraints tc
     JOIN information_schema.key_column_usage kcu ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema
     JOIN information_schema.constraint_column_usage ccu ON tc.constraint_name = ccu.constraint_name
     WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public' AND tc.table_name = ?`,
    [table],
  );
  return res.rows.map((r: { fk: string }) => r.fk).sort();
}

async function indexedColumns(table: string): Promise<string[]> {
  const res = await env.platform.knex.raw(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ?`, [table]);
  return res.rows.map((r: { indexdef: string }) => r.indexdef);
}

beforeAll(async () => {
  env = await startTestPlatform();
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  const { package: files } = await loadPackageDir(new URL('../fixtures/packages/crm-mini/', import.meta.url).pathname);
  base = clone(files.files) as Record<string, unknown>;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

const put = (files: Record<string, unknown>, extra: Record<string, unknown> = {}) => api.put('/meta', { files, ...extra });

describe('metadata API', () => {
  test('a fresh database has no metadata; applying the package creates the tables', async () => {
    expect((await api.get('/meta')).status).toBe(404);
    const res = await put(base);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 1, previousVersion: 0, changed: true });
    expect(res.body.steps.some((s: { op: string }) => s.op === 'createTable')).toBe(true);
    const cols = await columns('contractor');
    expect(cols.name).toMatchObject({ type: 'character varying', nullable: false, length: 200 });
    expect(cols.turnover!.type).toBe('numeric');
    expect(cols.turnover_currency!.type).toBe('character varying');
    expect(await foreignKeys('person')).toEqual(expect.arrayContaining(['contractor->contractor']));
    expect((await columns('deal__parties')).role).toBeDefined();
    const again = await put(base);
    expect(again.body).toMatchObject({ version: 1, changed: false });
    const meta = await api.get('/meta');
    expect(meta.body.version).toBe(1);
    expect(Object.keys(meta.body.files)).toContain('entities/contractor.json');
  });

  test('adding an entity type and a field creates a typed table, column, index and FK; existing rows stay; no restart', async () => {
    const created = await api.post('/records/contractor', { name: 'Existing Row Sp. z o.o.', city: 'Gdynia' });
    expect(created.status).toBe(201);
    const next = clone(base);
    const contractor = next['entities/contractor.json'] as { fields: unknown[] };
    contractor.fields.push({ id: 't.contractor.industry', name: 'industry', type: 'string', maxLength: 80, indexed: true, label: { en: 'Industry' } });
    next['entities/device.json'] = {
      kind: 'entity',
      id: 't.device',
      name: 'device',
      label: { en: 'Device', pl: 'Urządzenie' },
      fields: [
        { id: 't.device.serial', name: 'serial_no', type: 'string', maxLength: 40, required: true, unique: true, label: { en: 'Serial number' } },
        { id: 't.device.owner', name: 'owner_contractor', type: 'reference', target: 'contractor', label: { en: 'Owner' } },
        { id: 't.device.inspection', name: 'next_inspection', type: 'date', label: { en: 'Next inspection' } },
      ],
    };
    const plan = await api.post('/meta/plan', { files: next });
    expect(plan.status).toBe(200);
    expect(plan.body.steps.map((s: { description: string }) => s.description)).toEqual(
      expect.arrayContaining(['create table device', 'add column contractor.industry varchar(80)']),
    );
    expect(await columns('device')).toEqual({}); // planning changes nothing
    const res = await put(next);
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(2);
    const device = await columns('device');
    expect(device.serial_no).toMatchObject({ type: 'character varying', length: 40, nullable: false });
    expect(device.next_inspection!.type).toBe('date');
    expect(await foreignKeys('device')).toEqual(expect.arrayContaining(['owner_contractor->contractor']));
    expect((await indexedColumns('contractor')).some((d) => d.includes('(industry)'))).toBe(true);
    expect((await indexedColumns('device')).some((d) => d.includes('UNIQUE') && d.includes('(serial_no)'))).toBe(true);
    // The running server uses the new model at once.
    const row = await api.get(`/records/contractor/${created.body.id}`);
    expect(row.body).toMatchObject({ name: 'Existing Row Sp. z o.o.', city: 'Gdynia', industry: null });
    const dev = await api.post('/records/device', { serial_no: 'SN-1', owner_contractor: created.body.id, next_inspection: '2027-01-31' });
    expect(dev.status).toBe(201);
    base = next;
  });

  test('an invalid package is refused with pointers into its files and nothing changes', async () => {
    const bad = clone(base);
    (bad['entities/device.json'] as { fields: Record<string, unknown>[] }).fields.push({ id: 't.device.x', name: 'Bad Name', type: 'string', label: { en: 'x' } });
    (bad['entities/contractor.json'] as { fields: Record<string, unknown>[] }).fields.push({ id: 't.contractor.ref', name: 'supplier', type: 'reference', target: 'nowhere', label: { en: 'x' } });
    const res = await put(bad);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('METADATA_INVALID');
    const pointers = res.body.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/files/entities~1device.json/fields/3/name']));
    const res2 = await put({ ...clone(base), 'entities/contractor.json': { ...(base['entities/contractor.json'] as object), fields: [...(base['entities/contractor.json'] as { fields: unknown[] }).fields, { id: 't.c.s', name: 'supplier', type: 'reference', target: 'nowhere', label: { en: 'x' } }] } });
    expect(res2.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(`/files/entities~1contractor.json/fields/${(base['entities/contractor.json'] as { fields: unknown[] }).fields.length}/target`);
    expect((await api.get('/meta')).body.version).toBe(2);
    expect((await columns('contractor')).supplier).toBeUndefined();
  });

  test('a destructive change is refused without the flag; with it the data is archived, not lost', async () => {
    const next = clone(base);
    const device = next['entities/device.json'] as { fields: { name: string }[] };
    device.fields = device.fields.filter((f) => f.name !== 'next_inspection');
    const refused = await put(next);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('MIGRATION_REFUSED');
    expect(refused.body.errors[0].detail).toContain('archive column device.next_inspection');
    expect((await columns('device')).next_inspection).toBeDefined();
    const applied = await put(next, { allowDestructive: true });
    expect(applied.status).toBe(200);
    expect((await columns('device')).next_inspection).toBeUndefined();
    const archived = await env.platform.knex('tessera.archived_values').where({ table_name: 'device', column_name: 'next_inspection' });
    expect(archived.map((a: { value: unknown }) => a.value)).toEqual(['2027-01-31']);
    base = next;
  });

  test('renaming a field by keeping its id renames the column and keeps the data', async () => {
    const next = clone(base);
    const contractor = next['entities/contractor.json'] as { fields: { id: string; name: string }[] };
    contractor.fields.find((f) => f.id === 't.contractor.city')!.name = 'locality';
    // The view still names the old field: the package is refused until it follows the rename.
    const dangling = await api.post('/meta/plan', { files: next });
    expect(dangling.status).toBe(422);
    expect(dangling.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(expect.arrayContaining(['/files/views~1warsaw.json/columns/2', '/files/views~1warsaw.json/filter/city']));
    next['views/warsaw.json'] = JSON.parse(JSON.stringify(next['views/warsaw.json']).replace(/"city"/g, '"locality"'));
    const plan = await api.post('/meta/plan', { files: next });
    expect(plan.body.destructive).toBe(false);
    expect(plan.body.steps.map((s: { op: string }) => s.op)).toContain('renameColumn');
    expect((await put(next)).status).toBe(200);
    const rows = await api.get(`/records/contractor?filter=${encodeURIComponent(JSON.stringify({ locality: { eq: 'Gdynia' } }))}`);
    expect(rows.body.data.map((r: { name: string }) => r.name)).toEqual(['Existing Row Sp. z o.o.']);
    base = next;
  });

  test('a required field without a default on a table with rows is refused, nothing half-applied', async () => {
    const next = clone(base);
    (next['entities/contractor.json'] as { fields: unknown[] }).fields.push({ id: 't.contractor.region', name: 'region', type: 'string', required: true, label: { en: 'Region' } });
    (next['entities/device.json'] as { fields: unknown[] }).fields.push({ id: 't.device.model', name: 'model', type: 'string', label: { en: 'Model' } });
    const res = await put(next);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('MIGRATION_FAILED');
    expect(res.body.errors[0].pointer).toMatch(/^\/files\/entities~1contractor\.json\/fields\/\d+$/);
    expect((await columns('contractor')).region).toBeUndefined();
    expect((await columns('device')).model).toBeUndefined(); // the other step of the same apply was rolled back
    const withDefault = clone(next);
    const region = (withDefault['entities/contractor.json'] as { fields: Record<string, unknown>[] }).fields.find((f) => f.name === 'region')!;
    region.default = 'mazowieckie';
    expect((await put(withDefault)).status).toBe(200);
    const row = await env.platform.knex('contractor').where({ name: 'Existing Row Sp. z o.o.' }).first();
    expect(row.region).toBe('mazowieckie');
    base = withDefault;
  });

  test('widening a string keeps data; narrowing is destructive and archives old values', async () => {
    const wider = clone(base);
    (wider['entities/device.json'] as { fields: Record<string, unknown>[] }).fields[0]!.maxLength = 100;
    const plan = await api.post('/meta/plan', { files: wider });
    expect(plan.body.destructive).toBe(false);
    expect((await put(wider)).status).toBe(200);
    expect((await columns('device')).serial_no!.length).toBe(100);
    const narrower = clone(wider);
    (narrower['entities/device.json'] as { fields: Record<string, unknown>[] }).fields[0]!.maxLength = 3;
    expect((await put(narrower)).status).toBe(409);
    expect((await put(narrower, { allowDestructive: true })).status).toBe(200);
    expect((await env.platform.knex('device').first()).serial_no).toBe('SN-');
    expect((await env.platform.knex('tessera.archived_values').where({ column_name: 'serial_no' })).map((r: { value: unknown }) => r.value)).toEqual(['SN-1']);
    base = narrower;
  });

  test('concurrent applies are serialised: of two edits of the same version one applies, the other is told to plan again', async () => {
    const current = (await api.get('/meta')).body.version as number;
    const a = clone(base);
    (a['entities/device.json'] as { fields: unknown[] }).fields.push({ id: 't.device.a', name: 'field_a', type: 'boolean', label: { en: 'A' } });
    const b = clone(base);
    (b['entities/device.json'] as { fields: unknown[] }).fields.push({ id: 't.device.b', name: 'field_b', type: 'boolean', label: { en: 'B' } });
    const results = await Promise.all([put(a, { expectedVersion: current }), put(b, { expectedVersion: current })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.code).toBe('METADATA_CONFLICT');
    const winner = results.find((r) => r.status === 200)!;
    expect(winner.body.version).toBe(current + 1);
    const cols = await columns('device');
    expect(Boolean(cols.field_a) !== Boolean(cols.field_b)).toBe(true); // exactly one edit landed
    const versions = await env.platform.knex('tessera.meta_versions').orderBy('version').pluck('version');
    expect(versions).toEqual(Array.from({ length: current + 1 }, (_, i) => i + 1));
    // The same package sent twice at once: one new version, the other finds it unchanged.
    const c = clone(cols.field_a ? a : b);
    (c['entities/device.json'] as { fields: unknown[] }).fields.push({ id: 't.device.c', name: 'field_c', type: 'boolean', label: { en: 'C' } });
    const twice = await Promise.all([put(c), put(c)]);
    expect(twice.map((r) => r.body.changed).sort()).toEqual([false, true]);
  });

  test('removing a stage that deals are in moves them to the initial stage, archiving the old value (with the flag)', async () => {
    const c = await api.post('/records/contractor', { name: 'Stage Removal SA' });
    const deal = await api.post('/records/deal', { title: 'In meeting', contractor: c.body.id });
    const moved = await api.patch(`/records/deal/${deal.body.id}`, { stage: 'meeting', version: deal.body.version });
    expect(moved.status).toBe(200);
    const next = clone(base);
    const sales = next['pipelines/sales.json'] as { stages: { name: string }[]; transitions: { from: string[]; to: string }[] };
    sales.stages = sales.stages.filter((st) => st.name !== 'meeting');
    sales.transitions = sales.transitions
      .filter((tr) => tr.to !== 'meeting')
      .map((tr) => ({ ...tr, from: tr.from.map((f) => (f === 'meeting' ? 'new' : f)) }))
      .map((tr) => (tr.to === 'offer' ? { ...tr, from: ['new'] } : tr));
    // The plan says how many deals are in the removed stage and where they go.
    const plan = await api.post('/meta/plan', { files: next });
    expect(plan.status).toBe(200);
    const narrowed = plan.body.steps.find((s: { op: string }) => s.op === 'setAllowedValues');
    const inMeeting = Number((await env.platform.knex.raw(`SELECT count(*) AS n FROM public.deal WHERE stage = 'meeting'`)).rows[0].n);
    expect(inMeeting).toBeGreaterThan(0);
    expect(narrowed).toMatchObject({ destructive: true, records: { byValue: { meeting: inMeeting }, total: inMeeting, outcome: 'moved', to: 'new' } });
    expect(narrowed.description).toContain(`${inMeeting} record`);
    expect((await put(next)).status).toBe(409);
    const res = await put(next, { allowDestructive: true });
    expect(res.status).toBe(200);
    expect((await api.get(`/records/deal/${deal.body.id}`)).body.stage).toBe('new');
    expect(await env.platform.knex('tessera.archived_values').where({ table_name: 'deal', column_name: 'stage', record_id: deal.body.id }).pluck('value')).toEqual(['meeting']);
    base = next;
  });

  test('pointing a many-to-many field at another type archives and deletes its links', async () => {
    const a = await api.post('/records/contractor', { name: 'Party A' });
    const deal = await api.post('/records/deal', { title: 'With parties', contractor: a.body.id, parties: [{ id: a.body.id, role: 'buyer' }] });
    expect(deal.status).toBe(201);
    const next = clone(base);
    const parties = (next['entities/deal.json'] as { fields: Record<string, unknown>[] }).fields.find((f) => f.name === 'parties')!;
    parties.target = 'device';
    const res = await put(next, { allowDestructive: true });
    expect(res.status).toBe(200);
    expect((await api.get(`/records/deal/${deal.body.id}`)).body.parties).toEqual([]);
    expect(await env.platform.knex('tessera.archived_values').where({ table_name: 'deal__parties', column_name: 'target' }).pluck('value')).toEqual([a.body.id]);
    base = next;
  });

  test('a field replaced under the same name (new id) archives the old column and adds the new one', async () => {
    const next = clone(base);
    const employees = (next['entities/contractor.json'] as { fields: Record<string, unknown>[] }).fields.find((f) => f.name === 'employees')!;
    employees.id = 't.contractor.employees.v2';
    employees.type = 'decimal';
    const res = await put(next, { allowDestructive: true });
    expect(res.status).toBe(200);
    expect((await columns('contractor')).employees!.type).toBe('numeric');
    base = next;
  });

  test('bad bodies get problems', async () => {
    expect((await api.put('/meta', {})).body.errors[0].pointer).toBe('/files');
    expect((await api.put('/meta', { nofiles: true })).body.errors[0].pointer).toBe('/nofiles');
    expect((await api.request('PUT', '/meta', '{', { 'content-type': 'application/json' })).status).toBe(400);
  });
});

export type { PackageFiles };
