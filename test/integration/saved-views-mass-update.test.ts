// Saved views (private or shared with a team, only the owner changes them, checked as lists are) and
// mass update (one request, all or nothing, rights per record, audited) over the HTTP API (#10 item 19
// and features).
import type { PackageFiles } from '../../metadata/index.ts';
import { createTestTeam, createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';
import { crmMiniPackage } from '../support/packages.ts';

const role = (name: string, permissions: unknown[]) => ({ kind: 'role', id: `t.role.${name}`, name, label: { en: name }, permissions });

let env: TestPlatform;
let server: TestServer;
let admin: JsonClient;
let anna: JsonClient;
let bogdan: JsonClient;
let celina: JsonClient;
let nobody: JsonClient;
let team = '';
let otherTeam = '';
const users: Record<string, string> = {};

beforeAll(async () => {
  env = await startTestPlatform();
  const pkg: PackageFiles = await crmMiniPackage({
    'roles/sales.json': role('sales', [
      { entity: 'contractor', read: 'all', create: true },
      { entity: 'deal', read: 'all', create: true, update: 'own' },
    ]),
    'roles/outsider.json': role('outsider', [{ entity: 'person', read: 'all' }]),
  });
  await env.platform.applyMetadata(pkg, { source: 'cli' });
  team = await createTestTeam(env.platform, 'north');
  otherTeam = await createTestTeam(env.platform, 'south');
  users.anna = await createTestUser(env.platform, { login: 'anna', roles: ['sales'], teams: ['north'] });
  users.bogdan = await createTestUser(env.platform, { login: 'bogdan', roles: ['sales'], teams: ['north'] });
  users.celina = await createTestUser(env.platform, { login: 'celina', roles: ['sales'], teams: ['south'] });
  users.nobody = await createTestUser(env.platform, { login: 'nobody', roles: ['outsider'] });
  server = await startTestServer(env.platform);
  const base = `${server.url}/api`;
  admin = jsonClient(base);
  anna = await userClient(env.platform, base, users.anna);
  bogdan = await userClient(env.platform, base, users.bogdan);
  celina = await userClient(env.platform, base, users.celina);
  nobody = await userClient(env.platform, base, users.nobody);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

describe('saved views', () => {
  let id = '';

  test('a private view: its owner sees and changes it, nobody else sees it', async () => {
    const created = await anna.post('/saved-views', { entity: 'deal', kind: 'board', name: 'My deals', filter: { owner: { eq: '$me' } }, sort: '-value', columns: ['title', 'value', 'created_at'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ entity: 'deal', kind: 'board', name: 'My deals', teamId: null, team: null, mine: true, owner: { id: users.anna }, filter: { owner: { eq: '$me' } }, sort: '-value', columns: ['title', 'value', 'created_at'], search: null });
    id = created.body.id;
    expect((await anna.get('/saved-views?entity=deal')).body.data.map((v: { id: string }) => v.id)).toEqual([id]);
    expect((await bogdan.get('/saved-views?entity=deal')).body.data).toEqual([]);
    expect((await bogdan.get(`/saved-views/${id}`)).status).toBe(404);
    const renamed = await anna.patch(`/saved-views/${id}`, { name: 'My open deals' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'My open deals', sort: '-value', filter: { owner: { eq: '$me' } } });
  });

  test('shared with a team: its members see it and may not change or delete it; others do not see it', async () => {
    expect((await anna.patch(`/saved-views/${id}`, { teamId: team })).body.team).toEqual({ id: team, label: 'north' });
    const seen = await bogdan.get('/saved-views?entity=deal&kind=board');
    expect(seen.body.data).toEqual([expect.objectContaining({ id, mine: false, owner: { id: users.anna, displayName: 'Anna' } })]);
    expect((await bogdan.patch(`/saved-views/${id}`, { name: 'Mine now' })).status).toBe(403);
    expect((await bogdan.delete(`/saved-views/${id}`)).status).toBe(403);
    expect((await celina.get('/saved-views')).body.data).toEqual([]);
    // Sharing needs membership of the team.
    const foreign = await anna.patch(`/saved-views/${id}`, { teamId: otherTeam });
    expect(foreign.status).toBe(403);
    expect(foreign.body.errors).toEqual([expect.objectContaining({ pointer: '/teamId', code: 'NOT_A_MEMBER' })]);
  });

  test('what a view stores is checked as a list query is, with pointers into the body', async () => {
    const badFilter = await anna.post('/saved-views', { entity: 'deal', name: 'Bad', filter: { no_such_field: { eq: 1 } } });
    expect(badFilter.status).toBe(422);
    expect(badFilter.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(badFilter.body.errors[0].pointer).toMatch(/^\/filter/);
    const badSort = await anna.post('/saved-views', { entity: 'deal', name: 'Bad', sort: 'title,nope' });
    expect(badSort.status).toBe(422);
    expect(badSort.body.errors).toEqual([expect.objectContaining({ pointer: '/sort/1' })]);
    const badColumns = await anna.post('/saved-views', { entity: 'deal', name: 'Bad', columns: ['title', 'nope'] });
    expect(badColumns.body.errors).toEqual([expect.objectContaining({ pointer: '/columns/1' })]);
    const shapes = await anna.post('/saved-views', { entity: 'nope', name: '', kind: 'grid', extra: 1 });
    expect(shapes.status).toBe(422);
    expect(shapes.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/extra', '/kind', '/name']);
    expect((await anna.post('/saved-views', { entity: 'nope', name: 'X' })).body.errors).toEqual([expect.objectContaining({ pointer: '/entity' })]);
    const duplicate = await anna.post('/saved-views', { entity: 'deal', kind: 'board', name: 'my open DEALS' });
    expect(duplicate.status).toBe(409);
    // A type the user may not read: no views of it.
    expect((await nobody.post('/saved-views', { entity: 'deal', name: 'Peek' })).status).toBe(403);
  });

  test('the owner deletes it; it is gone for the team too', async () => {
    expect((await anna.delete(`/saved-views/${id}`)).status).toBe(204);
    expect((await bogdan.get('/saved-views')).body.data).toEqual([]);
    expect((await anna.get(`/saved-views/${id}`)).status).toBe(404);
  });
});

describe('mass update', () => {
  const deals: { id: string; version: number }[] = [];
  let budimex = '';
  let mostostal = '';

  beforeAll(async () => {
    budimex = (await admin.post('/records/contractor', { name: 'Budimex' })).body.id;
    mostostal = (await admin.post('/records/contractor', { name: 'Mostostal' })).body.id;
    for (const title of ['Fleet', 'Crane', 'Office']) {
      const res = await anna.post('/records/deal', { title, contractor: budimex });
      expect(res.status).toBe(201);
      deals.push({ id: res.body.id, version: res.body.version });
    }
  });

  const contractorsOf = async () => (await Promise.all(deals.map((d) => admin.get(`/records/deal/${d.id}`)))).map((r) => r.body.contractor);

  test('one request changes every record, each audited as the user\'s update', async () => {
    const res = await anna.post('/records/deal/mass-update', { records: deals, values: { contractor: mostostal } });
    expect(res.status).toBe(200);
    expect(res.body.data.map((d: { contractor: string; version: number }) => [d.contractor, d.version])).toEqual([
      [mostostal, 2],
      [mostostal, 2],
      [mostostal, 2],
    ]);
    for (const d of deals) {
      const history = (await admin.get(`/records/deal/${d.id}/history`)).body.data;
      expect(history[history.length - 1]).toMatchObject({ action: 'update', actor: users.anna, changes: { contractor: [budimex, mostostal] } });
      d.version = 2;
    }
  });

  test('all or nothing: a record the user may not change, a stale version or a bad value changes none', async () => {
    const foreign = await bogdan.post('/records/deal', { title: 'Not Anna\'s', contractor: budimex });
    const mixed = await anna.post('/records/deal/mass-update', { records: [...deals, { id: foreign.body.id, version: 1 }], values: { contractor: budimex } });
    expect(mixed.status).toBe(403);
    expect(mixed.body.failedRecord).toEqual({ index: 3, id: foreign.body.id });
    expect(mixed.body.errors).toEqual([expect.objectContaining({ pointer: '/records/3' })]);
    expect(await contractorsOf()).toEqual([mostostal, mostostal, mostostal]);

    const stale = await anna.post('/records/deal/mass-update', { records: [deals[0], { ...deals[1], version: 1 }], values: { contractor: budimex } });
    expect(stale.status).toBe(409);
    expect(await contractorsOf()).toEqual([mostostal, mostostal, mostostal]);

    const bad = await anna.post('/records/deal/mass-update', { records: deals, values: { contractor: '00000000-0000-4000-8000-000000000000' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: '/values/contractor', code: 'REFERENCE_NOT_FOUND' })]);
    expect(await contractorsOf()).toEqual([mostostal, mostostal, mostostal]);

    const shape = await anna.post('/records/deal/mass-update', { records: [{ id: 'x', version: 0 }], values: {} });
    expect(shape.status).toBe(422);
    expect(shape.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/records/0/id', '/records/0/version', '/values']);
    expect((await nobody.post('/records/deal/mass-update', { records: deals, values: { contractor: budimex } })).status).toBe(403);
  });
});

test('the OpenAPI document describes saved views and mass update, with the scopes a token needs', async () => {
  const doc = (await admin.get('/openapi.json')).body;
  expect(doc.paths['/api/saved-views'].get.security).toEqual([{ bearer: ['read'] }, { session: [] }]);
  expect(doc.paths['/api/saved-views/{id}'].delete.security).toEqual([{ bearer: ['write'] }, { session: [] }]);
  expect(doc.paths['/api/records/deal/mass-update'].post.security).toEqual([{ bearer: ['write'] }, { session: [] }]);
});
