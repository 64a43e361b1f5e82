// The version history of the metadata in the designer, in Polish, as the seed's analyst (not an
// administrator): the list of applied versions with who, when and how many changes; a version's diff
// beside the plan it ran; reverting to an earlier version shows the revert's plan first, the
// destructive step needs the explicit consent, and the earlier package is applied as a new version.
import { readFileSync } from 'node:fs';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { packageFromZip, packageZip } from '../../ui/src/pages/designer/package-zip.ts';
import { createTestUser, TEST_PASSWORD } from '../support/auth.ts';
import { browserSuite, createRecord } from './support.ts';

type Item = { fields: Record<string, unknown>[] };

const b = browserSuite({ packageDir: SEED_METADATA_DIR, signedIn: false }, async (b) => {
  await createTestUser(b.env.platform, { login: 'analityk', roles: ['analyst'] });
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  const res = await b.context.request.post(`${b.url}/api/auth/login`, { data: { login: 'analityk', password: TEST_PASSWORD } });
  if (!res.ok()) throw new Error(`sign-in failed: ${res.status()}`);
});

test('the analyst opens the history, reads what version 2 changed beside its plan, and reverts to version 1', async () => {
  const { page } = b;
  const v1 = (await b.api.get('/meta')).body.files as Record<string, unknown>;
  // Version 2 (applied by the administrator): a new field on contractors, and the salesperson may no longer delete deals.
  const v2 = structuredClone(v1) as Record<string, Item & { permissions: Record<string, unknown>[] }>;
  v2['entities/contractor.json']!.fields.push({ id: 'crm.contractor.pkd_code', name: 'pkd_code', type: 'string', maxLength: 20, label: { en: 'PKD code', pl: 'Kod PKD', ro: 'Cod CAEN' } });
  const deals = v2['roles/salesperson.json']!.permissions.find((p) => p.entity === 'deal')!;
  const deleteBefore = deals.delete;
  deals.delete = 'none';
  expect((await b.api.put('/meta', { files: v2, expectedVersion: 1 })).body).toMatchObject({ version: 2 });
  const contractor = await createRecord(b, 'contractor', { name: 'Hydrobudowa Gdańsk', pkd_code: '42.21.Z' });

  await page.goto(`${b.url}/designer`);
  await page.getByRole('link', { name: 'Historia wersji' }).click();
  const list = page.getByRole('table', { name: 'Zastosowane wersje' });
  await list.locator('[data-version="2"]').getByText('Test Administrator').waitFor();
  await expect(list.locator('[data-version="2"] td').allTextContents()).resolves.toEqual(expect.arrayContaining(['v2 (bieżąca)', 'projektant lub API', '2']));

  // The newest version is shown: its diff in Polish, grouped by entity type, beside the plan it ran.
  const version = page.getByRole('region', { name: 'Wersja 2' });
  const diff = version.getByLabel('Zmiany', { exact: true });
  await diff.locator('[data-diff-group="contractor"]').getByText('Kontrahent (contractor)').waitFor();
  await diff.getByText('dodano pole pkd_code (string)').waitFor();
  await diff.locator('[data-diff-group="deal"]').getByText(`rola salesperson: prawo delete do deal zmienione z ${String(deleteBefore)} na none`).waitFor();
  const plan = await version.getByRole('list', { name: 'Wykonany plan' }).locator('li').allTextContents();
  expect(plan.some((s) => s.includes('pkd_code'))).toBe(true);
  // The current version cannot be "reverted to".
  await expect(version.getByRole('button', { name: 'Przywróć tę wersję' }).count()).resolves.toBe(0);
  await b.screenshot('versions-diff');

  // Version 1: revert. The plan comes first; the dropped field is destructive and needs the consent.
  await list.locator('[data-version="1"]').getByRole('button', { name: 'v1' }).click();
  await page.getByRole('region', { name: 'Wersja 1' }).getByRole('button', { name: 'Przywróć tę wersję' }).click();
  const dialog = page.getByRole('dialog', { name: 'Przywrócenie wersji 1' });
  await dialog.getByLabel('Co zmieni przywrócenie').getByText('usunięto pole pkd_code').waitFor();
  const steps = dialog.getByRole('list', { name: 'Plan migracji' }).locator('li.destructive');
  await expect(steps.allTextContents()).resolves.toEqual([expect.stringContaining('pkd_code')]);
  const apply = dialog.getByRole('button', { name: 'Przywróć: zastosuj jako nową wersję' });
  expect(await apply.isDisabled()).toBe(true);
  await b.screenshot('versions-revert-plan');
  expect((await b.api.get('/meta')).body.version).toBe(2);
  await dialog.getByLabel('Rozumiem: zarchiwizuj dane usuwane przez te kroki').check();
  await apply.click();
  await page.getByRole('status').filter({ hasText: 'Przywrócono wersję 1 jako wersję 3' }).waitFor();

  // Version 3 is version 1's package, applied by the analyst as a revert; the dropped field's data is archived.
  await list.locator('[data-version="3"]').getByText('Analityk').waitFor();
  await list.locator('[data-version="3"]').getByText('przywrócenie').waitFor();
  const meta = (await b.api.get('/meta')).body;
  expect(meta.version).toBe(3);
  expect(meta.files).toEqual(v1);
  const archived = await b.env.platform.knex('tessera.archived_values').where({ meta_version: 3, column_name: 'pkd_code' }).select('record_id', 'value');
  expect(archived).toEqual([{ record_id: contractor, value: '42.21.Z' }]);
});

