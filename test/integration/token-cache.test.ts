// Servers cache verified API tokens for a few seconds; a revocation or deactivation committed by any
// process must still take effect at once everywhere (NOTIFY on the auth channel clears the caches);
// connector settings likewise (their own channel, migration 043).
import { createApiToken, TOKEN_SCOPES, userIdByLogin } from '../../engine/access/index.ts';
import { startPlatform, type Platform } from '../../engine/platform.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { ensureTestAdmin, jsonClient, startTestServer, TEST_ADMIN_LOGIN, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let other: Platform;
let serverA: TestServer;
let serverB: TestServer;

beforeAll(async () => {
  env = await startTestPlatform({ listen: true });
  // A second "process" on the same database: its own pools, caches and LISTEN connection.
  other = await startPlatform({ url: env.platform.db.url, listen: true });
  serverA = await startTestServer(env.platform);
  serverB = await startTestServer(other);
}, 60_000);

afterAll(async () => {
  await serverA?.close();
  await serverB?.close();
  await other?.close();
  await env?.close();
});

test('metadata applied by another process reaches this one without a restart (notification or polling)', async () => {
  const before = env.platform.runtime.loaded ? env.platform.runtime.snapshot.version : 0;
  const files = {
    'tessera.json': { kind: 'manifest', name: 'x', version: '1' },
    'entities/thing.json': { kind: 'entity', id: 'x.thing', name: 'thing', label: { en: 'Thing' }, fields: [{ id: 'x.thing.name', name: 'name', type: 'string', label: { en: 'Name' } }] },
  };
  await other.applyMetadata({ files }, { source: 'cli' });
  expect(await eventually(async () => env.platform.runtime.loaded && env.platform.runtime.snapshot.version === before + 1, 5000)).toBe(true);
  expect(env.platform.runtime.entity('thing').entity.name).toBe('thing');
});

/** Lets notifications already sent reach this process. */
const settle = () => new Promise((r) => setTimeout(r, 300));

async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

test('notifications cross connections (on PostgreSQL and on the embedded database), so tokens are cached', async () => {
  expect(env.platform.tokenCache.size).toBe(0);
  await ensureTestAdmin(env.platform);
  const userId = (await userIdByLogin(env.platform.knex, TEST_ADMIN_LOGIN))!;
  const { token } = await createApiToken(env.platform.knex, userId, { name: 'probe', scopes: TOKEN_SCOPES });
  await settle(); // creating the token notified every cache; let that arrive before caching
  expect((await jsonClient(`${serverA.url}/api`, { token }).get('/auth/me')).status).toBe(200);
  expect(env.platform.tokenCache.size).toBe(1);
  env.platform.tokenCache.clear();
});

test('a token revoked through another process stops working here at once, even if this process cached it', async () => {
  await ensureTestAdmin(env.platform);
  const userId = (await userIdByLogin(env.platform.knex, TEST_ADMIN_LOGIN))!;
  const { token, info } = await createApiToken(env.platform.knex, userId, { name: 'integration', scopes: TOKEN_SCOPES });
  await settle();
  const onA = jsonClient(`${serverA.url}/api`, { token });
  expect((await onA.get('/auth/me')).status).toBe(200);
  expect((await onA.get('/auth/me')).status).toBe(200);
  expect(env.platform.tokenCache.size).toBeGreaterThan(0); // the second request was served from the cache
  await other.knex('tessera.api_tokens').where({ id: info.id }).update({ revoked_at: other.knex.fn.now() });
  expect(await eventually(async () => (await onA.get('/auth/me')).status === 401)).toBe(true);
});

test('deactivating the user clears cached tokens everywhere', async () => {
  const [row] = await env.platform.knex('tessera.users').insert({ login: 'cache-user', display_name: 'Cache User', is_admin: true }).returning('id');
  const { token } = await createApiToken(env.platform.knex, row.id, { name: 'x', scopes: TOKEN_SCOPES });
  const onA = jsonClient(`${serverA.url}/api`, { token });
  expect((await onA.get('/auth/me')).status).toBe(200);
  await other.knex('tessera.users').where({ id: row.id }).update({ active: false });
  expect(await eventually(async () => (await onA.get('/auth/me')).status === 401)).toBe(true);
});

test('connector settings changed through another process are read here at once, not after the cache’s seconds', async () => {
  const settings = env.platform.connectors.settings;
  expect((await settings.read('probe')).enabled).toBe(false); // now cached here (2 s)
  const cachedAt = Date.now();
  await other.connectors.settings.write('probe', undefined, { enabled: true }, { userId: null, via: 'system' });
  // Migration 043's trigger NOTIFYs the connector's id; the cached copy goes long before it would expire.
  expect(await eventually(async () => (await settings.read('probe')).enabled, 1000)).toBe(true);
  expect(Date.now() - cachedAt).toBeLessThan(2000);
  // A lost listening connection's catch-up ('' to every handler) drops every cached connector.
  await settings.read('probe');
  await other.knex('tessera.connector_settings').where({ connector_id: 'probe' }).update({ enabled: false });
  settings.forget('');
  expect((await settings.read('probe')).enabled).toBe(false);
});

test('after the database drops the listening connection, the listener reconnects and catches up', async () => {
  if (env.kind !== 'server') return; // pg_terminate_backend: the embedded database has one backend
  const userId = (await userIdByLogin(env.platform.knex, TEST_ADMIN_LOGIN))!;
  const { token, info } = await createApiToken(env.platform.knex, userId, { name: 'reconnect', scopes: TOKEN_SCOPES });
  const onA = jsonClient(`${serverA.url}/api`, { token });
  expect((await onA.get('/auth/me')).status).toBe(200);
  const killed = await env.platform.knex.raw(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tessera-listener'`);
  expect(killed.rows.length).toBeGreaterThan(0);
  // Revoked while nobody listens: the notification is lost; the reconnect's catch-up clears the cache.
  await other.knex('tessera.api_tokens').where({ id: info.id }).update({ revoked_at: other.knex.fn.now() });
  expect(await eventually(async () => (await onA.get('/auth/me')).status === 401, 8000)).toBe(true);
});
