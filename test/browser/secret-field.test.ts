// A secret field (a mail account's password) in the generated form, in Polish: typed once, never shown
// again; saving the form unchanged keeps it; "Zmień" replaces it and "Usuń" clears it.
import { vaultConnector } from '../support/vault-connector.ts';
import { eventually } from '../support/workflows.ts';
import { browserSuite } from './support.ts';

const b = browserSuite({ connectors: [vaultConnector] });
const reveal = (id: string) => b.env.platform.records.revealSecret(null, 'vault_account', id, 'password');

test('a password is typed once, kept on an unchanged save, replaced and removed on purpose', async () => {
  const { page } = b;
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  const field = (name: string) => page.locator(`[data-field="${name}"]`);
  await page.goto(`${b.url}/r/vault_account/new`);
  await field('login').locator('input').fill('biuro');
  const password = field('password').locator('input[type="password"]');
  await password.fill('Tajne-hasło-1');
  await page.getByRole('button', { name: 'Zapisz' }).click();
  await page.getByTestId('record-title').filter({ hasText: 'biuro' }).waitFor();
  const id = page.url().split('/').pop()!;
  await expect(reveal(id)).resolves.toBe('Tajne-hasło-1');
  // The page never holds the password.
  expect(await page.content()).not.toContain('Tajne-hasło-1');

  // Edited without touching the password: it stays.
  await page.getByRole('button', { name: 'Edytuj' }).click();
  await field('password').getByRole('button', { name: 'Zmień' }).waitFor();
  await field('login').locator('input').fill('biuro-firma');
  await page.getByRole('button', { name: 'Zapisz' }).click();
  await page.getByTestId('record-title').filter({ hasText: 'biuro-firma' }).waitFor();
  await expect(reveal(id)).resolves.toBe('Tajne-hasło-1');

  // "Zmień" (change) then a new password replaces it.
  await page.getByRole('button', { name: 'Edytuj' }).click();
  await field('password').getByRole('button', { name: 'Zmień' }).click();
  await field('password').locator('input[type="password"]').fill('Nowe-hasło-2');
  await page.getByRole('button', { name: 'Zapisz' }).click();
  await page.getByTestId('record-title').filter({ hasText: 'biuro-firma' }).waitFor();
  await eventually(async () => (await reveal(id)) === 'Nowe-hasło-2', 5000, 'the new password stored');

  // "Usuń" (remove) clears it.
  await page.getByRole('button', { name: 'Edytuj' }).click();
  await field('password').getByRole('button', { name: 'Usuń' }).click();
  await page.getByRole('button', { name: 'Zapisz' }).click();
  await page.getByTestId('record-title').filter({ hasText: 'biuro-firma' }).waitFor();
  await eventually(async () => (await reveal(id)) === null, 5000, 'the password removed');
  await b.screenshot('secret-field');
  expect(b.takePageErrors()).toEqual([]);
});
