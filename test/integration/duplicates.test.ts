// Duplicate detection and merging over real HTTP with the shipped CRM's metadata (issue #10 item 3):
// the contractor's NIP is refused twice per country, name/e-mail/phone matches are listed for the
// form, and a merge moves every related record and link to the record kept, audited, with rights.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { loadPackageDir } from '../../metadata/index.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
let api: ReturnType<typeof jsonClient>;

// Valid check digits: NIP 5260250274, 1234563218 and 7740001454; CUI 18547290.
const NIP_A = '5260250274';

beforeAll(async () => {
  env = await startTestPlatform();
  const { package: files } = await loadPackageDir(SEED_METADATA_DIR);
  await env.platform.applyMetadata(files, { source: 'cli' });
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

const create = async (entity: string, values: Record<string, unknown>) => {
  const res = await api.post(`/records/${entity}`, values);
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body as Record<string, unknown> & { id: string; version: number };
};

describe('tax id refused twice (a refusing rule)', () => {
  let first: { id: string };
  beforeAll(async () => {
    first = await create('contractor', { name: 'Ciepłownia Łódź S.A.', tax_id: NIP_A });
  });

  test('a second contractor with the same NIP, however written, is refused with a link to the first', async () => {
    for (const written of ['526-025-02-74', 'PL5260250274', 'pl 526 025 02 74']) {
      const res = await api.post('/records/contractor', { name: 'Ciepłownia bis', tax_id: written });
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      expect(res.body).toMatchObject({
        code: 'DUPLICATE_RECORD',
        rule: 'crm.contractor.dup.tax_id',
        errors: [{ pointer: '/tax_id', code: 'DUPLICATE' }],
        duplicates: [{ entity: 'contractor', id: first.id, title: 'Ciepłownia Łódź S.A.' }],
      });
    }
    expect((await api.get(`/records/contractor?search=bis`)).body.data).toEqual([]);
  });

  test('another NIP saves; changing it to the taken one is refused; a deleted twin does not count', async () => {
    const other = await create('contractor', { name: 'Zielonka Dolna', tax_id: '1234563218' });
    const res = await api.patch(`/records/contractor/${other.id}`, { tax_id: NIP_A, version: other.version });
    expect(res.status).toBe(409);
    expect(res.body.duplicates).toEqual([{ entity: 'contractor', id: first.id, title: 'Ciepłownia Łódź S.A.' }]);
    // Changing another field of a record keeps working (its own tax id is not its duplicate).
    expect((await api.patch(`/records/contractor/${other.id}`, { notes: 'ok', version: other.version })).status).toBe(200);
    const gone = await create('contractor', { name: 'Usunięta', tax_id: '7740001454' });
    await api.delete(`/records/contractor/${gone.id}`);
    expect((await api.post('/records/contractor', { name: 'Nowa', tax_id: '7740001454' })).status).toBe(201);
  });

  test('a salesperson, who reads every contractor, is refused with the link too', async () => {
    const salesperson = await userClient(env.platform, `${server.url}/api`, await createTestUser(env.platform, { login: 'handlowiec1', roles: ['salesperson'] }));
    const res = await salesperson.post('/records/contractor', { name: 'Kopia', tax_id: NIP_A });
    expect(res.status).toBe(409);
    expect(res.body.duplicates).toEqual([expect.objectContaining({ id: first.id })]);
  });

  test('concurrent creates of the same NIP: exactly one saves', async () => {
    const results = await Promise.all([1, 2, 3].map((i) => api.post('/records/contractor', { name: `Równoległy ${i}`, tax_id: 'RO18547290' })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });
});

describe('likely duplicates for a form (warning rules)', () => {
  let existing: { id: string };
  beforeAll(async () => {
    existing = await create('contractor', { name: 'Instal-Serwis  Kraków Sp. z o.o.', email: 'biuro@instal-serwis.pl', phone: '+48 601 234 567' });
  });

  test('name ignoring case, diacritics and spaces; e-mail ignoring case; phone by its digits — one entry per rule', async () => {
    const res = await api.post('/records/contractor/duplicates', { name: 'instal-serwis krakow sp. z o.o.', email: 'BIURO@instal-serwis.pl', phone: '601-234-567' });
    expect(res.status).toBe(200);
    const byRule = Object.fromEntries((res.body.data as { rule: string; action: string; records: { id: string }[]; label: Record<string, string> }[]).map((m) => [m.rule, m]));
    expect(Object.keys(byRule).sort()).toEqual(['crm.contractor.dup.email', 'crm.contractor.dup.name', 'crm.contractor.dup.phone']);
    for (const match of Object.values(byRule)) {
      expect(match.action).toBe('warn');
      expect(match.records.map((r) => r.id)).toEqual([existing.id]);
    }
    expect(byRule['crm.contractor.dup.email']!.label.pl).toBe('Ten sam e-mail');
  });

  test('the record itself is excluded when editing; nothing matches → empty; a warning never refuses a save', async () => {
    expect((await api.post(`/records/contractor/duplicates?exclude=${existing.id}`, { name: 'Instal-Serwis Kraków Sp. z o.o.' })).body.data).toEqual([]);
    expect((await api.post('/records/contractor/duplicates', { name: 'Nikt taki' })).body.data).toEqual([]);
    expect((await api.post('/records/contractor', { name: 'Instal-Serwis Kraków Sp. z o.o.' })).status).toBe(201);
  });

  test('values of any shape are a match or none, never a 500; bad parameters are problems', async () => {
    expect((await api.post('/records/contractor/duplicates', { name: 42, phone: ['x'], sales_rep: 'not-an-id', tax_id: 'abc' })).status).toBe(200);
    const bad = await api.post('/records/contractor/duplicates?exclude=zzz', { name: 'x' });
    expect(bad.status).toBe(404);
    expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: '/exclude' })]);
    expect((await api.post('/records/nope/duplicates', {})).status).toBe(404);
  });
});

