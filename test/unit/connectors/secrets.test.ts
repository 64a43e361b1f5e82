// Secrets at rest (engine/connectors/secrets.ts, config-secrets.ts): AES-256-GCM envelopes bound to
// their row, keys from the environment or generated once with mode 0600, rotation with a previous
// key; secret fields of a configuration split off, masked and kept across array edits.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { joinSecrets, secretPointers, splitSecrets, withStoredSecrets } from '../../../engine/connectors/config-secrets.ts';
import { loadKeyring, SecretKeyring, SECRET_KEY_FILE } from '../../../engine/connectors/secrets.ts';

const keyA = Buffer.alloc(32, 1);
const keyB = Buffer.alloc(32, 2);

test('an envelope opens only with its key and its context, and names the key', () => {
  const ring = new SecretKeyring(keyA);
  const sealed = ring.seal('p4ssw0rd', 'webhooks');
  expect(sealed).not.toContain('p4ssw0rd');
  expect(sealed.split('.')[1]).toBe(ring.currentKeyId);
  expect(ring.open(sealed, 'webhooks')).toBe('p4ssw0rd');
  expect(() => ring.open(sealed, 'http')).toThrow('does not open');
  const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
  expect(() => ring.open(tampered, 'webhooks')).toThrow();
  expect(() => new SecretKeyring(keyB).open(sealed, 'webhooks')).toThrow('TESSERA_SECRET_KEY_PREVIOUS');
});

test('after a key change the previous key still opens old envelopes, which count as stale', () => {
  const old = new SecretKeyring(keyA).seal('token', 'http');
  const rotated = new SecretKeyring(keyB, [keyA]);
  expect(rotated.open(old, 'http')).toBe('token');
  expect(rotated.isStale(old)).toBe(true);
  expect(rotated.isStale(rotated.seal('token', 'http'))).toBe(false);
});

test('without TESSERA_SECRET_KEY a key is generated once into the data directory with mode 0600', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-key-'));
  try {
    const first = await loadKeyring({ dataDir: dir });
    const mode = (await stat(join(dir, SECRET_KEY_FILE))).mode & 0o777;
    expect(mode).toBe(0o600);
    const second = await loadKeyring({ dataDir: dir });
    expect(second!.currentKeyId).toBe(first!.currentKeyId);
    expect(second!.open(first!.seal('x', 'c'), 'c')).toBe('x');
    expect(await loadKeyring({})).toBeNull();
    await expect(loadKeyring({ key: 'too-short' })).rejects.toThrow('32 random bytes');
    expect((await loadKeyring({ key: keyA.toString('hex') }))!.currentKeyId).toBe(new SecretKeyring(keyA).currentKeyId);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

const schema = {
  type: 'object',
  properties: {
    apiKey: { type: 'string', writeOnly: true },
    url: { type: 'string' },
    secrets: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: { type: 'string', writeOnly: true } } } },
  },
};

test('secret fields are split off (array items by name), masked as pointers, and kept when left out', () => {
  const { plain, secrets } = splitSecrets(schema, { apiKey: 'K', url: 'https://x', secrets: [{ name: 'a', value: 'A' }, { name: 'b', value: 'B' }] });
  expect(plain).toEqual({ url: 'https://x', secrets: [{ name: 'a' }, { name: 'b' }] });
  expect(secrets).toEqual({ '/apiKey': 'K', '/secrets/@a/value': 'A', '/secrets/@b/value': 'B' });
  expect(secretPointers(schema, plain, secrets)).toEqual(['/apiKey', '/secrets/0/value', '/secrets/1/value']);
  expect(joinSecrets(schema, plain, secrets)).toEqual({ apiKey: 'K', url: 'https://x', secrets: [{ name: 'a', value: 'A' }, { name: 'b', value: 'B' }] });
  // Item a removed: b keeps its own secret (not a's, though it moved to index 0); null clears apiKey.
  const edited = withStoredSecrets(schema, { apiKey: null, url: 'https://y', secrets: [{ name: 'b' }, { name: 'c', value: 'C' }] }, secrets);
  expect(edited).toEqual({ url: 'https://y', secrets: [{ name: 'b', value: 'B' }, { name: 'c', value: 'C' }] });
});
