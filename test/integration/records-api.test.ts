// The records API over real HTTP against a real database (embedded PGlite, or the PostgreSQL server
// when TESSERA_TEST_PG_URL is set): validation, lists, state machines, locking, soft delete.
import { loadPackageDir } from '../../metadata/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
let api: ReturnType<typeof jsonClient>;

// Valid check digits: NIP 5260250274 and 1234563218, CUI 18547290 (computed by the published rules).
const NIP_A = '5260250274';
const NIP_B = '1234563218';
const CUI_A = 'RO18547290';

beforeAll(async () => {
  env = await startTestPlatform();
  const { package: files } = await loadPackageDir(new URL('../fixtures/packages/crm-mini/', import.meta.url).pathname);
  await env.platform.applyMetadata(files, { source: 'cli' });
  await env.platform.knex('tessera.users').insert({ login: 'tech', display_name: 'Technician' });
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

async function contractor(values: Record<string, unknown>) {
  const res = await api.post('/records/contractor', values);
  expect(res.status).toBe(201);
  return res.body as { id: string; version: number } & Record<string, unknown>;
}

describe('create and validation', () => {
  test('creates a contractor and returns it with system fields, ETag and Location', async () => {
    const res = await api.post('/records/contractor', { name: 'Stalbud Sp. z o.o.', tax_id: '526-025-02-74', city: 'Warszawa', employees: 12, turnover: { amount: 1250000.5, currency: 'PLN' }, since: '2020-03-01' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Stalbud Sp. z o.o.', tax_id: NIP_A, kind: 'company', employees: 12, turnover: { amount: 1250000.5, currency: 'PLN' }, since: '2020-03-01', version: 1, deleted_at: null });
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.headers.get('location')).toBe(`/api/records/contractor/${res.body.id}`);
    const row = await env.platform.knex('contractor').where({ id: res.body.id }).first();
    expect(row.tax_id).toBe(NIP_A);
    expect(Number(row.turnover)).toBe(1250000.5);
    expect(row.turnover_currency).toBe('PLN');
  });

  test('bad values get 422 problem+json with a pointer per bad value, and nothing is stored', async () => {
    const before = await env.platform.knex('contractor').count({ n: '*' }).first();
    const res = await api.post('/records/contractor', { tax_id: '5260250275', employees: 'many', turnover: { amount: 1, currency: 'XXX' }, email: 'not-an-email', bogus: 1 });
    expect(res.status).toBe(422);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const pointers = (res.body.errors as { pointer: string }[]).map((e) => e.pointer).sort();
    expect(pointers).toEqual(['/bogus', '/email', '/employees', '/name', '/tax_id', '/turnover/currency'].sort());
    const after = await env.platform.knex('contractor').count({ n: '*' }).first();
    expect(after).toEqual(before);
  });

  test('Romanian CUI with RO prefix is accepted, a wrong check digit is not', async () => {
    expect((await api.post('/records/contractor', { name: 'Construct Nord SRL', tax_id: CUI_A })).status).toBe(201);
    const bad = await api.post('/records/contractor', { name: 'X', tax_id: 'RO18547291' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ pointer: '/tax_id' });
  });

  test('malformed JSON, wrong content type, non-object body, oversized body', async () => {
    const malformed = await api.request('POST', '/records/contractor', '{"name": ', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('MALFORMED_JSON');
    const text = await api.request('POST', '/records/contractor', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(text.status).toBe(415);
    const array = await api.post('/records/contractor', [1, 2]);
    expect(array.status).toBe(422);
    const huge = await api.post('/records/contractor', { name: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.contentType).toContain('application/problem+json');
  });

  test('unknown entity type and unknown record are 404 problems', async () => {
    expect((await api.get('/records/nope')).status).toBe(404);
    const missing = await api.get('/records/contractor/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
    expect((await api.get('/records/contractor/not-a-uuid')).status).toBe(404);
  });

  test('duplicate unique value is a 409 pointing at the field', async () => {
    await contractor({ name: 'Unique One', tax_id: NIP_B });
    const dup = await api.post('/records/contractor', { name: 'Unique Two', tax_id: NIP_B });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('UNIQUE_VIOLATION');
    expect(dup.body.errors[0].pointer).toBe('/tax_id');
  });

  test('a reference to a missing record is refused with its pointer', async () => {
    const res = await api.post('/records/person', { first_name: 'Jan', last_name: 'Kowalski', contractor: '00000000-0000-4000-8000-000000000001' });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ pointer: '/contractor', code: 'REFERENCE_NOT_FOUND' });
  });
});

describe('responses of get, list and create (engine/http/json-response.ts)', () => {
  test('JSON with its length and type; a conditional GET with the current ETag is 304 without a body; HEAD has no body', async () => {
    const created = await contractor({ name: 'Warunkowa Sp. z o.o.', city: 'Kraków' });
    const got = await api.get(`/records/contractor/${created.id}`);
    expect(got.status).toBe(200);
    expect(got.contentType).toBe('application/json; charset=utf-8');
    expect(got.headers.get('etag')).toBe('"1"');
    expect(Number(got.headers.get('content-length'))).toBe(Buffer.byteLength(JSON.stringify(got.body)));
    expect(got.headers.get('content-security-policy')).toContain("default-src 'self'");
    // fetch adds "Cache-Control: no-cache" to conditional requests unless told otherwise, and no-cache asks for the body.
    const same = await api.get(`/records/contractor/${created.id}`, { 'if-none-match': '"1"', 'cache-control': 'max-age=0' });
    expect(same.status).toBe(304);
    expect(same.body).toBe('');
    const changed = await api.get(`/records/contractor/${created.id}`, { 'if-none-match': '"0"', 'cache-control': 'max-age=0' });
    expect(changed.status).toBe(200);
    const head = await fetch(`${server.url}/api/records/contractor/${created.id}`, { method: 'HEAD', headers: { authorization: `Bearer ${server.adminToken}` } });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const list = await api.get('/records/contractor?limit=1');
    expect(list.contentType).toBe('application/json; charset=utf-8');
    expect(list.body).toMatchObject({ data: [expect.objectContaining({ id: expect.any(String) })] });
  });

  test('a list gives a record\'s timestamps as its get does (the list reads them as text, the get as a Date)', async () => {
    const created = await contractor({ name: 'Znaczniki czasu Sp. z o.o.', city: 'Opole' });
    const stamps = ['2026-12-06 05:43:01.289999+00', '2026-01-02 03:04:05+00', '1999-12-31 23:59:59.0005+00'];
    const byId = `filter=${encodeURIComponent(JSON.stringify({ id: { eq: created.id } }))}`;
    for (const i of [0, 1, 2]) {
      await env.platform.knex('contractor').where({ id: created.id }).update({ created_at: stamps[i], updated_at: stamps[(i + 1) % 3] });
      const got = await api.get(`/records/contractor/${created.id}`);
      const list = await api.get(`/records/contractor?${byId}`);
      expect(list.status).toBe(200);
      expect((list.body as { data: unknown[] }).data).toEqual([got.body]);
      expect(JSON.stringify((list.body as { data: unknown[] }).data[0])).toBe(JSON.stringify(got.body));
    }
    await env.platform.knex('contractor').where({ id: created.id }).update({ deleted_at: stamps[1] });
    const deleted = (await api.get(`/records/contractor?${byId}&deleted=only`)).body as { data: Record<string, unknown>[] };
    expect(deleted.data).toEqual([expect.objectContaining({ created_at: '1999-12-31T23:59:59.000Z', updated_at: '2026-12-06T05:43:01.289Z', deleted_at: '2026-01-02T03:04:05.000Z' })]);
  });
});

describe('lists', () => {
  const cities = ['Kraków', 'Gdańsk', 'Łódź', 'Poznań', 'Wrocław'];
  beforeAll(async () => {
    for (let i = 0; i < 25; i++) {
      await contractor({ name: `Firma ${String(i).padStart(2, '0')}${i === 7 ? ' Żółć' : ''}`, city: cities[i % cities.length], employees: i * 10 });
    }
  });

  test('filters with every operator combine with and/or/not', async () => {
    const q = (filter: unknown) => api.get(`/records/contractor?limit=500&filter=${encodeURIComponent(JSON.stringify(filter))}`);
    const names = (res: { body: { data: { name: string }[] } }) => res.body.data.map((r) => r.name);
    expect((await q({ employees: { gte: 200, lt: 230 } })).body.data.map((r: { employees: number }) => r.employees).sort()).toEqual([200, 210, 220]);
    expect(names(await q({ employees: { between: [0, 10] }, name: { startsWith: 'firma' } })).sort()).toEqual(['Firma 00', 'Firma 01']);
    expect((await q({ city: { in: ['Gdańsk', 'Łódź'] }, name: { startsWith: 'Firma' } })).body.data).toHaveLength(10);
    expect((await q({ or: [{ employees: { eq: 0 } }, { employees: { eq: 240 } }] })).body.data).toHaveLength(2);
    expect((await q({ and: [{ name: { startsWith: 'Firma' } }, { not: { city: { ne: 'Poznań' } } }] })).body.data).toHaveLength(5);
    expect((await q({ name: { startsWith: 'Firma' }, since: { isNull: true } })).body.data).toHaveLength(25);
    expect(names(await q({ name: { contains: 'zolc' } }))).toEqual(['Firma 07 Żółć']);
  });

  test('bracket syntax from query strings is coerced to field types', async () => {
    const res = await api.get('/records/contractor?filter[employees][gt]=230&filter[city][eq]=Łódź');
    expect(res.status).toBe(200);
    expect(res.body.data.map((r: { name: string }) => r.name)).toEqual([]);
    const res2 = await api.get(`/records/contractor?filter[employees][gte]=200&filter[city][eq]=${encodeURIComponent('Gdańsk')}`);
    expect(res2.body.data.map((r: { name: string }) => r.name)).toEqual(['Firma 21']);
  });

  test('text search ignores case and Polish/Romanian diacritics', async () => {
    const res = await api.get(`/records/contractor?search=${encodeURIComponent('ZOLC')}`);
    expect(res.body.data.map((r: { name: string }) => r.name)).toEqual(['Firma 07 Żółć']);
    const city = await api.get(`/records/contractor?search=lodz&limit=500`);
    expect(city.body.data.length).toBe(5);
  });

  test('keyset pagination walks every row exactly once in sort order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const res: { body: { data: { name: string }[]; next: string | null } } = await api.get(`/records/contractor?sort=-employees,name&limit=4${after ? `&after=${after}` : ''}`);
      seen.push(...res.body.data.map((r) => r.name));
      after = res.body.next;
      pages++;
    } while (after);
    const all = await api.get('/records/contractor?sort=-employees,name&limit=500&count=true');
    expect(seen).toEqual(all.body.data.map((r: { name: string }) => r.name));
    expect(all.body.count).toBe(seen.length);
    expect(pages).toBe(Math.ceil(seen.length / 4));
  });

  test('pages are exact when sort keys differ only in microseconds (records created in one transaction share created_at)', async () => {
    const ids: string[] = [];
    await env.platform.knex.transaction(async (trx) => {
      for (let i = 0; i < 5; i++) ids.push((await env.platform.records.create({ actor: { userId: null, via: 'system' }, trx }, 'contractor', { name: `Batch ${i}`, city: 'Batchów' })).id as string);
    });
    for (const sort of ['-created_at', 'created_at']) {
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 10; page++) {
        const res: { body: { data: { id: string }[]; next: string | null } } = await api.get(`/records/contractor?sort=${sort}&limit=2&filter[city][eq]=Batch%C3%B3w${after ? `&after=${after}` : ''}`);
        seen.push(...res.body.data.map((r) => r.id));
        after = res.body.next;
        if (!after) break;
      }
      expect(seen.sort()).toEqual([...ids].sort());
    }
  });

  test('fields selection and count', async () => {
    const res = await api.get('/records/contractor?fields=name,city&limit=2&count=true');
    expect(Object.keys(res.body.data[0]).sort()).toEqual(['city', 'id', 'name']);
    expect(res.body.count).toBeGreaterThanOrEqual(25);
  });

  test('SQL in filter, sort and search is refused or treated as text, and the table survives', async () => {
    const injection = await api.get(`/records/contractor?sort=${encodeURIComponent('name; DROP TABLE contractor; --')}`);
    expect(injection.status).toBe(400);
    expect(injection.body.errors[0].pointer).toBe('/query/sort/0');
    const field = await api.get(`/records/contractor?filter=${encodeURIComponent(JSON.stringify({ 'name" OR 1=1 --': { eq: 'x' } }))}`);
    expect(field.status).toBe(400);
    const value = await api.get(`/records/contractor?filter=${encodeURIComponent(JSON.stringify({ name: { eq: "x' OR '1'='1" } }))}`);
    expect(value.status).toBe(200);
    expect(value.body.data).toEqual([]);
    const search = await api.get(`/records/contractor?search=${encodeURIComponent("%' OR 1=1 --")}`);
    expect(search.status).toBe(200);
    expect(search.body.data).toEqual([]);
    const op = await api.get(`/records/contractor?filter=${encodeURIComponent(JSON.stringify({ name: { raw: '1=1' } }))}`);
    expect(op.status).toBe(400);
    expect(op.body.errors[0].pointer).toBe('/query/filter/name/raw');
    expect((await env.platform.knex('contractor').count({ n: '*' }).first())!.n).toBeGreaterThan(25);
  });

  test('bad parameters are 400 with pointers', async () => {
    const res = await api.get('/records/contractor?limit=0');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].pointer).toBe('/query/limit');
    expect((await api.get('/records/contractor?filter=%7Bnot-json')).body.errors[0].pointer).toBe('/query/filter');
    expect((await api.get('/records/contractor?after=garbage')).body.errors[0].pointer).toBe('/query/after');
    expect((await api.get('/records/contractor?include=city')).body.errors[0].pointer).toBe('/query/include/0');
    expect((await api.get('/records/contractor?bogus=1')).body.errors[0].pointer).toBe('/query/bogus');
    expect((await api.get(`/records/contractor?filter=${encodeURIComponent(JSON.stringify({ employees: { gt: 'ten' } }))}`)).body.errors[0].pointer).toBe('/query/filter/employees/gt');
  });
});

