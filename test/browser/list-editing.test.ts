// Working in lists without opening every record (issue #10, features): a cell edited in place and
// saved through the records API (a refusal shown on the cell, in Polish), the sales rep of selected
// contractors reassigned in one all-or-nothing request, the trash with restore, and the record card
// as a read view that turns editable on demand. The shipped CRM, in Polish.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite, createRecord } from './support.ts';

const ids: Record<string, string> = {};

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  const create = (entity: string, values: Record<string, unknown>) => createRecord(b, entity, values);
  ids.anna = await create('employee', { name: 'Anna Nowak' });
  ids.piotr = await create('employee', { name: 'Piotr Wiśniewski' });
  ids.alfa = await create('contractor', { name: 'Alfa Serwis', sales_rep: ids.anna, locality: 'Kraków' });
  ids.beta = await create('contractor', { name: 'Beta Instal', sales_rep: ids.anna, locality: 'Tarnów' });
  ids.gamma = await create('contractor', { name: 'Gamma Bud', sales_rep: ids.anna, locality: 'Nowy Sącz' });
  ids.old = await create('contractor', { name: 'Omega Zlikwidowana', locality: 'Bochnia' });
  const removed = await b.api.delete(`/records/contractor/${ids.old}`);
  if (removed.status !== 200) throw new Error(JSON.stringify(removed.body));
});

const row = (id: string) => b.page.locator('.grid-body [role="row"]').filter({ has: b.page.locator(`a[href="/r/contractor/${id}"]`) });
const stored = async (id: string) => (await b.api.get(`/records/contractor/${id}`)).body;
const history = async (id: string) => (await b.api.get(`/records/contractor/${id}/history`)).body.data;

