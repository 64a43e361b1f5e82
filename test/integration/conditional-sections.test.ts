// Conditional form sections on the server: a field in a section whose `visibleWhen` does not hold
// is hidden, keeps its value and is not required; while the section shows, its `requiredWhen`
// holds. The server refuses exactly the writes the generated form marks (forms/conditions.ts).
// Real HTTP, real database, the shipped CRM with the business section of contractors made
// conditional.
import { buildModel, groupItems, loadPackageDir, type PackageFiles } from '../../metadata/index.ts';
import { evaluateConditions, conditionalProblems, recordForm } from '../../forms/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';
import { createTestUser, userClient } from '../support/auth.ts';

let env: TestPlatform;
let server: TestServer;
let api: ReturnType<typeof jsonClient>;
let files: PackageFiles;

type Section = { id: string; fields: string[]; visibleWhen?: string };
type Entity = { layout: Section[]; layoutVariants?: { roles: string[]; layout: Section[] }[]; fields: { name: string; requiredWhen?: string }[] };

beforeAll(async () => {
  env = await startTestPlatform();
  ({ package: files } = await loadPackageDir(SEED_METADATA_DIR));
  const contractor = structuredClone(files.files['entities/contractor.json']) as Entity;
  contractor.layout.find((s) => s.id === 'crm.contractor.section.business')!.visibleWhen = 'contractor_type = "company"';
  contractor.fields.find((f) => f.name === 'industry')!.requiredWhen = 'true';
  // Salespeople see the default sections without the condition: the business section always shows.
  contractor.layoutVariants = [{ roles: ['salesperson'], layout: contractor.layout.map(({ visibleWhen: _, ...s }) => s) }];
  files = { files: { ...files.files, 'entities/contractor.json': contractor } };
  const applied = await env.platform.applyMetadata(files, { source: 'cli' });
  expect(applied).toBeTruthy();
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

/** What the generated form says of these values: the fields it hides and the problems it marks. */
function formSays(values: Record<string, unknown>, roles?: string[]) {
  const form = recordForm(buildModel(groupItems(files.files as Parameters<typeof groupItems>[0])), 'contractor', { mode: 'create', ...(roles ? { roles } : {}) });
  const state = evaluateConditions(form.conditions, values);
  return { hidden: state.hidden, problems: conditionalProblems(state, values, form.conditions).map((p) => p.pointer) };
}

const base = { name: 'Jan Kowalski', country: 'pl' };

test('a field of a hidden section is not required; the form hides it and marks nothing', async () => {
  const person = { ...base, contractor_type: 'natural_person' };
  const form = formSays(person);
  expect(form.hidden.has('industry')).toBe(true);
  expect(form.problems).toEqual([]);
  const res = await api.post('/records/contractor', person);
  expect(res.status).toBe(201);
  expect(res.body.industry).toBeNull();
});

test('while the section shows, its field is required: the server refuses what the form marks', async () => {
  const company = { ...base, name: 'Hydrobudowa Sp. z o.o.', contractor_type: 'company' };
  const form = formSays(company);
  expect(form.hidden.has('industry')).toBe(false);
  expect(form.problems).toEqual(['/industry']);
  const refused = await api.post('/records/contractor', company);
  expect(refused.status).toBe(422);
  expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(refused.body.errors).toEqual([expect.objectContaining({ pointer: '/industry', code: 'REQUIRED' })]);
  const created = await api.post('/records/contractor', { ...company, industry: 'construction' });
  expect(created.status).toBe(201);
  expect(formSays({ ...company, industry: 'construction' }).problems).toEqual([]);
});

test('a hidden field keeps its value: the section hides and shows it again unchanged', async () => {
  const created = await api.post('/records/contractor', { ...base, name: 'Instal-Serwis', contractor_type: 'company', industry: 'energy' });
  expect(created.status).toBe(201);
  const hidden = await api.patch(`/records/contractor/${created.body.id}`, { contractor_type: 'natural_person' }, { 'If-Match': '"1"' });
  expect(hidden.status).toBe(200);
  expect(hidden.body.industry).toBe('energy');
  // Shown again, the kept value satisfies the requirement; cleared while shown, it is refused.
  const shown = await api.patch(`/records/contractor/${created.body.id}`, { contractor_type: 'company' }, { 'If-Match': '"2"' });
  expect(shown.status).toBe(200);
  expect(shown.body.industry).toBe('energy');
  const cleared = await api.patch(`/records/contractor/${created.body.id}`, { industry: null }, { 'If-Match': '"3"' });
  expect(cleared.status).toBe(422);
});

test("a role's layout variant decides for its users: without the condition the field shows and is required", async () => {
  const seller = await userClient(env.platform, `${server.url}/api`, await createTestUser(env.platform, { login: 'seller', roles: ['salesperson'] }));
  const person = { ...base, name: 'Anna Wiśniewska', contractor_type: 'natural_person' };
  const form = formSays(person, ['salesperson']);
  expect(form.hidden.has('industry')).toBe(false);
  expect(form.problems).toEqual(['/industry']);
  const refused = await seller.post('/records/contractor', person);
  expect(refused.status).toBe(422);
  expect(refused.body.errors).toEqual([expect.objectContaining({ pointer: '/industry', code: 'REQUIRED' })]);
  expect((await seller.post('/records/contractor', { ...person, industry: 'retail' })).status).toBe(201);
});
