// Import over the HTTP API and the job runner on a real database: the dry run's report comes from
// the records service (pointers, codes), duplicates by a key (skip, update, create; within the file
// too), rights of the importing user and the audit naming them, undo (refused once a record changed
// since), and an import stopped mid-file (a server shutting down) going on after a restart.
import { archiveAuditMonths, monthOf, monthStart } from '../../engine/db/audit-partitions.ts';
import iconv from 'iconv-lite';
import writeXlsxFile from 'write-excel-file/node';
import type { PackageFiles } from '../../metadata/index.ts';
import { accessFor, loadSubject } from '../../engine/access/index.ts';
import { cancelImport, ImportJobs, undoImport } from '../../engine/imports/index.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { startTestServer, type JsonClient, type TestServer } from '../support/http.ts';
import { validNip as nip } from '../support/tax-ids.ts';
import { crmMiniPackage } from '../support/packages.ts';

const role = (name: string, permissions: unknown[]) => ({ kind: 'role', id: `t.role.${name}`, name, label: { en: name }, permissions });


const csv = (lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8').toString('base64');

let env: TestPlatform;
let server: TestServer;
let anna: JsonClient;
let reader: JsonClient;
const users: Record<string, string> = {};

async function finished(client: JsonClient, id: string) {
  for (let i = 0; i < 400; i += 1) {
    const res = await client.get(`/imports/${id}`);
    if (!['queued', 'running', 'cancelling'].includes(res.body.status)) return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('import did not finish');
}

beforeAll(async () => {
  env = await startTestPlatform();
  const pkg: PackageFiles = await crmMiniPackage({
    'roles/importer.json': role('importer', [{ entity: 'contractor', read: 'all', create: true, update: 'all', delete: 'all' }]),
    'roles/reader.json': role('reader', [{ entity: 'contractor', read: 'all' }]),
  });
  await env.platform.applyMetadata(pkg, { source: 'cli' });
  users.anna = await createTestUser(env.platform, { login: 'anna', roles: ['importer'] });
  users.rob = await createTestUser(env.platform, { login: 'rob', roles: ['reader'] });
  server = await startTestServer(env.platform);
  anna = await userClient(env.platform, `${server.url}/api`, users.anna);
  reader = await userClient(env.platform, `${server.url}/api`, users.rob);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

describe('dry run', () => {
  test('the report names row and field with the records service’s problems; nothing is written', async () => {
    const content = csv(['Nazwa;NIP;Employees;Client since;Rodzaj', `Alfa;${nip(1)};1 200;31.12.2026;Natural person`, 'Beta;1234567890;dużo;2026-02-30;company', ';;;;']);
    const preview = await anna.post('/imports/preview', { type: 'contractor', content });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ format: 'csv', encoding: 'utf-8', delimiter: ';', headers: ['Nazwa', 'NIP', 'Employees', 'Client since', 'Rodzaj'], total: 2, mapping: { Nazwa: 'name', NIP: 'tax_id', Employees: 'employees', 'Client since': 'since', Rodzaj: null } });
    const started = await anna.post('/imports', { type: 'contractor', content, dryRun: true, mapping: { Rodzaj: 'kind' } });
    expect(started.status).toBe(202);
    const report = await finished(anna, started.body.id);
    expect(report).toMatchObject({ status: 'done', dryRun: true, total: 2, processed: 2, created: 1, failed: 1 });
    // The checksum problem is the API's own (format of the field), at the same pointer a POST gets.
    const direct = await anna.post('/records/contractor', { name: 'Beta', tax_id: '1234567890' });
    expect(direct.status).toBe(422);
    const apiProblem = direct.body.errors.find((p: { pointer: string }) => p.pointer === '/tax_id');
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 3, pointer: '/employees', code: 'IMPORT_NUMBER' }),
        expect.objectContaining({ row: 3, pointer: '/since', code: 'IMPORT_DATE' }),
      ]),
    );
    // Cell problems come first; a row whose cells all read is checked by the records service.
    const again = await anna.post('/imports', { type: 'contractor', dryRun: true, content: csv(['Nazwa;NIP', 'Gamma;1234567890']) });
    const second = await finished(anna, again.body.id);
    expect(second.problems).toEqual([expect.objectContaining({ row: 2, pointer: '/tax_id', code: apiProblem.code, detail: apiProblem.detail })]);
    expect((await anna.get('/records/contractor')).body.data).toEqual([]);
  });

  test('bad requests are problems with pointers, not 500s', async () => {
    const res = await anna.post('/imports', { type: 'contractor', content: csv(['Nazwa', 'A']), onDuplicate: 'merge', encoding: 'koi8', mapping: { Nazwa: 'nope' } });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((p: { pointer: string }) => p.pointer).sort()).toEqual(['/encoding', '/onDuplicate']);
    const mapping = await anna.post('/imports', { type: 'contractor', content: csv(['Nazwa', 'A']), mapping: { Nazwa: 'nope' } });
    expect(mapping.status).toBe(422);
    expect(mapping.body.errors).toEqual([expect.objectContaining({ pointer: '/mapping/Nazwa' })]);
    expect((await anna.post('/imports', { type: 'nothing', content: csv(['a', 'b']) })).status).toBe(404);
    expect((await anna.post('/imports', { type: 'contractor' })).body.errors).toEqual([expect.objectContaining({ pointer: '/content' })]);
  });
});

