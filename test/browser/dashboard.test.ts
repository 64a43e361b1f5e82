// The dashboard with the demo data (issue #10 item 18), in Polish, at 1440 and at 390 px: the
// funnel narrows down stage after stage with every stage's full name; the amounts by stage show
// every currency of the deals, each as its own series; no label is cut, rotated into another or
// drawn outside its chart. Expected figures come from the API, not from the page.
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
const pipeline = JSON.parse(readFileSync(`${SEED_METADATA_DIR}/pipelines/sales.json`, 'utf8')) as { stages: Stage[]; amountField: string };

/** Deals per stage, and amounts per stage and currency, as the API gives them. */
const figures = { count: new Map<string, number>(), amounts: new Map<string, Map<string, number>>() };

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  await loadDemo(b);
  const deals = (await b.api.get(`/records/deal?limit=500&fields=stage,${pipeline.amountField}`)).body.data as Record<string, unknown>[];
  for (const deal of deals) {
    const stage = String(deal.stage);
    figures.count.set(stage, (figures.count.get(stage) ?? 0) + 1);
    const money = deal[pipeline.amountField] as { amount: number; currency: string } | null;
    if (!money?.amount) continue;
    const byCurrency = figures.amounts.get(stage) ?? new Map<string, number>();
    byCurrency.set(money.currency, (byCurrency.get(money.currency) ?? 0) + money.amount);
    figures.amounts.set(stage, byCurrency);
  }
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

test.each(WIDTHS.map((w) => [w]))('at %i px the funnel narrows stage after stage and shows the full stage names', async (width) => {
  const { page } = b;
  await page.setViewportSize({ width, height: 900 });
  await page.goto(`${b.url}/`);
  const funnel = page.getByTestId('funnel');
  await funnel.locator('.funnel-step').first().waitFor();
  // The stages a deal walks through, in the pipeline's order; each counts the deals that got that far.
  const path = pipeline.stages.filter((s) => s.category !== 'lost');
  const steps = funnel.locator('.funnel-step');
  await expect(steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-stage')))).resolves.toEqual(path.map((s) => s.name));
  const reached = path.map((_, i) => path.slice(i).reduce((n, s) => n + (figures.count.get(s.name) ?? 0), 0));
  await expect(steps.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-reached'))))).resolves.toEqual(reached);
  // The demo data has a later stage holding more deals than an earlier one: the shape must not invert anyway.
  expect(path.some((s, i) => i > 0 && (figures.count.get(s.name) ?? 0) > (figures.count.get(path[i - 1]!.name) ?? 0))).toBe(true);
  const bars = await boxes(funnel.locator('.funnel-bar'));
  for (let i = 1; i < bars.length; i++) expect(bars[i]!.width).toBeLessThanOrEqual(bars[i - 1]!.width + 0.5);
  expect(bars[0]!.width).toBeGreaterThan(bars[bars.length - 1]!.width);
  // Full names, nothing cut, nothing over anything else, all inside the chart.
  const names = await boxes(funnel.locator('.funnel-name'));
  expect(names.map((n) => n.text)).toEqual(path.map((s) => s.label.pl));
  const labels = await boxes(funnel.locator('.funnel-label > span'));
  const chart = (await boxes(funnel))[0]!;
  expect({ overlapping: overlapping([...labels, ...bars]), cut: cut([...labels, ...bars]), outside: outside([...labels, ...bars], chart) }).toEqual({ overlapping: [], cut: [], outside: [] });
  await b.screenshot(`dashboard-${width}`);
});

test.each(WIDTHS.map((w) => [w]))('at %i px the amounts by stage show every currency of the deals, each as a series, labels readable', async (width) => {
  const { page } = b;
  await page.setViewportSize({ width, height: 900 });
  await page.goto(`${b.url}/`);
  const chart = page.getByTestId('stage-chart');
  await chart.locator('.stage-bars-row').first().waitFor();
  // A legend entry per currency of the deals (the demo data has more than one).
  const currencies = [...new Set([...figures.amounts.values()].flatMap((m) => [...m.keys()]))].sort();
  expect(currencies.length).toBeGreaterThan(1);
  const legend = await chart.locator('.chart-legend [data-currency]').evaluateAll((els) => els.map((e) => e.getAttribute('data-currency')));
  expect([...legend].sort()).toEqual(currencies);
  // Every stage, in order, with a bar per currency it holds, of the API's sum.
  await expect(chart.locator('.stage-bars-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-stage')))).resolves.toEqual(pipeline.stages.map((s) => s.name));
  for (const stage of pipeline.stages) {
    const shown = await chart.locator(`[data-stage="${stage.name}"] .stage-bar`).evaluateAll((els) => els.map((e) => [e.getAttribute('data-currency'), Number(e.getAttribute('data-amount'))]));
    expect(Object.fromEntries(shown)).toEqual(Object.fromEntries(figures.amounts.get(stage.name) ?? []));
    await expect(chart.locator(`[data-stage="${stage.name}"] .stage-bars-name`).textContent()).resolves.toBe(stage.label.pl);
  }
  // One colour per currency, the same on the legend and the bars.
  const colours = await chart.locator('.stage-bar-fill').evaluateAll((els) =>
    els.map((e) => {
      const view = globalThis as unknown as { getComputedStyle(el: unknown): { backgroundColor: string } };
      return `${e.parentElement!.parentElement!.getAttribute('data-currency')}:${view.getComputedStyle(e).backgroundColor}`;
    }),
  );
  expect(new Set(colours).size).toBe(currencies.length);
  // Labels and values: whole, apart, inside the chart.
  const labels = await boxes(chart.locator('.stage-bars-label, .stage-bar-value, .chart-legend li'));
  const area = (await boxes(chart))[0]!;
  expect({ overlapping: overlapping(labels), cut: cut(labels), outside: outside(labels, area) }).toEqual({ overlapping: [], cut: [], outside: [] });
  // Every track is as long as the others (bars compare), and a currency's largest amount fills its track.
  const tracks = await boxes(chart.locator('.stage-bar-track'));
  expect(new Set(tracks.map((x) => Math.round(x.width))).size).toBe(1);
  for (const currency of currencies) {
    const fills = await boxes(chart.locator(`.stage-bar[data-currency="${currency}"] .stage-bar-fill`));
    expect(Math.max(...fills.map((f) => f.width))).toBeCloseTo(tracks[0]!.width, 0);
  }
  await b.screenshot(`dashboard-by-stage-${width}`);
});