test('a cell is edited in place: saved through the API, a refused value shown on the cell', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor`);
  await row(ids.alfa!).waitFor();
  await row(ids.alfa!).hover();
  await row(ids.alfa!).getByRole('button', { name: 'Edytuj: Miejscowość' }).click();
  const input = row(ids.alfa!).getByLabel('Edytuj: Miejscowość');
  await input.fill('Wieliczka');
  await input.press('Enter');
  await row(ids.alfa!).getByText('Wieliczka').waitFor();
  expect(await stored(ids.alfa!)).toMatchObject({ locality: 'Wieliczka', version: 2 });
  expect((await history(ids.alfa!)).pop()).toMatchObject({ action: 'update', changes: { locality: ['Kraków', 'Wieliczka'] } });

  // The same checks as the form: an invalid NIP is refused by the server, shown on the cell in Polish.
  await row(ids.beta!).hover();
  await row(ids.beta!).getByRole('button', { name: 'Edytuj: NIP' }).click();
  const nip = row(ids.beta!).getByLabel('Edytuj: NIP');
  await nip.fill('526-025-02-75');
  await nip.press('Enter');
  await row(ids.beta!).getByRole('alert').getByText(/NIP/).waitFor();
  await expect(row(ids.beta!).getByRole('alert').textContent()).resolves.toMatch(/nie jest poprawnym NIP/);
  await b.screenshot('list-inline-error');
  await nip.press('Escape');
  await row(ids.beta!).getByRole('alert').waitFor({ state: 'detached' });
  expect(await stored(ids.beta!)).toMatchObject({ tax_id: null, version: 1 });
});

test('the sales rep of selected contractors is reassigned in one request, audited per record', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor?view=*`);
  await row(ids.beta!).getByRole('checkbox').check();
  await row(ids.gamma!).getByRole('checkbox').check();
  const requests: string[] = [];
  page.on('request', (r) => r.method() !== 'GET' && requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  await page.getByRole('button', { name: 'Ustaw…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('field').selectOption({ label: 'Opiekun handlowy' });
  await dialog.locator('.mass-value').getByRole('combobox').fill('Piotr');
  await page.getByRole('option', { name: 'Piotr Wiśniewski' }).click();
  await b.screenshot('list-mass-update');
  await dialog.getByRole('button', { name: 'Zastosuj' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('status').filter({ hasText: 'Zmieniono rekordów: 2' }).waitFor();
  expect(requests).toEqual(['POST /api/records/contractor/mass-update']);
  for (const id of [ids.beta!, ids.gamma!]) {
    expect((await stored(id)).sales_rep).toBe(ids.piotr);
    expect((await history(id)).pop()).toMatchObject({ action: 'update', via: 'ui', changes: { sales_rep: [ids.anna, ids.piotr] } });
  }
  expect((await stored(ids.alfa!)).sales_rep).toBe(ids.anna);

  // All or nothing: a row changed meanwhile by someone else refuses the whole change, naming it.
  await row(ids.alfa!).getByRole('checkbox').check();
  await row(ids.beta!).getByRole('checkbox').check();
  await b.api.patch(`/records/contractor/${ids.beta}`, { locality: 'Dębica', version: 2 });
  await page.getByRole('button', { name: 'Ustaw…' }).click();
  await dialog.getByLabel('field').selectOption({ label: 'Opiekun handlowy' });
  await dialog.locator('.mass-value').getByRole('combobox').fill('Piotr');
  await page.getByRole('option', { name: 'Piotr Wiśniewski' }).click();
  await dialog.getByRole('button', { name: 'Zastosuj' }).click();
  await dialog.getByRole('alert').getByText(/Nic nie zmieniono: odmowa dla Beta Instal/).waitFor();
  expect((await stored(ids.alfa!)).sales_rep).toBe(ids.anna);
  await dialog.getByRole('button', { name: 'Anuluj' }).click();
  b.takePageErrors();
});

test('the trash lists deleted contractors and restores one', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor?view=*`);
  await page.getByRole('link', { name: 'Kosz' }).click();
  await page.getByRole('heading', { name: 'Kosz: Kontrahenci' }).waitFor();
  const deleted = page.locator(`tr[data-id="${ids.old}"]`);
  await deleted.getByText('Omega Zlikwidowana').waitFor();
  await b.screenshot('trash');
  await deleted.getByRole('button', { name: 'Przywróć' }).click();
  await deleted.waitFor({ state: 'detached' });
  await page.getByText('Kosz jest pusty.').waitFor();
  expect(await stored(ids.old!)).toMatchObject({ deleted_at: null, name: 'Omega Zlikwidowana' });
  expect((await history(ids.old!)).pop()).toMatchObject({ action: 'restore' });
  await page.getByRole('status').getByRole('link', { name: 'Omega Zlikwidowana' }).click();
  await page.getByTestId('record-title').filter({ hasText: 'Omega Zlikwidowana' }).waitFor();
});

test('the record card is a read view; Edytuj makes it editable, Zapisz saves and returns to reading', async () => {
  const { page } = b;
  const version = (await stored(ids.gamma!)).version as number;
  await page.goto(`${b.url}/r/contractor/${ids.gamma}`);
  await page.getByTestId('record-title').filter({ hasText: 'Gamma Bud' }).waitFor();
  const locality = page.locator('[data-field="locality"] input');
  await expect(locality.isEditable()).resolves.toBe(false);
  await expect(page.getByRole('button', { name: 'Zapisz' }).count()).resolves.toBe(0);
  await b.screenshot('record-read-view');
  await page.getByRole('button', { name: 'Edytuj', exact: true }).click();
  await expect(locality.isEditable()).resolves.toBe(true);
  // Cancel discards the edit.
  await locality.fill('Limanowa');
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Anuluj' }).click();
  await expect(locality.inputValue()).resolves.toBe('Nowy Sącz');
  await page.getByRole('button', { name: 'Edytuj', exact: true }).click();
  await locality.fill('Gorlice');
  await page.getByRole('button', { name: 'Zapisz' }).click();
  await page.getByText(`wersja ${version + 1}`).waitFor();
  await expect(locality.isEditable()).resolves.toBe(false);
  await page.getByRole('button', { name: 'Edytuj', exact: true }).waitFor();
  expect((await stored(ids.gamma!)).locality).toBe('Gorlice');
});
