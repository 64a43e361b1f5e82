// The stream of a record card in the shipped CRM (issue #10 feature), in Polish: comments and the
// record's changes together, @ offers the users and inserts the login, and the mentioned user's bell
// shows the mention, which opens the record.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite } from './support.ts';

let contractor = '';

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  const user = await b.api.post('/users', { login: 'handlowiec', displayName: 'Jan Handlowy', password: 'handlowiec-password-1', roles: ['salesperson'], language: 'pl' });
  if (user.status !== 201) throw new Error(JSON.stringify(user.body));
  contractor = (await b.api.post('/records/contractor', { name: 'Ciepłownia Łódź S.A.' })).body.id;
  await b.api.patch(`/records/contractor/${contractor}`, { phone: '+48 42 600 00 00', version: 1 });
});

const stream = () => b.page.getByRole('region', { name: 'Strumień' });

test('a comment with an @mention chosen from the list appears in the stream beside the changes', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor/${contractor}`);
  await page.getByRole('tab', { name: 'Strumień' }).click();
  // The changes so far: created, then the phone changed.
  await stream().getByText('zmieniono').waitFor();
  await expect(stream().locator('.stream-change').allInnerTexts()).resolves.toEqual([expect.stringMatching(/zmieniono: Telefon/), expect.stringMatching(/utworzono/)]);
  const box = stream().getByRole('combobox', { name: 'Napisz komentarz' });
  await box.click();
  await page.keyboard.type('Klient prosi o telefon. @han');
  const list = stream().getByRole('listbox', { name: 'Wspomnij użytkownika' });
  await list.getByRole('option', { name: /Jan Handlowy/ }).waitFor();
  await b.screenshot('stream-mention-1440');
  await page.keyboard.press('Enter');
  await list.waitFor({ state: 'detached' });
  await page.keyboard.type('zadzwoń jutro.');
  await expect(box.inputValue()).resolves.toBe('Klient prosi o telefon. @handlowiec zadzwoń jutro.');
  await stream().getByRole('button', { name: 'Dodaj komentarz' }).click();
  const comment = stream().locator('.stream-comment').first();
  await comment.getByText('@handlowiec', { exact: true }).waitFor();
  await expect(comment.innerText()).resolves.toMatch(/Test Administrator[\s\S]*Klient prosi o telefon\. @handlowiec zadzwoń jutro\./);
  await expect(box.inputValue()).resolves.toBe('');
  // Newest first: the comment above the changes.
  await expect(stream().locator('.stream-item').first().getAttribute('class')).resolves.toContain('stream-comment');
  // Ctrl+Enter posts too.
  await box.fill('Druga uwaga');
  await page.keyboard.press('Control+Enter');
  await stream().locator('.stream-comment').first().getByText('Druga uwaga').waitFor();
});

test('at 390 px the stream is usable', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await page.goto(`${b.url}/r/contractor/${contractor}`);
    await page.getByRole('tab', { name: 'Strumień' }).click();
    await stream().locator('.stream-comment').first().waitFor();
    const box = await stream().getByRole('combobox', { name: 'Napisz komentarz' }).boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await b.screenshot('stream-390');
  } finally {
    await page.setViewportSize({ width: 1440, height: 900 });
  }
});

test('the mentioned user sees the mention in the bell; opening it goes to the record (last: signs in as them)', async () => {
  const { page, context } = b;
  await context.clearCookies();
  const login = await context.request.post(`${b.url}/api/auth/login`, { data: { login: 'handlowiec', password: 'handlowiec-password-1' } });
  expect(login.ok()).toBe(true);
  await page.goto(`${b.url}/`);
  await page.getByTestId('bell-count').filter({ hasText: '1' }).waitFor();
  await page.getByTestId('bell').click();
  const panel = page.getByRole('dialog', { name: 'Powiadomienia' });
  const item = panel.getByRole('button', { name: /Wspomniano o Tobie/ });
  await expect(item.innerText()).resolves.toMatch(/Ciepłownia Łódź S\.A\.[\s\S]*@handlowiec zadzwoń jutro\./);
  await item.click();
  await page.waitForURL(`**/r/contractor/${contractor}`);
  await page.getByTestId('record-title').filter({ hasText: 'Ciepłownia Łódź S.A.' }).waitFor();
});
