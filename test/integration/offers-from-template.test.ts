// Several offers from one template (the shipped CRM's conversion `offers_from_template`, a conversion
// with `recipients`): a salesperson's template offer is converted once per selected contractor as a
// record job (POST /api/records/offer/<id>/convert/offers_from_template/jobs), each offer priced by
// its contractor's own price list and discount rules, linked to the template, created with the
// starter's rights. A contractor the starter may not read is never touched; a refused recipient (an
// inactive contractor, refused by a guard the test adds) is a failure of the job while the others get their offers.
import { seedPackage } from '../../engine/seeding.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
let admin: JsonClient;
let ola: JsonClient;
let piotr: JsonClient;
const ids: Record<string, string> = {};

const create = async (client: JsonClient, type: string, body: Record<string, unknown>) => {
  const res = await client.post(`/records/${type}`, body);
  expect([type, res.status, res.body.errors]).toEqual([type, 201, undefined]);
  return res.body.id as string;
};

beforeAll(async () => {
  env = await startTestPlatform();
  const pkg = await seedPackage();
  // Salespeople read only their own contractors here: the rights case of the fan-out.
  const role = pkg.files['roles/salesperson.json'] as { permissions: { entity: string; read?: string }[] };
  const permissions = role.permissions.map((p) => (p.entity === 'contractor' ? { ...p, read: 'own' } : p));
  // No offer for an inactive contractor: the refused recipient.
  const offer = pkg.files['entities/offer.json'] as Record<string, unknown>;
  const guard = {
    id: 'test.offer.guard.active_contractor',
    name: 'active_contractor',
    condition: 'inactive = 0',
    message: { en: 'the contractor is inactive', pl: 'kontrahent jest nieaktywny', ro: 'partenerul este inactiv' },
    field: 'contractor',
    lookups: { inactive: { from: 'contractor', via: 'id', on: 'contractor', aggregate: 'count', where: { active: { eq: false } } } },
  };
  const files = { ...pkg.files, 'roles/salesperson.json': { ...role, permissions }, 'entities/offer.json': { ...offer, guards: [guard] } };
  await env.platform.applyMetadata({ files }, { source: 'seed' });
  server = await startTestServer(env.platform);
  admin = jsonClient(`${server.url}/api`);
  ids.ola = await createTestUser(env.platform, { login: 'ola', roles: ['salesperson'] });
  ids.piotr = await createTestUser(env.platform, { login: 'piotr', roles: ['salesperson'] });
  ola = await userClient(env.platform, `${server.url}/api`, ids.ola);
  piotr = await userClient(env.platform, `${server.url}/api`, ids.piotr);
  // The toner has no list price for everyone: each contractor's own list prices it (or nothing does).
  ids.toner = await create(admin, 'product', { code: 'TON-01', name: 'Toner czarny' });
  ids.paper = await create(admin, 'product', { code: 'PAP-A4', name: 'Papier A4', sale_price: { amount: 20, currency: 'PLN' } });
  ids.listA = await create(admin, 'price_list', { name: 'Cennik Alfa', currency: 'pln', items: [{ product: ids.toner, price: 90 }] });
  ids.listB = await create(admin, 'price_list', { name: 'Cennik Beta', currency: 'pln', items: [{ product: ids.toner, price: 80 }] });
  ids.alfa = await create(ola, 'contractor', { name: 'Alfa Sp. z o.o.', price_list: ids.listA });
  ids.beta = await create(ola, 'contractor', { name: 'Beta S.A.', price_list: ids.listB });
  ids.gamma = await create(ola, 'contractor', { name: 'Gamma (nieaktywny)', active: false });
  ids.delta = await create(piotr, 'contractor', { name: 'Delta Piotra', price_list: ids.listA });
  await create(admin, 'discount_rule', { name: 'Beta 5%', percent: 5, contractor: ids.beta });
  ids.template = await create(ola, 'offer', {
    title: 'Materiały biurowe 2027',
    is_template: true,
    contractor: ids.alfa,
    lines: [
      { product: ids.toner, description: 'Toner', quantity: 2, net_price: 999, vat_rate: 'vat23' },
      { product: ids.paper, description: 'Papier', quantity: 10, net_price: 999, vat_rate: 'vat23' },
      { description: 'Dostawa', quantity: 1, net_price: 150, vat_rate: 'vat23' },
    ],
  });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

async function finished(client: JsonClient, id: string) {
  for (let i = 0; i < 400; i += 1) {
    const res = await client.get(`/record-jobs/${id}`);
    if (!['queued', 'running', 'cancelling'].includes(res.body.status)) return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the job did not finish');
}

type Line = { net_price: number; discount_percent: number | null; net: number };

test('one offer per readable recipient, priced by its own list and rules, linked to the template; refused and unreadable recipients reported', async () => {
  const started = await ola.post(`/records/offer/${ids.template}/convert/offers_from_template/jobs`, { ids: [ids.alfa, ids.beta, ids.gamma, ids.delta] });
  expect([started.status, started.body.errors]).toEqual([202, undefined]);
  const report = await finished(ola, started.body.id);
  expect(report).toMatchObject({ kind: 'conversion-fan-out', entity: 'contractor', status: 'done', total: 4, done: 2, failed: 2 });
  // Gamma is inactive (refused by the offer's guard, the others kept); Piotr's Delta is not Ola's to read: never touched.
  expect(Object.fromEntries(report.failures.map((f: { id: string; code: string }) => [f.id, f.code]))).toEqual({ [ids.gamma!]: 'RECORD_GUARD_FAILED', [ids.delta!]: 'UNREADABLE' });

  const made = (await admin.get(`/records/offer?filter=${encodeURIComponent(JSON.stringify({ template: { eq: ids.template } }))}&sort=title`)).body.data as Record<string, unknown>[];
  const byContractor = new Map(made.map((o) => [o.contractor as string, o]));
  expect([...byContractor.keys()].sort()).toEqual([ids.alfa, ids.beta].sort());
  const priced = (id: string) => (byContractor.get(id)!.lines as Line[]).map((l) => [l.net_price, l.discount_percent ?? null, l.net]);
  // Alfa: its list's 90; Beta: its list's 80 and its 5 %; the paper's sale price; the line without a product keeps its price.
  expect(priced(ids.alfa!)).toEqual([[90, null, 180], [20, null, 200], [150, null, 150]]);
  expect(priced(ids.beta!)).toEqual([[80, 5, 152], [20, 5, 190], [150, null, 150]]);
  for (const offer of made) expect(offer).toMatchObject({ title: 'Materiały biurowe 2027', is_template: false, template: ids.template, created_by: ids.ola });

  // The audit names Ola, the conversion, the template and the recipient.
  const audit = (await env.platform.knex('tessera.audit_log').where({ entity: 'offer', action: 'create' }).whereIn('record_id', made.map((o) => o.id as string)).select('actor', 'origin')) as { actor: string; origin: Record<string, unknown> }[];
  expect(audit.map((a) => a.actor)).toEqual([ids.ola, ids.ola]);
  expect(audit.map((a) => (a.origin.recipient as { id: string }).id).sort()).toEqual([ids.alfa, ids.beta].sort());
  expect(audit[0]!.origin).toMatchObject({ conversion: 'offers_from_template', source: { entity: 'offer', id: ids.template } });
  // Nothing of Gamma's refused offer is left behind (its number included).
  expect(Number((await env.platform.knex('offer').where({ contractor: ids.gamma }).count('* as n').first())!.n)).toBe(0);
});

test('the fan-out checks its template before it starts: the starter must read it, it must be a template, the conversion must have recipients', async () => {
  // Ola's template is not Piotr's to read.
  const foreign = await piotr.post(`/records/offer/${ids.template}/convert/offers_from_template/jobs`, { ids: [ids.delta] });
  expect(foreign.status).toBe(404);
  const plain = await create(ola, 'offer', { title: 'Zwykła oferta', contractor: ids.alfa, lines: [{ description: 'Dostawa', quantity: 1, net_price: 150, vat_rate: 'vat23' }] });
  const notTemplate = await ola.post(`/records/offer/${plain}/convert/offers_from_template/jobs`, { ids: [ids.beta] });
  expect([notTemplate.status, notTemplate.body.errors?.[0]?.code]).toEqual([409, 'CONVERSION_NOT_ALLOWED']);
  const noRecipients = await ola.post(`/records/offer/${plain}/convert/to_sales_order/jobs`, { ids: [ids.beta] });
  expect([noRecipients.status, noRecipients.body.errors?.[0]?.code]).toEqual([409, 'CONVERSION_RECIPIENTS']);
  // A fan-out is never run on the record alone, nor per selected template.
  const bulk = await ola.post('/records/offer/bulk/conversion/jobs', { conversion: 'offers_from_template', ids: [ids.template] });
  expect([bulk.status, bulk.body.errors?.[0]?.code]).toEqual([409, 'CONVERSION_RECIPIENTS']);
  const single = await ola.post(`/records/offer/${ids.template}/convert/offers_from_template`, {});
  expect([single.status, single.body.errors?.[0]?.code]).toEqual([409, 'CONVERSION_RECIPIENTS']);
  const bad = await ola.post(`/records/offer/${ids.template}/convert/offers_from_template/jobs`, { ids: ['nope'], extra: 1 });
  expect([bad.status, bad.body.errors.map((e: { pointer: string }) => e.pointer)]).toEqual([422, ['/extra', '/ids/0']]);
  const unknown = await ola.post(`/records/offer/${ids.template}/convert/to_nothing/jobs`, { ids: [ids.beta] });
  expect(unknown.status).toBe(404);
});

test('recipients chosen by a list filter: only those the starter may read', async () => {
  const started = await ola.post(`/records/offer/${ids.template}/convert/offers_from_template/jobs`, { filter: { price_list: { eq: ids.listA } } });
  expect(started.status).toBe(202);
  // Delta (Piotr's) has list A too, but Ola does not see it: not even counted.
  const report = await finished(ola, started.body.id);
  expect(report).toMatchObject({ status: 'done', total: 1, done: 1, failed: 0 });
});
