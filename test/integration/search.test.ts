// Global search (GET /api/search) over real HTTP, with the shipped CRM's metadata: one text across
// entity types by name, NIP, e-mail, phone and number, grouped by type, only records the user may read.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { loadPackageDir } from '../../metadata/index.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
let api: ReturnType<typeof jsonClient>;
const ids = {} as Record<'contractor' | 'other' | 'person' | 'deal', string>;
let dealNumber = '';

beforeAll(async () => {
  env = await startTestPlatform();
  const { package: files } = await loadPackageDir(SEED_METADATA_DIR);
  await env.platform.applyMetadata(files, { source: 'cli' });
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  const create = async (entity: string, values: Record<string, unknown>) => {
    const res = await api.post(`/records/${entity}`, values);
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return res.body as Record<string, unknown> & { id: string };
  };
  ids.contractor = (await create('contractor', { name: 'Ciepłownia Łódź S.A.', tax_id: '526-025-02-74', email: 'biuro@cieplownia.pl', phone: '+48 601 234 567' })).id;
  ids.other = (await create('contractor', { name: 'Zielonka Dolna Sp. z o.o.', tax_id: '1234563218' })).id;
  ids.person = (await create('person', { first_name: 'Anna', last_name: 'Łódzka', contractor: ids.contractor, email: 'anna@cieplownia.pl' })).id;
  const deal = await create('deal', { name: 'Pompy ciepła dla ciepłowni', contractor: ids.contractor });
  ids.deal = deal.id;
  dealNumber = String(deal.number);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

const search = async (client: typeof api, q: string) => {
  const res = await client.get(`/search?q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  return res.body.data as { entity: string; data: { id: string; title: string; matched: Record<string, string> }[]; more: boolean }[];
};
const idsOf = (groups: Awaited<ReturnType<typeof search>>, entity: string) => groups.find((g) => g.entity === entity)?.data.map((h) => h.id) ?? [];

test('finds records of several types by name, ignoring case and Polish diacritics, grouped by type', async () => {
  const groups = await search(api, 'LODZ');
  expect(idsOf(groups, 'contractor')).toEqual([ids.contractor]);
  expect(idsOf(groups, 'person')).toEqual([ids.person]);
  expect(groups.find((g) => g.entity === 'contractor')!.data[0]!.title).toBe('Ciepłownia Łódź S.A.');
});

test('finds by NIP (as stored, whatever separators the user typed), e-mail, phone and number, saying which value matched', async () => {
  const byNip = await search(api, '5260250274');
  expect(idsOf(byNip, 'contractor')).toEqual([ids.contractor]);
  expect(byNip[0]!.data[0]!.matched).toEqual({ tax_id: '5260250274' });
  expect(idsOf(await search(api, 'biuro@cieplownia'), 'contractor')).toEqual([ids.contractor]);
  expect(idsOf(await search(api, '601 234'), 'contractor')).toEqual([ids.contractor]);
  const byNumber = await search(api, dealNumber);
  expect(idsOf(byNumber, 'deal')).toEqual([ids.deal]);
  expect(byNumber.find((g) => g.entity === 'deal')!.data[0]!.matched).toEqual({ number: dealNumber });
});

test('gives only records the user may read; types the user may not read are left out silently', async () => {
  const salespersonId = await createTestUser(env.platform, { login: 'handlowiec', roles: ['salesperson'] });
  const technicianId = await createTestUser(env.platform, { login: 'serwisant', roles: ['service_technician'] });
  const salesperson = await userClient(env.platform, `${server.url}/api`, salespersonId);
  const technician = await userClient(env.platform, `${server.url}/api`, technicianId);
  // The deal is the administrator's own: a salesperson reads only their own deals.
  const sales = await search(salesperson, 'ciepł');
  expect(idsOf(sales, 'contractor')).toEqual([ids.contractor]);
  expect(idsOf(sales, 'deal')).toEqual([]);
  // A technician may not read deals at all: no error, no group.
  const tech = await search(technician, dealNumber);
  expect(tech.map((g) => g.entity)).not.toContain('deal');
});

test('caps the hits per type and says when there are more', async () => {
  const groups = (await api.get('/search?q=ie&limit=1')).body.data as Awaited<ReturnType<typeof search>>;
  const contractors = groups.find((g) => g.entity === 'contractor')!;
  expect(contractors.data).toHaveLength(1);
  expect(contractors.more).toBe(true);
});

test('a too short text, a bad limit or an unknown type is a problem pointing at the parameter, never a 500', async () => {
  const short = await api.get('/search?q=a');
  expect(short.status).toBe(400);
  expect(short.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(short.body).toMatchObject({ code: 'BAD_QUERY', errors: [{ pointer: '/query/q', code: 'MIN_LENGTH' }] });
  expect((await api.get('/search')).body.errors).toEqual([expect.objectContaining({ pointer: '/query/q' })]);
  expect((await api.get('/search?q=abc&limit=500')).body.errors).toEqual([expect.objectContaining({ pointer: '/query/limit', code: 'RANGE' })]);
  expect((await api.get('/search?q=abc&types=contractor,nope')).body.errors).toEqual([expect.objectContaining({ pointer: '/query/types/1', code: 'UNKNOWN_ENTITY' })]);
  expect((await api.get('/search?q=abc&q=def')).status).toBe(400);
});

test('narrows to the types asked for', async () => {
  const groups = await search(api, 'cieplownia');
  expect(groups.map((g) => g.entity).sort()).toEqual(['contractor', 'person']);
  const only = (await api.get('/search?q=cieplownia&types=person')).body.data as Awaited<ReturnType<typeof search>>;
  expect(only.map((g) => g.entity)).toEqual(['person']);
});
