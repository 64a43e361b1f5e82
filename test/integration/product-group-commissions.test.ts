// Commissions per product group in the shipped CRM: a line type's computed field reads lookups
// (invoice_line.commission_rate: the commission rule of the line's product's group, valid on its
// invoice's payment day, for its salesperson or all), computed per line in the write transaction;
// the lines' commissions are summed on the invoice (product_commission) and per salesperson by the
// commissions report. The revenue tiers (rules without a group) stay the invoice's own rate.
import { loadPackageDir } from '../../metadata/index.ts';
import type { Actor, ApiRecord } from '../../engine/records/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { startTestServer, type TestServer } from '../support/http.ts';
import { refusal } from '../support/refusal.ts';

let env: TestPlatform;
let server: TestServer;
const ctx = { actor: { userId: null, via: 'system' } as Actor };
const ids: Record<string, string> = {};
let annaApi: Awaited<ReturnType<typeof userClient>>;
let managerApi: Awaited<ReturnType<typeof userClient>>;
const rules: Record<string, ApiRecord> = {};

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata((await loadPackageDir(SEED_METADATA_DIR)).package, { source: 'cli' });
  server = await startTestServer(env.platform);
  const api = `${server.url}/api`;
  annaApi = await userClient(env.platform, api, await createTestUser(env.platform, { login: 'anna', roles: ['salesperson'] }));
  managerApi = await userClient(env.platform, api, await createTestUser(env.platform, { login: 'szef', roles: ['sales_manager'] }));
  ids.contractor = (await env.platform.records.create(ctx, 'contractor', { name: 'Drukarnia Kolorland Sp. z o.o.', contractor_type: 'company', country: 'pl' })).id as string;
  ids.anna = (await env.platform.records.create(ctx, 'employee', { name: 'Anna Nowak' })).id as string;
  ids.toner = (await env.platform.records.create(ctx, 'product', { code: 'TON-01', name: 'Toner czarny', product_group: 'Tonery' })).id as string;
  ids.paper = (await env.platform.records.create(ctx, 'product', { code: 'PAP-A4', name: 'Papier A4', product_group: 'Papier' })).id as string;
  ids.stapler = (await env.platform.records.create(ctx, 'product', { code: 'ZSZ-1', name: 'Zszywacz' })).id as string;
  // A revenue tier for everyone (3 %), and rates per product group: toner 5 %, paper 2 %.
  for (const [name, body] of [
    ['tier', { name: 'Próg podstawowy', min_revenue: 0, rate: 3, valid_from: '2026-01-01' }],
    ['toner', { name: 'Tonery 5%', product_group: 'Tonery', rate: 5, valid_from: '2026-01-01' }],
    ['paper', { name: 'Papier 2%', product_group: 'Papier', rate: 2, valid_from: '2026-01-01' }],
  ] as const) {
    const res = await managerApi.post('/records/commission_rule', body);
    expect([res.status, res.body.errors]).toEqual([201, undefined]);
    rules[name] = res.body;
  }
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

const lines = () => [
  { product: ids.toner, description: 'Toner', quantity: 10, net_price: 100, vat_rate: 'vat23' },
  { product: ids.paper, description: 'Papier', quantity: 50, net_price: 10, vat_rate: 'vat23' },
  { product: ids.stapler, description: 'Zszywacz', quantity: 1, net_price: 200, vat_rate: 'vat23' },
  { description: 'Dostawa', quantity: 1, net_price: 100, vat_rate: 'vat23' },
];
const perLine = (r: ApiRecord) => (r.lines as ApiRecord[]).map((l) => [l.commission_rate, l.commission]);

