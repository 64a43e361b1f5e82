// Day one (issue #10): inviting a user (a temporary password shown once to the administrator), an
// administrator's password reset, and what a session signed in with a temporary password may do.
import { loadPackageDir } from '../../metadata/index.ts';
import { browserClient, createTestUser, TEST_PASSWORD, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
let base: string;

const userAdmin = { kind: 'role', id: 't.role.people', name: 'people', label: { en: 'People' }, permissions: [{ entity: '*', read: 'all' }], administerUsers: true };

beforeAll(async () => {
  env = await startTestPlatform();
  const { package: mini } = await loadPackageDir(new URL('../fixtures/packages/crm-mini/', import.meta.url).pathname);
  await env.platform.applyMetadata({ files: { ...mini.files, 'roles/people.json': userAdmin } }, { source: 'cli' });
  server = await startTestServer(env.platform);
  base = `${server.url}/api`;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

let ip = 20;
const freshIp = () => ({ 'x-forwarded-for': `203.0.113.${++ip}` });

async function signIn(login: string, password: string) {
  const browser = browserClient(base);
  const res = await browser.request('POST', '/auth/login', { login, password }, { headers: freshIp() });
  return { browser, res };
}

test('an invitation: created without a password, the user gets a temporary one, shown once, that only lets them choose their own', async () => {
  const admin = jsonClient(base);
  const created = await admin.post('/users', { login: 'nowak', displayName: 'Jan Nowak', roles: ['people'] });
  expect(created.status).toBe(201);
  expect(created.body.mustChangePassword).toBe(true);
  const temporary = created.body.temporaryPassword as string;
  expect(temporary).toMatch(/^[\w-]{16}$/);
  expect(created.headers.get('cache-control')).toContain('no-store');
  // Shown once: reading the user again does not give it.
  const again = await admin.get(`/users/${created.body.id}`);
  expect(again.body.temporaryPassword).toBeUndefined();
  expect(again.body.mustChangePassword).toBe(true);

  const { browser, res } = await signIn('nowak', temporary);
  expect(res.status).toBe(200);
  expect(res.body.user.mustChangePassword).toBe(true);
  expect((await browser.get('/auth/me')).body.user.mustChangePassword).toBe(true);
  const refused = await browser.get('/records/contractor');
  expect(refused.status).toBe(403);
  expect(refused.body.passwordChangeRequired).toBe(true);
  expect((await browser.post('/auth/tokens', { name: 'sneaky', scopes: ['read'] })).status).toBe(403);

  const weak = await browser.post('/auth/password', { currentPassword: temporary, newPassword: 'short' });
  expect(weak.status).toBe(422);
  const changed = await browser.post('/auth/password', { currentPassword: temporary, newPassword: 'my own long passphrase' });
  expect(changed.status).toBe(204);
  expect((await browser.get('/records/contractor')).status).toBe(200);
  expect((await browser.get('/auth/me')).body.user.mustChangePassword).toBe(false);
  // The temporary password is gone.
  expect((await signIn('nowak', temporary)).res.status).toBe(401);
});

test('an expired temporary password signs in no more', async () => {
  const created = await jsonClient(base).post('/users', { login: 'late', displayName: 'Late Comer' });
  await env.platform.knex('tessera.users').where({ id: created.body.id }).update({ password_temporary_until: env.platform.knex.raw(`now() - interval '1 minute'`) });
  const { res } = await signIn('late', created.body.temporaryPassword);
  expect(res.status).toBe(401);
});

test('an administrator resets a password: a new temporary one, the sessions end, tokens stay; an administrator is reset only by an administrator', async () => {
  const id = await createTestUser(env.platform, { login: 'kowalska', roles: ['people'] });
  const { browser } = await signIn('kowalska', TEST_PASSWORD);
  const token = await userClient(env.platform, base, id, ['read']);
  const reset = await jsonClient(base).post(`/users/${id}/reset-password`);
  expect(reset.status).toBe(200);
  expect(reset.body.user).toMatchObject({ login: 'kowalska', mustChangePassword: true });
  expect((await browser.get('/auth/me')).status).toBe(401);
  expect((await token.get('/records/contractor')).status).toBe(200);
  expect((await signIn('kowalska', TEST_PASSWORD)).res.status).toBe(401);
  expect((await signIn('kowalska', reset.body.temporaryPassword)).res.body.user.mustChangePassword).toBe(true);
  const history = await jsonClient(base).get(`/users/${id}/history`);
  expect(history.body.data.at(-1).changes).toEqual({ password: ['***', '***'], mustChangePassword: [false, true] });

  // A user administrator who is not an administrator may reset users, not administrators.
  const peopleId = await createTestUser(env.platform, { login: 'hr', roles: ['people'] });
  const hr = await userClient(env.platform, base, peopleId, ['users', 'read']);
  const adminId = await createTestUser(env.platform, { login: 'boss', isAdmin: true });
  expect((await hr.post(`/users/${id}/reset-password`)).status).toBe(200);
  const refused = await hr.post(`/users/${adminId}/reset-password`);
  expect(refused.status).toBe(403);
  // Without the users right (or the token scope), no reset at all.
  const plain = await userClient(env.platform, base, peopleId, ['read', 'write']);
  expect((await plain.post(`/users/${id}/reset-password`)).status).toBe(403);
  expect((await jsonClient(base).post('/users/00000000-0000-4000-8000-000000000000/reset-password')).status).toBe(404);
});
