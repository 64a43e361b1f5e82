// Declared conversions (issue #17) with the shipped CRM: POST /api/records/<type>/<id>/convert/<name>
// creates the result in one transaction with the user's rights — fields and lines mapped, the result
// linked to its source (a reference on the result, a related list on the source), audited naming the
// user and the conversion — and rolls everything back (numbers included) when any part fails.
import { seedPackage } from '../../engine/seeding.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
let api: JsonClient;
let sales: JsonClient;
let analyst: JsonClient;
let salesId: string;
let contractor: string;
let failOrders = false;

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata(await seedPackage(), { source: 'seed' });
  // A failure late in the conversion's transaction (after the order, its lines and its number).
  env.platform.records.onChange(async (_trx, change) => {
    if (failOrders && change.entity === 'sales_order') throw new Error('the order hook fails');
  });
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  salesId = await createTestUser(env.platform, { login: 'sara', roles: ['salesperson'] });
  sales = await userClient(env.platform, `${server.url}/api`, salesId);
  analyst = await userClient(env.platform, `${server.url}/api`, await createTestUser(env.platform, { login: 'alan', roles: ['analyst'] }));
  contractor = (await api.post('/records/contractor', { name: 'Drukarnia Kolorland Sp. z o.o.' })).body.id;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

type Line = Record<string, unknown>;
const lines: Line[] = [
  { description: 'Drukarka A3', quantity: 2, unit: 'szt.', net_price: 1500, vat_rate: 'vat23', discount_percent: 10, purchase_price: 1000 },
  { description: 'Papier', quantity: 10, unit: 'ryz', net_price: 20, vat_rate: 'vat8' },
];

async function offer(client: JsonClient, title = 'Drukarki do biura') {
  const res = await client.post('/records/offer', { title, contractor, currency: 'eur', payment_terms_days: 14, lines });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body as Record<string, unknown> & { id: string };
}

const count = async (table: string) => Number(((await env.platform.knex(table).count({ n: '*' })) as { n: string }[])[0]!.n);
const pick = (line: Line) => ({ description: line.description, quantity: line.quantity, unit: line.unit, net_price: line.net_price, vat_rate: line.vat_rate });

test('an offer becomes a sales order: fields and lines copied, totals computed, linked both ways, audited as the conversion', async () => {
  const source = await offer(sales);
  const res = await sales.post(`/records/offer/${source.id}/convert/to_sales_order`);
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ conversion: 'to_sales_order', target: 'sales_order', source: { id: source.id } });
  const order = res.body.records[0];
  expect(res.headers.get('location')).toBe(`/api/records/sales_order/${order.id}`);
  expect(order).toMatchObject({ offer: source.id, contractor, currency: 'eur', payment_terms_days: 14, register: 'domestic', status: 'open', owner: salesId });
  expect(order.number).toMatch(/^ZS\/\d{4}\/0001$/);
  expect(order.lines.map(pick)).toEqual(lines.map(pick));
  expect(order.lines.map((l: Line) => [l.net, l.vat, l.quantity_delivered, l.quantity_remaining])).toEqual([[2700, 621, 0, 2], [200, 16, 0, 10]]);
  expect(order).toMatchObject({ net_total: 2900, vat_23: 621, vat_8: 16, gross_total: 3537, fully_delivered: false });
  // New lines, not the offer's: the offer keeps its own.
  expect(order.lines.map((l: Line) => l.id)).not.toEqual(expect.arrayContaining(source.lines as unknown[]));
  // The source lists its results through the link (the related list of the offer's page).
  const related = await sales.get(`/records/sales_order?filter=${encodeURIComponent(JSON.stringify({ offer: { eq: source.id } }))}`);
  expect(related.body.data.map((r: Line) => r.id)).toEqual([order.id]);
  // Audited under the user's name, naming the conversion and its source (order and each line).
  const audit = await env.platform.knex('tessera.audit_log').whereIn('entity', ['sales_order', 'sales_order_line']).andWhere('action', 'create').orderBy('id');
  const own = audit.filter((a) => a.record_id === order.id || order.lines.some((l: Line) => l.id === a.record_id));
  expect(own.map((a) => a.entity).sort()).toEqual(['sales_order', 'sales_order_line', 'sales_order_line']);
  for (const row of own) expect(row).toMatchObject({ actor: salesId, origin: { conversion: 'to_sales_order', source: { entity: 'offer', id: source.id } } });
});

