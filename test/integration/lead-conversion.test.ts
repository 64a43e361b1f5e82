// Converting a lead (issue #10 item 6): POST /api/records/lead/:id/convert creates or links the
// contractor, the contact person and the deal, carrying the lead's data and activities, in one
// transaction with the user's rights, each write audited under their name. The seed package.
import { deployShippedWorkflows, seedPackage } from '../../engine/seeding.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
let api: JsonClient;
let sales: JsonClient;
let analyst: JsonClient;
let salesId: string;

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata(await seedPackage(), { source: 'seed' });
  await deployShippedWorkflows(env.platform);
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  salesId = await createTestUser(env.platform, { login: 'sara', roles: ['salesperson'] });
  sales = await userClient(env.platform, `${server.url}/api`, salesId);
  analyst = await userClient(env.platform, `${server.url}/api`, await createTestUser(env.platform, { login: 'alan', roles: ['analyst'] }));
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

const count = async (entity: string) => (await api.get(`/records/${entity}?count=true&limit=1`)).body.count as number;
const created = async (client: JsonClient, entity: string, values: Record<string, unknown>) => {
  const res = await client.post(`/records/${entity}`, values);
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body as Record<string, unknown> & { id: string; version: number };
};

test('a new lead becomes contractor, contact person and deal with its data and activities; the lead is converted, audited', async () => {
  const lead = await created(api, 'lead', {
    title: 'CRM dla hurtowni elektrycznej', company_name: 'Elektro-Max Radom Sp. z o.o.', contact_name: 'Robert Majewski',
    email: 'robert.majewski@elektro-max.example', phone: '+48 48 555 36 36', industry: 'wholesale', employees: 35, interests: 'CRM z obsługą zamówień.',
  });
  const call = await created(api, 'activity', { kind: 'call', subject: 'Pierwsza rozmowa', lead: lead.id, direction: 'inbound' });
  const res = await api.post(`/records/lead/${lead.id}/convert`, {});
  expect(res.status).toBe(201);
  const { contractor, person, deal, activities } = res.body;
  expect(contractor).toMatchObject({ name: 'Elektro-Max Radom Sp. z o.o.', email: 'robert.majewski@elektro-max.example', phone: '+48 48 555 36 36', industry: 'wholesale', employees: 35, contractor_type: 'company', country: 'pl' });
  expect(person).toMatchObject({ first_name: 'Robert', last_name: 'Majewski', contractor: contractor.id, email: 'robert.majewski@elektro-max.example' });
  expect(deal).toMatchObject({ name: 'CRM dla hurtowni elektrycznej', contractor: contractor.id, person: person.id, lead: lead.id, description: 'CRM z obsługą zamówień.' });
  expect(deal.deal_date).toMatch(/^\d{4}-\d\d-\d\d$/);
  // The lead's activities (its qualification task from the shipped workflow too) go with it.
  expect(activities.linked).toBeGreaterThanOrEqual(1);
  expect((await api.get(`/records/activity/${call.id}`)).body).toMatchObject({ lead: lead.id, contractor: contractor.id, deal: deal.id, person: person.id });
  expect((await api.get(`/records/deal/${deal.id}/activities`)).body.data.map((a: { id: string }) => a.id)).toContain(call.id);
  const converted = (await api.get(`/records/lead/${lead.id}`)).body;
  expect(converted).toMatchObject({ status: 'converted', contractor: contractor.id });
  // Audited: the lead walked new → qualified → converted under the admin's name.
  const trail = (await api.get(`/records/lead/${lead.id}/history`)).body.data as { action: string; actor: string; changes: Record<string, [unknown, unknown]> }[];
  expect(trail.filter((h) => h.changes.status).map((h) => [h.changes.status![1], h.actor])).toEqual([['new', server.adminId], ['qualified', server.adminId], ['converted', server.adminId]]);
  expect((await api.get(`/records/deal/${deal.id}/history`)).body.data[0]).toMatchObject({ action: 'create', actor: server.adminId });
  // A converted lead cannot be converted again.
  const again = await api.post(`/records/lead/${lead.id}/convert`, {});
  expect(again.status).toBe(409);
  expect(again.body.errors).toEqual([expect.objectContaining({ pointer: '/status', code: 'LEAD_CLOSED' })]);
});

