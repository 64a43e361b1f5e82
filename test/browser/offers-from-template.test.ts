// "Utwórz z szablonu…" on contractors selected in a list, in Polish: the shipped conversion
// `offers_from_template` (a conversion with recipients) turns a template offer into one offer per
// selected contractor as a background record job whose progress the dialog follows; each offer is
// priced by its contractor's own price list and linked to the template.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite, createRecord } from './support.ts';

const contractors: Record<string, string> = {};
let template = '';

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (env) => {
  await env.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  const toner = await createRecord(env, 'product', { code: 'TON-01', name: 'Toner czarny', sale_price: { amount: 120, currency: 'PLN' } });
  const lists = {
    alfa: await createRecord(env, 'price_list', { name: 'Cennik Alfa', currency: 'pln', items: [{ product: toner, price: 90 }] }),
    beta: await createRecord(env, 'price_list', { name: 'Cennik Beta', currency: 'pln', items: [{ product: toner, price: 80 }] }),
    gamma: await createRecord(env, 'price_list', { name: 'Cennik Gamma', currency: 'pln', items: [{ product: toner, price: 70 }] }),
  };
  contractors.alfa = await createRecord(env, 'contractor', { name: 'Alfa Sp. z o.o.', price_list: lists.alfa });
  contractors.beta = await createRecord(env, 'contractor', { name: 'Beta S.A.', price_list: lists.beta });
  contractors.gamma = await createRecord(env, 'contractor', { name: 'Gamma Sp.j.', price_list: lists.gamma });
  template = await createRecord(env, 'offer', { title: 'Szablon: tonery 2027', is_template: true, contractor: contractors.alfa, lines: [{ product: toner, description: 'Toner', quantity: 2, net_price: 100, vat_rate: 'vat23' }] });
});

test('three contractors selected get an offer each from the template, priced by their own price lists, in Polish', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${b.url}/r/contractor`);
  const rows = page.locator('.grid-body [role="row"]');
  await rows.first().waitFor();
  expect(await rows.count()).toBe(3);
  for (let i = 0; i < 3; i++) await rows.nth(i).getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Utwórz z szablonu…' }).click();
  await page.getByLabel('Konwersja', { exact: true }).selectOption({ label: 'Oferty z szablonu' });
  await page.locator('#fan-out-source').fill('Szablon');
  await page.getByRole('option', { name: /Szablon: tonery 2027/ }).click();
  await page.getByRole('button', { name: 'Uruchom', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Zakończone — 3 wykonane, 0 nieudane z 3' }).waitFor();
  await b.screenshot('offers-from-template-1440');

  // The template's offers, one per contractor, each with its own list's price.
  const made = (await b.api.get(`/records/offer?filter=${encodeURIComponent(JSON.stringify({ template: { eq: template } }))}`)).body as { data: { contractor: string; net_total: number; lines: { net_price: number }[] }[] };
  const byContractor = Object.fromEntries(made.data.map((o) => [o.contractor, [o.lines.map((l) => l.net_price), o.net_total]]));
  expect(byContractor).toEqual({ [contractors.alfa!]: [[90], 180], [contractors.beta!]: [[80], 160], [contractors.gamma!]: [[70], 140] });

  // The user sees them in the offers list with those totals.
  await page.goto(`${b.url}/r/offer?filters=${encodeURIComponent(JSON.stringify([['template', 'eq', template]]))}&columns=title,contractor,net_total`);
  const offers = page.locator('.grid-body [role="row"]');
  await offers.first().waitFor();
  expect(await offers.count()).toBe(3);
  const texts = await offers.allInnerTexts();
  const totalOf = (name: string) => texts.find((row) => row.includes(name))?.match(/\b(1[4-8]0)(,00)?\b/)?.[1];
  expect(['Alfa Sp. z o.o.', 'Beta S.A.', 'Gamma Sp.j.'].map(totalOf)).toEqual(['180', '160', '140']);
}, 120_000);