describe('import', () => {
  test('windows-1250 file, duplicates by NIP skipped within the file and against the database; audit names the user via import', async () => {
    const existing = await anna.post('/records/contractor', { name: 'Stara Firma', tax_id: nip(10) });
    const text = ['Nazwa;NIP;Miasto', `Łódzka Spółka;${nip(11)};Łódź`, `Duplikat w pliku;${nip(11)};Kraków`, `Nowa nazwa;${nip(10)};Gdańsk`].join('\r\n');
    const content = iconv.encode(text, 'windows-1250').toString('base64');
    const started = await anna.post('/imports', { type: 'contractor', content, fileName: 'optima.csv', key: 'tax_id', onDuplicate: 'skip', mapping: { Miasto: 'city' } });
    const report = await finished(anna, started.body.id);
    expect(report).toMatchObject({ status: 'done', encoding: 'windows-1250', created: 1, skipped: 2, failed: 0 });
    const list = (await anna.get('/records/contractor?sort=name')).body.data;
    expect(list.map((r: { name: string; city: string | null }) => [r.name, r.city])).toEqual([
      ['Łódzka Spółka', 'Łódź'],
      ['Stara Firma', null],
    ]);
    const audit = await env.platform.knex('tessera.audit_log').where({ record_id: list[0].id }).first('actor', 'via');
    expect(audit).toEqual({ actor: users.anna, via: 'import' });
    expect((await anna.get(`/records/contractor/${existing.body.id}`)).body.name).toBe('Stara Firma');
  });

  test('update by key, then undo reverts updates from the audit trail and deletes what was created', async () => {
    const before = await anna.post('/records/contractor', { name: 'Omega', tax_id: nip(20), city: 'Poznań' });
    const content = csv(['name,tax_id,city', `Omega SA,${nip(20)},Gniezno`, `Sigma,${nip(21)},Kalisz`, `Sigma bis,${nip(21)},Konin`]);
    const report = await finished(anna, (await anna.post('/imports', { type: 'contractor', content, key: 'tax_id', onDuplicate: 'update' })).body.id);
    expect(report).toMatchObject({ status: 'done', created: 1, updated: 2, delimiter: ',' });
    const omega = (await anna.get(`/records/contractor/${before.body.id}`)).body;
    expect(omega).toMatchObject({ name: 'Omega SA', city: 'Gniezno' });
    const sigma = (await anna.get(`/records/contractor?filter[tax_id][eq]=${nip(21)}`)).body.data;
    expect(sigma).toEqual([expect.objectContaining({ name: 'Sigma bis', city: 'Konin' })]);

    // Another user's import is not there for them; a reader may not undo or import.
    expect((await reader.get(`/imports/${report.id}`)).status).toBe(404);
    const undo = await anna.post(`/imports/${report.id}/undo`, {});
    expect(undo.status).toBe(200);
    expect(undo.body).toMatchObject({ status: 'undone', undone: { deleted: 1, reverted: 2 } });
    expect((await anna.get(`/records/contractor/${before.body.id}`)).body).toMatchObject({ name: 'Omega', city: 'Poznań' });
    expect((await anna.get(`/records/contractor?filter[tax_id][eq]=${nip(21)}`)).body.data).toEqual([]);
    expect((await anna.post(`/imports/${report.id}/undo`, {})).status).toBe(409);
  });

  test('undo is refused, changing nothing, once a record of the import was changed since', async () => {
    const report = await finished(anna, (await anna.post('/imports', { type: 'contractor', content: csv(['name;tax_id', `Kappa;${nip(30)}`, `Lambda;${nip(31)}`]) })).body.id);
    expect(report.created).toBe(2);
    const lambda = (await anna.get(`/records/contractor?filter[tax_id][eq]=${nip(31)}`)).body.data[0];
    expect((await anna.patch(`/records/contractor/${lambda.id}`, { city: 'Sopot', version: lambda.version })).status).toBe(200);
    const undo = await anna.post(`/imports/${report.id}/undo`, {});
    expect(undo.status).toBe(409);
    expect(undo.body.changedSince).toEqual([{ row: 3, id: lambda.id }]);
    expect((await anna.get(`/records/contractor?filter[tax_id][in]=${nip(30)},${nip(31)}`)).body.data).toHaveLength(2);
  });

  test('rights: a user without the create right gets every row refused by the records service', async () => {
    const started = await reader.post('/imports', { type: 'contractor', content: csv(['name', 'Zeta']) });
    expect(started.status).toBe(202);
    const report = await finished(reader, started.body.id);
    expect(report).toMatchObject({ status: 'done', created: 0, failed: 1, problems: [expect.objectContaining({ row: 2, code: 'FORBIDDEN' })] });
  });

  test('an XLSX workbook: typed cells (numbers, dates) read as the fields want them; a reference by NIP', async () => {
    const parent = await anna.post('/records/contractor', { name: 'Matka SA', tax_id: nip(60) });
    const bytes = await writeXlsxFile(
      [
        [{ value: 'Nazwa' }, { value: 'Employees' }, { value: 'Client since' }, { value: 'Parent company' }],
        [{ value: 'Córka sp. z o.o.' }, { value: 42 }, { value: new Date(Date.UTC(2026, 11, 31)), format: 'dd.mm.yyyy' }, { value: `PL ${nip(60)}` }],
      ],
      {},
    ).toBuffer();
    const report = await finished(anna, (await anna.post('/imports', { type: 'contractor', fileName: 'kontrahenci.xlsx', content: bytes.toString('base64') })).body.id);
    expect(report).toMatchObject({ status: 'done', format: 'xlsx', created: 1, failed: 0 });
    const child = (await anna.get(`/records/contractor?filter[name][eq]=${encodeURIComponent('Córka sp. z o.o.')}`)).body.data[0];
    expect(child).toMatchObject({ employees: 42, since: '2026-12-31', parent: parent.body.id });
  });

  test('saved mappings are reused by id', async () => {
    const saved = await anna.post('/imports/mappings', { entity: 'contractor', name: 'enova', columns: { Kontrahent: 'name', Miejscowość: 'city' } });
    expect(saved.status).toBe(201);
    expect((await anna.get('/imports/mappings?entity=contractor')).body.data).toEqual([expect.objectContaining({ id: saved.body.id, name: 'enova' })]);
    expect((await reader.get('/imports/mappings')).body.data).toEqual([]);
    const report = await finished(anna, (await anna.post('/imports', { type: 'contractor', mappingId: saved.body.id, content: csv(['Kontrahent;Miejscowość', 'Enova sp. j.;Kielce']) })).body.id);
    expect(report).toMatchObject({ created: 1, mapping: { Kontrahent: 'name', Miejscowość: 'city' } });
  });
});