test('an offer becomes an invoice and a pro forma in their own series; an order into an invoice; an invoice into its correction', async () => {
  const source = await offer(api, 'Faktury');
  const invoice = (await api.post(`/records/offer/${source.id}/convert/to_invoice`)).body.records[0];
  const proforma = (await api.post(`/records/offer/${source.id}/convert/to_proforma`)).body.records[0];
  expect([invoice.kind, invoice.offer, invoice.gross_total]).toEqual(['invoice', source.id, 3537]);
  expect(invoice.number).toMatch(/^FV\/\d{4}\/\d{2}\/\d+$/);
  expect([proforma.kind, proforma.number.slice(0, 3)]).toEqual(['proforma', 'PF/']);
  const order = (await api.post(`/records/offer/${source.id}/convert/to_sales_order`)).body.records[0];
  const fromOrder = await api.post(`/records/sales_order/${order.id}/convert/to_invoice`);
  expect(fromOrder.status).toBe(201);
  expect(fromOrder.body.records[0]).toMatchObject({ kind: 'invoice', sales_order: order.id, offer: source.id, net_total: 2900 });
  const correction = await api.post(`/records/invoice/${invoice.id}/convert/to_correction`);
  expect(correction.status).toBe(201);
  expect(correction.body.records[0]).toMatchObject({ kind: 'correction', corrected_invoice: invoice.id });
  expect(correction.body.records[0].number).toMatch(/^KOR\//);
  // A correction is not corrected by this conversion (its condition): 409 with a code.
  const again = await api.post(`/records/invoice/${correction.body.records[0].id}/convert/to_correction`);
  expect(again.status).toBe(409);
  expect(again.body.errors[0].code).toBe('CONVERSION_NOT_ALLOWED');
  // A deal gets its offer.
  const deal = (await api.post('/records/deal', { name: 'Biuro 2027', contractor })).body;
  const dealOffer = await api.post(`/records/deal/${deal.id}/convert/to_offer`);
  expect(dealOffer.body.records[0]).toMatchObject({ title: 'Biuro 2027', deal: deal.id, contractor, lines: [] });
});

test('rights: reading the source and creating the target are both needed; refusals are problem documents and create nothing', async () => {
  const source = await offer(api, 'Cudza oferta');
  const orders = await count('sales_order');
  // The analyst reads every offer but creates nothing.
  const refused = await analyst.post(`/records/offer/${source.id}/convert/to_sales_order`);
  expect(refused.status).toBe(403);
  expect(refused.contentType).toContain('application/problem+json');
  // The salesperson may create orders but not read the admin's offer: it does not exist for them.
  const unseen = await sales.post(`/records/offer/${source.id}/convert/to_sales_order`);
  expect(unseen.status).toBe(404);
  const unknown = await api.post(`/records/offer/${source.id}/convert/to_nothing`);
  expect([unknown.status, unknown.body.errors[0].code]).toEqual([404, 'UNKNOWN_CONVERSION']);
  expect(await count('sales_order')).toBe(orders);
});

test('a failure late in the conversion rolls back the order, its lines, its audit rows and its number', async () => {
  const source = await offer(api, 'Wycofana');
  const before = { orders: await count('sales_order'), lines: await count('sales_order_line'), audit: await count('tessera.audit_log') };
  const counter = await env.platform.knex('tessera.number_series').where('series', 'like', 'sales_order.number.domestic@%').first();
  failOrders = true;
  try {
    const res = await api.post(`/records/offer/${source.id}/convert/to_sales_order`);
    expect(res.status).toBe(500);
  } finally {
    failOrders = false;
  }
  expect({ orders: await count('sales_order'), lines: await count('sales_order_line'), audit: await count('tessera.audit_log') }).toEqual(before);
  expect(await env.platform.knex('tessera.number_series').where('series', counter.series).first()).toEqual(counter);
  // The next order takes the number the failed one would have had: no gap.
  const next = (await api.post(`/records/offer/${source.id}/convert/to_sales_order`)).body.records[0];
  expect(next.number.endsWith(String(Number(counter.last_value) + 1).padStart(4, '0'))).toBe(true);
});
