// "View as this role" (GET /api/meta/roles/:name/preview): only holders of administerMetadata may
// use it; what it shows a role's user is what a real user holding that role gets through their own
// session (the same rights summary as /api/auth/me, the same rows of a list); and it never shows the
// caller more than the caller may read themselves (rows and fields).
import { createTestUser, browserClient, type BrowserClient } from '../support/auth.ts';
import { startSeedCrm } from '../support/seed-crm.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';
import type { TestPlatform } from '../support/database.ts';

let env: TestPlatform;
let server: TestServer;
let admin: ReturnType<typeof jsonClient>;
const sessions: Record<string, BrowserClient> = {};

const names = (rows: { name: string }[]) => rows.map((r) => r.name).sort();

beforeAll(async () => {
  env = await startSeedCrm();
  server = await startTestServer(env.platform);
  admin = jsonClient(`${server.url}/api`);
  // A role for a designer who may change metadata but reads only their own deals and no credit limits.
  const files = structuredClone((await admin.get('/meta')).body.files) as Record<string, unknown>;
  files['roles/designer.json'] = {
    kind: 'role', id: 'test.role.designer', name: 'designer', label: { en: 'Designer' }, administerMetadata: true,
    permissions: [{ entity: 'deal', read: 'own' }, { entity: 'contractor', read: 'all', fields: { credit_limit: 'none' } }],
  };
  expect((await admin.put('/meta', { files })).status).toBe(200);
  for (const [login, roles] of [['analityk', ['analyst']], ['ola', ['salesperson']], ['jan', ['salesperson']], ['projektant', ['designer']]] as const) {
    await createTestUser(env.platform, { login, roles: [...roles] });
    sessions[login] = browserClient(`${server.url}/api`);
    expect((await sessions[login].login(login)).status).toBe(200);
  }
  const contractor = await admin.post('/records/contractor', { name: 'Hydrobudowa Gdańsk', contractor_type: 'company', country: 'pl', credit_limit: { amount: 50000, currency: 'PLN' } });
  if (contractor.status !== 201) throw new Error(JSON.stringify(contractor.body));
  for (const login of ['ola', 'jan']) {
    const deal = await sessions[login]!.post('/records/deal', { name: `Deal of ${login}`, deal_date: '2026-12-01', contractor: contractor.body.id });
    if (deal.status !== 201) throw new Error(JSON.stringify(deal.body));
  }
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

test('a salesperson may not use the preview; an analyst may', async () => {
  const refused = await sessions.ola!.get('/meta/roles/salesperson/preview?entity=deal');
  expect(refused.status).toBe(403);
  expect(refused.contentType).toContain('application/problem+json');
  expect((await sessions.analityk!.get('/meta/roles/salesperson/preview?entity=deal')).status).toBe(200);
});

test("the preview as a salesperson's login matches what that salesperson gets signed in", async () => {
  const preview = await sessions.analityk!.get('/meta/roles/salesperson/preview?entity=deal&as=ola');
  expect(preview.status).toBe(200);
  const own = await sessions.ola!.get('/records/deal');
  expect(names(own.body.data)).toEqual(['Deal of ola']);
  expect(names(preview.body.data)).toEqual(names(own.body.data));
  // The rights of every entity type, field rights included, are those the salesperson's session reports.
  const me = await sessions.ola!.get('/auth/me');
  expect(preview.body.rights).toEqual(me.body.rights.entities);
  expect(preview.body.rights.contractor.fields).toEqual({ credit_limit: 'read', balance: 'read' });
  // Without `as` the identity is the caller's: the analyst owns no deals, so a salesperson's own scope shows none.
  expect((await sessions.analityk!.get('/meta/roles/salesperson/preview?entity=deal')).body.data).toEqual([]);
  // The contractors the salesperson reads, with every field the analyst may see.
  const contractors = await sessions.analityk!.get('/meta/roles/salesperson/preview?entity=contractor&as=jan');
  expect(names(contractors.body.data)).toEqual(names((await sessions.jan!.get('/records/contractor')).body.data));
  expect(contractors.body.data[0].credit_limit).toMatchObject({ currency: 'PLN' });
});

test('the preview never shows the caller rows or fields they may not read themselves', async () => {
  // The designer reads only their own deals: a salesperson's deals stay out of their preview.
  const deals = await sessions.projektant!.get('/meta/roles/salesperson/preview?entity=deal&as=ola');
  expect(deals.status).toBe(200);
  expect(deals.body.data).toEqual([]);
  // Credit limits are hidden from the designer, though the salesperson reads them.
  const contractors = await sessions.projektant!.get('/meta/roles/salesperson/preview?entity=contractor&as=ola');
  expect(contractors.body.data.length).toBeGreaterThan(0);
  for (const row of contractors.body.data) expect(row).not.toHaveProperty('credit_limit');
  // Includes would reach other types: they are not followed.
  const included = await sessions.analityk!.get('/meta/roles/salesperson/preview?entity=deal&as=ola&include=contractor');
  expect(typeof included.body.data[0].contractor).toBe('string');
});

test('bad input is a problem with a pointer', async () => {
  expect((await sessions.analityk!.get('/meta/roles/nobody/preview')).status).toBe(404);
  const user = await sessions.analityk!.get('/meta/roles/salesperson/preview?as=ghost');
  expect(user.status).toBe(400);
  expect(user.body.errors[0].pointer).toBe('/query/as');
  const entity = await sessions.analityk!.get('/meta/roles/salesperson/preview?entity=unicorn');
  expect(entity.status).toBe(400);
  expect(entity.body.errors[0].pointer).toBe('/query/entity');
});

/** The applied package with the salesperson role's permissions changed by `edit` (a designer's draft). */
async function draftWith(edit: (permissions: Record<string, unknown>[]) => void): Promise<Record<string, unknown>> {
  const files = structuredClone((await admin.get('/meta')).body.files) as Record<string, Record<string, unknown>>;
  const path = Object.keys(files).find((f) => files[f]!.kind === 'role' && files[f]!.name === 'salesperson')!;
  edit(files[path]!.permissions as Record<string, unknown>[]);
  return files;
}

test("a draft's role is previewed as the draft defines it, the applied one without a draft", async () => {
  const before = (await admin.get('/meta')).body.version as number;
  // Widened: deals readable by all; narrowed: contractors only of another country, credit limits hidden.
  const files = await draftWith((permissions) => {
    const deal = permissions.find((p) => p.entity === 'deal')!;
    deal.read = 'all';
    const contractor = permissions.find((p) => p.entity === 'contractor')!;
    contractor.condition = 'country != "pl"';
    contractor.fields = { credit_limit: 'none', balance: 'read' };
  });
  const deals = await sessions.analityk!.post('/meta/roles/salesperson/preview?entity=deal&as=ola', { files });
  expect(deals.status).toBe(200);
  expect(names(deals.body.data)).toEqual(['Deal of jan', 'Deal of ola']);
  expect(deals.body.rights.deal.read).toBe('all');
  const contractors = await sessions.analityk!.post('/meta/roles/salesperson/preview?entity=contractor&as=ola', { files });
  expect(contractors.status).toBe(200);
  expect(names(contractors.body.data)).not.toContain('Hydrobudowa Gdańsk');
  expect(contractors.body.rights.contractor.fields).toMatchObject({ credit_limit: 'none' });
  // The applied role is unchanged, and so is its preview.
  expect((await admin.get('/meta')).body.version).toBe(before);
  expect(names((await sessions.analityk!.get('/meta/roles/salesperson/preview?entity=deal&as=ola')).body.data)).toEqual(['Deal of ola']);
  const applied = await sessions.analityk!.get('/meta/roles/salesperson/preview?entity=contractor&as=ola');
  expect(names(applied.body.data)).toContain('Hydrobudowa Gdańsk');
  expect(applied.body.data.find((r: { name: string }) => r.name === 'Hydrobudowa Gdańsk').credit_limit).toMatchObject({ currency: 'PLN' });
});

test('a role only the draft declares is previewed; an invalid draft is a problem with pointers; only designers preview drafts', async () => {
  const files = (await draftWith(() => undefined)) as Record<string, unknown>;
  files['roles/auditor.json'] = { kind: 'role', id: 'test.role.auditor', name: 'auditor', label: { en: 'Auditor' }, permissions: [{ entity: 'deal', read: 'all', fields: { name: 'read' } }] };
  const auditor = await sessions.analityk!.post('/meta/roles/auditor/preview?entity=deal&as=ola', { files });
  expect(auditor.status).toBe(200);
  expect(names(auditor.body.data)).toEqual(['Deal of jan', 'Deal of ola']);
  expect((await sessions.analityk!.get('/meta/roles/auditor/preview?entity=deal')).status).toBe(404);
  const invalid = await draftWith((permissions) => {
    permissions.find((p) => p.entity === 'deal')!.read = 'sometimes';
  });
  const refused = await sessions.analityk!.post('/meta/roles/salesperson/preview?entity=deal', { files: invalid });
  expect(refused.status).toBe(422);
  expect(refused.contentType).toContain('application/problem+json');
  expect(refused.body.errors.length).toBeGreaterThan(0);
  for (const error of refused.body.errors) expect(error.pointer).toMatch(/^\/files\//);
  const bodyless = await sessions.analityk!.post('/meta/roles/salesperson/preview', { files: [] });
  expect(bodyless.status).toBe(422);
  expect(bodyless.body.errors[0].pointer).toBe('/files');
  const salesperson = await sessions.ola!.post('/meta/roles/salesperson/preview?entity=deal', { files });
  expect(salesperson.status).toBe(403);
});
