// "Konwertuj…" on offers selected in a list: the dialog lists the type's declared conversions, starts
// a background record job (POST /api/records/:type/bulk/conversion/jobs) and follows its progress to
// the end, in Polish; every selected offer gets its sales order.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite, createRecord } from './support.ts';

const offers: string[] = [];

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (env) => {
  await env.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  const contractor = await createRecord(env, 'contractor', { name: 'Stalbud Sp. z o.o.', contractor_type: 'company', country: 'pl' });
  for (const title of ['Oferta serwisowa', 'Oferta na części']) {
    offers.push(await createRecord(env, 'offer', { title, contractor, lines: [{ description: 'Przegląd', quantity: 1, net_price: 250, vat_rate: 'vat23' }] }));
  }
});

test('the selected offers are converted into sales orders as a job whose progress the dialog follows, in Polish', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${b.url}/r/offer`);
  const rows = page.locator('.grid-body [role="row"]');
  await rows.first().waitFor();
  expect(await rows.count()).toBe(2);
  for (let i = 0; i < 2; i++) await rows.nth(i).getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Konwertuj…' }).click();
  await page.getByLabel('Konwersja', { exact: true }).selectOption({ label: 'Zamówienie z oferty' });
  await page.getByRole('button', { name: 'Uruchom', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Zakończone — 2 wykonane, 0 nieudane z 2' }).waitFor();
  const orders = (await b.api.get(`/records/sales_order?filter=${encodeURIComponent(JSON.stringify({ offer: { in: offers } }))}`)).body as { data: { offer: string }[] };
  expect(orders.data.map((o) => o.offer).sort()).toEqual([...offers].sort());
  await b.screenshot('bulk-conversion-job-1440');
}, 120_000);
