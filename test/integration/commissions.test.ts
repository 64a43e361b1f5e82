// Tiered sales commissions of the shipped CRM, built on computed fields that read other records
// (Field.lookups): paying an invoice computes, in the write transaction, the salesperson's paid revenue
// in the month and the rate of the commission tier it reaches among the rules valid on the payment
// day (for that salesperson or for all). A rule changed later applies to invoices paid later only:
// a lookup computed field is recomputed only when a field it reads changes. Salespeople read only
// their own invoices, so only their own commissions (in the list and in the commissions report).
import { loadPackageDir } from '../../metadata/index.ts';
import type { Actor, ApiRecord } from '../../engine/records/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { startTestServer, type TestServer } from '../support/http.ts';
import { refusal } from '../support/refusal.ts';

let env: TestPlatform;
let server: TestServer;
const SYSTEM: Actor = { userId: null, via: 'system' };
const ctx = { actor: SYSTEM };
let contractor: string;
let anna: string;
let bogdan: string;
let annaApi: Awaited<ReturnType<typeof userClient>>;
let bogdanApi: Awaited<ReturnType<typeof userClient>>;
let managerApi: Awaited<ReturnType<typeof userClient>>;
let tier0: ApiRecord;

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata((await loadPackageDir(SEED_METADATA_DIR)).package, { source: 'cli' });
  server = await startTestServer(env.platform);
  const api = `${server.url}/api`;
  annaApi = await userClient(env.platform, api, await createTestUser(env.platform, { login: 'anna', roles: ['salesperson'] }));
  bogdanApi = await userClient(env.platform, api, await createTestUser(env.platform, { login: 'bogdan', roles: ['salesperson'] }));
  managerApi = await userClient(env.platform, api, await createTestUser(env.platform, { login: 'szef', roles: ['sales_manager'] }));
  contractor = (await env.platform.records.create(ctx, 'contractor', { name: 'Drukarnia Kolorland Sp. z o.o.', contractor_type: 'company', country: 'pl' })).id as string;
  anna = (await env.platform.records.create(ctx, 'employee', { name: 'Anna Nowak' })).id as string;
  bogdan = (await env.platform.records.create(ctx, 'employee', { name: 'Bogdan Lis' })).id as string;
  // 0–50k 3 %, 50–200k 5 %, from 200k 7 %, for every salesperson.
  for (const [min_revenue, rate] of [[0, 3], [50_000, 5], [200_000, 7]] as const) {
    const res = await managerApi.post('/records/commission_rule', { name: `Od ${min_revenue}`, min_revenue, rate, valid_from: '2026-01-01' });
    expect(res.status).toBe(201);
    if (min_revenue === 0) tier0 = res.body;
  }
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

/** A salesperson's invoice of `net` (one line, 23 % VAT), made through their own API client. */
async function invoice(api: typeof annaApi, salesperson: string, net: number): Promise<ApiRecord> {
  const res = await api.post('/records/invoice', { contractor, salesperson, issue_date: '2026-03-01', lines: [{ description: 'Usługa', quantity: 1, unit: 'szt.', net_price: net, vat_rate: 'vat23' }] });
  expect(res.status).toBe(201);
  return res.body;
}

async function pay(api: typeof annaApi, record: ApiRecord, paid_date: string): Promise<ApiRecord> {
  const res = await api.patch(`/records/invoice/${record.id as string}`, { paid: true, paid_date, version: record.version });
  expect(res.status).toBe(200);
  return res.body;
}

const commissionOf = (r: ApiRecord) => ({ period_revenue: r.period_revenue, commission_rate: r.commission_rate, commission: r.commission });

describe('a commission on each paid invoice', () => {
  test('paying an invoice gives the salesperson the commission of the tier the month reaches', async () => {
    const first = await invoice(annaApi, anna, 40_000);
    expect(commissionOf(first)).toEqual({ period_revenue: null, commission_rate: null, commission: null });
    expect(commissionOf(await pay(annaApi, first, '2026-03-05'))).toEqual({ period_revenue: 40_000, commission_rate: 3, commission: 1200 });
    // 40k + 30k = 70k paid in March: the 5 % tier.
    expect(commissionOf(await pay(annaApi, await invoice(annaApi, anna, 30_000), '2026-03-20'))).toEqual({ period_revenue: 70_000, commission_rate: 5, commission: 1500 });
    // 70k + 150k = 220k: 7 %.
    expect(commissionOf(await pay(annaApi, await invoice(annaApi, anna, 150_000), '2026-03-31'))).toEqual({ period_revenue: 220_000, commission_rate: 7, commission: 10_500 });
    // April starts again from nothing; Bogdan's March counts apart from Anna's.
    expect(commissionOf(await pay(annaApi, await invoice(annaApi, anna, 10_000), '2026-04-02'))).toEqual({ period_revenue: 10_000, commission_rate: 3, commission: 300 });
    expect(commissionOf(await pay(bogdanApi, await invoice(bogdanApi, bogdan, 60_000), '2026-03-10'))).toEqual({ period_revenue: 60_000, commission_rate: 5, commission: 3000 });
  });

  test('a rule change applies to invoices paid later only', async () => {
    const before = await pay(annaApi, await invoice(annaApi, anna, 1000), '2026-05-04');
    expect(before.commission).toBe(30);
    const changed = await managerApi.patch(`/records/commission_rule/${tier0.id as string}`, { rate: 4, version: tier0.version });
    expect(changed.status).toBe(200);
    // Editing the earlier invoice (a field its commission does not read) keeps its commission.
    const edited = await annaApi.patch(`/records/invoice/${before.id as string}`, { notes: 'Zapłacono przelewem', version: before.version });
    expect(edited.status).toBe(200);
    expect(commissionOf(edited.body)).toEqual({ period_revenue: 1000, commission_rate: 3, commission: 30 });
    expect(commissionOf(await pay(annaApi, await invoice(annaApi, anna, 1000), '2026-05-06'))).toMatchObject({ commission_rate: 4, commission: 40 });
    // A tier for Bogdan alone, valid from June: his June invoices get it, Anna's do not, his May ones keep theirs.
    const own = await managerApi.post('/records/commission_rule', { name: 'Bogdan', salesperson: bogdan, min_revenue: 0, rate: 6, valid_from: '2026-06-01' });
    expect(own.status).toBe(201);
    expect((await pay(bogdanApi, await invoice(bogdanApi, bogdan, 1000), '2026-05-31')).commission_rate).toBe(4);
    expect((await pay(bogdanApi, await invoice(bogdanApi, bogdan, 1000), '2026-06-01')).commission_rate).toBe(6);
    expect((await pay(annaApi, await invoice(annaApi, anna, 1000), '2026-06-01')).commission_rate).toBe(4);
  });
});