test('an import stopped between chunks (a server shutting down) goes on after a restart, each row once', async () => {
  const lines = ['name;tax_id'];
  for (let i = 0; i < 6; i += 1) lines.push(`Restart ${i};${nip(40 + i)}`);
  const first = new ImportJobs(env.platform.knex, env.platform.records, { chunkSize: 2 });
  // Hold the second chunk's transaction open until the shutdown has been asked for.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let reached!: () => void;
  const atThird = new Promise<void>((r) => (reached = r));
  let creates = 0;
  env.platform.records.onChange(async (_trx, change) => {
    if (change.actor.via !== 'import' || !String(change.record.name).startsWith('Restart')) return;
    creates += 1;
    if (creates === 3) {
      reached();
      await held;
    }
  });
  const id = await first.submit({ userId: users.anna!, via: 'import' }, { entity: 'contractor', fileName: 'r.csv', content: Buffer.from(lines.join('\n')), dryRun: false, options: { key: 'tax_id' } });
  await atThird;
  const stopping = first.stop();
  release();
  await stopping;
  const midway = await env.platform.knex('tessera.imports').where({ id }).first('status', 'processed', 'created');
  expect(midway).toEqual({ status: 'running', processed: 4, created: 4 });

  const second = new ImportJobs(env.platform.knex, env.platform.records, { chunkSize: 2, staleAfterMs: 0 });
  expect(await second.resume()).toContain(id);
  await second.settled(id);
  const done = await env.platform.knex('tessera.imports').where({ id }).first('status', 'processed', 'created');
  expect(done).toEqual({ status: 'done', processed: 6, created: 6 });
  const names = (await env.platform.knex('public.contractor').where('name', 'like', 'Restart %').whereNull('deleted_at').select('name')).map((r: { name: string }) => r.name).sort();
  expect(names).toEqual(['Restart 0', 'Restart 1', 'Restart 2', 'Restart 3', 'Restart 4', 'Restart 5']);
  expect(await env.platform.knex('tessera.import_records').where({ import_id: id }).count('* as n').first()).toEqual({ n: expect.anything() });
  await second.stop();
});

