// Dashboards with the demo data, in Polish, at 1440 and at 390 px: the home page (/) is the user's
// dashboard from metadata (the same widgets as /dashboards); every widget of the sales dashboard
// renders; the funnel narrows down stage after stage with the figures of the aggregate API and every
// stage's full name; a figure drills down to the list of exactly its records; nothing overflows
// sideways. Expected figures come from the API, not from the page.
import { readFileSync } from 'node:fs';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { loadDemo } from './demo.ts';
import { boxes, inside, overlap, type Box } from './layout.ts';
import { browserSuite } from './support.ts';

interface Stage {
  readonly name: string;
  readonly category: 'open' | 'won' | 'lost';
  readonly label: { readonly pl: string };
}
interface Dashboard {
  readonly name: string;
  readonly default: boolean;
  readonly source: string;
  readonly widgets: readonly { readonly report: string }[];
}
interface Row {
  readonly keys: { value: unknown }[];
  readonly values: (number | null)[];
  readonly filter: unknown;
}

const pipeline = JSON.parse(readFileSync(`${SEED_METADATA_DIR}/pipelines/sales.json`, 'utf8')) as { stages: Stage[] };
const funnelReport = JSON.parse(readFileSync(`${SEED_METADATA_DIR}/reports/sales_funnel.json`, 'utf8')) as { groupBy: string[]; measures: string[] };
let dashboards: Dashboard[] = [];
/** The funnel report's rows as the aggregate API gives them to the same user. */
let funnelRows: Row[] = [];

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  await loadDemo(b);
  dashboards = (await b.api.get('/dashboards')).body.data as Dashboard[];
  funnelRows = (await b.api.post('/records/deal/aggregate', { groupBy: funnelReport.groupBy, measures: funnelReport.measures })).body.rows as Row[];
});

const WIDTHS = [1440, 390] as const;

/** Pairs of boxes that overlap. */
function overlapping(all: readonly Box[]): string[] {
  const found: string[] = [];
  all.forEach((a, i) => all.slice(i + 1).forEach((c) => overlap(a, c) && found.push(`${a.text} × ${c.text}`)));
  return found;
}

/** Texts cut short (their text wider than their box). */
const cut = (all: readonly Box[]) => all.filter((x) => x.textWidth > Math.ceil(x.width) + 1).map((x) => x.text);
const outside = (all: readonly Box[], chart: Box) => all.filter((x) => !inside(x, chart)).map((x) => x.text);
const sideways = async (page: typeof b.page) => Number(await page.evaluate('document.documentElement.scrollWidth - innerWidth'));
const title = (name: string) => (JSON.parse(readFileSync(`${SEED_METADATA_DIR}/reports/${name}.json`, 'utf8')) as { label: { pl: string } }).label.pl;

test('the home page shows the user’s default dashboard from metadata, the same widgets as /dashboards', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 1440, height: 900 });
  const home = dashboards.find((d) => d.source === 'user') ?? dashboards.find((d) => d.default)!;
  await page.goto(`${b.url}/`);
  const grid = page.locator(`[data-dashboard="${home.name}"]`);
  await grid.locator('.report-view').first().waitFor();
  await expect(grid.locator('.report-card h2').allTextContents()).resolves.toEqual(home.widgets.map((w) => title(w.report)));
  // The tasks due stay on the home page.
  await page.getByRole('region', { name: 'Zadania do wykonania' }).waitFor();
});

test.each(WIDTHS.map((w) => [w]))('at %i px every widget of the sales dashboard renders, the funnel shows the API’s figures, nothing overflows', async (width) => {
  const { page } = b;
  await page.setViewportSize({ width, height: 900 });
  const sales = dashboards.find((d) => d.name === 'sales')!;
  await page.goto(`${b.url}/dashboards/sales`);
  for (const w of sales.widgets) await page.getByRole('region', { name: title(w.report) }).locator(`.report-view[data-report="${w.report}"], .muted`).first().waitFor();
  expect(await page.locator('[data-dashboard="sales"] .report-card').count()).toBe(sales.widgets.length);
  const card = page.getByRole('region', { name: title('sales_funnel') });
  const funnel = card.getByTestId('funnel');
  await funnel.locator('.funnel-step').first().waitFor();
  // Deals per stage (summed over currencies), as the aggregate API counts them.
  const count = new Map<string, number>();
  for (const row of funnelRows) count.set(String(row.keys[0]!.value), (count.get(String(row.keys[0]!.value)) ?? 0) + Number(row.values[0] ?? 0));
  const path = pipeline.stages.filter((s) => s.category !== 'lost');
  const steps = funnel.locator('.funnel-step');
  await expect(steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-stage')))).resolves.toEqual(path.map((s) => s.name));
  const reached = path.map((_, i) => path.slice(i).reduce((n, s) => n + (count.get(s.name) ?? 0), 0));
  await expect(steps.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-reached'))))).resolves.toEqual(reached);
  const bars = await boxes(funnel.locator('.funnel-bar'));
  for (let i = 1; i < bars.length; i++) expect(bars[i]!.width).toBeLessThanOrEqual(bars[i - 1]!.width + 0.5);
  const names = await boxes(funnel.locator('.funnel-name'));
  expect(names.map((n) => n.text)).toEqual(path.map((s) => s.label.pl));
  const labels = await boxes(funnel.locator('.funnel-label > span'));
  const chart = (await boxes(funnel))[0]!;
  expect({ overlapping: overlapping([...labels, ...bars]), cut: cut([...labels, ...bars]), outside: outside([...labels, ...bars], chart) }).toEqual({ overlapping: [], cut: [], outside: [] });
  // The table under the funnel: a line per stage and currency with the API's count.
  const shown = await card.getByTestId('funnel-report-table').locator('tbody tr').evaluateAll((els) => els.map((e) => [e.getAttribute('data-stage'), Number(e.querySelector('td.num')!.textContent!.replace(/\D/g, ''))]));
  expect(shown).toEqual(funnelRows.map((r) => [String(r.keys[0]!.value), r.values[0]]));
  expect(await sideways(page)).toBeLessThanOrEqual(0);
  await b.screenshot(`dashboards-${width}`);
});

test('a dashboard figure drills down to the list of exactly its records', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${b.url}/dashboards/sales`);
  const table = page.getByRole('region', { name: title('sales_funnel') }).getByTestId('funnel-report-table');
  await table.locator('tbody tr').first().waitFor();
  const row = funnelRows[0]!;
  await table.locator('tbody tr').first().locator('td.num a').first().click();
  await page.waitForURL(/\/r\/deal\?/);
  expect(JSON.parse(new URL(page.url()).searchParams.get('filter')!)).toEqual(row.filter);
  await page.getByTestId('list-count').filter({ hasText: /\d+/ }).waitFor();
  const listed = Number((await page.getByTestId('list-count').textContent())!.replace(/\D/g, ''));
  // The row's filter names its groups, not its currency: the list holds the stage's deals in every currency.
  const expected = (await b.api.get(`/records/deal?count=true&limit=1&filter=${encodeURIComponent(JSON.stringify(row.filter))}`)).body.count as number;
  expect(listed).toBe(expected);
  expect(listed).toBeGreaterThanOrEqual(row.values[0]!);
  expect(await sideways(page)).toBeLessThanOrEqual(0);
});