test('the analyst exports the package as a zip, and a zip imported becomes the working copy, applied through the plan', async () => {
  const { page } = b;
  await page.goto(`${b.url}/designer`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Eksportuj pakiet (zip)' }).click()]);
  expect(download.suggestedFilename()).toBe('tessera-metadata-v3.zip');
  const exported = packageFromZip(new Uint8Array(readFileSync((await download.path())!)));
  const applied = (await b.api.get('/meta')).body.files as Record<string, unknown>;
  expect(exported).toEqual({ ok: true, files: applied });

  // The zip edited (in git, say) and imported: nothing is applied until the plan is reviewed.
  const edited = structuredClone(applied) as Record<string, Item>;
  edited['entities/contractor.json']!.fields.push({ id: 'crm.contractor.regon', name: 'regon', type: 'string', maxLength: 14, label: { en: 'REGON', pl: 'REGON', ro: 'REGON' } });
  await page.locator('input[type="file"]').setInputFiles({ name: 'crm.zip', mimeType: 'application/zip', buffer: Buffer.from(packageZip(edited)) });
  await page.getByRole('status').filter({ hasText: 'entities/contractor.json' }).waitFor();
  expect((await b.api.get('/meta')).body.version).toBe(3);
  await page.getByRole('button', { name: 'Przejrzyj zmiany' }).click();
  const plan = page.getByRole('dialog', { name: 'Plan migracji' });
  // The plan arrives from the server after the dialog opens.
  await plan.getByRole('list', { name: 'Plan migracji' }).locator('li').filter({ hasText: 'regon' }).first().waitFor();
  await expect(plan.getByRole('list', { name: 'Plan migracji' }).locator('li').allTextContents()).resolves.toEqual([expect.stringContaining('regon')]);
  await plan.getByRole('button', { name: 'Zastosuj w bazie danych' }).click();
  await page.getByRole('status').filter({ hasText: 'Zastosowano: wersja metadanych 4' }).waitFor();
  expect((await b.api.get('/meta')).body.files).toEqual(edited);

  // Not a package: refused in words, the working copy untouched.
  await page.locator('input[type="file"]').setInputFiles({ name: 'notes.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip') });
  await page.getByText('Plik nie jest archiwum zip').waitFor();
});
