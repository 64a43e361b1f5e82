// Secret fields (a mail account's password): sealed in the column with the installation's key, never
// returned by the API, CSV, history or audit trail; kept when a form sends the mask back; replaced and
// cleared on purpose; read only by connectors (revealSecret); sealed again by key rotation.
import { randomBytes } from 'node:crypto';
import { loadPackageDir, SECRET_MASK } from '../../metadata/index.ts';
import { vaultConnector as vault } from '../support/vault-connector.ts';
import { startPlatform } from '../../engine/platform.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';

const PASSWORD = 'Zażółć-gęślą-jaźń-42';
let env: TestPlatform;
let server: TestServer;
let api: ReturnType<typeof jsonClient>;

beforeAll(async () => {
  env = await startTestPlatform({ connectors: [vault] });
  const { package: files } = await loadPackageDir(new URL('../fixtures/packages/crm-mini/', import.meta.url).pathname);
  await env.platform.applyMetadata(files, { source: 'cli' });
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

const column = async (id: string, name = 'password') => ((await env.platform.knex('vault_account').where({ id }).first(name)) as Record<string, string | null>)[name];
const reveal = (id: string, name = 'password') => env.platform.connectors.context('vault').revealSecret('vault_account', id, name);

test('a secret is stored sealed and read back only as the mask, by the API, CSV, history and audit', async () => {
  const made = await api.post('/records/vault_account', { login: 'biuro', password: PASSWORD });
  expect(made.status).toBe(201);
  expect(made.body.password).toBe(SECRET_MASK);
  expect(made.body.token).toBeNull();
  const id = made.body.id as string;
  const stored = await column(id);
  expect(stored).not.toContain(PASSWORD);
  expect(stored).toMatch(/^v1\./);
  expect((await api.get(`/records/vault_account/${id}`)).body.password).toBe(SECRET_MASK);
  expect(JSON.stringify((await api.get('/records/vault_account')).body)).not.toContain(PASSWORD);
  const csv = await api.get('/records/vault_account/export');
  expect(csv.status).toBe(200);
  expect(String(csv.body)).toContain(SECRET_MASK);
  expect(String(csv.body)).not.toContain(PASSWORD);
  expect(JSON.stringify((await api.get(`/records/vault_account/${id}/history`)).body)).not.toContain(PASSWORD);
  const trail = await env.platform.knex('tessera.audit_log').where({ record_id: id }).select('changes');
  expect(trail.length).toBeGreaterThan(0);
  expect(JSON.stringify(trail)).not.toContain(PASSWORD);
  // Only the connector's context opens it.
  await expect(reveal(id)).resolves.toBe(PASSWORD);
  await expect(reveal(id, 'token')).resolves.toBeNull();
});

test('the mask sent back keeps the secret; a new value replaces it (audited as changed); null clears it', async () => {
  const made = (await api.post('/records/vault_account', { login: 'kasia', password: PASSWORD })).body as { id: string; version: number };
  const sealed = await column(made.id);
  // A form saved without touching the password sends the mask: nothing changes.
  const kept = await api.patch(`/records/vault_account/${made.id}`, { login: 'kasia2', password: SECRET_MASK }, { 'if-match': `"${made.version}"` });
  expect(kept.status).toBe(200);
  expect(await column(made.id)).toBe(sealed);
  await expect(reveal(made.id)).resolves.toBe(PASSWORD);

  const replaced = await api.patch(`/records/vault_account/${made.id}`, { password: 'nowe-hasło' }, { 'if-match': `"${kept.body.version}"` });
  expect(replaced.status).toBe(200);
  await expect(reveal(made.id)).resolves.toBe('nowe-hasło');
  const last = (await env.platform.knex('tessera.audit_log').where({ record_id: made.id }).orderBy('id', 'desc').first('changes')) as { changes: Record<string, unknown> };
  expect(last.changes).toHaveProperty('password');
  expect(JSON.stringify(last.changes)).not.toContain('nowe-hasło');

  const cleared = await api.patch(`/records/vault_account/${made.id}`, { password: null }, { 'if-match': `"${replaced.body.version}"` });
  expect(cleared.body.password).toBeNull();
  await expect(reveal(made.id)).resolves.toBeNull();
});

test('a secret filters only by isNull and never sorts; a bad value is a problem with its pointer', async () => {
  await api.post('/records/vault_account', { login: 'bez-hasla' });
  const unset = await api.get(`/records/vault_account?filter=${encodeURIComponent(JSON.stringify({ password: { isNull: true } }))}`);
  expect(unset.status).toBe(200);
  expect(unset.body.data.map((r: { login: string }) => r.login)).toContain('bez-hasla');
  const eq = await api.get(`/records/vault_account?filter=${encodeURIComponent(JSON.stringify({ password: { eq: PASSWORD } }))}`);
  expect(eq.status).toBe(400);
  expect(eq.contentType).toContain('application/problem+json');
  expect((await api.get('/records/vault_account?sort=password')).status).toBe(400);
  const tooLong = await api.post('/records/vault_account', { login: 'x', token: 'a'.repeat(201) });
  expect(tooLong.status).toBe(422);
  expect(tooLong.body.errors).toEqual([expect.objectContaining({ pointer: '/token' })]);
});

test('an envelope is bound to its field: copied into another field it does not open', async () => {
  const made = (await api.post('/records/vault_account', { login: 'kopia', password: PASSWORD })).body as { id: string };
  await env.platform.knex('vault_account').where({ id: made.id }).update({ token: await column(made.id) });
  await expect(reveal(made.id, 'token')).rejects.toThrow(/does not open/);
  await env.platform.knex('vault_account').where({ id: made.id }).update({ token: null });
});

test('key rotation seals secret fields again; the old key may then go', async () => {
  const made = (await api.post('/records/vault_account', { login: 'rotacja', password: PASSWORD })).body as { id: string };
  const oldKey = (await import('../support/database.ts')).TEST_SECRET_KEY;
  const newKey = randomBytes(32).toString('base64');
  const before = await column(made.id);
  const rotated = await startPlatform({ url: env.platform.db.url, secretKey: newKey, connectors: [vault], ...(await previousKey(oldKey)) });
  try {
    expect(await rotated.records.resealSecrets()).toBeGreaterThanOrEqual(1);
  } finally {
    await rotated.close();
    delete process.env.TESSERA_SECRET_KEY_PREVIOUS;
  }
  expect(await column(made.id)).not.toBe(before);
  const onlyNew = await startPlatform({ url: env.platform.db.url, secretKey: newKey, connectors: [vault] });
  try {
    await expect(onlyNew.records.revealSecret(null, 'vault_account', made.id, 'password')).resolves.toBe(PASSWORD);
  } finally {
    await onlyNew.close();
  }
});

/** The previous key travels in the environment, as in a real rotation. */
async function previousKey(key: string): Promise<Record<string, never>> {
  process.env.TESSERA_SECRET_KEY_PREVIOUS = key;
  return {};
}
