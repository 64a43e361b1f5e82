// A new installation: the e-mail connector is off until an administrator enables it. The mail page
// says so, in Polish, and where to switch it on — not "something went wrong" from its 404s.
import { browserSuite } from './support.ts';

const b = browserSuite();

test('the mail page explains that e-mail is not switched on yet', async () => {
  const { page } = b;
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  await page.goto(`${b.url}/mail`);
  await page.getByRole('note').filter({ hasText: 'Poczta e-mail nie jest jeszcze włączona' }).waitFor();
  await expect(page.getByText('Coś poszło nie tak').count()).resolves.toBe(0);
  await page.getByRole('link', { name: 'Administracja → Konektory' }).click();
  await page.waitForURL(/\/admin\/connectors$/);
  expect(b.takePageErrors()).toEqual([]);
});
