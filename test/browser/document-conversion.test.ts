// A declared record action of the shipped CRM, in Polish: an offer with lines shows "Generuj
// zamówienie"; clicking it creates the sales order (numbered in its register's series) and opens it
// with the offer's lines, and the offer lists the order among its related records.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite, createRecord } from './support.ts';

let offer = '';
const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (env) => {
  const contractor = await createRecord(env, 'contractor', { name: 'Drukarnia Kolorland Sp. z o.o.' });
  offer = await createRecord(env, 'offer', {
    title: 'Flota drukarek A3',
    contractor,
    lines: [
      { description: 'Drukarka A3', quantity: 3, unit: 'szt.', net_price: 1000, vat_rate: 'vat23' },
      { description: 'Toner', quantity: 10, unit: 'szt.', net_price: 50, vat_rate: 'vat23' },
    ],
  });
  await env.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
});

test('"Generuj zamówienie" on an offer opens the new sales order with the offer’s lines', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/offer/${offer}`);
  await page.getByTestId('record-title').filter({ hasText: 'Flota drukarek A3' }).waitFor();
  await page.getByRole('button', { name: 'Generuj zamówienie' }).click();
  await page.waitForURL(/\/r\/sales_order\/[0-9a-f-]{36}$/);
  await page.getByTestId('record-title').filter({ hasText: /^ZS\/\d{4}\/0001$/ }).waitFor();
  const rows = page.locator('.record-form [data-field="lines"] .lines-grid tbody tr');
  await expect(rows.count()).resolves.toBe(2);
  await expect(rows.nth(0).locator('[data-column="description"]').inputValue()).resolves.toBe('Drukarka A3');
  const order = (await b.api.get(`/records/sales_order/${page.url().split('/').pop()!}`)).body;
  expect(order).toMatchObject({ offer, net_total: 3500, gross_total: 4305 });
  // Back on the offer, the order is among its related records.
  await page.goto(`${b.url}/r/offer/${offer}`);
  await page.locator('.related-list').filter({ hasText: order.number }).waitFor();
});
