// Creating a contractor through the generated form: validation errors appear on the fields they
// concern (the browser's check and the server's, by problem+json pointer), conditional fields
// follow the form values, and a valid form creates the record and opens its card.
import { TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD } from '../support/http.ts';
import { browserSuite } from './support.ts';


const b = browserSuite({ signedIn: false });

const field = (name: string) => b.page.locator(`[data-field="${name}"]`);

test('after signing in, the list page is generated from metadata and offers a new contractor', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Login').fill(TEST_ADMIN_LOGIN);
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').getByText('Wrong login or password').waitFor();
  await page.getByLabel('Password').fill(TEST_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('user-name').filter({ hasText: 'Test Administrator' }).waitFor();
  await page.getByRole('heading', { name: 'Contractors' }).waitFor();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contractors' }).isVisible()).resolves.toBe(true);
  await expect(page.getByRole('link', { name: 'Sales' }).first().isVisible()).resolves.toBe(true);
  await page.getByRole('link', { name: 'New', exact: true }).click();
  await page.getByRole('heading', { name: 'New Contractor' }).waitFor();
});

test('a bad tax id and a missing name are shown on their fields; fixing them creates the contractor', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor/new`);
  await field('name').waitFor();
  // Layout from metadata: the Company section with two columns, and a Finance tab.
  await expect(page.getByRole('region', { name: 'Company' }).isVisible()).resolves.toBe(true);
  await expect(page.getByRole('tab', { name: 'Finance' }).isVisible()).resolves.toBe(true);

  await field('tax_id').locator('input').fill('526-025-02-75');
  await page.getByRole('button', { name: 'Save' }).click();
  await field('tax_id').getByText('is not a valid tax id (NIP or CUI check digit)').waitFor();
  await field('name').getByText('is required').waitFor();
  await b.screenshot('contractor-form-errors');

  // Conditional field: the court register number exists only for companies.
  await expect(field('krs').isVisible()).resolves.toBe(true);
  await field('kind').locator('select').selectOption('person');
  await field('krs').waitFor({ state: 'hidden' });
  await field('kind').locator('select').selectOption('company');
  await field('krs').waitFor();

  await field('name').locator('input').fill('Stalbud Sp. z o.o.');
  await field('tax_id').locator('input').fill('526-025-02-74');
  await field('tax_id').getByText('valid PL tax id').waitFor();
  await field('city').locator('input').fill('Warszawa');
  await page.getByRole('tab', { name: 'Finance' }).click();
  await field('turnover').locator('input').fill('1250000.50');
  await page.getByRole('button', { name: 'Save' }).click();

  await page.getByTestId('record-title').filter({ hasText: 'Stalbud Sp. z o.o.' }).waitFor();
  const id = page.url().split('/').pop()!;
  const stored = await b.api.get(`/records/contractor/${id}`);
  expect(stored.body).toMatchObject({ name: 'Stalbud Sp. z o.o.', tax_id: '5260250274', kind: 'company', city: 'Warszawa', turnover: { amount: 1250000.5, currency: 'PLN' } });
  await b.screenshot('contractor-card');
});

test('problems only the server knows (a duplicate tax id) land on the field by their pointer', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor/new`);
  await field('name').locator('input').fill('Stalbud bis');
  await field('tax_id').locator('input').fill('5260250274');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('alert').filter({ hasText: 'Please correct the marked fields' }).waitFor();
  const duplicate = await b.api.post('/records/contractor', { name: 'x', tax_id: '5260250274' });
  expect(duplicate.status).toBe(409);
  // The unique violation points at /tax_id: the form shows the server's detail there.
  const detail = (duplicate.body.errors as { pointer: string; detail: string }[]).find((e) => e.pointer === '/tax_id')!.detail;
  await field('tax_id').getByText(detail).waitFor();
});

test('labels and UI strings follow the language switch', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor/new`);
  await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: 'PL' }).click();
  await page.getByRole('heading', { name: 'Nowy: Kontrahent' }).waitFor();
  await field('tax_id').getByText('NIP', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Zapisz' }).click();
  await field('name').getByText('jest wymagane').waitFor();
  await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: 'RO' }).click();
  await page.getByRole('heading', { name: 'Partener nou' }).waitFor();
  await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: 'EN' }).click();
});
