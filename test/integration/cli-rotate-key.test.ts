// `tessera connectors rotate-key` as an operator runs it after changing TESSERA_SECRET_KEY: every
// stored secret (connector settings and secret fields of records) is sealed again with the new key,
// so the old key can be dropped without losing a password.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadPackageDir } from '../../metadata/index.ts';
import { startPlatform } from '../../engine/platform.ts';
import { tessera } from '../support/cli.ts';
import { startTestPlatform, TEST_SECRET_KEY, type TestPlatform } from '../support/database.ts';
import { vaultConnector } from '../support/vault-connector.ts';

const VAULT_MODULE = fileURLToPath(new URL('../support/vault-connector.ts', import.meta.url));
let env: TestPlatform;

beforeAll(async () => {
  env = await startTestPlatform({ connectors: [vaultConnector] });
  const { package: files } = await loadPackageDir(new URL('../fixtures/packages/crm-mini/', import.meta.url).pathname);
  await env.platform.applyMetadata(files, { source: 'cli' });
}, 60_000);
afterAll(async () => env?.close());

test('rotate-key seals connector settings and secret fields again; the old key may then go', async () => {
  const system = { actor: { userId: null, via: 'system' as const } };
  const account = await env.platform.records.create(system, 'vault_account', { login: 'biuro', password: 'hasło-konta' });
  await env.platform.connectors.settings.write('vault', vaultConnector.configSchema, { enabled: true, config: { apiKey: 'klucz-api' } }, { userId: null, via: 'system' });
  const newKey = randomBytes(32).toString('base64');

  const rotated = await tessera(['connectors', 'rotate-key'], { DATABASE_URL: env.platform.db.url, TESSERA_SECRET_KEY: newKey, TESSERA_SECRET_KEY_PREVIOUS: TEST_SECRET_KEY, TESSERA_CONNECTOR_MODULES: VAULT_MODULE });
  expect(rotated.stderr).toBe('');
  expect(rotated.code).toBe(0);
  expect(rotated.stdout).toContain('1 connector setting(s) and 1 secret field value(s) sealed again');

  // With the new key alone, both secrets open.
  const after = await startPlatform({ url: env.platform.db.url, secretKey: newKey, connectors: [vaultConnector] });
  try {
    await expect(after.records.revealSecret(null, 'vault_account', String(account.id), 'password')).resolves.toBe('hasło-konta');
    expect((await after.connectors.context('vault').settings()).config.apiKey).toBe('klucz-api');
  } finally {
    await after.close();
  }
  // Run again: nothing is stale any more.
  const again = await tessera(['connectors', 'rotate-key'], { DATABASE_URL: env.platform.db.url, TESSERA_SECRET_KEY: newKey, TESSERA_CONNECTOR_MODULES: VAULT_MODULE });
  expect(again.stdout).toContain('0 connector setting(s) and 0 secret field value(s)');
});
