// A new installation: the e-mail and fiscal connectors are off until an administrator enables them.
// The mail page and the printers page say so, in Polish, and where to switch them on — not
// "something went wrong" from their 404s.
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

test('the printers page explains that the fiscal printer connector is off', async () => {
  const { page } = b;
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
    await page.goto(`${b.url}/admin/printers`);
    await page.getByRole('note').filter({ hasText: 'Konektor drukarek fiskalnych jest wyłączony' }).waitFor();
    await expect(page.getByRole('heading', { name: 'Drukarki fiskalne' }).count()).resolves.toBe(1);
    await expect(page.getByText('Coś poszło nie tak').count()).resolves.toBe(0);
  }
  await page.getByRole('link', { name: 'Administracja → Konektory' }).click();
  await page.waitForURL(/\/admin\/connectors$/);
  expect(b.takePageErrors()).toEqual([]);
});
