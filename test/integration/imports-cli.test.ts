// `tessera import` as users run it: a child process on the test database, real exit codes, the
// report with row and pointer on stdout.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { createTestUser } from '../support/auth.ts';
import { tessera } from '../support/cli.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { crmMiniPackage } from '../support/packages.ts';

let env: TestPlatform;
let dir = '';
beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata(await crmMiniPackage({ 'roles/importer.json': { kind: 'role', id: 't.role.importer', name: 'importer', label: { en: 'importer' }, permissions: [{ entity: 'contractor', read: 'all', create: true }] } }), { source: 'cli' });
  await createTestUser(env.platform, { login: 'anna', roles: ['importer'] });
  dir = mkdtempSync(join(tmpdir(), 'tessera-import-'));
}, 60_000);
afterAll(async () => {
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a dry run with a bad row exits 1 and names row and field; the good file imports and exits 0', async () => {
  const db = { DATABASE_URL: env.platform.db.url };
  const bad = join(dir, 'optima.csv');
  writeFileSync(bad, iconv.encode('Nazwa;NIP;Miejscowość\r\nŚwit sp. z o.o.;5260250274;Łódź\r\nZły NIP;1234567890;Sopot\r\n', 'iso-8859-2'));
  const dry = await tessera(['import', 'contractor', bad, '--as', 'anna', '--mapping', 'Miejscowość=city', '--dry-run'], db);
  expect(dry.code).toBe(1);
  expect(dry.stdout).toContain('iso-8859-2');
  expect(dry.stdout).toContain('Miejscowość → city');
  expect(dry.stdout).toMatch(/^row 3 \/tax_id: .+$/m);
  expect(await env.platform.knex('public.contractor').count('* as n').first()).toEqual({ n: 0 });

  const good = join(dir, 'good.csv');
  writeFileSync(good, iconv.encode('Nazwa;NIP;Miejscowość\r\nŚwit sp. z o.o.;5260250274;Łódź\r\n', 'windows-1250'));
  const run = await tessera(['import', 'contractor', good, '--as', 'anna', '--mapping', 'Miejscowość=city', '--key', 'tax_id'], db);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('1 rows: 1 created, 0 updated, 0 skipped, 0 refused');
  expect(await env.platform.knex('public.contractor').first('name', 'city', 'created_by')).toMatchObject({ name: 'Świt sp. z o.o.', city: 'Łódź' });
}, 60_000);

test('bad input: a missing file or an unknown user exit 1 with a message, a bad option exits 2', async () => {
  const db = { DATABASE_URL: env.platform.db.url };
  const missing = await tessera(['import', 'contractor', join(dir, 'nope.csv'), '--as', 'anna'], db);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('cannot read');
  const nobody = await tessera(['import', 'contractor', join(dir, 'good.csv'), '--as', 'ghost'], db);
  expect(nobody.code).toBe(1);
  expect(nobody.stderr).toContain('no user with the login "ghost"');
  const option = await tessera(['import', 'contractor', join(dir, 'good.csv'), '--on-duplicate', 'merge'], db);
  expect(option.code).toBe(2);
  expect(option.stderr).toContain('--on-duplicate must be skip, update or create');
  const mapping = await tessera(['import', 'contractor', join(dir, 'good.csv'), '--as', 'anna', '--mapping', 'Nazwa=nope'], db);
  expect(mapping.code).toBe(1);
  expect(mapping.stderr).toContain('/mapping/Nazwa');
}, 60_000);
