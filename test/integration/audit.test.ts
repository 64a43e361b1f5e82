// The audit trail: a scenario through every entry point (browser session, API token, workflow,
// system), walked back through the history endpoint with who, through what and old → new; the
// trail is append-only; a change behind the records service shows up as a gap.
import { loadPackageDir } from '../../metadata/index.ts';
import { accessFor, loadSubject } from '../../engine/access/index.ts';
import { browserClient, createTestUser } from '../support/auth.ts';
import { auditGaps, startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
let anna: string;

const role = { kind: 'role', id: 't.role.sales', name: 'sales', label: { en: 'Sales' }, permissions: [{ entity: '*', read: 'all', create: true, update: 'all', delete: 'all' }] };
// Deals only: contractors are not for them.
const dealsOnly = { kind: 'role', id: 't.role.deals_only', name: 'deals_only', label: { en: 'Deals only' }, permissions: [{ entity: 'deal', read: 'all' }] };

beforeAll(async () => {
  env = await startTestPlatform();
  const { package: mini } = await loadPackageDir(new URL('../fixtures/packages/crm-mini/', import.meta.url).pathname);
  await env.platform.applyMetadata({ files: { ...mini.files, 'roles/sales.json': role, 'roles/deals_only.json': dealsOnly } }, { source: 'cli' });
  server = await startTestServer(env.platform);
  anna = await createTestUser(env.platform, { login: 'anna', roles: ['sales'] });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

test('a deal through UI, API token, workflow and system: the history shows each change with who, via and old → new', async () => {
  const browser = browserClient(`${server.url}/api`);
  await browser.login('anna');
  const api = jsonClient(`${server.url}/api`); // the test administrator's token
  const { records } = env.platform;

  const contractor = (await browser.post('/records/contractor', { name: 'Audit SA' })).body;
  const created = await browser.post('/records/deal', { title: 'Audited deal', contractor: contractor.id });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const moved = await api.patch(`/records/deal/${id}`, { stage: 'meeting', version: 1 });
  expect(moved.status).toBe(200);
  // A workflow step acts without a user; the system (seeding, migrations) too.
  await records.update({ actor: { userId: null, via: 'workflow' } }, 'deal', id, { follow_up: '2030-05-01' }, { expectedVersion: 2 });
  await records.update({ actor: { userId: null, via: 'system' } }, 'deal', id, { value: { amount: 1000, currency: 'PLN' } }, { expectedVersion: 3 });
  // A workflow acting with a user's declared rights carries that access.
  const access = accessFor(env.platform.runtime.snapshot.model, (await loadSubject(env.platform.knex, anna))!);
  await records.update({ actor: { userId: anna, via: 'automation', access } }, 'deal', id, { value: { amount: 1500, currency: 'PLN' } }, { expectedVersion: 4 });
  expect((await browser.delete(`/records/deal/${id}`)).status).toBe(200);
  expect((await api.post(`/records/deal/${id}/restore`)).status).toBe(200);

  const history = await browser.get(`/records/deal/${id}/history`);
  expect(history.status).toBe(200);
  const trail = (history.body.data as { action: string; via: string; actor: string | null; actor_name: string | null; changes: Record<string, [unknown, unknown]>; at: string }[]).map((h) => ({
    action: h.action,
    via: h.via,
    actor: h.actor,
    changes: h.changes,
  }));
  expect(trail).toEqual([
    { action: 'create', via: 'ui', actor: anna, changes: expect.objectContaining({ title: [null, 'Audited deal'], stage: [null, 'new'], contractor: [null, contractor.id] }) },
    { action: 'update', via: 'api', actor: server.adminId, changes: { stage: ['new', 'meeting'] } },
    { action: 'update', via: 'workflow', actor: null, changes: { follow_up: [null, '2030-05-01'] } },
    { action: 'update', via: 'system', actor: null, changes: { value: [null, { amount: 1000, currency: 'PLN' }] } },
    { action: 'update', via: 'automation', actor: anna, changes: { value: [{ amount: 1000, currency: 'PLN' }, { amount: 1500, currency: 'PLN' }] } },
    { action: 'delete', via: 'ui', actor: anna, changes: {} },
    { action: 'restore', via: 'api', actor: server.adminId, changes: {} },
  ]);
  expect(history.body.data[0].actor_name).toBe('Anna');
  const times = history.body.data.map((h: { at: string }) => Date.parse(h.at));
  expect(times).toEqual([...times].sort((a, b) => a - b));
  expect(await auditGaps(env.platform)).toEqual([]);
});

test('history names the records reference values point at, with the reader’s rights (issue #10 item 8)', async () => {
  const api = jsonClient(`${server.url}/api`);
  const first = (await api.post('/records/contractor', { name: 'Stalbud Sp. z o.o.' })).body;
  const second = (await api.post('/records/contractor', { name: 'Elektromont S.A.' })).body;
  const deal = (await api.post('/records/deal', { title: 'Named trail', contractor: first.id, parties: [{ id: second.id }] })).body;
  expect((await api.patch(`/records/deal/${deal.id}`, { contractor: second.id, version: deal.version })).status).toBe(200);
  const admin = (await api.get(`/records/deal/${deal.id}/history`)).body.data as { changes: Record<string, [unknown, unknown]>; names: Record<string, string | null> }[];
  expect(admin[1]!.changes.contractor).toEqual([first.id, second.id]);
  expect(admin[1]!.names).toEqual({ [first.id]: 'Stalbud Sp. z o.o.', [second.id]: 'Elektromont S.A.' });
  expect(admin[0]!.names).toMatchObject({ [first.id]: 'Stalbud Sp. z o.o.', [second.id]: 'Elektromont S.A.' });
  // Someone who reads deals but not contractors sees the trail, without the contractors' names.
  await createTestUser(env.platform, { login: 'dora', roles: ['deals_only'] });
  const dora = browserClient(`${server.url}/api`);
  await dora.login('dora');
  const hers = await dora.get(`/records/deal/${deal.id}/history`);
  expect(hers.status).toBe(200);
  expect(hers.body.data[1].names).toEqual({ [first.id]: null, [second.id]: null });
  expect(JSON.stringify(hers.body)).not.toContain('Stalbud');
});

test('the audit log is append-only: updates, deletes and truncation are refused by the database', async () => {
  const { knex } = env.platform;
  const row = await knex('tessera.audit_log').first('id');
  await expect(knex('tessera.audit_log').where({ id: row.id }).update({ via: 'forged' })).rejects.toThrow(/append-only/);
  await expect(knex('tessera.audit_log').where({ id: row.id }).delete()).rejects.toThrow(/append-only/);
  await expect(knex.raw('TRUNCATE tessera.audit_log')).rejects.toThrow(/append-only/);
  // Users with an audit trail cannot be deleted (only deactivated), so the trail keeps its actors.
  await expect(knex('tessera.users').where({ id: anna }).delete()).rejects.toThrow(/audit_log_actor_fkey/);
});

test('a change made behind the records service is reported as a gap', async () => {
  const { knex } = env.platform;
  const c = (await jsonClient(`${server.url}/api`).post('/records/contractor', { name: 'Sneaky' })).body;
  await knex('contractor').where({ id: c.id }).update({ name: 'Sneaky 2', version: 2 });
  expect(await auditGaps(env.platform)).toEqual([`contractor ${c.id}: version 2 but 1 audit row(s)`]);
  await knex('contractor').where({ id: c.id }).update({ name: 'Sneaky', version: 1 });
  expect(await auditGaps(env.platform)).toEqual([]);
});

test('no endpoint changes the trail: history is read-only', async () => {
  const api = jsonClient(`${server.url}/api`);
  const c = (await api.post('/records/contractor', { name: 'Read only history' })).body;
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    expect((await api.request(method, `/records/contractor/${c.id}/history`, method === 'DELETE' ? undefined : {})).status).toBe(404);
  }
});