describe('relations', () => {
  test('include embeds references and many-to-many links with roles', async () => {
    const a = await contractor({ name: 'Buyer SA' });
    const b = await contractor({ name: 'Payer SA' });
    const deal = await api.post('/records/deal', { title: 'Linia produkcyjna', contractor: a.id, parties: [{ id: a.id, role: 'buyer' }, { id: b.id, role: 'payer' }] });
    expect(deal.status).toBe(201);
    expect(deal.body.parties).toEqual([{ id: a.id, role: 'buyer' }, { id: b.id, role: 'payer' }]);
    const got = await api.get(`/records/deal/${deal.body.id}?include=contractor,parties`);
    expect(got.body.contractor).toMatchObject({ id: a.id, name: 'Buyer SA' });
    expect(got.body.parties.map((p: { role: string; record: { name: string } }) => `${p.role}:${p.record.name}`)).toEqual(['buyer:Buyer SA', 'payer:Payer SA']);
    const linked = await api.get(`/records/deal?filter=${encodeURIComponent(JSON.stringify({ parties: { eq: b.id } }))}`);
    expect(linked.body.data.map((d: { id: string }) => d.id)).toEqual([deal.body.id]);
    const badRole = await api.post('/records/deal', { title: 'X', contractor: a.id, parties: [{ id: a.id, role: 'seller' }] });
    expect(badRole.status).toBe(422);
    expect(badRole.body.errors[0].pointer).toBe('/parties/0/role');
  });
});

