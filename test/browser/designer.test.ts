// The metadata designer: add a field to an entity type as a form over the meta-schema, review the
// migration plan, apply it, and find the field in the generated form without a restart.
import { browserSuite } from './support.ts';
import { pageLayout } from './layout.ts';


const b = browserSuite();

test('a field added in the designer is in the form at once', async () => {
  const { page } = b;
  await page.goto(`${b.url}/designer`);
  const items = page.getByRole('navigation', { name: 'Items' });
  await items.getByRole('button', { name: 'Contractor', exact: true }).click();
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
  // The plan arrives from the server after the dialog opens.
  await plan.getByRole('list', { name: 'Migration plan' }).locator('li').filter({ hasText: 'industry_code' }).first().waitFor();
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
  await page.getByRole('navigation', { name: 'Items' }).getByRole('button', { name: 'Deal', exact: true }).click();
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

test('the form layout is rearranged by buttons and by dragging, previewed, applied and used by the form', async () => {
  const { page } = b;
  await page.goto(`${b.url}/designer`);
  await page.getByRole('navigation', { name: 'Items' }).getByRole('button', { name: 'Contractor', exact: true }).click();
  const layout = page.getByRole('region', { name: 'Form layout' });
  const section = (name: string) => layout.getByRole('group', { name, exact: true });
  const cards = (name: string) => section(name).locator('[data-layout-field]').evaluateAll((els) => els.map((e) => e.getAttribute('data-layout-field')));
  // The field added by the first test is in no section yet.
  await layout.getByRole('group', { name: 'Not placed' }).locator('[data-layout-field="industry_code"]').waitFor();

  // By keyboard: e-mail goes to the Finance section and one place up.
  await layout.getByLabel('To section: email').selectOption({ label: 'Finance' });
  await layout.getByRole('button', { name: 'Move up: email' }).click();
  await expect(cards('Finance')).resolves.toEqual(['turnover', 'employees', 'email', 'since']);
  // By dragging: the unplaced field onto the Company section.
  await layout.locator('[data-layout-field="industry_code"]').dragTo(section('Company').locator('[data-drop-zone]'));
  await expect(cards('Company')).resolves.toContain('industry_code');

  // An empty section is flagged, and the server's problem shows at it after a review.
  await layout.getByRole('button', { name: 'Add section' }).click();
  await section('Section 3').getByText('Put at least one field into this section').waitFor();
  await page.getByRole('button', { name: 'Review changes' }).click();
  await page.getByRole('dialog', { name: 'The package is not valid' }).getByRole('button', { name: 'Cancel' }).click();
  await section('Section 3').getByText('/2/fields').waitFor();
  await section('Section 3').getByRole('button', { name: 'Remove section' }).click();

  // The preview is the generated form with the edited layout.
  const preview = layout.getByRole('region', { name: 'Preview' });
  await preview.getByRole('tab', { name: 'Finance' }).click();
  await preview.getByRole('region', { name: 'Finance' }).locator('[data-field="email"]').waitFor();

  // At phone width nothing makes the page scroll sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(pageLayout(page).then((l) => l.overflowing)).resolves.toEqual([]);
  await b.screenshot('designer-layout-390');
  await page.setViewportSize({ width: 1440, height: 900 });

  await page.getByRole('button', { name: 'Review changes' }).click();
  await page.getByRole('dialog', { name: 'Migration plan' }).getByRole('button', { name: 'Apply to the database' }).click();
  await page.getByRole('status').filter({ hasText: 'Applied: metadata version 3' }).waitFor();
  const applied = (await b.api.get('/meta')).body.files['entities/contractor.json'].layout as { id: string; fields: string[] }[];
  expect(applied.find((s) => s.id === 'ui.contractor.s.finance')!.fields).toEqual(['turnover', 'employees', 'email', 'since']);

  // The record form follows the applied layout at once.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contractors' }).click();
  await page.getByRole('link', { name: 'New', exact: true }).click();
  await page.getByRole('tab', { name: 'Finance' }).click();
  await page.getByRole('region', { name: 'Finance' }).locator('[data-field="email"]').waitFor();
  await page.getByRole('tab', { name: 'General' }).click();
  await page.getByRole('region', { name: 'Company' }).locator('[data-field="industry_code"]').waitFor();
});
