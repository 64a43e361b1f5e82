// The metadata designer: add a field to an entity type as a form over the meta-schema, review the
// migration plan, apply it, and find the field in the generated form without a restart.
import { browserSuite } from './support.ts';


const b = browserSuite();

test('a field added in the designer is in the form at once', async () => {
  const { page } = b;
  await page.goto(`${b.url}/designer`);
  const items = page.getByRole('navigation', { name: 'Items' });
  await items.getByRole('button', { name: 'Contractor' }).click();
  const fields = page.getByRole('region', { name: 'Fields' });
  await fields.locator('[data-field-row="tax_id"]').waitFor();

  await fields.getByLabel('Field type').selectOption('string');
  await fields.getByRole('button', { name: 'Add field' }).click();
  const dialog = page.getByRole('dialog');
  const field = (name: string) => dialog.locator(`[data-field="${name}"]`);
  // The meta-schema's rules apply in the form: a name is lower snake_case.
  await field('name').locator('input').fill('Industry Code');
  await dialog.getByLabel('label en').fill('Industry code');
  await dialog.getByLabel('label pl').fill('Kod branży');
  await dialog.getByRole('button', { name: 'Add' }).click();
  await field('name').locator('.field-errors').waitFor();
  await field('name').locator('input').fill('industry_code');
  await expect(field('id').locator('input').inputValue()).resolves.toBe('ui.contractor.industry_code');
  await field('maxLength').locator('input').fill('20');
  await b.screenshot('designer-field');
  await dialog.getByRole('button', { name: 'Add' }).click();
  await fields.locator('[data-field-row="industry_code"]').waitFor();

  // Nothing is applied before the plan is reviewed.
  await page.getByRole('status').filter({ hasText: 'Unapplied changes' }).waitFor();
  await page.getByRole('button', { name: 'Review changes' }).click();
  const plan = page.getByRole('dialog', { name: 'Migration plan' });
  const steps = await plan.getByRole('list', { name: 'Migration plan' }).locator('li').allTextContents();
  expect(steps.some((s) => s.includes('industry_code'))).toBe(true);
  await b.screenshot('designer-plan');
  await plan.getByRole('button', { name: 'Apply to the database' }).click();
  await page.getByRole('status').filter({ hasText: 'Applied: metadata version 2' }).waitFor();

  // The running app uses the new model: the form has the field, and it saves.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contractors' }).click();
  await page.getByRole('link', { name: 'New', exact: true }).click();
  const form = (name: string) => page.locator(`[data-field="${name}"]`);
  await form('industry_code').getByText('Industry code').waitFor();
  await form('name').locator('input').fill('Hydrobudowa');
  await form('industry_code').locator('input').fill('F.42');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByTestId('record-title').filter({ hasText: 'Hydrobudowa' }).waitFor();
  const id = page.url().split('/').pop()!;
  expect((await b.api.get(`/records/contractor/${id}`)).body.industry_code).toBe('F.42');
});

test('an invalid package is refused with the problems, before anything is applied', async () => {
  const { page } = b;
  await page.goto(`${b.url}/designer`);
  await page.getByRole('navigation', { name: 'Items' }).getByRole('button', { name: 'Deal' }).click();
  await page.getByRole('tab', { name: 'JSON' }).click();
  const json = page.getByRole('textbox', { name: 'JSON' });
  const item = JSON.parse(await json.inputValue());
  item.displayField = 'no_such_field';
  await json.fill(JSON.stringify(item, null, 2));
  await page.getByRole('button', { name: 'Review changes' }).click();
  const dialog = page.getByRole('dialog', { name: 'The package is not valid' });
  await dialog.getByText('displayField').first().waitFor();
  expect((await b.api.get('/meta')).body.version).toBe(2);
});
