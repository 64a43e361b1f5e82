// A record card in the shipped CRM, in Polish:
// - with the e-mail connector installed but not switched on (a new installation) it neither shows
//   "Napisz e-mail" nor asks the connector's routes (which answer 404 while it is off);
// - a long text reads whole in the read view (not a fixed box with a scroll bar), and is edited in a
//   text area.
import { email } from '../../connectors/email/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite, createRecord } from './support.ts';

const b = browserSuite({ packageDir: SEED_METADATA_DIR, connectors: [email] });

test('a record card asks nothing of the e-mail routes while e-mail is off', async () => {
  const { page } = b;
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  const contractor = await createRecord(b, 'contractor', { name: 'Bez poczty Sp. z o.o.', contractor_type: 'company', country: 'pl' });
  const notFound: string[] = [];
  page.on('response', (res) => {
    if (res.status() === 404 && res.url().includes('/api/')) notFound.push(res.url());
  });
  await page.goto(`${b.url}/r/contractor/${contractor}`);
  await page.getByTestId('record-title').filter({ hasText: 'Bez poczty' }).waitFor();
  await page.waitForLoadState('networkidle');
  expect(notFound).toEqual([]);
  await expect(page.getByRole('button', { name: 'Napisz e-mail' }).count()).resolves.toBe(0);
});

test('a long text is shown whole in the read view and edited in a text area', async () => {
  const { page } = b;
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  const notes = Array.from({ length: 12 }, (_, i) => `Linia ${i + 1}: ustalenia z klientem.`).join('\n');
  const contractor = await createRecord(b, 'contractor', { name: 'Długie notatki S.A.', contractor_type: 'company', country: 'pl', notes });
  await page.goto(`${b.url}/r/contractor/${contractor}`);
  const shown = page.locator('[data-field=notes] [role=textbox]');
  await shown.waitFor();
  await expect(shown.innerText()).resolves.toBe(notes);
  // Nothing hidden behind a scroll bar.
  await expect(shown.evaluate((el) => el.scrollHeight - el.clientHeight)).resolves.toBeLessThanOrEqual(1);
  await expect(page.locator('[data-field=notes] textarea').count()).resolves.toBe(0);

  await page.getByRole('button', { name: 'Edytuj' }).first().click();
  await expect(page.locator('[data-field=notes] textarea').inputValue()).resolves.toBe(notes);
});
