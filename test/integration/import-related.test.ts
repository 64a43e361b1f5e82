// Importing related data in one go (engine/imports): contractors with their persons from one file
// (columns mapped to `person.<field>`, the person created about the row's contractor in the row's
// savepoint), the dry run reporting a person's problems at `/person/0/<field>` of the row, undo
// removing both; and activities onto existing contractors named by NIP or by name.
import { seedPackage } from '../../engine/seeding.ts';
import type { RecordContext } from '../../engine/records/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';
import { validNip as nip } from '../support/tax-ids.ts';

const csv = (lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8').toString('base64');
const system: RecordContext = { actor: { userId: null, via: 'system' } };

let env: TestPlatform;
let server: TestServer;
let admin: JsonClient;

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata(await seedPackage(), { source: 'seed' });
  server = await startTestServer(env.platform);
  admin = jsonClient(`${server.url}/api`);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

async function finished(id: string) {
  for (let i = 0; i < 400; i += 1) {
    const res = await admin.get(`/imports/${id}`);
    if (!['queued', 'running', 'cancelling'].includes(res.body.status)) return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('import did not finish');
}

const FILE = [
  'Nazwa;NIP;Typ;Kraj;person.first_name;person.last_name;person.email',
  `Alfa Serwis;${nip(71)};company;pl;Anna;Nowak;anna@alfa.pl`,
  `Beta Trans;${nip(72)};company;pl;Jan;Kowal;nie-e-mail`,
  `Gamma Bud;${nip(73)};company;pl;;;`,
];
const MAPPING = { Nazwa: 'name', NIP: 'tax_id', Typ: 'contractor_type', Kraj: 'country' };

test('the mapping offers the related type’s fields (not its reference back) and matches `person.<field>` columns', async () => {
  const preview = await admin.post('/imports/preview', { type: 'contractor', content: csv(FILE) });
  expect(preview.status).toBe(200);
  expect(preview.body.targets).toEqual(expect.arrayContaining(['name', 'person.first_name', 'person.email', 'person.mobile']));
  expect(preview.body.targets).not.toContain('person.contractor');
  expect(preview.body.mapping).toMatchObject({ 'person.first_name': 'person.first_name', 'person.last_name': 'person.last_name', 'person.email': 'person.email' });
  const bad = await admin.post('/imports', { type: 'contractor', content: csv(FILE), mapping: { Nazwa: 'person.contractor' } });
  expect(bad.status).toBe(422);
  expect(bad.body.errors[0].pointer).toBe('/mapping/Nazwa');
});

test('dry run: a person’s problem is reported at /person/0/<field> of its row, and nothing is written', async () => {
  const started = await admin.post('/imports', { type: 'contractor', content: csv(FILE), mapping: MAPPING, dryRun: true });
  expect(started.status).toBe(202);
  const report = await finished(started.body.id);
  expect(report).toMatchObject({ status: 'done', total: 3, created: 2, failed: 1 });
  expect(report.problems).toEqual([expect.objectContaining({ row: 3, pointer: '/person/0/email' })]);
  expect(await env.platform.knex('public.contractor').whereIn('name', ['Alfa Serwis', 'Beta Trans', 'Gamma Bud']).select('id')).toEqual([]);
});

test('contractors with their persons in one go; a row whose person is refused is refused whole; undo removes both', async () => {
  const started = await admin.post('/imports', { type: 'contractor', content: csv(FILE), mapping: MAPPING });
  const report = await finished(started.body.id);
  expect(report).toMatchObject({ status: 'done', created: 2, failed: 1 });
  const contractors = (await env.platform.knex('public.contractor').whereIn('name', ['Alfa Serwis', 'Beta Trans', 'Gamma Bud']).whereNull('deleted_at').select('id', 'name')) as { id: string; name: string }[];
  expect(contractors.map((c) => c.name).sort()).toEqual(['Alfa Serwis', 'Gamma Bud']);
  const alfa = contractors.find((c) => c.name === 'Alfa Serwis')!;
  const persons = (await env.platform.knex('public.person').whereIn('contractor', contractors.map((c) => c.id)).whereNull('deleted_at').select('first_name', 'email', 'contractor')) as Record<string, unknown>[];
  // Gamma's person columns are empty: no person.
  expect(persons).toEqual([{ first_name: 'Anna', email: 'anna@alfa.pl', contractor: alfa.id }]);

  const undone = await admin.post(`/imports/${started.body.id}/undo`, {});
  expect(undone.status).toBe(200);
  expect(undone.body.undone).toEqual({ deleted: 3, reverted: 0 });
  expect(await env.platform.knex('public.contractor').whereIn('id', contractors.map((c) => c.id)).whereNull('deleted_at').select('id')).toEqual([]);
  expect(await env.platform.knex('public.person').where({ contractor: alfa.id }).whereNull('deleted_at').select('id')).toEqual([]);
});

test('activities onto existing contractors, named by NIP or by name; an unknown one is reported at its row', async () => {
  const stal = (await env.platform.records.create(system, 'contractor', { name: 'Stalbud Sp. z o.o.', tax_id: nip(74), contractor_type: 'company', country: 'pl' })).id as string;
  const file = ['Rodzaj;Temat;Kontrahent', `note;Rozmowa o rabacie;${nip(74)}`, 'note;Oferta wysłana;Stalbud Sp. z o.o.', 'note;Nikt;Nie ma takiego'];
  const started = await admin.post('/imports', { type: 'activity', content: csv(file), mapping: { Rodzaj: 'kind', Temat: 'subject', Kontrahent: 'contractor' } });
  expect(started.status).toBe(202);
  const report = await finished(started.body.id);
  expect(report).toMatchObject({ status: 'done', created: 2, failed: 1 });
  expect(report.problems).toEqual([expect.objectContaining({ row: 4, pointer: '/contractor', code: 'IMPORT_REFERENCE_NOT_FOUND' })]);
  const subjects = (await env.platform.knex('public.activity').where({ contractor: stal }).whereNull('deleted_at').orderBy('subject').pluck('subject')) as string[];
  expect(subjects).toEqual(['Oferta wysłana', 'Rozmowa o rabacie']);
});
