// The list of an entity type with 10,000 records: keyset pages loaded while scrolling with only the
// visible rows in the DOM, sort, text search, filters, saved views, bulk change and CSV export.
import { browserSuite } from './support.ts';

const TOTAL = 10_000;

const b = browserSuite({}, async (b) => {
  // Bulk data straight into the table, with the audit rows the records service would write (the
  // API is for people; 10,000 POSTs would only slow the test).
  await b.env.platform.knex.raw(`
    WITH created AS (
      INSERT INTO contractor (name, city, kind, employees)
      SELECT 'Firma ' || lpad(g::text, 5, '0'), (ARRAY['Warszawa', 'Kraków', 'Gdańsk'])[1 + g % 3], CASE WHEN g % 2 = 0 THEN 'company' ELSE 'person' END, g % 500
      FROM generate_series(1, ${TOTAL}) AS g
      RETURNING id)
    INSERT INTO tessera.audit_log (via, entity, record_id, action, changes) SELECT 'system', 'contractor', id, 'create', '{}' FROM created`);
});

const rows = () => b.page.locator('.grid-body [role="row"]');
const firstCells = () => b.page.locator('.grid-body [role="row"] [role="cell"]:nth-child(2)');

test('10,000 records: counted, paged by keyset while scrolling, only visible rows rendered', async () => {
  const { page } = b;
  const started = Date.now();
  await page.goto(`${b.url}/r/contractor`);
  await page.getByTestId('list-count').filter({ hasText: `${TOTAL.toLocaleString('en-GB')} records` }).waitFor();
  await expect(firstCells().first().textContent()).resolves.toBe('Firma 00001');
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(await rows().count()).toBeLessThan(80);
  await b.screenshot('list');
  // Scroll to the end of what is loaded, a few times: more pages arrive, the DOM stays small.
  const body = page.locator('.grid-body');
  for (let i = 0; i < 4; i++) {
    await body.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await page.waitForTimeout(150);
  }
  await page.getByText(/[3-9]00 loaded|1\d00 loaded/).waitFor();
  expect(await rows().count()).toBeLessThan(80);
});

test('sort by a column, search, filter and a saved view', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor`);
  await firstCells().first().filter({ hasText: 'Firma 00001' }).waitFor();
  await page.getByRole('columnheader', { name: 'Name' }).click();
  await firstCells().first().filter({ hasText: 'Firma 10000' }).waitFor();

  // The search ignores case: "firma 0777" is Firma 07770 … 07779.
  await page.getByRole('searchbox', { name: 'Search…' }).fill('firma 0777');
  await page.getByTestId('list-count').filter({ hasText: '10 records' }).waitFor();
  await page.getByRole('searchbox', { name: 'Search…' }).fill('');

  await page.getByRole('button', { name: 'Add filter' }).click();
  await page.getByLabel('field', { exact: true }).selectOption('city');
  await page.getByLabel('operator').selectOption('eq');
  await page.getByLabel('value').fill('Gdańsk');
  await page.getByTestId('list-count').filter({ hasText: '3,333 records' }).waitFor();
  await page.getByRole('button', { name: 'Remove' }).click();

  await page.getByRole('combobox').filter({ hasText: 'All records' }).selectOption({ label: 'Companies in Warsaw' });
  await page.getByTestId('list-count').filter({ hasText: '3,333 records' }).waitFor();
  await expect(page.getByRole('columnheader').allTextContents()).resolves.toEqual(['', 'Name ▲', 'Tax id', 'Kind', 'City']);
});

test('bulk: set a value on the selected rows; export the filtered list as CSV', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor?search=Firma%2000010`);
  await page.getByTestId('list-count').filter({ hasText: '1 record' }).waitFor();
  await page.getByRole('searchbox', { name: 'Search…' }).fill('Firma 0001');
  await page.getByTestId('list-count').filter({ hasText: '10 records' }).waitFor();
  await rows().nth(0).getByRole('checkbox').check();
  await rows().nth(1).getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Set…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('field').selectOption('kind');
  await dialog.getByLabel('value').selectOption('company');
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await dialog.waitFor({ state: 'detached' });
  const changed = await b.api.get('/records/contractor?search=Firma%200001&sort=name&limit=2');
  expect(changed.body.data.map((r: { kind: string }) => r.kind)).toEqual(['company', 'company']);
  expect(changed.body.data[0].version).toBe(2);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  let csv = '';
  for await (const chunk of await download.createReadStream()) csv += String(chunk);
  const lines = csv.replace(/^\ufeff/, '').trim().split('\r\n');
  expect(lines[0]).toBe('Name;Tax id;Kind;Court register no.;City;Employees;Turnover');
  expect(lines).toHaveLength(11);
  expect(lines[1]).toBe('Firma 00010;;Company;;Kraków;10;');
});