describe('pipelines and status machines', () => {
  let deal: { id: string; version: number; number: string; stage: string };
  beforeAll(async () => {
    const c = await contractor({ name: 'Pipeline Client' });
    deal = (await api.post('/records/deal', { title: 'Dostawa serwerów', contractor: c.id })).body;
  });

  test('a new deal starts in the first stage and gets a number from its series', async () => {
    expect(deal.stage).toBe('new');
    expect(deal.number).toMatch(new RegExp(`^SZ/${new Date().getUTCFullYear()}/\\d{4}$`));
  });

  test('an illegal transition is 422 naming the allowed ones; a legal one moves the stage', async () => {
    const illegal = await api.patch(`/records/deal/${deal.id}`, { stage: 'won', version: deal.version });
    expect(illegal.status).toBe(422);
    expect(illegal.body.code).toBe('ILLEGAL_TRANSITION');
    expect(illegal.body.allowed.sort()).toEqual(['lost', 'meeting']);
    expect(illegal.body.errors[0].pointer).toBe('/stage');
    const ok = await api.patch(`/records/deal/${deal.id}`, { stage: 'meeting' }, { 'if-match': `"${deal.version}"` });
    expect(ok.status).toBe(200);
    expect(ok.body.stage).toBe('meeting');
    deal = ok.body;
  });

  test('fields required by a stage and the lost reason are enforced', async () => {
    const noValue = await api.patch(`/records/deal/${deal.id}`, { stage: 'offer', version: deal.version });
    expect(noValue.status).toBe(422);
    expect(noValue.body.errors[0].pointer).toBe('/value');
    const lost = await api.patch(`/records/deal/${deal.id}`, { stage: 'lost', version: deal.version });
    expect(lost.status).toBe(422);
    expect(lost.body.errors[0].pointer).toBe('/lost_reason');
    const withReason = await api.patch(`/records/deal/${deal.id}`, { stage: 'lost', lost_reason: 'competitor present', version: deal.version });
    expect(withReason.status).toBe(200);
    expect((await env.platform.knex('deal').where({ id: deal.id }).first()).stage).toBe('lost');
  });

  test('a guard in FEEL blocks a transition until it holds', async () => {
    const order = (await api.post('/records/service_order', { problem: 'Drukarka nie drukuje' })).body;
    expect(order.status).toBe('received');
    const blocked = await api.patch(`/records/service_order/${order.id}`, { status: 'in_repair', version: order.version });
    expect(blocked.status).toBe(422);
    expect(blocked.body.code).toBe('TRANSITION_GUARD_FAILED');
    expect(blocked.body.detail).toContain('assign a technician first');
    const tech = await env.platform.knex('tessera.users').where({ login: 'tech' }).first('id');
    const ok = await api.patch(`/records/service_order/${order.id}`, { status: 'in_repair', technician: tech.id, version: order.version });
    expect(ok.status).toBe(200);
    const startElsewhere = await api.post('/records/service_order', { problem: 'x', status: 'ready' });
    expect(startElsewhere.status).toBe(422);
    expect(startElsewhere.body.errors[0].pointer).toBe('/status');
  });
});

