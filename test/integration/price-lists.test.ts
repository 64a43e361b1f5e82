// Price lists and discount rules of the shipped CRM (the line types' `pricing`): a line naming a
// product gets its unit price and discount in the write transaction, from the contractor's own list,
// else the valid list of the document's currency with the highest priority, else the product's sale
// price; discounts from the rule with the highest priority whose conditions hold (contractor,
// group, product, product group, quantity break, validity). A price or discount the user entered is
// kept. The form's live quote (POST /api/records/:type/prices) gives the same numbers.
import { loadPackageDir } from '../../metadata/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
let api: ReturnType<typeof jsonClient>;
const ids: Record<string, string> = {};

const create = async (type: string, body: Record<string, unknown>) => {
  const res = await api.post(`/records/${type}`, body);
  expect([type, res.status, res.body.errors]).toEqual([type, 201, undefined]);
  return res.body.id as string;
};

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata((await loadPackageDir(SEED_METADATA_DIR)).package, { source: 'cli' });
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  ids.wholesaleGroup = await create('contractor_group', { name: 'Hurtownie' });
  ids.toner = await create('product', { code: 'TON-01', name: 'Toner czarny', product_group: 'Materiały', sale_price: { amount: 120, currency: 'PLN' } });
  ids.paper = await create('product', { code: 'PAP-A4', name: 'Papier A4', product_group: 'Papier', sale_price: { amount: 20, currency: 'PLN' } });
  ids.stapler = await create('product', { code: 'ZSZ-1', name: 'Zszywacz', sale_price: { amount: 35, currency: 'PLN' } });
  ids.service = await create('product', { code: 'SRV-1', name: 'Serwis drukarki', product_type: 'service' });
  ids.retail = await create('price_list', { name: 'Detal', currency: 'pln', priority: 0, items: [{ product: ids.toner, price: 110 }] });
  ids.wholesale = await create('price_list', { name: 'Hurt', currency: 'pln', priority: 10, items: [{ product: ids.toner, price: 95 }, { product: ids.paper, price: 18 }] });
  ids.expired = await create('price_list', { name: 'Promocja 2020', currency: 'pln', priority: 99, valid_to: '2020-12-31', items: [{ product: ids.toner, price: 50 }] });
  ids.euro = await create('price_list', { name: 'Export EUR', currency: 'eur', items: [{ product: ids.toner, price: 25.5 }] });
  ids.keyList = await create('price_list', { name: 'Kolorland', currency: 'pln', items: [{ product: ids.toner, price: 90 }] });
  ids.plain = await create('contractor', { name: 'Biuro Rachunkowe Nowak' });
  ids.wholesaler = await create('contractor', { name: 'Hurtownia Papieru Sp. z o.o.', groups: [{ id: ids.wholesaleGroup }] });
  ids.key = await create('contractor', { name: 'Drukarnia Kolorland Sp. z o.o.', price_list: ids.keyList });
  await create('discount_rule', { name: 'Hurtownie 5%', percent: 5, contractor_group: ids.wholesaleGroup });
  await create('discount_rule', { name: 'Papier od 100 ryz', percent: 12, product_group: 'Papier', min_quantity: 100, priority: 5 });
  await create('discount_rule', { name: 'Stara promocja', percent: 40, product: ids.paper, valid_to: '2020-01-31', priority: 50 });
  await create('discount_rule', { name: 'Kolorland toner', percent: 3, contractor: ids.key, product: ids.toner });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

type Line = Record<string, unknown>;
const offer = async (contractor: string, lines: Line[], extra: Line = {}) => {
  const res = await api.post('/records/offer', { title: 'Materiały eksploatacyjne', contractor, lines, ...extra });
  expect([res.status, res.body.errors]).toEqual([201, undefined]);
  return res.body;
};
const prices = (lines: Line[]) => lines.map((l) => [l.net_price, l.discount_percent ?? null, l.net]);

test('the highest-priority list of the currency valid on the document date prices a line; a product on no list of the currency takes its sale price', async () => {
  const created = await offer(ids.plain!, [{ product: ids.toner, quantity: 2 }, { product: ids.paper, quantity: 1 }, { product: ids.stapler, quantity: 2 }]);
  expect(prices(created.lines)).toEqual([[95, null, 190], [18, null, 18], [35, null, 70]]);
  expect(created.net_total).toBe(278);
  // Dated in 2019, the offer gets the promotion's price (valid to the end of 2020, priority 99).
  const back = await offer(ids.plain!, [{ product: ids.toner, quantity: 1 }], { offer_date: '2019-06-01' });
  expect(prices(back.lines)).toEqual([[50, null, 50]]);
  const euro = await offer(ids.plain!, [{ product: ids.toner, quantity: 4 }, { product: ids.paper, quantity: 1, net_price: 4 }], { currency: 'eur' });
  expect(prices(euro.lines)).toEqual([[25.5, null, 102], [4, null, 4]]);
  // The stapler's sale price is in PLN: a EUR offer has no price for it.
  const noEuro = await api.post('/records/offer', { title: 'Zszywacze', contractor: ids.plain, currency: 'eur', lines: [{ product: ids.stapler, quantity: 1 }] });
  expect([noEuro.status, noEuro.body.errors?.[0]?.pointer]).toEqual([422, '/lines/0/net_price']);
});