test('a paid invoice gets a commission per line by its product group, summed on the invoice and in the report', async () => {
  const created = await annaApi.post('/records/invoice', { contractor: ids.contractor, salesperson: ids.anna, issue_date: '2026-03-01', lines: lines() });
  expect([created.status, created.body.errors]).toEqual([201, undefined]);
  // Not paid yet: no rule is valid on an empty payment day.
  expect(perLine(created.body)).toEqual([[null, null], [null, null], [null, null], [null, null]]);
  expect(created.body.product_commission).toBe(0);
  const paid = await annaApi.patch(`/records/invoice/${created.body.id as string}`, { paid: true, paid_date: '2026-03-05', version: created.body.version });
  expect([paid.status, paid.body.errors]).toEqual([200, undefined]);
  // Toner 1,000 × 5 %, paper 500 × 2 %; the stapler (no group) and the delivery (no product) earn none by group.
  expect(perLine(paid.body)).toEqual([[5, 50], [2, 10], [null, null], [null, null]]);
  expect(paid.body.product_commission).toBe(60);
  // The revenue tier is still the invoice's own rate (group rules do not count as tiers).
  expect([paid.body.commission_rate, paid.body.commission]).toEqual([3, 54]);
  // Stored, as the next read shows.
  const read = (await annaApi.get(`/records/invoice/${created.body.id as string}`)).body as ApiRecord;
  expect(perLine(read)).toEqual(perLine(paid.body));

  // A rule changed later does not touch the rates computed; a line's quantity moves its commission at the kept rate.
  expect((await managerApi.patch(`/records/commission_rule/${rules.toner!.id as string}`, { rate: 10, version: rules.toner!.version })).status).toBe(200);
  const edited = await annaApi.patch(`/records/invoice/${read.id as string}`, { version: read.version, lines: (read.lines as ApiRecord[]).map(({ id, product, description, quantity, net_price, vat_rate }, i) => ({ id, product, description, quantity: i === 0 ? 20 : quantity, net_price, vat_rate })) });
  expect([edited.status, edited.body.errors]).toEqual([200, undefined]);
  expect(perLine(edited.body)).toEqual([[5, 100], [2, 10], [null, null], [null, null]]);
  // A new line of a toner, added now, gets today's rule for its group.
  const added = await annaApi.patch(`/records/invoice/${read.id as string}`, { version: edited.body.version, lines: [...(edited.body.lines as ApiRecord[]).map(({ id, product, description, quantity, net_price, vat_rate }) => ({ id, product, description, quantity, net_price, vat_rate })), { product: ids.toner, description: 'Toner 2', quantity: 1, net_price: 100, vat_rate: 'vat23' }] });
  expect(perLine(added.body)).toEqual([[5, 100], [2, 10], [null, null], [null, null], [10, 10]]);
  expect(added.body.product_commission).toBe(120);

  // Summed per salesperson and month of payment, as the commissions report does (with Anna's rights: her invoices).
  const report = await annaApi.post('/records/invoice/aggregate', { groupBy: ['salesperson', 'paid_month'], measures: ['sum:product_commission'], filter: { paid: { eq: true } } });
  expect(report.status).toBe(200);
  expect(report.body.rows.map((r: { keys: { value: unknown }[]; values: unknown[] }) => [...r.keys.map((k) => k.value), ...r.values])).toEqual([[ids.anna, '2026-03', 120]]);
});

test('invoices created paid in a batch get their lines\' commissions too', async () => {
  const [created] = await env.platform.records.createMany(ctx, 'invoice', [{ contractor: ids.contractor, salesperson: ids.anna, paid: true, paid_date: '2026-04-02', lines: lines() }]);
  expect(perLine(created!)).toEqual([[10, 100], [2, 10], [null, null], [null, null]]);
  expect(created!.product_commission).toBe(110);
});

test('a match path must name a reference of the line type and a field of its target', async () => {
  const files = (await loadPackageDir(SEED_METADATA_DIR)).package;
  const lineType = files.files['entities/invoice_line.json'] as { fields: Record<string, unknown>[] };
  const at = lineType.fields.findIndex((f) => f.name === 'commission_rate');
  const fields = lineType.fields.map((f, i) => (i === at ? { ...f, lookups: { rate: { from: 'commission_rule', aggregate: 'max', field: 'rate', match: { product_group: { eq: 'product.nope' }, valid_from: { lte: 'description.x' } } } } } : f));
  const error = await refusal(env.platform.applyMetadata({ files: { ...files.files, 'entities/invoice_line.json': { ...lineType, fields } } }, { source: 'cli' }));
  expect(error.code).toBe('METADATA_INVALID');
  const found = error.problems.map((p) => [p.pointer.replace('/files/entities~1invoice_line.json', ''), p.code]);
  expect(found).toEqual(expect.arrayContaining([[`/fields/${at}/lookups/rate/match/product_group/eq`, 'META_UNKNOWN_FIELD'], [`/fields/${at}/lookups/rate/match/valid_from/lte`, 'META_FIELD_KIND']]));
});
