// What PUT /api/meta and POST /api/meta/plan refuse before anything runs (file paths, unknown body
// members, PostgreSQL's column limit, changes too large for one transaction), how a failing step is
// reported (never with its SQL), and what a destructive type change does to values that do not
// convert: archived and cleared, or refused with their number.
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';
import { crmMiniPackage } from '../support/packages.ts';

let env: TestPlatform;
let server: TestServer;
let api: ReturnType<typeof jsonClient>;
let base: Record<string, unknown>;

const clone = <T>(v: T): T => structuredClone(v);
const put = (files: Record<string, unknown>, extra: Record<string, unknown> = {}) => api.put('/meta', { files, ...extra });
const label = (en: string) => ({ en });

/** An entity type `item` with the given fields (and a `title` first). */
const item = (fields: Record<string, unknown>[]) => ({
  kind: 'entity',
  id: 't.item',
  name: 'item',
  label: label('Item'),
  fields: [{ id: 't.item.title', name: 'title', type: 'string', label: label('Title') }, ...fields],
});

const withItem = (fields: Record<string, unknown>[]) => ({ ...clone(base), 'entities/item.json': item(fields) });

async function version(): Promise<number> {
  return (await api.get('/meta')).body.version as number;
}

async function tableExists(name: string): Promise<boolean> {
  const res = await env.platform.knex.raw(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name = ?`, [name]);
  return res.rows.length > 0;
}

beforeAll(async () => {
  env = await startTestPlatform();
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  base = clone((await crmMiniPackage()).files) as Record<string, unknown>;
  expect((await put(base)).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

describe('what is refused before anything runs', () => {
  test.each([
    ['/etc/evil.json', '/files/~1etc~1evil.json'],
    ['entities/./item.json', '/files/entities~1.~1item.json'],
    ['entities//item.json', '/files/entities~1~1item.json'],
    ['entities/../item.json', '/files/entities~1..~1item.json'],
  ])('a file path %s is refused with its pointer, nothing applied', async (path, pointer) => {
    const before = await version();
    const files = { ...clone(base), [path]: item([]) };
    for (const res of [await api.post('/meta/plan', { files }), await put(files)]) {
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('METADATA_INVALID');
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer, code: 'META_SCHEMA' })]);
    }
    expect(await version()).toBe(before);
    expect(await tableExists('item')).toBe(false);
  });

  test('unknown top-level members of the body are refused, not ignored', async () => {
    const files = withItem([]);
    const misspelt = await put(files, { allowDestrucitve: true });
    expect(misspelt.status).toBe(422);
    expect(misspelt.body.errors).toEqual([expect.objectContaining({ pointer: '/allowDestrucitve', detail: 'unknown property' })]);
    const plan = await api.post('/meta/plan', { files, expectedVersion: 1 });
    expect(plan.status).toBe(422);
    expect(plan.body.errors).toEqual([expect.objectContaining({ pointer: '/expectedVersion' })]);
    const notBoolean = await put(files, { allowDestructive: 'yes' });
    expect(notBoolean.status).toBe(422);
    expect(notBoolean.body.errors).toEqual([expect.objectContaining({ pointer: '/allowDestructive' })]);
    expect(await tableExists('item')).toBe(false);
  });

  test('an entity type wider than PostgreSQL allows is refused when planned, at the first field past 1,600 columns', async () => {
    const wide = (n: number) => withItem(Array.from({ length: n }, (_, i) => ({ id: `t.item.f${i}`, name: `f${i}`, type: 'integer', label: label(`F${i}`) })));
    // 9 system columns + title + 1,590 fields = 1,600 columns: the most a table can have.
    const widest = await api.post('/meta/plan', { files: wide(1590) });
    expect(widest.status).toBe(200);
    for (const res of [await api.post('/meta/plan', { files: wide(10_000) }), await put(wide(10_000))]) {
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/files/entities~1item.json/fields/1591', code: 'META_LIMIT' })]);
      expect(res.body.errors[0].detail).toContain('10,010 columns');
      expect(JSON.stringify(res.body).length).toBeLessThan(2000);
    }
    expect(await tableExists('item')).toBe(false);
  });

  test('a money field counts two columns', async () => {
    const fields = Array.from({ length: 796 }, (_, i) => ({ id: `t.item.m${i}`, name: `m${i}`, type: 'money', label: label(`M${i}`) }));
    const res = await api.post('/meta/plan', { files: withItem(fields) });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/files/entities~1item.json/fields/796', code: 'META_LIMIT' })]);
  });

  test('an index over more than 32 columns is refused by the meta-schema', async () => {
    const fields = Array.from({ length: 33 }, (_, i) => ({ id: `t.item.c${i}`, name: `c${i}`, type: 'boolean', label: label(`C${i}`) }));
    const files = withItem(fields);
    (files['entities/item.json'] as Record<string, unknown>).indexes = [{ id: 't.item.ix.all', fields: fields.map((f) => f.name) }];
    const res = await put(files);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/files/entities~1item.json/indexes/0/fields', code: 'META_SCHEMA' })]);
    expect(await tableExists('item')).toBe(false);
  });

  test('2,000 new entity types in one apply are refused at plan time (the limit of steps per apply), nothing created', async () => {
    const files = clone(base);
    for (let i = 0; i < 2000; i++) {
      files[`entities/many/e${i}.json`] = { kind: 'entity', id: `t.many.e${i}`, name: `many_${i}`, label: label(`E${i}`), fields: [{ id: 'name', name: 'name', type: 'string', label: label('Name') }] };
    }
    const before = await version();
    for (const res of [await api.post('/meta/plan', { files }), await put(files)]) {
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/files', code: 'META_LIMIT' })]);
      expect(res.body.detail).toMatch(/at most 2,000/);
    }
    expect(await version()).toBe(before);
    expect(await tableExists('many_0')).toBe(false);
  });
});

describe('a step the database refuses', () => {
  test('is reported with PostgreSQL\'s message and detail, never the SQL; nothing applied', async () => {
    for (const name of ['Twin A', 'Twin B']) expect((await api.post('/records/contractor', { name, city: 'Sopot' })).status).toBe(201);
    const next = clone(base);
    const contractor = next['entities/contractor.json'] as { fields: Record<string, unknown>[] };
    contractor.fields.find((f) => f.name === 'city')!.unique = true;
    next['entities/item.json'] = item([]);
    const res = await put(next);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('MIGRATION_FAILED');
    expect(res.body.detail).toMatch(/could not create unique index/);
    expect(res.body.detail).toContain('(city)=(Sopot)');
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/CREATE|ALTER|INSERT|"public"/);
    expect(await tableExists('item')).toBe(false);
  });
});

describe('destructive type changes', () => {
  let itemFiles: Record<string, unknown>;
  const codeField = (extra: Record<string, unknown>) => ({ id: 't.item.code', name: 'code', label: label('Code'), ...extra });

  beforeAll(async () => {
    itemFiles = withItem([codeField({ type: 'string' }), { id: 't.item.grade', name: 'grade', type: 'string', maxLength: 48, label: label('Grade') }]);
    expect((await put(itemFiles)).status).toBe(200);
    for (const [title, code, grade] of [['twelve', '12', 'gold'], ['rounded', ' 7.6 ', 'silver'], ['letters', 'abc', 'tin'], ['huge', '99999999999', null], ['empty', null, null]]) {
      expect((await api.post('/records/item', { title, code, grade })).status).toBe(201);
    }
  });

  const codes = async () => Object.fromEntries((await env.platform.knex('item').select('title', 'code')).map((r: { title: string; code: unknown }) => [r.title, r.code]));
  const archived = async (column: string) => (await env.platform.knex('tessera.archived_values').where({ table_name: 'item', column_name: column }).pluck('value')).sort();

  test('string → integer on a required field without a default is refused with the number of values that do not convert', async () => {
    const next = clone(itemFiles);
    (next['entities/item.json'] as { fields: Record<string, unknown>[] }).fields[1] = codeField({ type: 'integer', required: true });
    const res = await put(next, { allowDestructive: true });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('MIGRATION_FAILED');
    expect(res.body.detail).toMatch(/2 record\(s\) hold values that are not valid integer/);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/files/entities~1item.json/fields/1' })]);
    expect((await codes()).letters).toBe('abc'); // nothing applied
    expect(await archived('code')).toEqual([]);
  });

  test('string → integer with allowDestructive converts what it can; the rest is archived and cleared', async () => {
    const next = clone(itemFiles);
    (next['entities/item.json'] as { fields: Record<string, unknown>[] }).fields[1] = codeField({ type: 'integer' });
    const plan = await api.post('/meta/plan', { files: next });
    expect(plan.body.steps).toEqual(expect.arrayContaining([expect.objectContaining({ op: 'alterColumnType', destructive: true })]));
    expect((await put(next)).status).toBe(409);
    const res = await put(next, { allowDestructive: true });
    expect(res.status).toBe(200);
    expect(await codes()).toEqual({ twelve: 12, rounded: 8, letters: null, huge: null, empty: null });
    expect(await archived('code')).toEqual([' 7.6 ', '12', '99999999999', 'abc']);
    itemFiles = next;
  });

  test('string → enum with allowDestructive archives and clears the values that are not among the enum values', async () => {
    const next = clone(itemFiles);
    const values = ['gold', 'silver'].map((value) => ({ id: `t.item.grade.${value}`, value, label: label(value) }));
    (next['entities/item.json'] as { fields: Record<string, unknown>[] }).fields[2] = { id: 't.item.grade', name: 'grade', type: 'enum', values, label: label('Grade') };
    const plan = await api.post('/meta/plan', { files: next });
    expect(plan.body.destructive).toBe(true);
    const res = await put(next, { allowDestructive: true });
    expect(res.status).toBe(200);
    const grades = Object.fromEntries((await env.platform.knex('item').select('title', 'grade')).map((r: { title: string; grade: unknown }) => [r.title, r.grade]));
    expect(grades).toEqual({ twelve: 'gold', rounded: 'silver', letters: null, huge: null, empty: null });
    expect(await archived('grade')).toEqual(['tin']);
  });

  test('string → integer on a required field with a default fills the values that do not convert', async () => {
    const next = withItem([codeField({ type: 'string' }), { id: 't.item.size', name: 'size', type: 'string', label: label('Size') }]);
    (next['entities/item.json'] as { fields: Record<string, unknown>[] }).fields[1] = codeField({ type: 'integer' });
    expect((await put(next, { allowDestructive: true })).status).toBe(200);
    await env.platform.knex('item').update({ size: 'large' }).where({ title: 'letters' });
    await env.platform.knex('item').update({ size: '3' }).whereNot({ title: 'letters' });
    const required = clone(next);
    (required['entities/item.json'] as { fields: Record<string, unknown>[] }).fields[2] = { id: 't.item.size', name: 'size', type: 'integer', required: true, default: 1, label: label('Size') };
    const res = await put(required, { allowDestructive: true });
    expect(res.status).toBe(200);
    const sizes = Object.fromEntries((await env.platform.knex('item').select('title', 'size')).map((r: { title: string; size: unknown }) => [r.title, r.size]));
    expect(sizes).toEqual({ twelve: 3, rounded: 3, letters: 1, huge: 3, empty: 3 });
  });
});
