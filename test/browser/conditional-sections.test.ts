// The analyst's studio, conditional sections: the seed's analyst (not an administrator) gives the
// contractor form's "Dane handlowe" section a FEEL condition in the layout editor — checked as it is
// typed (unknown fields, syntax errors with where) — reviews and applies it; an operator in another
// browser session then sees the section appear and disappear as the contractor's type changes, and
// saves a natural person with the hidden value kept. Then the analyst gives salespeople their own
// layout variant (a role chooser), and the operator's form follows it; and gives the task kind its
// own full form, which a new task shows behind "all fields". In Polish.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { createTestUser, TEST_PASSWORD } from '../support/auth.ts';
import { chromiumPath } from './paths.ts';
import { browserSuite } from './support.ts';

const b = browserSuite({ packageDir: SEED_METADATA_DIR, signedIn: false }, async (env) => {
  await createTestUser(env.env.platform, { login: 'analityk', roles: ['analyst'] });
  await createTestUser(env.env.platform, { login: 'handlowiec', roles: ['salesperson'] });
});

let browser: Browser | undefined;
let operatorContext: BrowserContext | undefined;

afterAll(async () => {
  await operatorContext?.close().catch(() => undefined);
  await browser?.close();
});

async function signIn(context: BrowserContext, login: string): Promise<void> {
  const res = await context.request.post(`${b.url}/api/auth/login`, { data: { login, password: TEST_PASSWORD } });
  expect(res.status()).toBe(200);
  await context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
}

test('an analyst makes a section conditional; an operator sees it follow the field', async () => {
  const { page } = b;
  await signIn(b.context, 'analityk');
  await page.goto(`${b.url}/designer`);
  await page.getByRole('navigation', { name: 'Elementy' }).getByRole('button', { name: 'Kontrahent', exact: true }).click();
  const layout = page.getByRole('region', { name: 'Układ formularza' });
  const business = layout.getByRole('group', { name: 'Dane handlowe', exact: true });
  const condition = business.getByLabel('Pokaż, gdy (FEEL)');
  const state = business.getByRole('status');

  // Checked as it is typed: a name that is no field, then a syntax error with where it is.
  await condition.fill('contractor_typ = "company"');
  await state.filter({ hasText: 'Nieznane pole „contractor_typ” w znakach 1–14' }).waitFor();
  await expect(condition.getAttribute('aria-invalid')).resolves.toBe('true');
  await condition.fill('contractor_type = "company" and');
  await state.filter({ hasText: 'Niepoprawny FEEL w znakach' }).waitFor();
  await condition.fill('contractor_type = "company"');
  await state.filter({ hasText: 'Poprawny warunek' }).waitFor();
  await expect(condition.getAttribute('aria-invalid')).resolves.toBe('false');
  // The preview's record is empty: no type, so the section is hidden there.
  const preview = layout.getByRole('region', { name: 'Podgląd' });
  await preview.getByRole('region', { name: 'Adres' }).waitFor();
  expect(await preview.getByRole('region', { name: 'Dane handlowe' }).count()).toBe(0);
  await b.screenshot('designer-section-condition');

  await page.getByRole('button', { name: 'Przejrzyj zmiany' }).click();
  await page.getByRole('dialog', { name: 'Plan migracji' }).getByRole('button', { name: 'Zastosuj w bazie danych' }).click();
  await page.getByRole('status').filter({ hasText: 'Zastosowano: wersja metadanych 2' }).waitFor();
  const applied = (await b.api.get('/meta')).body.files['entities/contractor.json'].layout as { id: string; visibleWhen?: string }[];
  expect(applied.find((s) => s.id === 'crm.contractor.section.business')!.visibleWhen).toBe('contractor_type = "company"');

  // An operator in another browser session: the section follows the contractor's type.
  browser = await chromium.launch({ executablePath: chromiumPath()!, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  operatorContext = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'pl-PL' });
  await signIn(operatorContext, 'handlowiec');
  const operator: Page = await operatorContext.newPage();
  await operator.goto(`${b.url}/r/contractor/new`);
  const section = operator.getByRole('region', { name: 'Dane handlowe' });
  const type = operator.locator('[data-field="contractor_type"] select');
  await section.locator('[data-field="industry"]').waitFor();
  await type.selectOption('natural_person');
  await section.waitFor({ state: 'detached' });
  await type.selectOption('company');
  await section.locator('[data-field="industry"]').waitFor();
  await operator.locator('[data-field="industry"] select').selectOption('energy');
  await type.selectOption('natural_person');
  await section.waitFor({ state: 'detached' });
  // Saved while hidden, the value is kept (nothing clears it).
  await operator.locator('[data-field="name"] input').fill('Jan Nowak');
  await operator.getByRole('button', { name: 'Zapisz' }).click();
  await operator.getByTestId('record-title').filter({ hasText: 'Jan Nowak' }).waitFor();
  const id = operator.url().split('/').pop()!;
  expect((await b.api.get(`/records/contractor/${id}`)).body).toMatchObject({ contractor_type: 'natural_person', industry: 'energy' });
});

