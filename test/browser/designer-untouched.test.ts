// Opening an item in the designer changes nothing: every entity type, activity kind, pipeline,
// status machine, view, role and report of the shipped CRM can be looked at without the designer
// calling it changed (a form that fills in its defaults on opening would ask the analyst to apply a
// change no one made).
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite } from './support.ts';

const b = browserSuite({ packageDir: SEED_METADATA_DIR });

test('looking at every item of the shipped CRM leaves the package unchanged', async () => {
  const { page } = b;
  await page.goto(`${b.url}/designer`);
  const items = page.getByRole('navigation', { name: 'Items' });
  await items.getByRole('button').first().waitFor();
  const count = await items.locator('li button').count();
  expect(count).toBeGreaterThan(20);
  const touched: string[] = [];
  for (let i = 0; i < count; i++) {
    const button = items.locator('li button').nth(i);
    await button.click();
    await expect(button.getAttribute('aria-current')).resolves.toBe('true');
    // Let the item's editor mount and settle (forms report their first state after rendering).
    await page.waitForTimeout(150);
    const changed = await items.locator('li button.changed').allTextContents();
    if (changed.length > 0) {
      touched.push(...changed);
      break;
    }
  }
  expect(touched).toEqual([]);
  await expect(page.getByRole('status').filter({ hasText: 'Unapplied changes' }).count()).resolves.toBe(0);
}, 300_000);
