// The designer's roles matrix (issue #20), as the seed's analyst (not an administrator) uses it in
// Polish: the salesperson role's grid of entity types × rights, moved through with the keyboard;
// the contractor row's field rights make the phone read-only for salespeople; a row condition is
// checked as it is typed; one plan applied. "View as this role" then shows the contractors as the
// salesperson sees them, the phone read-only in the form — and the salesperson, signed in in another
// browser, gets the phone read-only at once without a restart, the server refusing a write to it.
import { join } from 'node:path';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { createTestUser } from '../support/auth.ts';
import { SCREENSHOTS } from './paths.ts';
import { otherBrowser, signInSuiteBrowser, type OtherBrowser } from './second-browser.ts';
import { browserSuite } from './support.ts';
import { pageLayout } from './layout.ts';

let operator: OtherBrowser;
let contractorId: string;

const b = browserSuite({ packageDir: SEED_METADATA_DIR, signedIn: false }, async (b) => {
  await createTestUser(b.env.platform, { login: 'analityk', roles: ['analyst'] });
  await createTestUser(b.env.platform, { login: 'handlowiec', roles: ['salesperson'] });
  await signInSuiteBrowser(b, 'analityk', 'pl');
  // The salesperson: another browser, another session; the contractor is theirs (update: own).
  operator = await otherBrowser(b.url, 'handlowiec', 'en');
  const created = await operator.context.request.post(`${b.url}/api/records/contractor`, {
    data: { name: 'Zielonka Dolna Sp. z o.o.', contractor_type: 'company', country: 'pl', phone: '+48 22 111 22 33' },
    headers: { 'x-csrf-token': await operator.csrf() },
  });
  if (created.status() !== 201) throw new Error(`creating the contractor: ${await created.text()}`);
  contractorId = ((await created.json()) as { id: string }).id;
});

afterAll(async () => {
  await operator?.close();
});