test("an analyst gives salespeople a layout variant; the operator's form is the variant", async () => {
  const { page } = b;
  await page.goto(`${b.url}/designer`);
  await page.getByRole('navigation', { name: 'Elementy' }).getByRole('button', { name: 'Kontrahent', exact: true }).click();
  const layout = page.getByRole('region', { name: 'Układ formularza' });
  await layout.getByLabel('Dodaj wariant dla roli').selectOption({ label: 'Handlowiec' });
  await expect(layout.getByRole('combobox', { name: 'Formularz dla', exact: true }).locator('option:checked').textContent()).resolves.toBe('Handlowiec');
  await layout.getByRole('group', { name: 'Role tego wariantu' }).getByLabel('Handlowiec').waitFor();
  // The variant starts as a copy of the default form: the notes section is taken out of it only.
  await layout.getByRole('group', { name: 'Uwagi', exact: true }).getByRole('button', { name: 'Usuń sekcję' }).click();
  await layout.getByRole('group', { name: 'Nieumieszczone' }).locator('[data-layout-field="notes"]').waitFor();
  await layout.getByRole('combobox', { name: 'Formularz dla', exact: true }).selectOption({ label: 'Pozostali (domyślny)' });
  await layout.getByRole('group', { name: 'Uwagi', exact: true }).waitFor();
  await b.screenshot('designer-layout-variant');

  await page.getByRole('button', { name: 'Przejrzyj zmiany' }).click();
  await page.getByRole('dialog', { name: 'Plan migracji' }).getByRole('button', { name: 'Zastosuj w bazie danych' }).click();
  await page.getByRole('status').filter({ hasText: 'Zastosowano: wersja metadanych 3' }).waitFor();
  const applied = (await b.api.get('/meta')).body.files['entities/contractor.json'];
  expect(applied.layoutVariants.map((v: { roles: string[] }) => v.roles)).toEqual([['salesperson']]);
  expect(applied.layout.some((s: { id: string }) => s.id === 'crm.contractor.section.notes')).toBe(true);

  const operator = operatorContext!.pages()[0]!;
  await operator.goto(`${b.url}/r/contractor/new`);
  await operator.getByRole('region', { name: 'Adres' }).waitFor();
  await operator.getByRole('region', { name: 'Pozostałe' }).locator('[data-field="notes"]').waitFor();
  expect(await operator.getByRole('region', { name: 'Uwagi' }).count()).toBe(0);
});

test("an analyst gives the task kind its own full form; the operator's task shows it behind all fields", async () => {
  const { page } = b;
  await page.goto(`${b.url}/designer`);
  await page.getByRole('navigation', { name: 'Elementy' }).getByRole('button', { name: 'Zadanie', exact: true }).click();
  const layout = page.getByRole('region', { name: 'Układ formularza' });
  // The kind's fields (common, links, its own) are the palette; no role chooser for a kind.
  await layout.getByRole('group', { name: 'Nieumieszczone' }).locator('[data-layout-field="planned_hours"]').waitFor();
  await layout.getByRole('group', { name: 'Nieumieszczone' }).locator('[data-layout-field="subject"]').waitFor();
  expect(await layout.getByRole('combobox', { name: 'Formularz dla', exact: true }).count()).toBe(0);
  await layout.getByRole('button', { name: 'Dodaj sekcję' }).click();
  await layout.getByLabel('Do sekcji: planned_hours').selectOption({ label: 'Sekcja 1' });
  await layout.getByRole('group', { name: 'Sekcja 1', exact: true }).getByLabel('Etykieta sekcji pl').fill('Planowanie');
  await layout.getByRole('region', { name: 'Podgląd' }).getByRole('region', { name: 'Planowanie' }).locator('[data-field="planned_hours"]').waitFor();

  await page.getByRole('button', { name: 'Przejrzyj zmiany' }).click();
  await page.getByRole('dialog', { name: 'Plan migracji' }).getByRole('button', { name: 'Zastosuj w bazie danych' }).click();
  await page.getByRole('status').filter({ hasText: 'Zastosowano: wersja metadanych 4' }).waitFor();
  expect((await b.api.get('/meta')).body.files['activity-kinds/task.json'].layout).toEqual([expect.objectContaining({ fields: ['planned_hours'], label: expect.objectContaining({ pl: 'Planowanie' }) })]);

  // A new task opens on its short form; all fields are the kind's full form.
  const operator = operatorContext!.pages()[0]!;
  await operator.goto(`${b.url}/r/activity/new?kind=task`);
  await operator.locator('[data-field="subject"]').waitFor();
  expect(await operator.getByRole('region', { name: 'Planowanie' }).count()).toBe(0);
  await operator.getByRole('button', { name: 'Wszystkie pola' }).click();
  await operator.getByRole('region', { name: 'Planowanie' }).locator('[data-field="planned_hours"]').waitFor();
});
