// Lists in the shipped CRM on day one (issue #10), as a Polish user meets them: "all records" can be
// chosen, a reference filter picks a record by name, column headers are words, text sorts in
// Polish order, and a type's board view is offered and opens. The seed package, not the UI fixture.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite } from './support.ts';

const ids: Record<string, string> = {};

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  const create = async (entity: string, values: Record<string, unknown>) => {
    const res = await b.api.post(`/records/${entity}`, values);
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return res.body.id as string;
  };
  ids.anna = await create('employee', { name: 'Anna Nowak' });
  ids.piotr = await create('employee', { name: 'Piotr Wiśniewski' });
  ids.zielonka = await create('contractor', { name: 'Zielonka Dolna Sp. z o.o.', sales_rep: ids.anna, locality: 'Zielonka' });
  ids.lodz = await create('contractor', { name: 'Łódzkie Młyny S.A.', sales_rep: ids.piotr, locality: 'Łódź' });
  ids.lublin = await create('contractor', { name: 'Lubelskie Okna', sales_rep: ids.anna, locality: 'Lublin' });
  ids.person = await create('contractor', { name: 'Jan Kowalski', contractor_type: 'natural_person' });
});

const count = () => b.page.getByTestId('list-count');

test('"Wszystkie rekordy" can be chosen on the contractor list and stays chosen', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor`);
  // The default view: companies in Poland (not the private person).
  const view = page.getByLabel('Widok');
  await count().filter({ hasText: '3 rekordów' }).waitFor();
  await expect(view.inputValue()).resolves.toBe('companies_in_poland');
  await view.selectOption({ label: 'Wszystkie rekordy' });
  await count().filter({ hasText: '4 rekordów' }).waitFor();
  await page.waitForTimeout(300);
  await expect(view.locator('option:checked').textContent()).resolves.toBe('Wszystkie rekordy');
  await expect(count().textContent()).resolves.toBe('4 rekordów');
  // A reload keeps the choice.
  await page.reload();
  await count().filter({ hasText: '4 rekordów' }).waitFor();
  await expect(view.locator('option:checked').textContent()).resolves.toBe('Wszystkie rekordy');
});