test("the contractor's own list wins over the others; discounts by group, contractor and product, quantity breaks, validity", async () => {
  const key = await offer(ids.key!, [{ product: ids.toner, quantity: 10 }, { product: ids.paper, quantity: 1 }]);
  expect(prices(key.lines)).toEqual([[90, 3, 873], [18, null, 18]]);
  const wholesaler = await offer(ids.wholesaler!, [{ product: ids.toner, quantity: 1 }, { product: ids.paper, quantity: 99 }, { product: ids.paper, quantity: 100 }]);
  // 5% for the group; from 100 reams the paper rule (priority 5) wins over it; the 40% rule expired in 2020.
  expect(prices(wholesaler.lines)).toEqual([[95, 5, 90.25], [18, 5, 1692.9], [18, 12, 1584]]);
  expect(wholesaler.discount_total).toBe(4.75 + 89.1 + 216);
});

test('a price or discount entered by the user is kept; a product priced nowhere is refused with the pointer of its price', async () => {
  const typed = await offer(ids.wholesaler!, [{ product: ids.toner, quantity: 1, net_price: 100, discount_percent: 0 }]);
  expect(prices(typed.lines)).toEqual([[100, 0, 100]]);
  const refused = await api.post('/records/offer', { title: 'Serwis', contractor: ids.plain, lines: [{ product: ids.toner, quantity: 1 }, { product: ids.service, quantity: 1 }] });
  expect(refused.status).toBe(422);
  expect(refused.body.errors).toEqual([expect.objectContaining({ pointer: '/lines/1/net_price', code: 'NO_PRICE' })]);
  expect(Number(((await env.platform.knex('offer').where({ title: 'Serwis' }).count({ n: '*' })) as { n: string }[])[0]!.n)).toBe(0);
});

test('an update prices the lines it adds and leaves stored prices alone even when the list changed since', async () => {
  const created = await offer(ids.plain!, [{ product: ids.toner, quantity: 1 }]);
  const wholesale = (await api.get(`/records/price_list/${ids.wholesale}`)).body;
  const changed = await api.patch(`/records/price_list/${ids.wholesale}`, { version: wholesale.version, items: wholesale.items.map((i: Line) => ({ id: i.id, product: i.product, price: i.product === ids.toner ? 97 : i.price })) });
  expect(changed.status).toBe(200);
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the computed fields are left out of the write
  const kept = created.lines.map(({ net, vat, gross, margin, ...stored }: Line) => stored);
  const updated = await api.patch(`/records/offer/${created.id}`, { version: created.version, lines: [...kept, { product: ids.toner, quantity: 1 }] });
  expect([updated.status, updated.body.detail]).toEqual([200, undefined]);
  expect(prices(updated.body.lines)).toEqual([[95, null, 95], [97, null, 97]]);
});

test('order and invoice lines are priced the same way, on their own dates', async () => {
  const order = await api.post('/records/sales_order', { contractor: ids.wholesaler, lines: [{ product: ids.paper, quantity: 100 }] });
  expect([order.status, order.body.errors]).toEqual([201, undefined]);
  expect(prices(order.body.lines)).toEqual([[18, 12, 1584]]);
  const invoice = await api.post('/records/invoice', { kind: 'invoice', contractor: ids.key, lines: [{ product: ids.toner, quantity: 1 }] });
  expect([invoice.status, invoice.body.errors]).toEqual([201, undefined]);
  expect(prices(invoice.body.lines)).toEqual([[90, 3, 87.3]]);
});

test("the form's live quote gives the prices the write would store, to users who may write the type only", async () => {
  const quote = await api.post('/records/offer/prices', { contractor: ids.wholesaler, currency: 'pln', lines: [{ product: ids.paper, quantity: 100 }, { product: ids.toner, quantity: 1, net_price: 100 }, { description: 'Dojazd', quantity: 1 }] });
  expect(quote.status).toBe(200);
  expect(quote.body).toEqual({ lines: [{ product: ids.paper, quantity: 100, net_price: 18, discount_percent: 12 }, { product: ids.toner, quantity: 1, net_price: 100, discount_percent: 5 }, { description: 'Dojazd', quantity: 1 }] });
  const technician = await userClient(env.platform, `${server.url}/api`, await createTestUser(env.platform, { login: 'serwisant', roles: ['service_technician'] }));
  const refused = await technician.post('/records/offer/prices', { contractor: ids.wholesaler, currency: 'pln', lines: [{ product: ids.paper, quantity: 1 }] });
  expect(refused.status).toBe(403);
  // What a half-filled form sends is no server error: ids that are no uuids price nothing.
  const odd = await api.post('/records/offer/prices', { contractor: 'abc', currency: 7, offer_date: 'soon', lines: [{ product: 'xyz', quantity: 'many' }, null, 5] });
  expect([odd.status, odd.body]).toEqual([200, { lines: [{ product: 'xyz', quantity: 'many' }, null, 5] }]);
  const unknown = await api.post('/records/nothing/prices', { lines: [] });
  expect(unknown.status).toBe(404);
});

test("a conversion keeps the source's terms: a copied line with a price keeps its discount as it came, none staying none", async () => {
  // The wholesale list prices the toner at 97 since the update test.
  const source = await offer(ids.plain!, [{ product: ids.toner, quantity: 1 }]);
  expect(prices(source.lines)).toEqual([[97, null, 97]]);
  await create('discount_rule', { name: 'Nowak 10%', percent: 10, contractor: ids.plain });
  const converted = await api.post(`/records/offer/${source.id}/convert/to_invoice`);
  expect([converted.status, converted.body.errors]).toEqual([201, undefined]);
  expect(prices(converted.body.records[0].lines)).toEqual([[97, null, 97]]);
  // A new offer for the contractor gets the rule.
  expect(prices((await offer(ids.plain!, [{ product: ids.toner, quantity: 1 }])).lines)).toEqual([[97, 10, 87.3]]);
});
