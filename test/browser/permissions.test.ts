// A user with a narrow role sees only what the role allows: navigation without the types they may
// not read, no New / Delete / export where they may not, read-only and hidden fields by field rights.
import { browserSuite } from './support.ts';

let contractorId: string;

const b = browserSuite({ signedIn: false }, async (b) => {
  const user = await b.api.post('/users', { login: 'anna', displayName: 'Anna Nowak', password: 'anna-password-1', roles: ['sales_assistant'] });
  if (user.status !== 201) throw new Error(JSON.stringify(user.body));
  const contractor = await b.api.post('/records/contractor', { name: 'Ferro', turnover: { amount: 5000, currency: 'PLN' }, notes: 'internal' });
  contractorId = contractor.body.id;
});

test('navigation, lists and cards follow the role', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor`);
  await page.getByLabel('Login').fill('anna');
  await page.getByLabel('Password').fill('anna-password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('user-name').filter({ hasText: 'Anna Nowak' }).waitFor();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Contractors' }).waitFor();
  await expect(nav.getByRole('link', { name: 'Deals' }).count()).resolves.toBe(0);
  await expect(nav.getByRole('link', { name: 'Metadata designer' }).count()).resolves.toBe(0);
  await page.getByRole('link', { name: 'Ferro' }).waitFor();
  await expect(page.getByRole('link', { name: 'New', exact: true }).count()).resolves.toBe(0);
  await expect(page.getByRole('button', { name: 'Export CSV' }).count()).resolves.toBe(0);

  await page.getByRole('link', { name: 'Ferro' }).click();
  await page.getByTestId('record-title').filter({ hasText: 'Ferro' }).waitFor();
  await expect(page.getByRole('button', { name: 'Delete' }).count()).resolves.toBe(0);
  // turnover: read-only; notes: not shown; the rest editable and saved.
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  await page.getByRole('tab', { name: 'Finance' }).click();
  await expect(page.locator('[data-field="turnover"] input').first().isEditable()).resolves.toBe(false);
  await expect(page.locator('[data-field="notes"]').count()).resolves.toBe(0);
  await page.getByRole('tab', { name: 'General' }).click();
  await page.locator('[data-field="city"] input').fill('Katowice');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('version 2').waitFor();
  // Related lists only of types the role may read, and no New where it may not create.
  await page.getByRole('region', { name: /Contractors · Parent company/ }).waitFor();
  await expect(page.getByRole('region', { name: /Deals · Contractor/ }).count()).resolves.toBe(0);
  await expect(page.getByRole('region', { name: /Contractors · Parent company/ }).getByRole('link', { name: 'New' }).count()).resolves.toBe(0);
  expect((await b.api.get(`/records/contractor/${contractorId}`)).body).toMatchObject({ city: 'Katowice', turnover: { amount: 5000, currency: 'PLN' }, notes: 'internal' });
  await b.screenshot('permissions-card');
});