test('cancelling stops between chunks; what was imported stays and is undone', async () => {
  const lines = ['name'];
  for (let i = 0; i < 6; i += 1) lines.push(`Cancel ${i}`);
  const jobs = new ImportJobs(env.platform.knex, env.platform.records, { chunkSize: 2 });
  const actor = { userId: users.anna!, via: 'import' as const };
  let id = '';
  let creates = 0;
  // The user cancels while the first chunk is being written (in its transaction: the embedded
  // database serves one transaction at a time, so the cancel is sent on it and commits with it).
  env.platform.records.onChange(async (trx, change) => {
    if (change.actor.via !== 'import' || !String(change.record.name).startsWith('Cancel')) return;
    creates += 1;
    if (creates === 1) await cancelImport(trx, actor, id);
  });
  id = await jobs.submit(actor, { entity: 'contractor', fileName: 'c.csv', content: Buffer.from(lines.join('\n')), dryRun: false, options: {} });
  await jobs.settled(id);
  expect(await env.platform.knex('tessera.imports').where({ id }).first('status', 'processed', 'created')).toEqual({ status: 'cancelled', processed: 2, created: 2 });
  const live = (await env.platform.knex('public.contractor').where('name', 'like', 'Cancel %').whereNull('deleted_at').count('* as n').first()) as { n: string | number };
  expect(Number(live.n)).toBe(2);
  await expect(cancelImport(env.platform.knex, actor, id)).rejects.toMatchObject({ code: 'CONFLICT' });
  const access = accessFor(env.platform.runtime.snapshot.model, (await loadSubject(env.platform.knex, users.anna!))!);
  expect(await undoImport(env.platform.knex, env.platform.records, { ...actor, access }, id)).toEqual({ deleted: 2, reverted: 0 });
  await jobs.stop();
});

test('undo is refused, changing nothing, once the audit retention archived the values before the import', async () => {
  const before = await anna.post('/records/contractor', { name: 'Psi', tax_id: nip(80), city: 'Opole' });
  const content = csv(['name,tax_id,city', `Psi SA,${nip(80)},Nysa`]);
  const report = await finished(anna, (await anna.post('/imports', { type: 'contractor', content, key: 'tax_id', onDuplicate: 'update' })).body.id);
  expect(report).toMatchObject({ status: 'done', updated: 1 });
  // The retention moves this month and the next out of the trail (as it would a year from now).
  const current = monthOf(new Date());
  expect(await archiveAuditMonths(env.platform.knex, 0, monthStart(current, 2))).toContain(current);
  const undo = await anna.post(`/imports/${report.id}/undo`, {});
  expect(undo.status).toBe(409);
  expect(undo.body.detail).toContain('archived by the audit retention');
  expect((await anna.get(`/records/contractor/${before.body.id}`)).body).toMatchObject({ name: 'Psi SA', city: 'Nysa' });
  expect((await anna.get(`/imports/${report.id}`)).body.status).toBe('done');
});
