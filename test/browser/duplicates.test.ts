// Duplicates in the shipped CRM (issue #10 item 3), in Polish: a second contractor with an existing
// NIP is refused (the form says so before saving, with a link to the first), likely duplicates by
// name, e-mail or phone are shown while creating, and a duplicate is merged from the record card.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite, createRecord } from './support.ts';

const ids = {} as Record<'first' | 'keep' | 'dup' | 'person', string>;

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  const create = (entity: string, values: Record<string, unknown>) => createRecord(b, entity, values);
  ids.first = await create('contractor', { name: 'Ciepłownia Łódź S.A.', tax_id: '5260250274', email: 'biuro@cieplownia.pl' });
  ids.keep = await create('contractor', { name: 'Hotel Wisła Sp. z o.o.', phone: '+48 33 855 00 00' });
  ids.dup = await create('contractor', { name: 'Hotel Wisła (stary wpis)', phone: '33-855-00-00', email: 'recepcja@hotel-wisla.pl' });
  ids.person = await create('person', { first_name: 'Jan', last_name: 'Kowal', contractor: ids.dup });
});

const field = (name: string) => b.page.locator(`.record-form [data-field="${name}"]`);
const warning = () => b.page.getByTestId('duplicate-warning');

test('creating a contractor shows likely duplicates by name and e-mail with links, then refuses an existing NIP', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor/new`);
  await field('name').locator('input').fill('CIEPŁOWNIA  łódź s.a.');
  await warning().getByText('Możliwe duplikaty — sprawdź przed zapisaniem').waitFor();
  await expect(warning().getByRole('listitem').allInnerTexts()).resolves.toEqual(['Ta sama nazwa: Ciepłownia Łódź S.A.']);
  await expect(warning().getByRole('link', { name: 'Ciepłownia Łódź S.A.' }).getAttribute('href')).resolves.toBe(`/r/contractor/${ids.first}`);
  await field('email').locator('input').fill('BIURO@cieplownia.pl');
  await warning().getByText('Ten sam e-mail:').waitFor();
  // The same NIP written with dashes: the warning turns into "already exists".
  await field('tax_id').locator('input').fill('526-025-02-74');
  await warning().getByText('Już istnieje — zapis zostanie odrzucony').waitFor();
  await warning().getByText('Ten sam NIP:').waitFor();
  await b.screenshot('duplicates-warning-1440');
  await page.getByRole('button', { name: 'Zapisz' }).click();
  await field('tax_id').getByText('inny rekord ma już tę wartość').waitFor();
  expect(page.url()).toMatch(/\/r\/contractor\/new$/);
  const list = await b.api.get('/records/contractor?search=cieplownia');
  expect(list.body.data.map((r: { id: string }) => r.id)).toEqual([ids.first]);
});

test('the warning fits the screen at 390 px', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await page.goto(`${b.url}/r/contractor/new`);
    await field('name').locator('input').fill('Hotel Wisła Sp. z o.o.');
    await warning().getByRole('link', { name: 'Hotel Wisła Sp. z o.o.' }).waitFor();
    const box = await warning().boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await b.screenshot('duplicates-warning-390');
  } finally {
    await page.setViewportSize({ width: 1440, height: 900 });
  }
});

test('a duplicate is merged from the record card: its contact person moves, the empty e-mail is filled, it is deleted', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor/${ids.keep}`);
  await page.getByTestId('record-title').filter({ hasText: 'Hotel Wisła Sp. z o.o.' }).waitFor();
  await page.getByRole('button', { name: 'Scal duplikat…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Scal duplikat z tym rekordem' });
  // The likely duplicate (same phone) is offered first.
  await dialog.getByRole('radio', { name: 'Hotel Wisła (stary wpis)' }).check();
  await dialog.getByText('„Hotel Wisła (stary wpis)” zostanie scalony z „Hotel Wisła Sp. z o.o.”.').waitFor();
  await b.screenshot('merge-dialog-1440');
  await page.setViewportSize({ width: 390, height: 844 });
  const box = await dialog.boundingBox();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  await b.screenshot('merge-dialog-390');
  await page.setViewportSize({ width: 1440, height: 900 });
  await dialog.getByRole('button', { name: 'Scal z tym rekordem' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByText('Scalono „Hotel Wisła (stary wpis)”').waitFor();
  // The card shows the filled e-mail and the moved contact person at once.
  await expect(field('email').locator('input').inputValue()).resolves.toBe('recepcja@hotel-wisla.pl');
  await page.getByRole('region', { name: /Osoby kontaktowe/ }).getByRole('link', { name: /Kowal/ }).waitFor();
  await page.getByRole('tab', { name: 'Historia' }).click();
  await page.locator('.history').getByText('«Hotel Wisła (stary wpis)» → «Hotel Wisła Sp. z o.o.»').waitFor();
  expect((await b.api.get(`/records/person/${ids.person}`)).body.contractor).toBe(ids.keep);
  expect((await b.api.get(`/records/contractor/${ids.dup}`)).status).toBe(404);
});

test('merging is offered only with the rights it needs (last: it signs in as another user)', async () => {
  const { page } = b;
  // A sales manager may change contractors but not delete them: no merge.
  const res = await b.api.post('/users', { login: 'kierownik', displayName: 'Kierownik Sprzedaży', password: 'kierownik-password-1', roles: ['sales_manager'], language: 'pl' });
  expect(res.status).toBe(201);
  await b.context.clearCookies();
  const login = await b.context.request.post(`${b.url}/api/auth/login`, { data: { login: 'kierownik', password: 'kierownik-password-1' } });
  expect(login.ok()).toBe(true);
  await page.goto(`${b.url}/r/contractor/${ids.first}`);
  await page.getByTestId('user-name').filter({ hasText: 'Kierownik Sprzedaży' }).waitFor();
  await page.getByTestId('record-title').filter({ hasText: 'Ciepłownia Łódź S.A.' }).waitFor();
  await page.getByRole('button', { name: 'Edytuj', exact: true }).waitFor();
  await expect(page.getByRole('button', { name: 'Scal duplikat…' }).count()).resolves.toBe(0);
});
