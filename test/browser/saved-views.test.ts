// Sort and ad-hoc filters in the address (they survive a reload), saved views of a list shared with
// a team, and a saved board view ("my deals") — issue #10 item 19, in the shipped CRM, in Polish.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { browserSuite, createRecord } from './support.ts';

const ids: Record<string, string> = {};

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  const create = (entity: string, values: Record<string, unknown>) => createRecord(b, entity, values);
  const me = (await b.api.get('/auth/me')).body.user.id;
  ids.team = (await b.api.post('/teams', { name: 'handlowcy', label: 'Handlowcy', members: [me] })).body.id;
  ids.anna = await create('employee', { name: 'Anna Nowak' });
  ids.piotr = await create('employee', { name: 'Piotr Wiśniewski' });
  for (const [name, rep, locality] of [
    ['Zielonka Dolna Sp. z o.o.', ids.anna, 'Zielonka'],
    ['Łódzkie Młyny S.A.', ids.piotr, 'Łódź'],
    ['Lubelskie Okna', ids.anna, 'Lublin'],
    ['Anwil Włocławek', ids.piotr, 'Włocławek'],
  ] as const) ids[name] = await create('contractor', { name, sales_rep: rep, locality });
  ids.dealAnna = await create('deal', { name: 'Pompy ciepła dla hotelu', contractor: ids['Lubelskie Okna'], salesperson: ids.anna });
  ids.dealAnna2 = await create('deal', { name: 'Serwis klimatyzacji', contractor: ids['Zielonka Dolna Sp. z o.o.'], salesperson: ids.anna, stage: 'negotiation' });
  ids.dealPiotr = await create('deal', { name: 'Modernizacja kotłowni', contractor: ids['Łódzkie Młyny S.A.'], salesperson: ids.piotr });
  ids.mate = await createTestUser(b.env.platform, { login: 'kolega', roles: ['salesperson'], teams: ['handlowcy'] });
});

const rows = () => b.page.locator('.grid-body [role="row"]');
const names = () => rows().locator('[role="cell"]:nth-child(2)').allTextContents();
const count = () => b.page.getByTestId('list-count');

test('sort and an ad-hoc filter are in the address and survive a reload', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor?view=*`);
  await count().filter({ hasText: '4 rekordy' }).waitFor();
  await page.getByRole('columnheader', { name: 'Nazwa ▲', exact: true }).click(); // sorted by name: now descending
  await page.getByRole('columnheader', { name: 'Nazwa ▼' }).waitFor();
  await page.getByRole('button', { name: 'Dodaj filtr' }).click();
  await page.getByLabel('field', { exact: true }).selectOption({ label: 'Opiekun handlowy' });
  await page.locator('.filter-value').getByRole('combobox').fill('Piotr');
  await page.getByRole('option', { name: 'Piotr Wiśniewski' }).click();
  await count().filter({ hasText: '2 rekordy' }).waitFor();
  await expect(names()).resolves.toEqual(['Łódzkie Młyny S.A.', 'Anwil Włocławek']);
  expect(new URL(page.url()).searchParams.get('sort')).toBe('-name');

  await page.reload();
  await count().filter({ hasText: '2 rekordy' }).waitFor();
  await page.getByRole('columnheader', { name: 'Nazwa ▼' }).waitFor();
  await expect(names()).resolves.toEqual(['Łódzkie Młyny S.A.', 'Anwil Włocławek']);
  await expect(page.getByLabel('field', { exact: true }).inputValue()).resolves.toBe('sales_rep');
  await expect(page.locator('.filter-value').getByRole('combobox').inputValue()).resolves.toBe('Piotr Wiśniewski');
});

test('a saved list view, shared with the team: chosen again after a reload, seen by a team mate', async () => {
  const { page } = b;
  // Continues from the filtered, sorted list of the previous test.
  await page.getByRole('button', { name: 'Zapisz widok' }).click();
  const dialog = page.getByRole('dialog', { name: 'Zapisz widok' });
  await dialog.getByLabel('Nazwa').fill('Klienci Piotra');
  await dialog.getByLabel('Widoczny dla').selectOption({ label: 'Zespół Handlowcy' });
  await b.screenshot('saved-view-dialog');
  await dialog.getByRole('button', { name: 'Zapisz' }).click();
  await dialog.waitFor({ state: 'detached' });
  const view = page.getByLabel('Widok');
  await view.locator('option:checked', { hasText: 'Klienci Piotra · Handlowcy' }).waitFor({ state: 'attached' });

  // Another view, then the saved one again from the list of views.
  await view.selectOption({ label: 'Wszystkie rekordy' });
  await count().filter({ hasText: '4 rekordy' }).waitFor();
  await view.selectOption({ label: 'Klienci Piotra · Handlowcy' });
  await count().filter({ hasText: '2 rekordy' }).waitFor();
  await expect(names()).resolves.toEqual(['Łódzkie Młyny S.A.', 'Anwil Włocławek']);
  await page.reload();
  await count().filter({ hasText: '2 rekordy' }).waitFor();
  await view.locator('option:checked', { hasText: 'Klienci Piotra · Handlowcy' }).waitFor({ state: 'attached' });
  await b.screenshot('saved-view-list');

  const stored = (await b.api.get('/saved-views?entity=contractor')).body.data;
  expect(stored).toEqual([expect.objectContaining({ name: 'Klienci Piotra', kind: 'list', teamId: ids.team, sort: '-name', filter: { sales_rep: { eq: ids.piotr } } })]);
  const mate = await userClient(b.env.platform, `${b.url}/api`, ids.mate!);
  expect((await mate.get('/saved-views?entity=contractor')).body.data).toEqual([expect.objectContaining({ name: 'Klienci Piotra', mine: false })]);
});

test('a saved board view: "my deals" on the sales board', async () => {
  const { page } = b;
  await page.goto(`${b.url}/board/sales`);
  const card = (id: string) => page.locator(`[data-id="${id}"]`);
  await card(ids.dealPiotr!).waitFor();
  await page.getByRole('button', { name: 'Dodaj filtr' }).click();
  await page.getByLabel('field', { exact: true }).selectOption({ label: 'Handlowiec' });
  await page.locator('.filter-value').getByRole('combobox').fill('Anna');
  await page.getByRole('option', { name: 'Anna Nowak' }).click();
  await card(ids.dealPiotr!).waitFor({ state: 'detached' });
  await card(ids.dealAnna!).waitFor();
  await card(ids.dealAnna2!).waitFor();
  await page.getByRole('button', { name: 'Zapisz widok' }).click();
  const dialog = page.getByRole('dialog', { name: 'Zapisz widok' });
  await dialog.getByLabel('Nazwa').fill('Szanse Anny');
  await dialog.getByRole('button', { name: 'Zapisz' }).click();
  await dialog.waitFor({ state: 'detached' });

  await page.goto(`${b.url}/board/sales`);
  await card(ids.dealPiotr!).waitFor();
  await page.getByLabel('Widok').selectOption({ label: 'Szanse Anny' });
  await card(ids.dealPiotr!).waitFor({ state: 'detached' });
  await page.reload();
  await card(ids.dealAnna!).waitFor();
  await expect(card(ids.dealPiotr!).count()).resolves.toBe(0);
  await page.getByLabel('Widok').locator('option:checked', { hasText: 'Szanse Anny' }).waitFor({ state: 'attached' });
  await b.screenshot('saved-view-board');
  expect((await b.api.get('/saved-views?entity=deal&kind=board')).body.data).toEqual([expect.objectContaining({ name: 'Szanse Anny', teamId: null, filter: { salesperson: { eq: ids.anna } } })]);
});
