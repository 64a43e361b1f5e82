// PDF rendering of a 100-line invoice-like document (the shipped offer template: company and
// recipient header, 10 columns, totals, VAT per rate, amount in words, free text, page footers),
// target < 300 ms; and as the baseline in the same run pdfmake rendering a bare 100-row table of the
// same cells with the same embedded font, without our layout. The first (cold) render loads and
// parses the fonts and is printed apart; then min/median/max of the runs.
import { performance } from 'node:perf_hooks';
import { buildModel, groupItems, loadPackageDir, type MetadataItem } from '../metadata/index.ts';
import { SEED_METADATA_DIR } from '../seed/index.ts';
import { buildDocument, FONT, renderPdf, type LayoutInput } from '../engine/documents/index.ts';

function stats(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return `min ${sorted[0]!.toFixed(1)} / median ${median.toFixed(1)} / max ${sorted[sorted.length - 1]!.toFixed(1)} ms`;
}

async function time(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

export async function pdfBenchmark(options: { lines: number; runs: number; log: (line: string) => void }): Promise<void> {
  const { lines: count, runs, log } = options;
  const { package: pkg } = await loadPackageDir(SEED_METADATA_DIR);
  const model = buildModel(groupItems(pkg.files as Record<string, MetadataItem>));
  const template = model.pkg.documentTemplates.find((t) => t.name === 'offer')!;
  const rates = ['vat23', 'vat8', 'vat5', 'zw'] as const;
  const percent = { vat23: 23, vat8: 8, vat5: 5, zw: 0 };
  const lines = Array.from({ length: count }, (_, i) => {
    const rate = rates[i % rates.length]!;
    const net = Math.round((i + 1) * 12.5 * 100) / 100;
    const vat = Math.round(net * percent[rate]) / 100;
    return { id: `l${i}`, description: `Pozycja ${i + 1}: usługa serwisowa — żółć, ăâîșț`, product: null, quantity: (i % 7) + 1, unit: 'szt.', net_price: 12.5, discount_percent: i % 5 === 0 ? 5 : null, vat_rate: rate, net, vat, gross: Math.round((net + vat) * 100) / 100, purchase_price: null, margin: null };
  });
  const sum = (key: 'net' | 'vat' | 'gross') => Math.round(lines.reduce((a, l) => a + l[key] * 100, 0)) / 100;
  const record = { id: 'o', version: 1, number: 'FV/2026/0100', title: 'Faktura za usługi', offer_date: '2026-12-04', valid_until: '2026-12-18', contractor: 'c', person: null, deal: null, recipients: [], currency: 'pln', lines, net_total: sum('net'), vat_total: sum('vat'), gross_total: sum('gross'), payment_terms_days: 14, notes: 'Płatność przelewem.', printout: null };
  const input: LayoutInput = {
    template, language: 'pl', entity: model.entities.get('offer')!, lineType: model.entities.get('offer_line')!, record,
    company: { entity: model.entities.get('business_unit')!, record: { id: 'u', name: 'Tessera Łódź Sp. z o.o.', tax_id: '5260250274', locality: 'Łódź' } },
    recipient: { entity: model.entities.get('contractor')!, record: { id: 'c', name: 'Fabrica de Ștampile Brașov SRL', tax_id: 'RO18547290', street: 'Strada Mureșenilor 7', postal_code: '500030', locality: 'Brașov' } },
    titles: new Map(), defaultCurrency: 'PLN', today: '2026-12-04',
  };
  const bare = { defaultStyle: { font: FONT, fontSize: 8 }, content: [{ table: { headerRows: 1, body: [['Lp.', 'Opis', 'Ilość', 'J.m.', 'Cena', 'Rabat', 'VAT', 'Netto', 'VAT', 'Brutto'], ...lines.map((l, i) => [String(i + 1), l.description, String(l.quantity), l.unit, '12,50', l.discount_percent ? '5%' : '', l.vat_rate, l.net.toFixed(2), l.vat.toFixed(2), l.gross.toFixed(2)])] } }] };

  let pages = 0;
  const cold = await time(async () => {
    const pdf = await renderPdf(buildDocument(input));
    pages = (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
  });
  log(`pdf: ${count}-line document, ${pages} pages; first render (fonts loaded and parsed) ${cold.toFixed(0)} ms`);
  const layout: number[] = [];
  const ours: number[] = [];
  const baseline: number[] = [];
  for (let run = 0; run < runs; run++) {
    // Interleaved, so a busy moment of the machine falls on both.
    layout.push(await time(async () => buildDocument(input)));
    ours.push(await time(() => renderPdf(buildDocument(input))));
    baseline.push(await time(() => renderPdf(bare)));
  }
  log(`pdf: layout only (template → document definition)   ${stats(layout)}`);
  log(`pdf: layout + pdfmake render (target < 300 ms)      ${stats(ours)}`);
  log(`pdf: baseline, pdfmake bare ${count}-row table          ${stats(baseline)}`);
}
