// Browser sessions and API tokens: cookies and their flags, CSRF refusal, session fixation,
// logout and logout everywhere, timeouts, password change, token life cycle, login throttling,
// security headers.
import { createHash } from 'node:crypto';
import { loadPackageDir } from '../../metadata/index.ts';
import { browserClient, createTestUser, TEST_PASSWORD } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
let base: string;
const users: Record<string, string> = {};

const role = { kind: 'role', id: 't.role.sales', name: 'sales', label: { en: 'Sales' }, permissions: [{ entity: '*', read: 'all', create: true, update: 'own' }] };

beforeAll(async () => {
  env = await startTestPlatform();
  const { package: mini } = await loadPackageDir(new URL('../fixtures/packages/crm-mini/', import.meta.url).pathname);
  await env.platform.applyMetadata({ files: { ...mini.files, 'roles/sales.json': role } }, { source: 'cli' });
  // Small limits so throttling shows within a few attempts.
  server = await startTestServer(env.platform, { auth: { throttle: { accountFailures: 3, ipFailures: 8, windowMinutes: 15 } } });
  base = `${server.url}/api`;
  for (const login of ['anna', 'bob', 'dora', 'ewa', 'gosia', 'hania', 'iga', 'jola']) users[login] = await createTestUser(env.platform, { login, roles: ['sales'] });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

/** Every request of a test comes from its own client address, so throttling of one test does not leak into another. */
let lastIp = 10;
const freshIp = () => ({ 'x-forwarded-for': `198.51.100.${++lastIp}` });

describe('sign-in and cookies', () => {
  test('login sets an httpOnly SameSite session cookie and a readable CSRF cookie; /me works with the cookie', async () => {
    const browser = browserClient(base);
    const res = await browser.login('anna');
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ login: 'anna', roles: ['sales'] });
    const cookies = res.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('tessera_session='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).toMatch(/Path=\//);
    const csrf = cookies.find((c) => c.startsWith('tessera_csrf='))!;
    expect(csrf).not.toMatch(/HttpOnly/i);
    expect(csrf).toMatch(/SameSite=Strict/i);
    expect(browser.cookies.get('tessera_csrf')).toBe(res.body.csrfToken);
    const me = await browser.get('/auth/me');
    expect(me.body).toMatchObject({ via: 'ui', user: { login: 'anna' }, csrfToken: res.body.csrfToken });
    expect(me.body.rights.entities.contractor).toMatchObject({ read: 'all', update: 'own', create: true });
  });

  test('the session id is stored only as its hash', async () => {
    const browser = browserClient(base);
    await browser.login('anna');
    const secret = browser.cookies.get('tessera_session')!;
    const hash = createHash('sha256').update(secret).digest('hex');
    expect(await env.platform.knex('tessera.sessions').where({ secret_hash: hash }).first('id')).toBeDefined();
    const rows = await env.platform.knex.raw(`SELECT count(*)::int AS n FROM tessera.sessions WHERE secret_hash = ? OR csrf_token = ?`, [secret, secret]);
    expect(rows.rows[0].n).toBe(0);
  });

  test('wrong password and unknown login get the same 401', async () => {
    const wrong = await jsonClient(base, { token: null, headers: freshIp() }).post('/auth/login', { login: 'bob', password: 'not the password' });
    const unknown = await jsonClient(base, { token: null, headers: freshIp() }).post('/auth/login', { login: 'nosuchuser', password: 'not the password' });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  test('a deactivated user cannot sign in', async () => {
    await env.platform.knex('tessera.users').where({ id: users.iga }).update({ active: false });
    expect((await browserClient(base).request('POST', '/auth/login', { login: 'iga', password: TEST_PASSWORD }, { headers: freshIp() })).status).toBe(401);
    await env.platform.knex('tessera.users').where({ id: users.iga }).update({ active: true });
  });
});

describe('CSRF', () => {
  test('a cookie-authenticated unsafe request without the token, or with a wrong one, is refused; reads need none', async () => {
    const browser = browserClient(base);
    await browser.login('anna');
    const none = await browser.post('/records/contractor', { name: 'Forged' }, { csrf: false });
    expect(none.status).toBe(403);
    expect(none.body.code).toBe('CSRF_REJECTED');
    expect(none.body.errors[0].pointer).toBe('/headers/x-csrf-token');
    const wrong = await browser.post('/records/contractor', { name: 'Forged' }, { csrf: 'x'.repeat(43) });
    expect(wrong.body.code).toBe('CSRF_REJECTED');
    const other = browserClient(base);
    await other.login('anna');
    expect((await browser.post('/records/contractor', { name: 'Forged' }, { csrf: other.cookies.get('tessera_csrf')! })).body.code).toBe('CSRF_REJECTED');
    expect(await env.platform.knex('contractor').where({ name: 'Forged' }).first()).toBeUndefined();
    expect((await browser.get('/records/contractor')).status).toBe(200);
    const ok = await browser.post('/records/contractor', { name: 'Legit' });
    expect(ok.status).toBe(201);
    expect(ok.body.owner).toBe(users.anna);
  });

  test('API tokens need no CSRF token (they are not sent by browsers on their own)', async () => {
    expect((await jsonClient(base).post('/records/contractor', { name: 'By token' })).status).toBe(201);
  });
});

describe('session fixation', () => {
  test('a session id planted before sign-in is never adopted', async () => {
    const browser = browserClient(base);
    browser.cookies.set('tessera_session', 'attacker-chosen-value');
    await browser.login('bob');
    expect(browser.cookies.get('tessera_session')).not.toBe('attacker-chosen-value');
    const replay = browserClient(base);
    replay.cookies.set('tessera_session', 'attacker-chosen-value');
    expect((await replay.get('/auth/me')).status).toBe(401);
  });

  test('signing in again gives a new session id and ends the old one', async () => {
    const browser = browserClient(base);
    await browser.login('bob');
    const first = browser.cookies.get('tessera_session')!;
    await browser.login('bob');
    const second = browser.cookies.get('tessera_session')!;
    expect(second).not.toBe(first);
    const stale = browserClient(base);
    stale.cookies.set('tessera_session', first);
    expect((await stale.get('/auth/me')).status).toBe(401);
    expect((await browser.get('/auth/me')).status).toBe(200);
  });
});

describe('logout', () => {
  test('logout ends the session on the server, not just the cookie', async () => {
    const browser = browserClient(base);
    await browser.login('dora');
    const secret = browser.cookies.get('tessera_session')!;
    expect((await browser.post('/auth/logout', undefined, { csrf: false })).status).toBe(403);
    const out = await browser.post('/auth/logout');
    expect(out.status).toBe(204);
    expect(browser.cookies.has('tessera_session')).toBe(false);
    const replay = browserClient(base);
    replay.cookies.set('tessera_session', secret);
    expect((await replay.get('/records/contractor')).status).toBe(401);
  });

  test('logout everywhere ends every session of the user; with tokens: true also revokes their tokens', async () => {
    const laptop = browserClient(base);
    const phone = browserClient(base);
    await laptop.login('ewa');
    await phone.login('ewa');
    const otherUser = browserClient(base);
    await otherUser.login('dora');
    const token = (await laptop.post('/auth/tokens', { name: 'script', scopes: ['read'] })).body.token as string;
    const sessions = await laptop.get('/auth/sessions');
    expect(sessions.body.data).toHaveLength(2);
    expect(sessions.body.data.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const res = await phone.post('/auth/logout-all', { tokens: true });
    expect(res.body).toEqual({ sessions: 2, tokens: 1 });
    expect((await laptop.get('/auth/me')).status).toBe(401);
    expect((await phone.get('/auth/me')).status).toBe(401);
    expect((await jsonClient(base, { token }).get('/auth/me')).status).toBe(401);
    expect((await otherUser.get('/auth/me')).status).toBe(200);
  });

  test('one session can end another of the same user', async () => {
    const a = browserClient(base);
    const b = browserClient(base);
    await a.login('gosia');
    await b.login('gosia');
    const list = (await a.get('/auth/sessions')).body.data as { id: string; current: boolean }[];
    const otherId = list.find((s) => !s.current)!.id;
    expect((await a.delete(`/auth/sessions/${otherId}`)).status).toBe(204);
    expect((await b.get('/auth/me')).status).toBe(401);
    expect((await a.get('/auth/me')).status).toBe(200);
  });
});

describe('timeouts', () => {
  test('an idle session and a session past its lifetime end', async () => {
    const idle = browserClient(base);
    const me = await idle.login('hania');
    await env.platform.knex('tessera.sessions').where({ user_id: users.hania }).update({ last_seen_at: env.platform.knex.raw(`now() - interval '31 minutes'`) });
    expect((await idle.get('/auth/me')).status).toBe(401);
    expect(idle.cookies.has('tessera_session')).toBe(false);
    const old = browserClient(base);
    await old.login('hania');
    await env.platform.knex('tessera.sessions').where({ user_id: users.hania }).update({ expires_at: env.platform.knex.raw(`now() - interval '1 second'`) });
    expect((await old.get('/auth/me')).status).toBe(401);
    expect(me.body.expiresAt).toBeDefined();
  });
});

describe('password change', () => {
  test('needs the current password, ends the other sessions, keeps this one', async () => {
    const here = browserClient(base);
    const there = browserClient(base);
    await here.login('gosia');
    await there.login('gosia');
    const wrong = await here.post('/auth/password', { currentPassword: 'nope nope nope', newPassword: 'a brand new passphrase' });
    expect(wrong.status).toBe(403);
    const short = await here.post('/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'short' });
    expect(short.status).toBe(422);
    expect(short.body.errors[0]).toMatchObject({ pointer: '/newPassword', code: 'PASSWORD_POLICY' });
    expect((await here.post('/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'a brand new passphrase' })).status).toBe(204);
    expect((await there.get('/auth/me')).status).toBe(401);
    expect((await here.get('/auth/me')).status).toBe(200);
    expect((await browserClient(base).login('gosia', 'a brand new passphrase')).status).toBe(200);
    expect((await browserClient(base).request('POST', '/auth/login', { login: 'gosia', password: TEST_PASSWORD }, { headers: freshIp() })).status).toBe(401);
  });
});

describe('API tokens', () => {
  test('created from a session, shown once, stored hashed, scoped, revocable', async () => {
    const browser = browserClient(base);
    await browser.login('anna');
    const created = await browser.post('/auth/tokens', { name: 'Node-RED', scopes: ['read', 'write'] });
    expect(created.status).toBe(201);
    const { token, id, prefix } = created.body as { token: string; id: string; prefix: string };
    expect(token).toMatch(/^tsr_[A-Za-z0-9_-]{43}$/);
    expect(token.startsWith(prefix)).toBe(true);
    const listed = await browser.get('/auth/tokens');
    expect(listed.body.data[0]).toMatchObject({ id, name: 'Node-RED', prefix, scopes: ['read', 'write'], revokedAt: null });
    expect(JSON.stringify(listed.body)).not.toContain(token);
    const stored = await env.platform.knex('tessera.api_tokens').where({ id }).first();
    expect(JSON.stringify(stored)).not.toContain(token.slice(12));
    expect(stored.secret_hash).toBe(createHash('sha256').update(token).digest('hex'));

    const api = jsonClient(base, { token });
    const me = await api.get('/auth/me');
    expect(me.body).toMatchObject({ via: 'api', user: { login: 'anna' }, token: { id, scopes: ['read', 'write'] } });
    expect(me.body.csrfToken).toBeUndefined();
    const made = await api.post('/records/contractor', { name: 'Via token' });
    expect(made.status).toBe(201);
    expect((await api.get(`/records/contractor/${made.body.id}/history`)).body.data[0]).toMatchObject({ via: 'api', actor: users.anna });
    // Listing tokens is the account scope's; no token mints more.
    expect((await api.get('/auth/tokens')).status).toBe(403);
    expect((await api.post('/auth/tokens', { name: 'more', scopes: ['read'] })).status).toBe(403);

    expect((await browser.delete(`/auth/tokens/${id}`)).status).toBe(204);
    expect((await api.get('/records/contractor')).status).toBe(401);
    expect((await browser.get('/auth/tokens')).body.data[0].revokedAt).not.toBeNull();
    expect((await browser.delete(`/auth/tokens/${id}`)).status).toBe(404);
  });

  test('expired tokens are refused; bad scopes and past expiry dates are 422; another user’s token cannot be revoked', async () => {
    const browser = browserClient(base);
    await browser.login('anna');
    const { token, id } = (await browser.post('/auth/tokens', { name: 'short', scopes: ['read'], expiresAt: new Date(Date.now() + 3600_000).toISOString() })).body;
    expect((await jsonClient(base, { token }).get('/records/contractor')).status).toBe(200);
    await env.platform.knex('tessera.api_tokens').where({ id }).update({ expires_at: env.platform.knex.raw(`now() - interval '1 second'`) });
    expect((await jsonClient(base, { token }).get('/records/contractor')).status).toBe(401);
    const bad = await browser.post('/auth/tokens', { name: 'x', scopes: ['read', 'root'] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].pointer).toBe('/scopes/1');
    expect((await browser.post('/auth/tokens', { name: 'x', expiresAt: '2001-01-01T00:00:00Z' })).body.errors[0].pointer).toBe('/expiresAt');
    const bob = browserClient(base);
    await bob.login('bob');
    const bobs = (await bob.post('/auth/tokens', { name: 'bob', scopes: ['read'] })).body;
    expect((await browser.delete(`/auth/tokens/${bobs.id}`)).status).toBe(404);
    expect((await jsonClient(base, { token: bobs.token }).get('/auth/me')).status).toBe(200);
  });
});

describe('login throttling', () => {
  test('per account: after the limit even the right password is refused with 429 and Retry-After', async () => {
    const ip = freshIp();
    const attempt = (password: string) => browserClient(base).request('POST', '/auth/login', { login: 'dora', password }, { headers: ip });
    for (let i = 0; i < 3; i++) expect((await attempt('wrong password!')).status).toBe(401);
    const locked = await attempt(TEST_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('TOO_MANY_REQUESTS');
    const retry = Number(locked.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(15 * 60);
    // From another address the account is still throttled: the limit is per account.
    expect((await browserClient(base).request('POST', '/auth/login', { login: 'dora', password: TEST_PASSWORD }, { headers: freshIp() })).status).toBe(429);
    // Once the failures leave the window, the right password works again and clears the count.
    await env.platform.knex('tessera.login_attempts').where({ login: 'dora' }).update({ at: env.platform.knex.raw(`at - interval '16 minutes'`) });
    expect((await attempt(TEST_PASSWORD)).status).toBe(200);
    expect((await attempt('wrong password!')).status).toBe(401);
    expect((await attempt(TEST_PASSWORD)).status).toBe(200);
  });

  test('per address: guessing across many accounts from one address is throttled', async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await browserClient(base).request('POST', '/auth/login', { login: `guess${i}`, password: 'password123456' }, { headers: ip })).status);
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(401));
    expect(statuses[8]).toBe(429);
    expect((await browserClient(base).request('POST', '/auth/login', { login: 'anna', password: TEST_PASSWORD }, { headers: ip })).status).toBe(429);
    expect((await browserClient(base).request('POST', '/auth/login', { login: 'anna', password: TEST_PASSWORD }, { headers: freshIp() })).status).toBe(200);
  });

  test('parallel guesses cannot outrun the limit: only the allowed number of passwords is ever checked', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => browserClient(base).request('POST', '/auth/login', { login: 'jola', password: 'wrong password!' }, { headers: freshIp() })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((st) => st === 401)).toHaveLength(3);
    expect(statuses.filter((st) => st === 429)).toHaveLength(17);
    expect(await env.platform.knex('tessera.login_attempts').where({ login: 'jola' }).count({ n: '*' }).first()).toEqual({ n: 3 });
  });

  test('every attempt is logged with address and outcome', async () => {
    const rows = await env.platform.knex('tessera.login_attempts').where({ login: 'dora' }).orderBy('id');
    expect(rows.some((r: { success: boolean }) => r.success)).toBe(true);
    expect(rows.some((r: { success: boolean }) => !r.success)).toBe(true);
    expect(rows.every((r: { ip: string }) => r.ip.length > 0)).toBe(true);
  });
});

describe('headers', () => {
  test('security headers on every response; API responses are not cached', async () => {
    const res = await jsonClient(base).get('/records/contractor');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-powered-by')).toBeNull();
    const health = await jsonClient(base, { token: null }).get('/health');
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