test('an analyst makes the phone read-only for salespeople; a salesperson gets it at once and the server refuses a write', async () => {
  const { page } = b;
  const other = operator.context.pages()[0] ?? (await operator.context.newPage());
  const phone = (p: typeof page) => p.locator('[data-field="phone"] input').first();
  // Before: the salesperson may change the phone of their contractor.
  await other.goto(`${b.url}/r/contractor/${contractorId}`);
  await other.getByRole('button', { name: 'Edit', exact: true }).click();
  await expect(phone(other).isEditable()).resolves.toBe(true);

  await page.goto(`${b.url}/designer`);
  await page.getByRole('navigation', { name: 'Elementy' }).getByRole('button', { name: 'Handlowiec' }).click();
  const editor = page.getByRole('region', { name: 'Macierz uprawnień' });
  const matrix = editor.getByRole('table', { name: 'Macierz uprawnień' });
  // The grid: the salesperson reads all contractors and changes their own; Ctrl+→ moves to the next right.
  const read = matrix.getByLabel('Odczyt — Kontrahenci');
  await expect(read.inputValue()).resolves.toBe('all');
  await read.focus();
  await page.keyboard.press('Control+ArrowRight');
  await expect(matrix.locator('select[aria-label="Tworzenie — Kontrahenci"]:focus').count()).resolves.toBe(1);
  await page.keyboard.press('Control+ArrowRight');
  await expect(matrix.locator('select[aria-label="Zmiana — Kontrahenci"]:focus').count()).resolves.toBe(1);
  await expect(matrix.getByLabel('Zmiana — Kontrahenci').inputValue()).resolves.toBe('own');

  // The contractor row: its field rights and its row condition.
  await matrix.getByRole('button', { name: 'Kontrahenci' }).click();
  const fields = editor.getByRole('region', { name: 'Prawa do pól: Kontrahenci' });
  await expect(fields.getByLabel('Prawo do pola Limit kredytowy').inputValue()).resolves.toBe('read');
  await fields.getByLabel('Prawo do pola Telefon').selectOption({ label: 'tylko odczyt' });
  // A condition is checked as it is typed; left empty, the row has none.
  const condition = fields.getByLabel('Warunek wierszy');
  await condition.fill('segmnt = "key"');
  await fields.getByText('Nieznane pole „segmnt” w znakach 1–6').waitFor();
  await condition.fill('');
  await b.screenshot('roles-matrix-page');
  // The grid alone, small enough for docs/screenshots/roles-matrix.png.
  await editor.locator('.role-matrix-scroll').screenshot({ path: join(SCREENSHOTS, 'roles-matrix.png'), scale: 'css' });

  // Before applying, "view as this role" previews the draft: the phone is read-only there already
  // (the salesperson, on the applied version, may still change it).
  const draftPreview = editor.getByRole('region', { name: 'Podgląd jako ta rola' });
  await draftPreview.getByText('podgląd pokazuje rolę tak, jak definiuje ją Twój szkic').waitFor();
  await draftPreview.getByLabel('Jako użytkownik (login)').fill('handlowiec');
  await draftPreview.getByRole('button', { name: 'Pokaż' }).click();
  await draftPreview.getByText('Jako handlowiec, z tylko tą rolą').waitFor();
  const draftPhone = draftPreview.getByRole('region', { name: 'Formularz jako ta rola' }).locator('[data-field="phone"] input').first();
  await draftPhone.waitFor();
  await expect(draftPhone.isEditable()).resolves.toBe(false);
  // At a phone's width the preview's controls stay on the screen (its type picker ran off the edge).
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(pageLayout(page).then((l) => l.overflowing)).resolves.toEqual([]);
  await page.setViewportSize({ width: 1440, height: 900 });

  // One plan, applied by the analyst.
  await page.getByRole('button', { name: 'Przejrzyj zmiany' }).click();
  await page.getByRole('dialog', { name: 'Plan migracji' }).getByRole('button', { name: 'Zastosuj w bazie danych' }).click();
  await page.getByRole('status').filter({ hasText: 'Zastosowano: wersja metadanych' }).waitFor();
  const stored = (await b.api.get('/meta')).body.files['roles/salesperson.json'] as {
    permissions: { entity: string; fields?: Record<string, string>; condition?: string }[];
  };
  const entry = stored.permissions.find((p) => p.entity === 'contractor')!;
  expect(entry.fields).toEqual({ credit_limit: 'read', balance: 'read', phone: 'read' });
  expect(entry.condition).toBeUndefined();

  // View as this role, as the salesperson's login: their contractor, the phone read-only in the form.
  const preview = editor.getByRole('region', { name: 'Podgląd jako ta rola' });
  await preview.getByLabel('Jako użytkownik (login)').fill('handlowiec');
  await preview.getByRole('button', { name: 'Pokaż' }).click();
  await preview.getByText('Jako handlowiec, z tylko tą rolą').waitFor();
  await preview.getByRole('table', { name: 'Lista jako ta rola' }).getByText('Zielonka Dolna Sp. z o.o.').waitFor();
  const form = preview.getByRole('region', { name: 'Formularz jako ta rola' });
  await expect(form.locator('[data-field="phone"] input').first().isEditable()).resolves.toBe(false);
  await expect(form.locator('[data-field="email"] input').first().isEditable()).resolves.toBe(true);
  await b.screenshot('roles-matrix-preview');

  // The salesperson, in the other browser, without a restart: the phone is read-only…
  await other.goto(`${b.url}/r/contractor/${contractorId}`);
  await other.getByRole('button', { name: 'Edit', exact: true }).click();
  await phone(other).waitFor();
  await expect(phone(other).isEditable()).resolves.toBe(false);
  await expect(other.locator('[data-field="email"] input').first().isEditable()).resolves.toBe(true);
  // …and the server refuses a write to it, with a pointer at the field.
  const csrf = await operator.csrf();
  const current = (await (await other.request.get(`${b.url}/api/records/contractor/${contractorId}`)).json()) as { version: number };
  const refused = await other.request.patch(`${b.url}/api/records/contractor/${contractorId}`, {
    data: { phone: '+48 22 999 99 99', version: current.version },
    headers: { 'x-csrf-token': csrf },
  });
  expect(refused.status()).toBe(403);
  expect(refused.headers()['content-type']).toContain('application/problem+json');
  expect(((await refused.json()) as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual(['/phone']);
}, 120_000);

test('an analyst adds a role in the designer and gives it rights in the matrix', async () => {
  const { page } = b;
  await page.goto(`${b.url}/designer`);
  await page.getByRole('button', { name: '+ Nowa rola' }).click();
  const dialog = page.getByRole('dialog', { name: 'Nowa rola' });
  await dialog.locator('input').nth(0).fill('magazynier');
  await dialog.locator('input').nth(1).fill('Warehouse keeper');
  await dialog.getByRole('button', { name: 'Dodaj' }).click();
  const matrix = page.getByRole('region', { name: 'Macierz uprawnień' }).getByRole('table', { name: 'Macierz uprawnień' });
  await matrix.getByLabel('Odczyt — Towary i usługi').selectOption('all');
  await page.getByRole('button', { name: 'Przejrzyj zmiany' }).click();
  await page.getByRole('dialog', { name: 'Plan migracji' }).getByRole('button', { name: 'Zastosuj w bazie danych' }).click();
  await page.getByRole('status').filter({ hasText: 'Zastosowano: wersja metadanych' }).waitFor();
  const stored = (await b.api.get('/meta')).body.files['roles/magazynier.json'] as {
    kind: string;
    name: string;
    permissions: { entity: string; read?: string }[];
  };
  expect([stored.kind, stored.name, stored.permissions]).toEqual(['role', 'magazynier', [{ entity: 'product', read: 'all' }]]);
}, 120_000);
