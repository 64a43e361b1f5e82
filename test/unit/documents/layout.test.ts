// The layout of a printout as a pure function: the shipped offer template and an offer with lines
// → a pdfmake document definition. Fields the record was read without are left out; the VAT summary
// sums the lines per rate in whole hundredths; the total in words follows the currency field; the
// embedded font has every Polish and Romanian letter.
import { createRequire } from 'node:module';
import { buildModel, groupItems, loadPackageDir, type DocumentTemplate, type MetadataItem, type Model } from '../../../metadata/index.ts';
import { SEED_METADATA_DIR } from '../../../seed/index.ts';
import { buildDocument, FONT_FILES, type LayoutInput, type PdfNode } from '../../../engine/documents/index.ts';

let model: Model;
let template: DocumentTemplate;

beforeAll(async () => {
  const { package: pkg } = await loadPackageDir(SEED_METADATA_DIR);
  model = buildModel(groupItems(pkg.files as Record<string, MetadataItem>));
  template = model.pkg.documentTemplates.find((t) => t.name === 'offer')!;
});

const line = (description: string, quantity: number, net_price: number, vat_rate: string, net: number, vat: number) => ({ id: `l-${description}`, description, product: 'p-1', quantity, unit: 'szt.', net_price, discount_percent: null, vat_rate, net, vat, gross: Math.round((net + vat) * 100) / 100, purchase_price: null, margin: null });

function offer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'o-1', version: 3, number: 'OF/2026/0007', title: 'Drukarki', offer_date: '2026-12-04', valid_until: '2027-01-31', status: 'draft', contractor: 'c-1', person: null, deal: null, recipients: [], currency: 'ron',
    lines: [line('Papier', 3, 0.1, 'vat23', 0.3, 0.07), line('Toner', 1, 0.1, 'vat23', 0.1, 0.02), line('Książka', 2, 10, 'vat5', 20, 1)],
    net_total: 20.4, vat_23: 0.09, vat_8: 0, vat_5: 1, vat_total: 1.09, gross_total: 21.49, discount_total: 0, margin: 0, payment_terms_days: 14, sent_on: null, lost_reason: null, notes: 'Dostawa w 3 dni', printout: null,
    ...overrides,
  };
}

function input(overrides: Partial<LayoutInput> = {}): LayoutInput {
  return {
    template, language: 'pl', entity: model.entities.get('offer')!, lineType: model.entities.get('offer_line')!, record: offer(),
    company: { entity: model.entities.get('business_unit')!, record: { id: 'u-1', name: 'Tessera Łódź', code: 'LDZ', tax_id: '5260250274', locality: 'Łódź' } },
    recipient: { entity: model.entities.get('contractor')!, record: { id: 'c-1', name: 'Ștampile SRL', tax_id: null, street: null, postal_code: null, locality: 'Brașov' } },
    titles: new Map([['p-1', 'Produkt żółty']]), defaultCurrency: 'PLN', today: '2026-12-04',
    ...overrides,
  };
}

/** Every text of a definition, in order. */
function texts(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(texts);
  if (typeof node === 'object' && node !== null) return Object.entries(node).flatMap(([k, v]) => (k === 'text' && typeof v === 'string' ? [v] : ['widths', 'width', 'style', 'alignment', 'layout', 'color'].includes(k) ? [] : texts(v)));
  return [];
}
const find = (nodes: readonly PdfNode[], predicate: (n: Record<string, unknown>) => boolean) => nodes.find((n) => typeof n === 'object' && predicate(n as Record<string, unknown>)) as Record<string, unknown> | undefined;

