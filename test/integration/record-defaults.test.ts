// Day one on the server, with the shipped CRM: a new record gets the metadata's defaults (an
// activity only those of its kind, "$me" the signed-in user), web addresses are stored with their
// scheme, and postal codes are checked against the record's country. Real HTTP, real database.
import { loadPackageDir } from '../../metadata/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
let api: ReturnType<typeof jsonClient>;
let me: string;
let contractor: string;

beforeAll(async () => {
  env = await startTestPlatform();
  const { package: files } = await loadPackageDir(SEED_METADATA_DIR);
  await env.platform.applyMetadata(files, { source: 'cli' });
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  me = (await api.get('/auth/me')).body.user.id;
  const res = await api.post('/records/contractor', { name: 'Instal-Serwis Sp. z o.o.', postal_code: '31-864' });
  expect(res.status).toBe(201);
  contractor = res.body.id;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

describe('defaults on create', () => {
  test('a call gets its kind\'s defaults and none of a task\'s', async () => {
    const before = Date.now();
    const res = await api.post('/records/activity', { kind: 'call', subject: 'Rozmowa', contractor });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ direction: 'outbound', assignee: me, status: 'open', priority: 'normal', billable: null, invoiced: null });
    expect(Date.parse(res.body.start_at)).toBeGreaterThanOrEqual(before - 1000);
  });

  test('a task is assigned to its creator unless the write says otherwise', async () => {
    const mine = await api.post('/records/activity', { kind: 'task', subject: 'Oddzwonić' });
    expect(mine.body).toMatchObject({ assignee: me, billable: false, invoiced: false, start_at: null });
    const nobody = await api.post('/records/activity', { kind: 'task', subject: 'Do wzięcia', assignee: null });
    expect(nobody.status).toBe(201);
    expect(nobody.body.assignee).toBeNull();
  });
});

describe('field checks', () => {
  test('a web address without a scheme is stored with https://; text that is no address is refused', async () => {
    const ok = await api.patch(`/records/contractor/${contractor}`, { website: 'instal-serwis.pl' }, { 'If-Match': '"1"' });
    expect(ok.status).toBe(200);
    expect(ok.body.website).toBe('https://instal-serwis.pl');
    const bad = await api.patch(`/records/contractor/${contractor}`, { website: 'instal serwis' }, { 'If-Match': '"2"' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: '/website', detail: 'must be a valid web address' })]);
  });

  test('a postal code must fit the record\'s country, also when only the country changes', async () => {
    const bad = await api.post('/records/contractor', { name: 'Firma', postal_code: 'abc' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: '/postal_code', detail: 'is not a valid postal code in PL (NN-NNN)' })]);
    const romanian = await api.post('/records/contractor', { name: 'Firma SRL', country: 'ro', postal_code: '010011' });
    expect(romanian.status).toBe(201);
    const moved = await api.patch(`/records/contractor/${contractor}`, { country: 'ro' }, { 'If-Match': '"2"' });
    expect(moved.status).toBe(422);
    expect(moved.body.errors).toEqual([expect.objectContaining({ pointer: '/postal_code', detail: 'is not a valid postal code in RO (NNNNNN)' })]);
    // A person's home postal code has no country field: a Polish or a Romanian one.
    const person = await api.post('/records/person', { first_name: 'Anna', last_name: 'Nowak', contractor, home_postal_code: '1234' });
    expect(person.status).toBe(422);
    expect(person.body.errors).toEqual([expect.objectContaining({ pointer: '/home_postal_code', detail: 'is not a valid postal code' })]);
  });
});
