// An offer of the shipped CRM edited in Polish for a wholesaler: the product picked on a line brings
// its price from the wholesale price list and the wholesalers' discount at once (the server's own
// price lookup, asked by the form); ten pieces reach the quantity break; a price typed by the user
// stays and is what is saved.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite, createRecord } from './support.ts';

let contractor = '';
const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (env) => {
  const group = await createRecord(env, 'contractor_group', { name: 'Hurtownie' });
  contractor = await createRecord(env, 'contractor', { name: 'Hurtownia Papieru Sp. z o.o.', groups: [{ id: group }] });
  const toner = await createRecord(env, 'product', { code: 'TON-01', name: 'Toner czarny', product_group: 'Materiały', sale_price: { amount: 120, currency: 'PLN' } });
  await createRecord(env, 'price_list', { name: 'Hurt', currency: 'pln', priority: 10, items: [{ product: toner, price: 95 }] });
  await createRecord(env, 'discount_rule', { name: 'Hurtownie 5%', percent: 5, contractor_group: group });
  await createRecord(env, 'discount_rule', { name: 'Toner od 10 szt.', percent: 8, product: toner, min_quantity: 10, priority: 5 });
  await env.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
});

const field = (name: string) => b.page.locator(`.record-form [data-field="${name}"]`);
const cell = (row: number, column: string) => b.page.locator(`.lines-grid [data-row="${row}"] [data-column="${column}"]`);
const number = (text: string) => Number(text.replace(/[^\d,.-]/g, '').replace(',', '.'));
const until = async (read: () => Promise<number>, value: number, what: string) => {
  for (let i = 0; i < 60 && (await read()) !== value; i++) await b.page.waitForTimeout(50);
  expect([what, await read()]).toEqual([what, value]);
};
const cellValue = (row: number, column: string) => async () => number(await cell(row, column).inputValue());
const total = (name: string) => async () => number(await field(name).locator('input').inputValue());

test('the product picked on an offer line brings the list price and the discount; the quantity break and a typed price follow', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/offer/new?contractor=${contractor}`);
  await page.getByRole('heading', { name: /Oferta/ }).first().waitFor();
  await field('title').locator('input').fill('Tonery dla hurtowni');
  await page.getByRole('button', { name: 'Dodaj pozycję' }).click();
  await page.locator('#root_lines_0_product').fill('Toner');
  await page.getByRole('option', { name: /Toner czarny/ }).click();
  // The wholesale list's 95 zł (not the 120 zł sale price) and the wholesalers' 5%.
  await until(cellValue(0, 'net_price'), 95, 'cena netto');
  await until(cellValue(0, 'discount_percent'), 5, 'rabat');
  await until(total('net_total'), 90.25, 'wartość netto');
  await b.screenshot('price-lists-line');

  // Ten pieces: the toner rule (priority 5, 8%) takes over.
  await cell(0, 'quantity').fill('10');
  await until(cellValue(0, 'discount_percent'), 8, 'rabat od 10 szt.');
  await until(total('net_total'), 874, 'wartość netto');
  // A price typed by the user stays.
  await cell(0, 'net_price').fill('90');
  await until(total('net_total'), 828, 'wartość netto');

  await page.getByRole('button', { name: 'Zapisz' }).click();
  await page.getByTestId('record-title').filter({ hasText: 'Tonery dla hurtowni' }).waitFor();
  const stored = (await b.api.get(`/records/offer/${page.url().split('/').pop()!}`)).body;
  expect(stored.lines.map((l: Record<string, unknown>) => [l.quantity, l.net_price, l.discount_percent, l.net])).toEqual([[10, 90, 8, 828]]);
});
