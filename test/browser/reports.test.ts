// The sales funnel report with the demo data: at 390 px nothing overflows sideways; a figure of the
// report opens the list of exactly the records behind it; its amounts convert to one currency
// chosen above it, a missing rate said in words.
import { addDays, saveRates } from '../../engine/exchange-rates/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { loadDemo } from './demo.ts';
import { browserSuite } from './support.ts';

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, loadDemo);

test('the funnel report drills down from a figure to the filtered list', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${b.url}/reports/sales_funnel`);
  const table = page.getByTestId('funnel-report-table');
  await table.locator('tbody tr').first().waitFor();
  await page.getByTestId('funnel').waitFor();
  expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
  await b.screenshot('report-funnel-390');
  // The number of deals of the first stage listed (its first figure is a count).
  const row = table.locator('tbody tr').first();
  const stage = await row.getAttribute('data-stage');
  const link = row.locator('td.num a').first();
  const count = Number((await link.textContent())!.replace(/\D/g, ''));
  expect(count).toBeGreaterThan(0);
  await link.click();
  await page.waitForURL(/\/r\/deal\?/);
  expect(new URL(page.url()).searchParams.get('filter')).toContain(`"stage":{"eq":"${stage}"}`);
  await page.getByTestId('address-filter').waitFor();
  // The funnel counts a stage per currency: the list holds at least that row's deals, all of that stage.
  await page.getByTestId('list-count').filter({ hasText: /\d+ records?/ }).waitFor();
  const listed = Number((await page.getByTestId('list-count').textContent())!.replace(/\D/g, ''));
  const expected = (await b.api.get(`/records/deal?count=true&limit=1&filter=${encodeURIComponent(JSON.stringify({ stage: { eq: stage } }))}`)).body.count as number;
  expect(listed).toBe(expected);
  expect(listed).toBeGreaterThanOrEqual(count);
});

test('the report page exports XLSX and PDF from the server under its filters, in the user’s language', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${b.url}/reports/sales_funnel?period=thisYear`);
  await page.getByTestId('funnel-report-table').locator('tbody tr').first().waitFor();
  for (const [format, type] of [
    ['XLSX', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['PDF', 'application/pdf'],
  ] as const) {
    const link = page.getByRole('link', { name: `Export ${format}` });
    const href = (await link.getAttribute('href'))!;
    const query = new URL(href, b.url).searchParams;
    expect([query.get('format'), query.get('lang'), query.get('period')]).toEqual([format.toLowerCase(), 'en', 'thisYear']);
    // The browser's session downloads it (cookies, no token).
    const download = page.waitForEvent('download');
    await link.click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`sales_funnel.${format.toLowerCase()}`);
    const res = await page.request.get(`${b.url}${href}`);
    expect([res.status(), res.headers()['content-type']]).toEqual([200, type]);
  }
  expect(Number(await page.evaluate('document.documentElement.scrollWidth - innerWidth'))).toBeLessThanOrEqual(0);
});

test('the amounts convert to one currency chosen above the report; a missing rate is said, not summed without', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${b.url}/reports/sales_funnel`);
  const table = page.getByTestId('funnel-report-table');
  await table.locator('tbody tr').first().waitFor();
  // The demo's deals are in PLN, EUR and RON: kept apart.
  expect(await table.textContent()).toContain('RON');
  await page.getByLabel('Amounts in').selectOption('PLN');
  await page.getByRole('alert').filter({ hasText: /no NBP rate of (EUR|RON) on or before \d{4}-\d{2}-\d{2}/ }).waitFor();
  expect(new URL(page.url()).searchParams.get('currency')).toBe('PLN');
  // The connector's rates of the last days arrive: the same page converts.
  // (Days around today in UTC: the business's day in Warsaw is one of them.)
  const today = new Date().toISOString().slice(0, 10);
  const days = [-4, -3, -2, -1, 0, 1].map((n) => addDays(today, n));
  await saveRates(b.env.platform.knex, days.flatMap((date) => [['RON', 0.8512], ['EUR', 4.2344]].map(([currency, rate]) => ({ source: 'nbp' as const, currency: currency as string, date, rate: rate as number, multiplier: 1, table: null }))));
  await page.getByRole('button', { name: 'Retry' }).click();
  await table.locator('tbody tr').first().waitFor();
  const converted = (await table.textContent())!;
  expect([converted.includes('PLN'), converted.includes('RON'), converted.includes('EUR')]).toEqual([true, false, false]);
});
