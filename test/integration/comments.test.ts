// Comments on a record and its stream over real HTTP (issue #10 feature): whoever may read the
// record reads and writes its comments, an @mention notifies the mentioned user when they may read
// the record, and the stream mixes comments with the change history, newest first.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { loadPackageDir } from '../../metadata/index.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
let api: ReturnType<typeof jsonClient>;
const clients = {} as Record<'sales' | 'tech', ReturnType<typeof jsonClient>>;
const users = {} as Record<'sales' | 'tech', string>;
const ids = {} as Record<'contractor' | 'deal', string>;

beforeAll(async () => {
  env = await startTestPlatform();
  const { package: files } = await loadPackageDir(SEED_METADATA_DIR);
  await env.platform.applyMetadata(files, { source: 'cli' });
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  users.sales = await createTestUser(env.platform, { login: 'handlowiec', roles: ['salesperson'] });
  users.tech = await createTestUser(env.platform, { login: 'serwisant', roles: ['service_technician'] });
  clients.sales = await userClient(env.platform, `${server.url}/api`, users.sales);
  clients.tech = await userClient(env.platform, `${server.url}/api`, users.tech);
  ids.contractor = (await api.post('/records/contractor', { name: 'Ciepłownia Łódź S.A.' })).body.id;
  ids.deal = (await api.post('/records/deal', { name: 'Pompy ciepła', contractor: ids.contractor })).body.id;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

const mentionsOf = async (client: ReturnType<typeof jsonClient>) =>
  ((await client.get('/notifications')).body.data as { kind: string; subject: string; body: string; record: { entity: string; id: string } }[]).filter((n) => n.kind === 'mention');

test('a comment with an @mention notifies the mentioned user, who may read the record, and opens it', async () => {
  const res = await api.post(`/records/contractor/${ids.contractor}/comments`, { body: 'Klient prosi o ofertę.\n@Handlowiec zadzwoń jutro, proszę.' });
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ kind: 'comment', body: 'Klient prosi o ofertę.\n@Handlowiec zadzwoń jutro, proszę.', author: { login: 'test-admin' }, mentions: [{ id: users.sales, login: 'handlowiec' }] });
  expect(await mentionsOf(clients.sales)).toEqual([expect.objectContaining({ subject: 'Ciepłownia Łódź S.A.', body: '@Handlowiec zadzwoń jutro, proszę.', record: { entity: 'contractor', id: ids.contractor } })]);
});

test('a mention of a user who may not read the record notifies nobody (nothing is revealed)', async () => {
  // A technician may not read deals.
  const res = await api.post(`/records/deal/${ids.deal}/comments`, { body: '@serwisant czy montaż w maju jest możliwy?' });
  expect(res.status).toBe(201);
  expect(res.body.mentions).toEqual([]);
  expect(await mentionsOf(clients.tech)).toEqual([]);
  // Mentioning oneself or an unknown login notifies nobody either.
  await clients.sales.post(`/records/contractor/${ids.contractor}/comments`, { body: '@handlowiec notatka dla siebie, @nikt' });
  expect(await mentionsOf(clients.sales)).toHaveLength(1);
});

test('the stream mixes comments and changes, newest first, for whoever may read the record', async () => {
  await api.patch(`/records/contractor/${ids.contractor}`, { phone: '+48 42 600 00 00', version: 1 });
  await clients.sales.post(`/records/contractor/${ids.contractor}/comments`, { body: 'Zadzwoniłem, oddzwonią.' });
  const res = await clients.sales.get(`/records/contractor/${ids.contractor}/stream`);
  expect(res.status).toBe(200);
  const items = res.body.data as { kind: string; body?: string; action?: string; fields?: string[]; at: string; author?: { login: string } }[];
  expect(items.map((i) => (i.kind === 'comment' ? `comment:${i.body!.slice(0, 10)}` : `change:${i.action}`))).toEqual([
    'comment:Zadzwoniłe',
    'change:update',
    'comment:@handlowie',
    'comment:Klient pro',
    'change:create',
  ]);
  expect(items[1]).toMatchObject({ fields: ['phone'], actorName: expect.any(String), via: 'api' });
  expect(items[0]!.author!.login).toBe('handlowiec');
  expect([...items].sort((a, b) => b.at.localeCompare(a.at)).map((i) => i.at)).toEqual(items.map((i) => i.at));
  expect((await clients.sales.get(`/records/contractor/${ids.contractor}/stream?limit=2`)).body.data).toHaveLength(2);
});

test('rights: no reading or writing the comments of a record the user may not read', async () => {
  expect((await clients.tech.get(`/records/deal/${ids.deal}/stream`)).status).toBe(403);
  expect((await clients.tech.post(`/records/deal/${ids.deal}/comments`, { body: 'hej' })).status).toBe(403);
  // A salesperson reads only their own deals: the administrator's deal does not exist for them.
  expect((await clients.sales.get(`/records/deal/${ids.deal}/stream`)).status).toBe(404);
  expect((await clients.sales.post(`/records/deal/${ids.deal}/comments`, { body: 'hej' })).status).toBe(404);
  // A token without the write scope may read the stream, not comment.
  const readOnly = await userClient(env.platform, `${server.url}/api`, users.sales, ['read']);
  expect((await readOnly.get(`/records/contractor/${ids.contractor}/stream`)).status).toBe(200);
  const refused = await readOnly.post(`/records/contractor/${ids.contractor}/comments`, { body: 'hej' });
  expect(refused.status).toBe(403);
  expect(refused.body.requiredScopes).toEqual(['write']);
});

test('bad input is a problem pointing at the value, never a 500', async () => {
  const at = `/records/contractor/${ids.contractor}`;
  expect((await api.post(`${at}/comments`, { body: '   ' })).body.errors).toEqual([expect.objectContaining({ pointer: '/body', code: 'REQUIRED' })]);
  expect((await api.post(`${at}/comments`, {})).body.errors).toEqual([expect.objectContaining({ pointer: '/body', code: 'REQUIRED' })]);
  expect((await api.post(`${at}/comments`, { body: 5 })).body.errors).toEqual([expect.objectContaining({ pointer: '/body', code: 'TYPE' })]);
  expect((await api.post(`${at}/comments`, { body: 'x'.repeat(10_001) })).body.errors).toEqual([expect.objectContaining({ pointer: '/body', code: 'MAXLENGTH' })]);
  const extra = await api.post(`${at}/comments`, { body: 'ok', pinned: true });
  expect(extra.status).toBe(422);
  expect(extra.body.errors).toEqual([expect.objectContaining({ pointer: '/pinned', code: 'UNKNOWN_FIELD' })]);
  expect((await api.get(`${at}/stream?limit=0`)).body.errors).toEqual([expect.objectContaining({ pointer: '/query/limit' })]);
  expect((await api.get(`${at}/stream?limit=abc`)).status).toBe(400);
  expect((await api.get('/records/contractor/nope/stream')).status).toBe(404);
  expect((await api.post('/records/nope/00000000-0000-4000-8000-000000000000/comments', { body: 'x' })).status).toBe(404);
});
