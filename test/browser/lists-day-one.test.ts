// Lists in the shipped CRM on day one (issue #10), as a Polish user meets them: "all records" can be
// chosen, a reference filter picks a record by name, column headers are words, text sorts in
// Polish order, and a type's board view is offered and opens. The seed package, not the UI fixture.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite, createRecord } from './support.ts';

const ids: Record<string, string> = {};

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  const create = (entity: string, values: Record<string, unknown>) => createRecord(b, entity, values);
  ids.anna = await create('employee', { name: 'Anna Nowak' });
  ids.piotr = await create('employee', { name: 'Piotr Wiśniewski' });
  ids.zielonka = await create('contractor', { name: 'Zielonka Dolna Sp. z o.o.', sales_rep: ids.anna, locality: 'Zielonka' });
  ids.lodz = await create('contractor', { name: 'Łódzkie Młyny S.A.', sales_rep: ids.piotr, locality: 'Łódź' });
  ids.lublin = await create('contractor', { name: 'Lubelskie Okna', sales_rep: ids.anna, locality: 'Lublin' });
  ids.person = await create('contractor', { name: 'Jan Kowalski', contractor_type: 'natural_person' });
  ids.order = await create('service_order', { contractor: ids.zielonka, problem: 'Kocioł nie grzeje' });
  ids.cancelled = await create('service_order', { contractor: ids.lodz, problem: 'Pomyłka' });
  const cancel = await b.api.patch(`/records/service_order/${ids.cancelled}`, { status: 'cancelled', version: 1 });
  if (cancel.status !== 200) throw new Error(JSON.stringify(cancel.body));
});

const rows = () => b.page.locator('.grid-body [role="row"]');
const language = (code: string) => b.page.getByRole('group', { name: 'Language' }).getByRole('button', { name: code, exact: true });
const count = () => b.page.getByTestId('list-count');

test('"Wszystkie rekordy" can be chosen on the contractor list and stays chosen', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor`);
  // The default view: companies in Poland (not the private person).
  const view = page.getByLabel('Widok');
  await count().filter({ hasText: '3 rekordy' }).waitFor();
  await expect(view.inputValue()).resolves.toBe('companies_in_poland');
  await view.selectOption({ label: 'Wszystkie rekordy' });
  await count().filter({ hasText: '4 rekordy' }).waitFor();
  await page.waitForTimeout(300);
  await expect(view.locator('option:checked').textContent()).resolves.toBe('Wszystkie rekordy');
  await expect(count().textContent()).resolves.toBe('4 rekordy');
  // A reload keeps the choice.
  await page.reload();
  await count().filter({ hasText: '4 rekordy' }).waitFor();
  await expect(view.locator('option:checked').textContent()).resolves.toBe('Wszystkie rekordy');
});

test('a reference filter picks the sales rep by name; a refused filter leaves no stale count', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor?view=*`);
  await count().filter({ hasText: '4 rekordy' }).waitFor();
  await page.getByRole('button', { name: 'Dodaj filtr' }).click();
  await page.getByLabel('field', { exact: true }).selectOption({ label: 'Opiekun handlowy' });
  await expect(page.getByLabel('operator').inputValue()).resolves.toBe('eq');
  const picker = page.locator('.filter-value').getByRole('combobox');
  await picker.fill('Anna');
  await page.getByRole('option', { name: 'Anna Nowak' }).click();
  await count().filter({ hasText: '2 rekordy' }).waitFor();
  await expect(rows().locator('[role="cell"]:nth-child(2)').allTextContents()).resolves.toEqual(['Lubelskie Okna', 'Zielonka Dolna Sp. z o.o.']);
  await expect(picker.inputValue()).resolves.toBe('Anna Nowak');
  await b.screenshot('list-reference-filter');
  // An address with a value that is no id (typed by hand): the problem is shown, no count over it.
  await page.goto(`${b.url}/r/contractor?view=*&filters=${encodeURIComponent(JSON.stringify([['sales_rep', 'eq', 'Anna Nowak']]))}`);
  await page.locator('.error-box').waitFor();
  await expect(count().textContent()).resolves.toBe('');
  b.takePageErrors();
});

test('column headings are words (system columns too), designer list items have meaningful headings', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor?view=companies_without_tax_id`);
  await count().filter({ hasText: /\d+ rekord/ }).waitFor();
  await expect(page.getByRole('columnheader').allTextContents()).resolves.toEqual(['', 'Nazwa ▲', 'Miejscowość', 'Kraj', 'Utworzono']);
  await language('EN').click();
  await expect(page.getByRole('columnheader').allTextContents()).resolves.toEqual(['', 'Name ▲', 'Locality', 'Country', 'Created']);
  await language('RO').click();
  await expect(page.getByRole('columnheader').last().textContent()).resolves.toBe('Creat');
  await language('PL').click();

  await page.goto(`${b.url}/designer`);
  await page.getByRole('navigation', { name: 'Elementy' }).getByRole('button', { name: 'Kontrahent', exact: true }).click();
  await page.locator('[data-field-row="contractor_type"]').getByRole('button', { name: 'Edytuj' }).click();
  const dialog = page.getByRole('dialog');
  const legends = await dialog.locator('legend').allTextContents();
  expect(legends).toContain('1. company — Firma');
  expect(legends.filter((l) => /^values-\d+$/.test(l))).toEqual([]);
  await b.screenshot('designer-enum-values');
});

test('the service-order list offers its board view, which opens with the view\'s columns', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/service_order`);
  await count().filter({ hasText: /\d+ rekord/ }).waitFor();
  await page.getByRole('link', { name: 'Tablica' }).click();
  await page.getByRole('heading', { name: 'Tablica serwisu' }).waitFor();
  const received = page.locator('[data-stage="received"]');
  await received.locator(`[data-id="${ids.order}"]`).waitFor();
  await expect(received.getByTestId('stage-count').textContent()).resolves.toBe('1');
  // The view leaves out invoiced and cancelled orders: no such columns, and the cancelled order is not shown.
  await expect(page.locator('[data-stage]').evaluateAll((els) => els.map((e) => e.getAttribute('data-stage')))).resolves.toEqual(['received', 'in_repair', 'waiting_for_parts', 'ready', 'released']);
  await expect(page.locator(`[data-id="${ids.cancelled}"]`).count()).resolves.toBe(0);
  await expect(page.getByText('Nie znaleziono').count()).resolves.toBe(0);
  await b.screenshot('service-board');
});