describe('merge', () => {
  test('moves related records, activities and links to the record kept, fills its empty fields, deletes the duplicate, audited', async () => {
    const keep = await create('contractor', { name: 'Hotel Wisła' });
    const dup = await create('contractor', { name: 'Hotel Wisła (stary)', email: 'recepcja@hotel-wisla.pl', phone: '+48 33 855 00 00' });
    const person = await create('person', { first_name: 'Jan', last_name: 'Kowal', contractor: dup.id });
    const deal = await create('deal', { name: 'Pompy dla hotelu', contractor: dup.id, parties: [{ id: dup.id }, { id: keep.id }] });
    const call = await create('activity', { kind: 'call', subject: 'Rozmowa z recepcją', contractor: dup.id });
    const res = await api.post(`/records/contractor/${keep.id}/merge`, { duplicate: dup.id, version: keep.version });
    expect(res.status).toBe(200);
    expect(res.body.merged).toBe(dup.id);
    expect(res.body.filled.sort()).toEqual(['email', 'phone']);
    expect(res.body.record).toMatchObject({ id: keep.id, name: 'Hotel Wisła', email: 'recepcja@hotel-wisla.pl' });
    expect(res.body.moved).toEqual(expect.arrayContaining([
      { entity: 'person', field: 'contractor', count: 1 },
      { entity: 'deal', field: 'contractor', count: 1 },
      { entity: 'activity', field: 'contractor', count: 1 },
      { entity: 'deal', field: 'parties', count: 1 },
    ]));
    expect((await api.get(`/records/person/${person.id}`)).body.contractor).toBe(keep.id);
    const movedDeal = (await api.get(`/records/deal/${deal.id}`)).body;
    expect(movedDeal.contractor).toBe(keep.id);
    // Both parties were the same company now: one link remains.
    expect(movedDeal.parties).toEqual([{ id: keep.id }]);
    expect((await api.get(`/records/contractor/${keep.id}/activities`)).body.data.map((a: { id: string }) => a.id)).toContain(call.id);
    expect((await api.get(`/records/contractor/${dup.id}`)).status).toBe(404);
    // Audited: the merge in both trails, the moves as updates, all by the administrator.
    const trail = (await api.get(`/records/contractor/${keep.id}/history`)).body.data as { action: string; actor_name: string; changes: Record<string, unknown> }[];
    expect(trail.find((h) => h.action === 'merge')).toMatchObject({ actor_name: expect.any(String), changes: { merged: [{ id: dup.id, title: 'Hotel Wisła (stary)' }, { id: keep.id, title: 'Hotel Wisła' }] } });
    const dupTrail = (await api.get(`/records/contractor/${dup.id}/history`)).body.data as { action: string }[];
    expect(dupTrail.map((h) => h.action)).toEqual(['create', 'delete', 'merge']);
    const personTrail = (await api.get(`/records/person/${person.id}/history`)).body.data as { action: string; changes: Record<string, unknown> }[];
    expect(personTrail.at(-1)).toMatchObject({ action: 'update', changes: { contractor: [dup.id, keep.id] } });
    // The duplicate can be restored (soft delete), empty of what moved.
    expect((await api.post(`/records/contractor/${dup.id}/restore`, {})).status).toBe(200);
  });

  test('rights: changing the kept record and deleting the duplicate are both needed; a refusal moves nothing', async () => {
    const keep = await create('contractor', { name: 'Prawa A' });
    const dup = await create('contractor', { name: 'Prawa B' });
    const person = await create('person', { first_name: 'Ewa', last_name: 'Nowak', contractor: dup.id });
    // A sales manager may update contractors but not delete them.
    const manager = await userClient(env.platform, `${server.url}/api`, await createTestUser(env.platform, { login: 'kierownik', roles: ['sales_manager'] }));
    const refused = await manager.post(`/records/contractor/${keep.id}/merge`, { duplicate: dup.id });
    expect(refused.status).toBe(403);
    // A salesperson may update only their own contractors.
    const salesperson = await userClient(env.platform, `${server.url}/api`, await createTestUser(env.platform, { login: 'handlowiec2', roles: ['salesperson'] }));
    expect((await salesperson.post(`/records/contractor/${keep.id}/merge`, { duplicate: dup.id })).status).toBe(403);
    expect((await api.get(`/records/person/${person.id}`)).body.contractor).toBe(dup.id);
    expect((await api.get(`/records/contractor/${dup.id}`)).status).toBe(200);
  });

  test('bad input and conflicts are problems pointing at the value', async () => {
    const keep = await create('contractor', { name: 'Wejście A' });
    const dup = await create('contractor', { name: 'Wejście B' });
    const notId = await api.post(`/records/contractor/${keep.id}/merge`, { duplicate: 'x' });
    expect(notId.status).toBe(422);
    expect(notId.body.errors).toEqual([expect.objectContaining({ pointer: '/duplicate', code: 'FORMAT' })]);
    expect((await api.post(`/records/contractor/${keep.id}/merge`, { duplicate: keep.id })).body.errors).toEqual([expect.objectContaining({ pointer: '/duplicate', code: 'SAME_RECORD' })]);
    expect((await api.post(`/records/contractor/${keep.id}/merge`, { duplicate: dup.id, extra: 1 })).body.errors).toEqual([expect.objectContaining({ pointer: '/extra', code: 'UNKNOWN_FIELD' })]);
    expect((await api.post(`/records/contractor/${keep.id}/merge`, { duplicate: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
    const stale = await api.post(`/records/contractor/${keep.id}/merge`, { duplicate: dup.id, version: 99 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('VERSION_CONFLICT');
    expect((await api.get(`/records/contractor/${dup.id}`)).status).toBe(200);
  });
});
