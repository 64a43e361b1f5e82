// What an API token's scopes allow beyond records: files (upload with `files`, download with `read`
// or `files`), the account (sessions and other tokens only with `account`; a token may always
// revoke itself), notifications; the migration that gives existing writing tokens `files`; the
// scopes in the OpenAPI document. A browser session keeps every right of its user.
import { createApiToken, TOKEN_SCOPES, type TokenScope } from '../../engine/access/index.ts';
import { up as tokenScopesMigration } from '../../engine/db/migrations/007-token-scopes.ts';
import { browserClient, createTestUser, type BrowserClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';
import { crmMiniPackage } from '../support/packages.ts';

let env: TestPlatform;
let server: TestServer;
let base: string;
const users: Record<string, string> = {};

const role = { kind: 'role', id: 't.role.sales', name: 'sales', label: { en: 'Sales' }, permissions: [{ entity: '*', read: 'all', create: true, update: 'own' }] };

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata(await crmMiniPackage({ 'roles/sales.json': role }), { source: 'cli' });
  server = await startTestServer(env.platform);
  base = `${server.url}/api`;
  for (const login of ['kasia', 'lena', 'marta', 'nina', 'ola']) users[login] = await createTestUser(env.platform, { login, roles: ['sales'] });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

async function token(login: string, scopes: readonly TokenScope[]): Promise<{ id: string; api: JsonClient }> {
  const { token: secret, info } = await createApiToken(env.platform.knex, users[login]!, { name: scopes.join('+'), scopes });
  return { id: info.id, api: jsonClient(base, { token: secret }) };
}

async function signedIn(login: string): Promise<BrowserClient> {
  const browser = browserClient(base);
  expect((await browser.login(login)).status).toBe(200);
  return browser;
}

const upload = (api: JsonClient, text = 'hello') => api.post('/files?name=note.txt', text, { 'content-type': 'text/plain' });

describe('files', () => {
  test('a read-only token cannot upload (403, nothing stored) but downloads; the files scope uploads; write alone does not', async () => {
    const before = await env.platform.knex('tessera.files').count({ n: '*' }).first();
    const reader = await token('kasia', ['read']);
    const refused = await upload(reader.api);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'FORBIDDEN', requiredScopes: ['files'] });
    expect((await upload((await token('kasia', ['read', 'write'])).api)).status).toBe(403);
    expect(await env.platform.knex('tessera.files').count({ n: '*' }).first()).toEqual(before);

    const uploader = await token('kasia', ['files']);
    const stored = await upload(uploader.api, 'scoped bytes');
    expect(stored.status).toBe(201);
    expect((await uploader.api.get(`/files/${stored.body.id}`)).body).toBe('scoped bytes');
    expect((await reader.api.get(`/files/${stored.body.id}/info`)).body).toMatchObject({ id: stored.body.id, size: 12 });
    expect((await reader.api.get(`/files/${stored.body.id}`)).status).toBe(200);
    // Neither read nor files: no download either.
    expect((await (await token('kasia', ['account'])).api.get(`/files/${stored.body.id}`)).status).toBe(403);
    // A session uploads as its user always could.
    const browser = await signedIn('kasia');
    expect((await browser.request('POST', '/files?name=a.txt', 'from the browser', { headers: { 'content-type': 'text/plain' } })).status).toBe(201);
  });
});

describe('the account: sessions and other tokens', () => {
  test('a read-only token cannot revoke another token of its user, list tokens or sessions, or end a session', async () => {
    const reader = await token('lena', ['read']);
    const other = await token('lena', ['read', 'write']);
    const browser = await signedIn('lena');
    const refused = await reader.api.delete(`/auth/tokens/${other.id}`);
    expect(refused.status).toBe(403);
    expect(refused.body.requiredScopes).toEqual(['account']);
    expect((await other.api.get('/auth/me')).status).toBe(200);
    expect((await reader.api.get('/auth/tokens')).status).toBe(403);
    expect((await reader.api.get('/auth/sessions')).status).toBe(403);
    const sessionId = (await browser.get('/auth/me')).body.session.id as string;
    expect((await reader.api.delete(`/auth/sessions/${sessionId}`)).status).toBe(403);
    expect((await browser.get('/auth/me')).status).toBe(200);
    // It reads records as before.
    expect((await reader.api.get('/records/contractor')).status).toBe(200);
  });

  test('a token without the account scope cannot log out everywhere, with or without tokens: sessions and tokens live on', async () => {
    // Every scope but account.
    const busy = await token('marta', ['read', 'write', 'export', 'files', 'metadata', 'workflows', 'users']);
    const other = await token('marta', ['read']);
    const browser = await signedIn('marta');
    for (const body of [{ tokens: true }, {}]) expect((await busy.api.post('/auth/logout-all', body)).status).toBe(403);
    expect((await browser.get('/auth/me')).status).toBe(200);
    expect((await other.api.get('/auth/me')).status).toBe(200);
    expect((await busy.api.get('/auth/me')).status).toBe(200);
  });

  test('a token may always revoke itself', async () => {
    const reader = await token('nina', ['read']);
    expect((await reader.api.get('/auth/me')).body.token).toEqual({ id: reader.id, scopes: ['read'] });
    expect((await reader.api.delete(`/auth/tokens/${reader.id}`)).status).toBe(204);
    expect((await reader.api.get('/auth/me')).status).toBe(401);
  });

  test('with the account scope a token lists, ends sessions, revokes other tokens and logs out everywhere', async () => {
    const manager = await token('ola', ['account']);
    const other = await token('ola', ['read']);
    const third = await token('ola', ['read']);
    const laptop = await signedIn('ola');
    const phone = await signedIn('ola');
    const sessions = (await manager.api.get('/auth/sessions')).body.data as { id: string; current: boolean }[];
    expect(sessions).toHaveLength(2);
    expect(sessions.every((s) => !s.current)).toBe(true);
    expect((await manager.api.get('/auth/tokens')).body.data.map((t: { id: string }) => t.id)).toEqual(expect.arrayContaining([manager.id, other.id, third.id]));
    expect((await manager.api.delete(`/auth/sessions/${(await phone.get('/auth/me')).body.session.id}`)).status).toBe(204);
    expect((await phone.get('/auth/me')).status).toBe(401);
    expect((await manager.api.delete(`/auth/tokens/${other.id}`)).status).toBe(204);
    expect((await other.api.get('/auth/me')).status).toBe(401);
    expect((await manager.api.post('/auth/logout-all', { tokens: true })).body).toEqual({ sessions: 1, tokens: 2 });
    expect((await laptop.get('/auth/me')).status).toBe(401);
    expect((await third.api.get('/auth/me')).status).toBe(401);
    expect((await manager.api.get('/auth/me')).status).toBe(401);
  });

  test('no token creates tokens, not even with the account scope; a session revokes any token of its user', async () => {
    const manager = await token('ola', ['account']);
    expect((await manager.api.post('/auth/tokens', { name: 'more', scopes: ['read'] })).status).toBe(403);
    const browser = await signedIn('ola');
    expect((await browser.delete(`/auth/tokens/${manager.id}`)).status).toBe(204);
    expect((await manager.api.get('/auth/me')).status).toBe(401);
  });
});

