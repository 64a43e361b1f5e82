// Serial letters from a list, in Polish: select contractors, "Drukuj…", write the subject and the
// text with a placeholder, print, and open one PDF with a page per contractor (its text read back
// with pdftotext); the dialog fits a phone's width.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { pdfPages, withPdfText } from '../support/pdf-text.ts';
import { browserSuite, createRecord } from './support.ts';

const withText = withPdfText;
const ids: string[] = [];

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  await createRecord(b, 'business_unit', { name: 'Tessera Łódź Sp. z o.o.', code: 'LDZ', locality: 'Łódź' });
  ids.push(await createRecord(b, 'contractor', { name: 'Hurtownia Łożysk Sp. z o.o.', contractor_type: 'company', country: 'pl', postal_code: '90-001', locality: 'Łódź' }));
  ids.push(await createRecord(b, 'contractor', { name: 'Zakład Ślusarski Gęś', contractor_type: 'company', country: 'pl', postal_code: '30-002', locality: 'Kraków' }));
});

withText('two contractors selected in the list are printed as two letters in one PDF', async () => {
  const { page } = b;
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${b.url}/r/contractor`);
  await page.locator('.grid-body [role="row"]').first().waitFor();
  for (const id of ids) await page.locator('.grid-body [role="row"]').filter({ has: page.locator(`a[href="/r/contractor/${id}"]`) }).getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Drukuj…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.locator('input[name=subject]').fill('Zmiana cennika');
  await dialog.locator('textarea[name=body]').fill('Szanowni Państwo z firmy {{name}}, od stycznia obowiązuje nowy cennik.');
  // The selection's actions wrap on a phone instead of widening the page.
  await expect(page.evaluate('document.documentElement.scrollWidth - window.innerWidth')).resolves.toBeLessThanOrEqual(0);
  const answer = page.waitForResponse((res) => res.url().endsWith('/api/records/contractor/print/letter') && res.request().method() === 'POST');
  await dialog.getByRole('button', { name: 'Drukuj', exact: true }).click();
  const sent = await answer;
  expect(sent.status()).toBe(200);
  await expect(dialog.getByRole('link', { name: 'Otwórz PDF' }).getAttribute('href')).resolves.toMatch(/^blob:/);
  // The PDF the page got (read again with the request the page sent: the page's blob is not readable from here).
  const request = sent.request().postDataJSON() as { ids: string[] };
  expect([...request.ids].sort()).toEqual([...ids].sort());
  const pdf = Buffer.from(await (await fetch(`${b.url}/api/records/contractor/print/letter`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${b.server.adminToken}` }, body: JSON.stringify(request) })).arrayBuffer());
  const pages = pdfPages(pdf);
  expect(pages).toHaveLength(2);
  const texts = pages.join(' | ');
  expect(texts).toContain('Szanowni Państwo z firmy Hurtownia Łożysk Sp. z o.o., od stycznia obowiązuje nowy cennik.');
  expect(texts).toContain('Szanowni Państwo z firmy Zakład Ślusarski Gęś, od stycznia obowiązuje nowy cennik.');
});