test('header, title, fields, lines table with the chosen columns, totals, words, text and footer', () => {
  const doc = buildDocument(input());
  const all = texts(doc.content);
  expect(all.slice(0, 4)).toEqual(['Wystawca', 'Tessera Łódź', 'NIP: 5260250274', 'Miejscowość: Łódź']);
  expect(all).toContain('Ștampile SRL');
  expect(all).toContain('Oferta OF/2026/0007');
  expect(doc.info.title).toBe('Oferta OF/2026/0007');
  const lines = find(doc.content, (n) => typeof n.table === 'object' && (n.table as { headerRows?: number }).headerRows === 1 && n.fontSize === 8 && n.margin !== undefined);
  const body = (lines!.table as { body: PdfNode[][] }).body;
  expect(texts(body[0])).toEqual(['Lp.', 'Opis', 'Towar lub usługa', 'Ilość', 'J.m.', 'Cena netto', 'Rabat', 'Stawka VAT', 'Netto', 'VAT', 'Brutto']);
  expect(texts(body[3])).toEqual(['3', 'Książka', 'Produkt żółty', '2', 'szt.', '10,00', '', '5%', '20,00', '1,00', '21,00']);
  expect(body).toHaveLength(4);
  // The currency field says RON: the words are in lei, in Polish.
  expect(all).toContain('Słownie: dwadzieścia jeden lei 49/100');
  expect(all).toContain('Uwagi: Dostawa w 3 dni\n\nOferta jest ważna do 31.01.2027.');
  expect(texts(doc.footer(2, 3))).toEqual(['Tessera Łódź', 'Strona 2 z 3']);
  expect(doc.defaultStyle.font).toBe('Roboto');
});

test('VAT per rate sums the lines in hundredths, in the order the rates first appear', () => {
  const doc = buildDocument(input({ language: 'en' }));
  const summary = find(doc.content, (n) => Array.isArray(n.columns) && texts(n.columns).includes('VAT rate'));
  expect(texts(summary!.columns)).toEqual(['', 'VAT rate', 'Net', 'VAT', 'Gross', '23%', '0.40', '0.09', '0.49', '5%', '20.00', '1.00', '21.00', 'Total', '20.40', '1.09', '21.49']);
});

test('fields the record was read without are not printed, and placeholders of them print empty', () => {
  const { notes: _n, gross_total: _g, ...hidden } = offer();
  const all = texts(buildDocument(input({ record: hidden })).content);
  expect(all.join('|')).not.toMatch(/Wartość brutto|Słownie|Uwagi/);
  expect(all).toContain('Wartość netto');
  expect(all).toContain('Oferta jest ważna do 31.01.2027.');
});

test('Romanian and German words; German has no amount in words; a missing company prints no issuer', () => {
  const ro = texts(buildDocument(input({ language: 'ro' })).content);
  expect(ro).toContain('Ofertă OF/2026/0007');
  expect(ro).toContain('În litere: douăzeci și unu de lei și 49 de bani');
  const de = buildDocument(input({ language: 'de', company: null, companyEntity: model.entities.get('business_unit')! }));
  const deTexts = texts(de.content);
  expect(deTexts[0]).toBe('Empfänger');
  expect(deTexts).toContain('Angebot OF/2026/0007');
  expect(deTexts.join('|')).not.toContain('In Worten');
  // The footer's {{_company.name}} has no de text: en's, empty without a company.
  expect(texts(de.footer(1, 1))).toEqual(['', 'Seite 1 von 1']);
});

test('a placeholder the data does not have is a 422 problem pointing into the template', () => {
  const broken = { ...template, title: { en: 'Offer {{nope}}' } };
  expect(() => buildDocument(input({ template: broken, language: 'en' }))).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', problems: [expect.objectContaining({ pointer: '/title/en', code: 'TEMPLATE_UNKNOWN_FIELD' })] }));
});

test('the embedded font has every Polish and Romanian letter (ș ț U+0219 U+021B, not only ş ţ)', () => {
  const require = createRequire(import.meta.url);
  const fontkit = require('fontkit') as { openSync(path: string): { hasGlyphForCodePoint(c: number): boolean } };
  for (const file of Object.values(FONT_FILES)) {
    const font = fontkit.openSync(require.resolve(file));
    const missing = [...'ąćęłńóśźżĄĆĘŁŃÓŚŹŻăâîșțĂÂÎȘȚ'].filter((c) => !font.hasGlyphForCodePoint(c.codePointAt(0)!));
    expect([file, missing]).toEqual([file, []]);
  }
});
