// Printing records to PDF with the shipped offer template: the PDF's text (pdftotext from poppler-utils)
// has the company header, the recipient, Polish and Romanian diacritics, every line, the VAT summary
// and the total in words; rights: no read right is a 403, a hidden field is not printed; attaching
// stores the PDF in the offer's printout field (a file the e-mail compose dialog offers).
import { loadPackageDir, type PackageFiles } from '../../metadata/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { createTestUser, tokenFor } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';
import { hasPdftotext, pdfText, withPdfText } from '../support/pdf-text.ts';

const withText = withPdfText;

let env: TestPlatform;
let server: TestServer;
let api: ReturnType<typeof jsonClient>;
let offerId: string;
let tokens: { limited: string; outsider: string };

async function print(path: string, token = server.adminToken): Promise<{ status: number; type: string; body: Buffer }> {
  const res = await fetch(`${server.url}/api${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
}

beforeAll(async () => {
  env = await startTestPlatform();
  const seed = (await loadPackageDir(SEED_METADATA_DIR)).package;
  // A role that reads offers without their notes and gross total, and one that reads no offers.
  const files: PackageFiles = {
    files: {
      ...seed.files,
      'roles/offer_reader.json': { kind: 'role', id: 't.role.offer_reader', name: 'offer_reader', label: { en: 'Offer reader' }, permissions: [
        { entity: 'offer', read: 'all', fields: { notes: 'none', gross_total: 'none' } },
        { entity: 'contractor', read: 'all' },
        { entity: 'business_unit', read: 'all' },
      ] },
      'roles/outsider.json': { kind: 'role', id: 't.role.outsider', name: 'outsider', label: { en: 'Outsider' }, permissions: [{ entity: 'contractor', read: 'all' }] },
    },
  };
  await env.platform.applyMetadata(files, { source: 'cli' });
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  const unit = (await api.post('/records/business_unit', { name: 'Tessera Łódź Sp. z o.o.', code: 'LDZ', tax_id: '5260250274', locality: 'Łódź' })).body.id;
  const contractor = (await api.post('/records/contractor', { name: 'Fabrica de Ștampile Brașov SRL', locality: 'Brașov', street: 'Strada Mureșenilor 7' })).body.id;
  const deal = (await api.post('/records/deal', { name: 'Drukarki dla Brașov', contractor, business_unit: unit })).body;
  expect(deal.id).toEqual(expect.any(String));
  const lines = [
    { description: 'Drukarka łańcuchowa żółta', quantity: 2, unit: 'szt.', net_price: 500, vat_rate: 'vat23' },
    { description: 'Usługa serwisowa — ăâîșț', quantity: 1, unit: 'h', net_price: 134, vat_rate: 'vat8' },
  ];
  const offer = await api.post('/records/offer', { title: 'Drukarki dla oddziału', contractor, deal: deal.id, lines, notes: 'Tajna uwaga handlowca', valid_until: '2027-01-31' });
  expect(offer.status).toBe(201);
  // 2 × 500 × 1.23 + 134 × 1.08 = 1230 + 144.72
  expect(offer.body.gross_total).toBe(1374.72);
  offerId = offer.body.id;
  const limited = await createTestUser(env.platform, { login: 'reader', roles: ['offer_reader'] });
  const outsider = await createTestUser(env.platform, { login: 'outsider', roles: ['outsider'] });
  tokens = { limited: await tokenFor(env.platform, limited), outsider: await tokenFor(env.platform, outsider) };
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

describe('printing an offer', () => {
  withText('the PDF has the header, the lines with diacritics, the VAT summary and the total in words (pl)', async () => {
    const res = await print(`/records/offer/${offerId}/print/offer?lang=pl`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/pdf');
    expect(res.body.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(res.body);
    for (const expected of [
      'Tessera Łódź Sp. z o.o.', // the company, from the deal's business unit
      'NIP: 5260250274',
      'Fabrica de Ștampile Brașov SRL', // the recipient
      /Oferta OF\/\d{4}\/0001/, // the title with the number
      'Drukarka łańcuchowa żółta',
      'Usługa serwisowa — ăâîșț',
      'Stawka VAT',
      'Wartość brutto',
      '1374,72',
      'Słownie: jeden tysiąc trzysta siedemdziesiąt cztery złote 72/100',
      'Uwagi: Tajna uwaga handlowca',
      'Oferta jest ważna do 31.01.2027.',
      'Strona 1 z 1',
    ]) {
      if (typeof expected === 'string') expect(text).toContain(expected);
      else expect(text).toMatch(expected);
    }
  });

  withText('in Romanian: Romanian words and the amount in words with lei', async () => {
    const text = pdfText((await print(`/records/offer/${offerId}/print/offer?lang=ro`)).body);
    expect(text).toContain('Ofertă OF/');
    expect(text).toContain('Cota TVA');
    // The offer is in PLN: Romanian words, zloți.
    expect(text).toContain('În litere: o mie trei sute șaptezeci și patru de zloți și 72 de groși');
  });

  test('a language the template does not print in, an unknown template or parameter: 400/404 problems', async () => {
    const lang = await api.get(`/records/offer/${offerId}/print/offer?lang=fr`);
    expect(lang.status).toBe(400);
    expect(lang.body.errors?.[0] ?? lang.body.problems?.[0]).toMatchObject({ pointer: '/query/lang' });
    expect((await api.get(`/records/offer/${offerId}/print/nothing`)).status).toBe(404);
    expect((await api.get(`/records/offer/${offerId}/print/offer?colour=red`)).status).toBe(400);
    expect((await api.get(`/records/contractor/${offerId}/print/offer`)).status).toBe(404);
  });
});

describe('printing an invoice converted from the offer', () => {
  withText('the invoice template prints its number, the copied lines, split payment and the amount in words', async () => {
    const converted = await api.post(`/records/offer/${offerId}/convert/to_invoice`, {});
    expect(converted.status).toBe(201);
    const invoice = converted.body.records[0];
    const invoiceId = invoice.id as string;
    const patched = await api.patch(`/records/invoice/${invoiceId}`, { split_payment: true }, { 'if-match': `"${invoice.version}"` });
    expect([patched.status, patched.status === 200 ? null : patched.body]).toEqual([200, null]);
    const res = await print(`/records/invoice/${invoiceId}/print/invoice?lang=pl`);
    expect(res.status).toBe(200);
    const text = pdfText(res.body);
    expect(text).toMatch(/Faktura VAT FV\/\d{4}\/\d{2}\/1/);
    expect(text).toContain('Tessera Łódź Sp. z o.o.');
    expect(text).toContain('Drukarka łańcuchowa żółta');
    expect(text).toContain('Mechanizm podzielonej płatności.');
    expect(text).toContain('Słownie: jeden tysiąc trzysta siedemdziesiąt cztery złote 72/100');
  });
});

describe('rights', () => {
  test('a user without the read right on offers gets 403', async () => {
    const res = await print(`/records/offer/${offerId}/print/offer`, tokens.outsider);
    expect(res.status).toBe(403);
    expect(res.type).toContain('application/problem+json');
  });

  withText('a field the user may not read is not printed (nor its total in words)', async () => {
    const res = await print(`/records/offer/${offerId}/print/offer?lang=pl`, tokens.limited);
    expect([res.status, res.status === 200 ? '' : res.body.toString()]).toEqual([200, '']);
    const text = pdfText(res.body);
    expect(text).toContain('Drukarka łańcuchowa żółta');
    expect(text).toContain('Wartość netto');
    expect(text).not.toContain('Tajna uwaga');
    expect(text).not.toContain('Wartość brutto');
    expect(text).not.toContain('Słownie');
  });

  test('attaching needs the update right; a refused attach stores no file', async () => {
    const files = async () => Number(((await env.platform.knex('tessera.files').count({ n: '*' })) as { n: string }[])[0]!.n);
    const before = await files();
    const res = await fetch(`${server.url}/api/records/offer/${offerId}/print/offer/attach`, { method: 'POST', headers: { authorization: `Bearer ${tokens.limited}` } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('FORBIDDEN');
    expect(await files()).toBe(before);
  });
});

describe('attaching the PDF to the record', () => {
  test('stores the file in the printout field, audited as an update; the file is the PDF', async () => {
    const before = (await api.get(`/records/offer/${offerId}`)).body;
    const res = await api.post(`/records/offer/${offerId}/print/offer/attach?lang=en`);
    expect(res.status).toBe(201);
    expect(res.body.file).toMatchObject({ mediaType: 'application/pdf', name: expect.stringMatching(/^Offer OF-\d{4}-0001\.pdf$/) });
    expect(res.body.record.printout).toBe(res.body.file.id);
    expect(res.body.record.version).toBe(before.version + 1);
    const file = await print(`/files/${res.body.file.id}`);
    expect(file.type).toBe('application/pdf');
    if (hasPdftotext) expect(pdfText(file.body)).toContain('In words: one thousand three hundred seventy-four PLN 72/100');
    const history = await api.get(`/records/offer/${offerId}/history`);
    const entries = (history.body.data ?? history.body) as { action: string; changes?: Record<string, unknown> }[];
    expect(entries.filter((e) => e.action === 'update').map((e) => Object.keys(e.changes ?? {}))).toEqual([['printout']]);
  });
});