describe('optimistic locking', () => {
  test('stale version is 409, missing version is 428, and the record keeps the first write', async () => {
    const c = await contractor({ name: 'Lock Test' });
    const first = await api.patch(`/records/contractor/${c.id}`, { city: 'Lublin', version: 1 });
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(2);
    const stale = await api.patch(`/records/contractor/${c.id}`, { city: 'Radom', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 });
    const missing = await api.patch(`/records/contractor/${c.id}`, { city: 'Radom' });
    expect(missing.status).toBe(428);
    expect((await api.get(`/records/contractor/${c.id}`)).body.city).toBe('Lublin');
  });

  test('a required field cannot be cleared and read-only fields cannot be written', async () => {
    const c = await contractor({ name: 'Keep Name' });
    const res = await api.patch(`/records/contractor/${c.id}`, { name: null, version: 1 });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].pointer).toBe('/name');
    const d = (await api.post('/records/deal', { title: 'RO', contractor: c.id })).body;
    const ro = await api.patch(`/records/deal/${d.id}`, { number: 'X/1', version: d.version });
    expect(ro.status).toBe(422);
    expect(ro.body.errors[0]).toMatchObject({ pointer: '/number', code: 'READ_ONLY' });
  });
});

describe('soft delete, restore, history', () => {
  test('delete cascades to dependents, restore brings them back, restrict refuses', async () => {
    const c = await contractor({ name: 'Cascade Co' });
    const p = (await api.post('/records/person', { first_name: 'Anna', last_name: 'Nowak', contractor: c.id })).body;
    const d = (await api.post('/records/deal', { title: 'Restricted', contractor: c.id })).body;
    const refused = await api.delete(`/records/contractor/${c.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'DELETE_RESTRICTED', referencedBy: { entity: 'deal', field: 'contractor', count: 1 } });
    expect((await api.delete(`/records/deal/${d.id}`)).status).toBe(200);
    const deleted = await api.delete(`/records/contractor/${c.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.deleted_at).not.toBeNull();
    expect((await api.get(`/records/person/${p.id}`)).status).toBe(404);
    expect((await api.get(`/records/contractor?deleted=only&filter=${encodeURIComponent(JSON.stringify({ id: { eq: c.id } }))}`)).body.data).toHaveLength(1);
    const restored = await api.post(`/records/contractor/${c.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.deleted_at).toBeNull();
    expect((await api.get(`/records/person/${p.id}`)).status).toBe(200);
    expect((await api.get(`/records/deal/${d.id}`)).status).toBe(404);
  });

  test('a record created while its parent is being deleted is refused, not left pointing at a deleted parent', async () => {
    const c = await contractor({ name: 'Racing Parent' });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let deleted!: () => void;
    const deleteHeld = new Promise<void>((r) => (deleted = r));
    const deleting = env.platform.knex.transaction(async (trx) => {
      await env.platform.records.remove({ actor: { userId: null, via: 'system' }, trx }, 'contractor', c.id);
      deleted();
      await gate;
    });
    await deleteHeld;
    const creating = api.post('/records/person', { first_name: 'Late', last_name: 'Child', contractor: c.id });
    await new Promise((r) => setTimeout(r, 200));
    release();
    await deleting;
    const res = await creating;
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ pointer: '/contractor', code: 'REFERENCE_NOT_FOUND' });
  });

  test('a record cannot be restored while a record it references stays deleted', async () => {
    const c = await contractor({ name: 'Parent Deleted' });
    const p = (await api.post('/records/person', { first_name: 'Ewa', last_name: 'Lis', contractor: c.id })).body;
    expect((await api.delete(`/records/contractor/${c.id}`)).status).toBe(200);
    const res = await api.post(`/records/person/${p.id}/restore`);
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ pointer: '/contractor', code: 'REFERENCE_NOT_FOUND' });
    expect((await api.get(`/records/person/${p.id}`)).status).toBe(404);
    expect((await api.post(`/records/contractor/${c.id}/restore`)).status).toBe(200);
    expect((await api.get(`/records/person/${p.id}`)).status).toBe(200);
  });

  test('deleting a record clears setNull references to it, with the old id in the dependents\' history', async () => {
    const parent = await contractor({ name: 'Holding SA' });
    const child = await contractor({ name: 'Daughter Sp. z o.o.', parent: parent.id });
    expect((await api.delete(`/records/contractor/${parent.id}`)).status).toBe(200);
    const after = await api.get(`/records/contractor/${child.id}`);
    expect(after.body).toMatchObject({ parent: null, version: 2 });
    const history = await api.get(`/records/contractor/${child.id}/history`);
    expect(history.body.data[1]).toMatchObject({ action: 'update', changes: { parent: [parent.id, null] } });
  });

  test('history lists every change with old and new values', async () => {
    const c = await contractor({ name: 'History Ltd', city: 'Opole' });
    await api.patch(`/records/contractor/${c.id}`, { city: 'Kielce', version: 1 });
    await api.delete(`/records/contractor/${c.id}`);
    await api.post(`/records/contractor/${c.id}/restore`);
    const res = await api.get(`/records/contractor/${c.id}/history`);
    expect(res.body.data.map((h: { action: string }) => h.action)).toEqual(['create', 'update', 'delete', 'restore']);
    expect(res.body.data[1].changes).toEqual({ city: ['Opole', 'Kielce'] });
    expect(res.body.data[0].via).toBe('api');
  });
});

describe('activities', () => {
  test('every kind shares one table; the timeline lists all of a contractor across kinds', async () => {
    const c = await contractor({ name: 'Timeline SA' });
    const other = await contractor({ name: 'Other SA' });
    const task = await api.post('/records/activity', { kind: 'task', subject: 'Przygotować ofertę', contractor: c.id, billable: true });
    expect(task.status).toBe(201);
    const call = await api.post('/records/activity', { kind: 'call', subject: 'Rozmowa z prezesem', contractor: c.id, direction: 'outbound' });
    expect(call.status).toBe(201);
    const note = await api.post('/records/activity', { kind: 'note', subject: 'Notatka', contractor: c.id });
    expect(note.status).toBe(201);
    await api.post('/records/activity', { kind: 'task', subject: 'Cudze', contractor: other.id });
    const timeline = await api.get(`/records/contractor/${c.id}/activities`);
    expect(timeline.body.data.map((a: { kind: string }) => a.kind)).toEqual(['note', 'call', 'task']);
    const wrongKindField = await api.post('/records/activity', { kind: 'call', subject: 'x', contractor: c.id, billable: true });
    expect(wrongKindField.status).toBe(422);
    expect(wrongKindField.body.errors[0]).toMatchObject({ pointer: '/billable', code: 'KIND_FIELD' });
    const unlinkedNote = await api.post('/records/activity', { kind: 'note', subject: 'floating' });
    expect(unlinkedNote.status).toBe(422);
    const resolved = await api.patch(`/records/activity/${task.body.id}`, { status: 'resolved', version: 1 });
    expect(resolved.body.resolved_at).not.toBeNull();
  });
});

describe('documents', () => {
  test('OpenAPI describes every entity type with the validation schemas', async () => {
    const res = await api.get('/openapi.json');
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.headers.get('content-encoding')).toBe('gzip'); // large bodies are compressed
    expect(res.body.paths['/api/records/contractor']).toBeDefined();
    expect(res.body.components.schemas.ContractorCreate.required).toEqual(['name']);
    expect(res.body.components.schemas.ContractorCreate.properties.tax_id.format).toBe('tax-id');
    expect(res.body.components.schemas.Deal.properties.stage.enum).toEqual(['new', 'meeting', 'offer', 'negotiation', 'won', 'lost', null]);
  });

  test('health reports the database kind', async () => {
    const res = await api.get('/health');
    expect(res.body).toMatchObject({ status: 'ok', database: env.kind === 'embedded' ? 'embedded' : 'server' });
  });
});
