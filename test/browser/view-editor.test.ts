// The designer's view and board editor (issue #20), as the seed's analyst (not an administrator) uses it
// in Polish: a new contractor board grouped by an enum (country), the default contractor list's columns
// reordered with the keyboard and given a width, a live preview of both, one plan applied — and a
// salesperson signed in in another browser sees the new column order and the new board without a
// restart of the server.
import { join } from 'node:path';
import { type BrowserContext } from 'playwright-core';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { createTestUser, TEST_PASSWORD } from '../support/auth.ts';
import { SCREENSHOTS } from './paths.ts';
import { browserSuite, createRecord, analystAndOperator } from './support.ts';

let operator: BrowserContext;
let closeOperator: (() => Promise<void>) | undefined;

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  await createTestUser(b.env.platform, { login: 'analityk', roles: ['analyst'] });
  await createTestUser(b.env.platform, { login: 'handlowiec', roles: ['salesperson'] });
  await createRecord(b, 'contractor', { name: 'Zielonka Dolna Sp. z o.o.', country: 'pl' });
  await createRecord(b, 'contractor', { name: 'Brașov Tehnic SRL', country: 'ro', contractor_type: 'company' });
  // The analyst in the suite's browser, in Polish; the operator in another browser, another session, in English.
  ({ context: operator, close: closeOperator } = await analystAndOperator(b, 'analityk', 'handlowiec', TEST_PASSWORD));
});

afterAll(() => closeOperator?.());

test('an analyst adds a board grouped by an enum and reorders list columns; an operator sees both without a restart', async () => {
  const { page } = b;
  const other = operator.pages()[0] ?? (await operator.newPage());
  // The header texts without the sort arrow.
  const headers = async (p: typeof page) => (await p.locator('.grid-head [role="columnheader"]').allTextContents()).map((h) => h.replace(/ [▲▼]$/, ''));
  // The operator's list as it is before: the default view "Companies in Poland", name first, and no board.
  await other.goto(`${b.url}/r/contractor`);
  await other.getByRole('link', { name: 'Zielonka Dolna Sp. z o.o.' }).waitFor();
  expect((await headers(other)).slice(1, 3)).toEqual(['Name', 'Tax ID (NIP/CUI)']);
  expect(await other.getByRole('link', { name: 'Board', exact: true }).count()).toBe(0);

  await page.goto(`${b.url}/designer`);
  const items = page.getByRole('navigation', { name: 'Elementy' });

  // A new board of contractors, grouped by country (an enum), with the country's cards and a live preview.
  await items.getByRole('button', { name: '+ Nowy widok' }).click();
  const dialog = page.getByRole('dialog', { name: 'Nowy widok' });
  await dialog.getByLabel('Typ rekordów').selectOption({ label: 'Kontrahenci' });
  await dialog.getByLabel('Rodzaj').selectOption('board');
  await dialog.getByLabel('Nazwa').fill('by_country');
  await dialog.getByLabel('Etykieta (en)').fill('By country');
  await dialog.getByRole('button', { name: 'Dodaj' }).click();
  const editor = page.getByRole('region', { name: 'Edytor widoku' });
  await editor.getByLabel('Kolumny tablicy (grupowanie)').selectOption({ label: 'Kraj' });
  const cards = editor.getByRole('region', { name: 'Pola karty' });
  await cards.getByLabel('Dodaj kolumnę').selectOption({ label: 'Miejscowość' });
  await cards.getByRole('button', { name: '+ Dodaj kolumnę' }).click();
  const preview = editor.getByRole('region', { name: 'Podgląd z prawdziwymi rekordami' });
  await preview.locator('[data-stage="ro"]').getByRole('article', { name: 'Brașov Tehnic SRL' }).waitFor();
  await preview.locator('[data-stage="pl"]').getByRole('article', { name: 'Zielonka Dolna Sp. z o.o.' }).waitFor();
  await b.screenshot('view-editor-board');

  // The default list: NIP moved before the name with the keyboard (Alt+↑), and given a width.
  await items.getByRole('button', { name: 'Firmy w Polsce' }).click();
  const columns = editor.getByRole('region', { name: 'Kolumny' });
  await columns.locator('[data-view-column="tax_id"]').focus();
  await page.keyboard.press('Alt+ArrowUp');
  await expect(columns.locator('[data-view-column]').evaluateAll((els) => els.map((e) => e.getAttribute('data-view-column')))).resolves.toEqual(['tax_id', 'name', 'locality', 'region', 'industry', 'sales_rep']);
  // The focus stays on the moved column, so it can be moved on.
  await expect(columns.locator('[data-view-column="tax_id"]:focus').count()).resolves.toBe(1);
  // Industry dragged onto the name: it goes before it.
  await columns.locator('[data-view-column="industry"]').dragTo(columns.locator('[data-view-column="name"]'));
  await expect(columns.locator('[data-view-column]').evaluateAll((els) => els.map((e) => e.getAttribute('data-view-column')))).resolves.toEqual(['tax_id', 'industry', 'name', 'locality', 'region', 'sales_rep']);
  await columns.getByLabel('Szerokość (px) kolumny NIP').fill('180');
  // The preview is the list with the edited columns.
  await page.locator('.grid-head [role="columnheader"]').nth(1).filter({ hasText: 'NIP' }).waitFor();
  expect((await headers(page)).slice(1, 4)).toEqual(['NIP', 'Branża', 'Nazwa']);
  await b.screenshot('view-editor-list');

  // One plan, applied by the analyst.
  await page.getByRole('button', { name: 'Przejrzyj zmiany' }).click();
  const plan = page.getByRole('dialog', { name: 'Plan migracji' });
  await plan.getByRole('button', { name: 'Zastosuj w bazie danych' }).click();
  await page.getByRole('status').filter({ hasText: 'Zastosowano: wersja metadanych' }).waitFor();
  const stored = await b.api.get('/meta');
  const files = stored.body.files as Record<string, { columns?: string[]; widths?: Record<string, number>; groupBy?: string }>;
  expect(files['views/contractor.companies_in_poland.json']!.columns).toEqual(['tax_id', 'industry', 'name', 'locality', 'region', 'sales_rep']);
  expect(files['views/contractor.companies_in_poland.json']!.widths).toEqual({ tax_id: 180 });
  expect(files['views/contractor.by_country.json']!.groupBy).toBe('country');

  // The operator, in the other browser, without a restart: the new column order and the new board.
  await other.goto(`${b.url}/r/contractor`);
  await other.locator('.grid-body [role="row"]').filter({ hasText: 'Zielonka Dolna Sp. z o.o.' }).waitFor();
  expect((await headers(other)).slice(1, 4)).toEqual(['Tax ID (NIP/CUI)', 'Industry', 'Name']);
  expect(await other.locator('.grid-head').getAttribute('style')).toContain('40px 180px minmax(120px, 1fr)');
  await other.getByRole('link', { name: 'Board', exact: true }).click();
  await other.locator('[data-stage="ro"]').getByRole('article', { name: 'Brașov Tehnic SRL' }).waitFor();
  expect(await other.locator('[data-stage="pl"]').getByRole('article', { name: 'Zielonka Dolna Sp. z o.o.' }).count()).toBe(1);
  await other.screenshot({ path: join(SCREENSHOTS, 'view-editor-operator-board.png') });
}, 120_000);