test('the lead’s own contractor is linked; an existing contractor or none for the person can be chosen', async () => {
  const existing = await created(api, 'contractor', { name: 'Hotel „Pod Jodłami” Sp. z o.o.', contractor_type: 'company', country: 'pl' });
  const lead = await created(api, 'lead', { title: 'CRM dla sieci hoteli', contractor: existing.id, contact_name: 'Anna Wójcik' });
  const before = await count('contractor');
  const res = await api.post(`/records/lead/${lead.id}/convert`, { person: null, deal: { values: { name: 'Wdrożenie CRM — hotele', probability: 40 } } });
  expect(res.status).toBe(201);
  expect(res.body.contractor.id).toBe(existing.id);
  expect(res.body.person).toBeNull();
  expect(res.body.deal).toMatchObject({ name: 'Wdrożenie CRM — hotele', probability: 40, contractor: existing.id, person: null });
  expect(await count('contractor')).toBe(before);
  const other = await created(api, 'lead', { title: 'Drugi lead', company_name: 'Nie ta firma' });
  const linked = await api.post(`/records/lead/${other.id}/convert`, { contractor: { id: existing.id } });
  expect(linked.status).toBe(201);
  expect(linked.body.contractor.id).toBe(existing.id);
});

test('a refused part rolls everything back: 422 with the pointer of the bad value, nothing created', async () => {
  const lead = await created(api, 'lead', { title: 'Lead z błędem', company_name: 'Firma Testowa', contact_name: 'Jan Nowak' });
  const counts = async () => Promise.all(['contractor', 'person', 'deal'].map(count));
  const before = await counts();
  const bad = await api.post(`/records/lead/${lead.id}/convert`, { deal: { values: { probability: 500 } } });
  expect(bad.status).toBe(422);
  expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: '/deal/values/probability' })]);
  const shape = await api.post(`/records/lead/${lead.id}/convert`, { contractor: 'Firma', extra: 1 });
  expect(shape.status).toBe(422);
  expect(shape.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/contractor', '/extra']);
  expect(await counts()).toEqual(before);
  expect((await api.get(`/records/lead/${lead.id}`)).body.status).toBe('new');
});

test('rights: a reader cannot convert (nothing created); a salesperson converts their own lead, others’ activities stay with the lead', async () => {
  const lead = await created(api, 'lead', { title: 'Lead do odczytu', company_name: 'Tylko Odczyt' });
  const before = await count('contractor');
  const refused = await analyst.post(`/records/lead/${lead.id}/convert`, {});
  expect(refused.status).toBe(403);
  expect(await count('contractor')).toBe(before);
  // A salesperson's own lead; an activity on it by the admin is not theirs to change.
  const own = await created(sales, 'lead', { title: 'Mój lead', company_name: 'Sprzedawca i S-ka', contact_name: 'Ewa Lis' });
  const mine = await created(sales, 'activity', { kind: 'task', subject: 'Zadzwonić', lead: own.id });
  const theirs = await created(api, 'activity', { kind: 'task', subject: 'Zadanie admina', lead: own.id });
  const res = await sales.post(`/records/lead/${own.id}/convert`, {});
  expect(res.status).toBe(201);
  expect(res.body.deal).toMatchObject({ owner: salesId, name: 'Mój lead' });
  expect((await api.get(`/records/activity/${mine.id}`)).body.deal).toBe(res.body.deal.id);
  expect((await api.get(`/records/activity/${theirs.id}`)).body.deal).toBeNull();
  // Activities the salesperson may not even read are neither changed nor counted.
  expect(res.body.activities.linked).toBeGreaterThanOrEqual(1);
  // Someone else's lead: not theirs to read (404, as for a missing one).
  expect((await sales.post(`/records/lead/${lead.id}/convert`, {})).status).toBe(404);
});
