// A report exported as a file (GET /api/reports/<name>/export, docs/reports.md): XLSX read back with
// the library the import reads with, real number cells and headings in the asked language; PDF with
// the title, filters and the figures; the caller's rights as in the aggregate API; problems for bad input.
import readXlsxFile from 'read-excel-file/node';
import { inflateRawSync } from 'node:zlib';
import { addDays, saveRates } from '../../engine/exchange-rates/index.ts';
import type { PackageFiles } from '../../metadata/index.ts';
import { createTestUser, tokenFor } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { startTestServer, type TestServer } from '../support/http.ts';
import { crmMiniPackage } from '../support/packages.ts';
import { pdfText, withPdfText } from '../support/pdf-text.ts';

const role = (name: string, permissions: unknown[]) => ({ kind: 'role', id: `t.role.${name}`, name, label: { en: name }, permissions });

let env: TestPlatform;
let server: TestServer;
const tokens: Record<string, string> = {};
const users: Record<string, string> = {};

beforeAll(async () => {
  env = await startTestPlatform({ auditCheck: false });
  const base = await crmMiniPackage();
  const deal = base.files['entities/deal.json'] as { fields: unknown[] };
  const pkg: PackageFiles = {
    files: {
      ...base.files,
      'tessera.json': { ...(base.files['tessera.json'] as object), timeZone: 'Europe/Warsaw' },
      'entities/deal.json': { ...deal, fields: [...deal.fields, { id: 't.deal.margin', name: 'margin', type: 'decimal', label: { en: 'Margin', pl: 'Marża', ro: 'Marjă' } }] },
      'reports/deals_by_stage.json': {
        kind: 'report',
        id: 't.report.deals_by_stage',
        name: 'deals_by_stage',
        label: { en: 'Deals by stage', pl: 'Szanse według etapu', ro: 'Oportunități pe etape' },
        entity: 'deal',
        type: 'table',
        groupBy: ['stage'],
        measures: ['count', 'sum:value'],
        parameters: { owner: 'owner', period: 'created_at' },
      },
      'reports/margins.json': { kind: 'report', id: 't.report.margins', name: 'margins', label: { en: 'Margins' }, entity: 'deal', type: 'table', groupBy: ['stage'], measures: ['sum:margin'] },
      'roles/sales.json': role('sales', [{ entity: 'contractor', read: 'all' }, { entity: 'deal', read: 'own', fields: { margin: 'none' } }]),
    },
  };
  await env.platform.applyMetadata(pkg, { source: 'cli' });
  users.anna = await createTestUser(env.platform, { login: 'anna', roles: ['sales'] });
  users.boss = await createTestUser(env.platform, { login: 'boss', isAdmin: true });
  const { records, knex } = env.platform;
  const contractor = (await records.create({ actor: { userId: null, via: 'system' } }, 'contractor', { name: 'Stalbud' })).id as string;
  const deals: [string, string, number, string][] = [
    ['anna', 'new', 1234.5, 'PLN'],
    ['anna', 'new', 50, 'EUR'],
    ['anna', 'won', 200, 'PLN'],
    ['boss', 'new', 1000, 'PLN'],
  ];
  for (const [owner, stage, amount, currency] of deals) {
    const created = await records.create({ actor: { userId: users[owner]!, via: 'system', owner: users[owner]! } }, 'deal', { title: `${owner} ${amount}`, contractor, value: { amount, currency }, margin: 5 });
    if (stage !== 'new') await knex(env.platform.runtime.entity('deal').entity.table).where({ id: created.id }).update({ stage });
  }
  server = await startTestServer(env.platform);
  tokens.anna = await tokenFor(env.platform, users.anna!);
  tokens.boss = await tokenFor(env.platform, users.boss!);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

const download = async (who: string, path: string) => {
  const res = await fetch(`${server.url}/api${path}`, { headers: { authorization: `Bearer ${tokens[who]!}` } });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type') ?? '', headers: res.headers, bytes, json: () => JSON.parse(bytes.toString('utf8')) as { errors?: { pointer: string; code?: string }[] } };
};

/** A file inside a ZIP (an XLSX), found through the central directory (deflated or stored). */
function zipEntry(zip: Buffer, name: string): string {
  let at = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const entries = zip.readUInt16LE(at + 10);
  at = zip.readUInt32LE(at + 16);
  for (let i = 0; i < entries; i++) {
    const [method, size, nameLength, extra, comment, local] = [zip.readUInt16LE(at + 10), zip.readUInt32LE(at + 20), zip.readUInt16LE(at + 28), zip.readUInt16LE(at + 30), zip.readUInt16LE(at + 32), zip.readUInt32LE(at + 42)];
    if (zip.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + size);
      return (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    }
    at += 46 + nameLength + extra + comment;
  }
  throw new Error(`no ${name} in the ZIP`);
}

describe('report export', () => {
  test('XLSX: headings in the asked language, groups as text, figures as number cells; only the rows the caller may read', async () => {
    const res = await download('anna', '/reports/deals_by_stage/export?format=xlsx&lang=pl');
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="deals_by_stage.xlsx"');
    const [sheet] = await readXlsxFile(res.bytes);
    expect(sheet!.sheet).toBe('Szanse według etapu');
    // Anna's own deals only (not the boss's 1000 PLN); EUR apart from PLN; numbers, not text.
    expect(sheet!.data).toEqual([
      // The package's labels are English only: they stand in every language; the app's words do not.
      ['Stage', 'Waluta', 'Liczba', 'Suma: Estimated revenue'],
      ['New opportunity', 'EUR', 1, 50],
      ['New opportunity', 'PLN', 1, 1234.5],
      ['Sale', 'PLN', 1, 200],
    ]);
    // Money cells carry their currency's number format, counts a whole-number one.
    const styles = zipEntry(res.bytes, 'xl/styles.xml');
    expect(styles).toContain('formatCode="#,##0.00 &quot;PLN&quot;"');
    expect(styles).toContain('formatCode="#,##0.00 &quot;EUR&quot;"');
    expect(styles).toContain('formatCode="#,##0"');
  });

  test('the owner filter narrows the figures; without ?lang the file speaks the user’s language', async () => {
    await env.platform.knex('tessera.users').where({ id: users.boss }).update({ language: 'ro' });
    const res = await download('boss', `/reports/deals_by_stage/export?format=xlsx&owner=${users.boss}`);
    expect(res.headers.get('content-language')).toBe('ro');
    const [sheet] = await readXlsxFile(res.bytes);
    expect(sheet!.sheet).toBe('Oportunități pe etape');
    expect(sheet!.data).toEqual([
      ['Stage', 'Monedă', 'Număr', 'Suma: Estimated revenue'],
      ['New opportunity', 'PLN', 1, 1000],
    ]);
  });

  withPdfText('PDF: the title, the filters, the date and the figures in the caller’s locale', async () => {
    const res = await download('anna', '/reports/deals_by_stage/export?format=pdf&lang=pl&owner=$me&period=thisYear');
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/pdf');
    const text = pdfText(res.bytes);
    expect(text).toContain('Szanse według etapu');
    expect(text).toContain('Filtry: Okres: Bieżący rok · Właściciel: Ja');
    expect(text).toMatch(/Wygenerowano \d+ \S+ 20\d\d/);
    expect(text).toContain('Stage Waluta Liczba Suma: Estimated revenue');
    expect(text).toContain('New opportunity EUR 1 50,00 €');
    expect(text).toContain('New opportunity PLN 1 1234,50 zł');
    expect(text).toContain('Sale PLN 1 200,00 zł');
    expect(text).not.toContain('1000');
  });

  test('a field the caller may not see refuses the export, as the aggregate API does', async () => {
    const res = await download('anna', '/reports/margins/export?format=xlsx');
    expect(res.status).toBe(403);
    expect(res.type).toContain('application/problem+json');
    expect(res.json().errors).toEqual([expect.objectContaining({ pointer: '/query/measures/0/field', code: 'FIELD_FORBIDDEN' })]);
    expect((await download('boss', '/reports/margins/export?format=xlsx')).status).toBe(200);
  });

  test('bad input: problems with pointers, never a 500; an unknown report is 404', async () => {
    const bad = await download('anna', '/reports/deals_by_stage/export?format=docx&period=someday&colour=red');
    expect(bad.status).toBe(400);
    expect(bad.json().errors!.map((e) => e.pointer).sort()).toEqual(['/query/colour', '/query/format', '/query/period']);
    expect((await download('anna', '/reports/nothing/export?format=pdf')).status).toBe(404);
    expect((await download('anna', '/reports/deals_by_stage/export?format=pdf&owner=not-an-id')).status).toBe(400);
    const currency = await download('anna', '/reports/deals_by_stage/export?format=pdf&currency=XYZ');
    expect([currency.status, currency.json().errors!.map((e) => e.pointer)]).toEqual([400, ['/query/currency']]);
  });

  test('amounts converted to one currency, as the report page shows them: the file names the currency, a missing rate is a 422', async () => {
    const missing = await download('boss', '/reports/deals_by_stage/export?format=pdf&currency=PLN');
    expect(missing.status).toBe(422);
    expect(missing.json().errors).toEqual([expect.objectContaining({ pointer: '/query/convertTo', code: 'RATE_MISSING' })]);
    // The EUR deal's rate of the days around today (the business's day in Warsaw is one of them).
    const today = new Date().toISOString().slice(0, 10);
    await saveRates(env.platform.knex, [-2, -1, 0, 1].map((n) => ({ source: 'nbp' as const, currency: 'EUR', date: addDays(today, n), rate: 4, multiplier: 1, table: null })));
    const converted = await download('boss', '/reports/deals_by_stage/export?format=pdf&currency=PLN&lang=pl');
    expect(converted.status).toBe(200);
    const text = await pdfText(converted.bytes);
    expect(text).toContain('Kwoty w: PLN');
    // 1,234.50 + 50 EUR × 4 + 1,000 PLN in "new": one PLN figure, no EUR.
    expect(text).toMatch(/2\s?434,50/);
    expect(text).not.toContain('EUR');
  });
});