describe('batches', () => {
  test('invoices created paid and paid by a batch update get their commissions too', async () => {
    const line = { description: 'Usługa', quantity: 1, unit: 'szt.', net_price: 100_000, vat_rate: 'vat23' };
    const created = await env.platform.records.createMany(ctx, 'invoice', [
      { contractor, salesperson: anna, paid: true, paid_date: '2026-08-03', lines: [line] },
      { contractor, salesperson: anna, lines: [line] },
    ]);
    expect(commissionOf(created[0]!)).toEqual({ period_revenue: 100_000, commission_rate: 5, commission: 5000 });
    const [paid] = await env.platform.records.updateMany(ctx, 'invoice', [{ id: created[1]!.id as string, values: { paid: true, paid_date: '2026-08-04' }, expectedVersion: created[1]!.version as number }]);
    expect(commissionOf(paid!)).toEqual({ period_revenue: 200_000, commission_rate: 7, commission: 7000 });
  });
});

describe('rights', () => {
  test('a salesperson sees only their own commissions; the rules are the managers\'', async () => {
    const listed = await bogdanApi.get('/records/invoice?limit=100');
    expect(listed.status).toBe(200);
    const salespeople = new Set((listed.body.data as ApiRecord[]).map((r) => r.salesperson));
    expect([...salespeople]).toEqual([bogdan]);
    const annas = (await annaApi.get('/records/invoice?limit=1')).body.data[0] as ApiRecord;
    expect((await bogdanApi.get(`/records/invoice/${annas.id as string}`)).status).toBe(404);
    // The commissions report's grouping, with Bogdan's rights: his months only.
    const report = await bogdanApi.post('/records/invoice/aggregate', { groupBy: ['salesperson', 'paid_month'], measures: ['sum:commission'], filter: { paid: { eq: true } } });
    expect(report.status).toBe(200);
    expect(report.body.rows.map((r: { keys: { value: unknown }[]; values: unknown[] }) => [...r.keys.map((k) => k.value), ...r.values])).toEqual([
      [bogdan, '2026-03', 3000],
      [bogdan, '2026-05', 40],
      [bogdan, '2026-06', 60],
    ]);
    expect((await bogdanApi.get('/records/commission_rule')).status).toBe(403);
    // The commission is the platform's: a client cannot write it.
    const forged = await bogdanApi.post('/records/invoice', { contractor, salesperson: bogdan, commission: 1_000_000 });
    expect(forged.status).toBe(422);
  });
});

describe('validation of lookups on a computed field', () => {
  test('a lookup on a field that is not computed, or comparing with an unknown field, is refused with pointers', async () => {
    const files = (await loadPackageDir(SEED_METADATA_DIR)).package;
    const invoiceType = files.files['entities/invoice.json'] as { fields: Record<string, unknown>[] };
    const fields = invoiceType.fields.map((f) =>
      f.name === 'notes' ? { ...f, lookups: { n: { from: 'invoice', aggregate: 'count' } } }
      : f.name === 'commission_rate' ? { ...f, lookups: { rate: { from: 'commission_rule', aggregate: 'max', field: 'rate', match: { nope: { eq: 'paid_date' }, valid_from: { lte: 'nothing' } } } } }
      : f);
    const error = await refusal(env.platform.applyMetadata({ files: { ...files.files, 'entities/invoice.json': { ...invoiceType, fields } } }, { source: 'cli' }));
    expect(error.code).toBe('METADATA_INVALID');
    const pointers = JSON.stringify(error.problems.map((p) => p.pointer));
    const at = (name: string) => invoiceType.fields.findIndex((f) => f.name === name);
    for (const p of [`/fields/${at('notes')}/lookups`, `/fields/${at('commission_rate')}/lookups/rate/match/nope`, `/fields/${at('commission_rate')}/lookups/rate/match/valid_from/lte`]) expect(pointers).toContain(p);
  });
});
