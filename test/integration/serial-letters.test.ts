// Serial correspondence on paper (#12 "letters to print", with the documents of #17): the shipped
// contractor letter printed for many contractors into one PDF, each from a new page, with the subject
// and text given at print time merged per contractor; read with the user's rights; bad input answered
// with problems at JSON pointers. The PDF's text is read back with pdftotext (poppler-utils).
import { loadPackageDir } from '../../metadata/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';
import { pdfPages as pages, withPdfText } from '../support/pdf-text.ts';

const withText = withPdfText;

let env: TestPlatform;
let server: TestServer;
let api: ReturnType<typeof jsonClient>;
const ids: string[] = [];

async function printLetters(body: unknown): Promise<{ status: number; type: string; pdf: Buffer; json: unknown }> {
  const res = await fetch(`${server.url}/api/records/contractor/print/letter`, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const bytes = Buffer.from(await res.arrayBuffer());
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, pdf: bytes, json: type.includes('json') ? JSON.parse(bytes.toString()) : null };
}

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata((await loadPackageDir(SEED_METADATA_DIR)).package, { source: 'seed' });
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  await api.post('/records/business_unit', { name: 'Tessera Łódź Sp. z o.o.', code: 'LDZ', tax_id: '5260250274', locality: 'Łódź' });
  for (const [name, street, postal_code, locality, country] of [
    ['Hurtownia Łożysk Sp. z o.o.', 'ul. Żelazna 4', '90-001', 'Łódź', 'pl'],
    ['Fabrica de Ștampile Brașov SRL', 'Strada Mureșenilor 7', '500030', 'Brașov', 'ro'],
    ['Zakład Ślusarski Gęś', null, '30-002', 'Kraków', 'pl'],
  ] as const) {
    const res = await api.post('/records/contractor', { name, ...(street ? { street } : {}), postal_code, locality, country });
    expect([res.status, res.status === 201 ? null : res.body]).toEqual([201, null]);
    ids.push(res.body.id as string);
  }
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

withText('one PDF, a page per contractor: header, address, place and date, subject and text merged per contractor', async () => {
  const res = await printLetters({ ids, lang: 'pl', subject: 'Zmiana cennika od 1 stycznia', body: 'Szanowni Państwo,\n\nuprzejmie informujemy {{name}}, że od 1 stycznia zmienia się nasz cennik.' });
  expect([res.status, res.type]).toEqual([200, 'application/pdf']);
  const text = pages(res.pdf);
  expect(text).toHaveLength(3);
  const names = ['Hurtownia Łożysk Sp. z o.o.', 'Fabrica de Ștampile Brașov SRL', 'Zakład Ślusarski Gęś'];
  text.forEach((page, i) => {
    expect(page).toContain('Tessera Łódź Sp. z o.o.');
    expect(page).toContain(names[i]);
    expect(page).toContain('Zmiana cennika od 1 stycznia');
    expect(page).toContain(`uprzejmie informujemy ${names[i]}, że od 1 stycznia zmienia się nasz cennik.`);
    // No other contractor's name on this page.
    for (const other of names.filter((_, j) => j !== i)) expect(page).not.toContain(other);
  });
  expect(text[0]).toContain('ul. Żelazna 4 90-001 Łódź');
  expect(text[1]).toContain('Strada Mureșenilor 7 500030 Brașov');
  expect(text[0]).toMatch(/Łódź, \d{2}\.\d{2}\.\d{4}/);
});

test('bad input: problems at JSON pointers; a record the user cannot read refuses the whole printout', async () => {
  const bad = await printLetters({ ids: [ids[0], 'nope'], colour: 'red', body: 7 });
  expect(bad.status).toBe(422);
  expect(bad.type).toContain('application/problem+json');
  const pointers = (bad.json as { errors: { pointer: string }[] }).errors.map((e) => e.pointer).sort();
  expect(pointers).toEqual(['/body', '/colour', '/ids/1']);

  const placeholder = await printLetters({ ids: [ids[0]], body: 'Dzień dobry {{nie_ma_takiego_pola}}' });
  expect(placeholder.status).toBe(422);
  expect((placeholder.json as { errors: { pointer: string }[] }).errors[0]!.pointer).toBe('/body');

  const gone = await api.delete(`/records/contractor/${ids[2]}`);
  expect(gone.status).toBe(200);
  const refused = await printLetters({ ids });
  expect(refused.status).toBe(422);
  expect((refused.json as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual(['/ids/2']);
  expect((await printLetters({ ids: [] })).status).toBe(422);
  expect((await api.post('/records/contractor/print/nothing', { ids })).status).toBe(404);
});