describe('notifications', () => {
  test('a read-only token reads notifications but cannot mark them read; a write token can', async () => {
    const [row] = (await env.platform.knex('tessera.notifications').insert({ channel: 'in-app', user_id: users.kasia, subject: 'Deal won', status: 'delivered' }).returning('id')) as { id: string }[];
    const reader = await token('kasia', ['read']);
    expect((await reader.api.get('/notifications')).body.data.map((n: { subject: string }) => n.subject)).toContain('Deal won');
    expect((await reader.api.post(`/notifications/${row!.id}/read`)).status).toBe(403);
    expect((await (await token('kasia', ['files'])).api.get('/notifications')).status).toBe(403);
    expect((await (await token('kasia', ['write'])).api.post(`/notifications/${row!.id}/read`)).status).toBe(204);
  });
});

describe('existing tokens', () => {
  test('the migration gives tokens that could write records the files scope, and no token the account scope', async () => {
    const knex = env.platform.knex;
    const made: Record<string, string> = {};
    // Stored as before the scopes existed (createApiToken would accept them; the rows are what counts).
    for (const [name, scopes] of Object.entries({ old_rw: ['read', 'write'], old_r: ['read'], old_all: ['read', 'write', 'export', 'metadata', 'workflows', 'users'], new_rwf: ['read', 'write', 'files'] })) {
      made[name] = (await createApiToken(knex, users.kasia!, { name, scopes: scopes as TokenScope[] })).info.id;
    }
    await tokenScopesMigration(knex);
    const scopes = async (name: string) => ((await knex('tessera.api_tokens').where({ id: made[name] }).first('scopes')) as { scopes: string[] }).scopes;
    expect(await scopes('old_rw')).toEqual(['read', 'write', 'files']);
    expect(await scopes('old_r')).toEqual(['read']);
    expect(await scopes('old_all')).toEqual(['read', 'write', 'export', 'metadata', 'workflows', 'users', 'files']);
    expect(await scopes('new_rwf')).toEqual(['read', 'write', 'files']);
    const applied = await knex('tessera.platform_migrations').where({ name: '007-token-scopes' }).first('name');
    expect(applied).toBeDefined();
  });
});

describe('the OpenAPI document', () => {
  test('offers the scopes: token creation lists them, operations name the scope a token needs', async () => {
    const doc = (await jsonClient(base).get('/openapi.json')).body;
    const create = doc.paths['/api/auth/tokens'].post;
    expect(create.requestBody.content['application/json'].schema.properties.scopes.items.enum).toEqual([...TOKEN_SCOPES]);
    expect(create.security).toEqual([{ session: [] }]);
    expect(doc.paths['/api/files'].post.security).toEqual([{ bearer: ['files'] }, { session: [] }]);
    expect(doc.paths['/api/files/{id}'].get.security).toEqual([{ bearer: ['read'] }, { bearer: ['files'] }, { session: [] }]);
    for (const path of ['/api/auth/logout-all', '/api/auth/sessions', '/api/auth/sessions/{id}']) {
      const operation = Object.values(doc.paths[path]).find((o) => typeof o === 'object' && o !== null && 'security' in o) as { security: unknown };
      expect([path, operation.security]).toEqual([path, [{ bearer: ['account'] }, { session: [] }]]);
    }
    expect(doc.paths['/api/records/contractor'].get.security).toEqual([{ bearer: ['read'] }, { session: [] }]);
    expect(doc.paths['/api/records/contractor'].post.security).toEqual([{ bearer: ['write'] }, { session: [] }]);
    for (const scope of TOKEN_SCOPES) expect(doc.components.securitySchemes.bearer.description).toContain(`\`${scope}\``);
  });
});
