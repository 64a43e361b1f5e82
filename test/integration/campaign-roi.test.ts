// Campaign ROI in the shipped CRM (#17): the campaign's paid revenue is a rollup over its deals'
// paid invoices (itself a rollup over invoices), and its ROI a computed field over that rollup and
// the realised cost, so marking an invoice paid moves the campaign's ROI in the same transaction.
import { loadPackageDir } from '../../metadata/index.ts';
import { reportQuery } from '../../metadata/report-figures.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import type { Report } from '../../metadata/schema/types.generated.ts';
import { tessera } from '../support/cli.ts';
import type { TestPlatform } from '../support/database.ts';
import { startSeedCrm, SYSTEM as system, updateStored } from '../support/seed-crm.ts';

let env: TestPlatform;
type Rec = Record<string, unknown>;

beforeAll(async () => {
  env = await startSeedCrm();
}, 120_000);

afterAll(async () => {
  await env?.close();
});

const records = () => env.platform.records;
const get = (entity: string, id: string) => records().get(system, entity, id);
const update = (entity: string, id: string, values: Rec) => updateStored(records(), entity, id, values);
const roiOf = async (id: string) => {
  const c = await get('campaign', id);
  return { paid_revenue: Number(c.paid_revenue), roi: c.roi === null ? null : Number(c.roi) };
};

test('paying an invoice of a campaign deal moves the campaign ROI, over the estimated cost until a realised one is entered', async () => {
  const campaign = (await records().create(system, 'campaign', { name: 'Targi Poznań 2026' })).id as string;
  const contractor = (await records().create(system, 'contractor', { name: 'Hurtownia Łożysk Sp. z o.o.' })).id as string;
  const deal = (await records().create(system, 'deal', { name: 'Łożyska na 2027', contractor, campaign })).id as string;
  const invoice = await records().create(system, 'invoice', {
    kind: 'invoice',
    contractor,
    deal,
    lines: [{ description: 'Łożysko 6204', quantity: 100, unit: 'szt.', net_price: 100, vat_rate: 'vat23' }],
  });
  expect(Number(invoice.gross_total)).toBe(12_300);
  // No cost yet: no ROI; the unpaid invoice is not revenue.
  expect(await roiOf(campaign)).toEqual({ paid_revenue: 0, roi: null });
  // Planned: the estimated cost stands in until a realised one is entered.
  await update('campaign', campaign, { estimated_cost: { amount: 5_000, currency: 'PLN' } });
  expect(await roiOf(campaign)).toEqual({ paid_revenue: 0, roi: -100 });

  await update('campaign', campaign, { realised_cost: { amount: 10_000, currency: 'PLN' } });
  expect(await roiOf(campaign)).toEqual({ paid_revenue: 0, roi: -100 });

  await update('invoice', invoice.id as string, { paid: true });
  expect(Number((await get('deal', deal)).paid_invoices)).toBe(12_300);
  expect(await roiOf(campaign)).toEqual({ paid_revenue: 12_300, roi: 23 });

  // A pro forma is no revenue, paid or not.
  await records().create(system, 'invoice', { kind: 'proforma', contractor, deal, paid: true, lines: [{ description: 'Zaliczka', quantity: 1, net_price: 1000, vat_rate: 'vat23' }] });
  expect(await roiOf(campaign)).toEqual({ paid_revenue: 12_300, roi: 23 });

  // Tampered with behind the platform's back, `tessera rollups rebuild` puts value and ROI right.
  await env.platform.knex('campaign').where({ id: campaign }).update({ paid_revenue: 1, roi: 1 });
  expect(await roiOf(campaign)).toEqual({ paid_revenue: 1, roi: 1 });
  const rebuilt = await tessera(['rollups', 'rebuild', 'campaign'], { DATABASE_URL: env.platform.db.url! });
  expect([rebuilt.code, rebuilt.stderr]).toEqual([0, '']);
  expect(await roiOf(campaign)).toEqual({ paid_revenue: 12_300, roi: 23 });
});

test('the shipped report campaign_roi (on the management dashboard) lists each campaign with its costs, paid revenue and ROI', async () => {
  const pkg = (await loadPackageDir(SEED_METADATA_DIR)).package;
  const report = pkg.files['reports/campaign_roi.json'] as Report;
  expect((pkg.files['dashboards/management.json'] as { widgets: { report: string }[] }).widgets.map((w) => w.report)).toContain('campaign_roi');
  const campaign = (await records().create(system, 'campaign', { name: 'Webinar Cluj 2026', estimated_cost: { amount: 2_000, currency: 'PLN' } })).id as string;
  await records().create(system, 'campaign', { name: 'Odwołana', status: 'cancelled', estimated_cost: { amount: 1, currency: 'PLN' } });
  const contractor = (await records().create(system, 'contractor', { name: 'Tipografia Cluj SRL' })).id as string;
  const deal = (await records().create(system, 'deal', { name: 'Ulotki', contractor, campaign })).id as string;
  await records().create(system, 'invoice', { kind: 'invoice', contractor, deal, paid: true, lines: [{ description: 'Ulotki A5', quantity: 10, net_price: 400, vat_rate: 'vat23' }] });
  const entity = env.platform.runtime.snapshot.model.entities.get('campaign')!;
  const result = await records().aggregate(system, 'campaign', reportQuery(report, entity, {}, new Date()));
  const rows = Object.fromEntries(result.rows.map((r) => [String(r.keys[0]!.value), r.values.map((v) => (v === null ? null : Number(v)))]));
  expect(result.measures.map((m) => m.name)).toEqual(['sum:estimated_cost', 'sum:realised_cost', 'sum:paid_revenue', 'avg:roi']);
  // 4,920 paid over 2,000 estimated: 146 %; the cancelled campaign is left out.
  expect(rows['Webinar Cluj 2026']).toEqual([2_000, null, 4_920, 146]);
  expect(rows['Odwołana']).toBeUndefined();
});
