// Global search and quick create in the shipped CRM (issue #10): one box in the top bar (and
// Ctrl+K) finds records of every type by name, NIP, e-mail, phone or number, grouped by type, with
// keyboard navigation; "+ Nowy" creates a record of any type from any page. In Polish.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite } from './support.ts';

const ids = {} as Record<'contractor' | 'other' | 'person' | 'deal', string>;
let dealNumber = '';

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  const create = async (entity: string, values: Record<string, unknown>) => {
    const res = await b.api.post(`/records/${entity}`, values);
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return res.body as Record<string, unknown> & { id: string };
  };
  ids.contractor = (await create('contractor', { name: 'Ciepłownia Łódź S.A.', tax_id: '5260250274', email: 'biuro@cieplownia.pl', phone: '+48 601 234 567' })).id;
  ids.other = (await create('contractor', { name: 'Łódzkie Instalacje Sp. z o.o.', tax_id: '1234563218' })).id;
  ids.person = (await create('person', { first_name: 'Anna', last_name: 'Łódzka', contractor: ids.contractor })).id;
  const deal = await create('deal', { name: 'Pompy ciepła dla ciepłowni', contractor: ids.contractor });
  ids.deal = deal.id;
  dealNumber = String(deal.number);
});

const box = () => b.page.getByRole('combobox', { name: 'Szukaj wszędzie' });
const results = () => b.page.getByRole('listbox', { name: 'Wyniki wyszukiwania' });

test('Ctrl+K from a form field focuses the search; results are grouped by type; arrows and Enter open a record', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor/new`);
  await page.locator('[data-field="name"] input').click();
  await page.keyboard.press('Control+K');
  await expect(box().evaluate((el) => el === el.ownerDocument.activeElement)).resolves.toBe(true);
  await page.keyboard.type('lodz');
  const contractors = results().getByRole('group', { name: 'Kontrahenci' });
  const people = results().getByRole('group', { name: 'Osoby kontaktowe' });
  await contractors.getByRole('option').nth(1).waitFor();
  await expect(contractors.getByRole('option').allInnerTexts()).resolves.toEqual([expect.stringContaining('Ciepłownia Łódź S.A.'), expect.stringContaining('Łódzkie Instalacje Sp. z o.o.')]);
  await expect(people.getByRole('option').allInnerTexts()).resolves.toEqual([expect.stringContaining('Łódzka')]);
  await b.screenshot('search-results-1440');
  // The first hit is active; ↓ moves to the second, ↓ to the person, ↑ back.
  await expect(results().getByRole('option', { selected: true }).innerText()).resolves.toContain('Ciepłownia');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(results().getByRole('option', { selected: true }).innerText()).resolves.toContain('Łódzka');
  await page.keyboard.press('ArrowUp');
  await expect(results().getByRole('option', { selected: true }).innerText()).resolves.toContain('Łódzkie Instalacje');
  // The form has no edits: Enter opens the record without asking.
  await page.keyboard.press('Enter');
  await page.waitForURL(`**/r/contractor/${ids.other}`);
  await page.getByTestId('record-title').filter({ hasText: 'Łódzkie Instalacje' }).waitFor();
});

test('finds by NIP, phone and deal number, showing the matched value; Esc closes the list', async () => {
  const { page } = b;
  await page.goto(`${b.url}/`);
  await box().fill('5260250');
  await results().getByRole('group', { name: 'Kontrahenci' }).getByRole('option').filter({ hasText: 'Ciepłownia Łódź S.A.' }).filter({ hasText: 'NIP: 5260250274' }).waitFor();
  await box().fill('601 234');
  await results().getByRole('group', { name: 'Kontrahenci' }).getByRole('option').filter({ hasText: 'Telefon: +48 601 234 567' }).waitFor();
  await box().fill(dealNumber);
  await results().getByRole('group', { name: 'Transakcje' }).getByRole('option').filter({ hasText: 'Pompy ciepła dla ciepłowni' }).waitFor();
  await page.keyboard.press('Escape');
  await results().waitFor({ state: 'detached' });
  await box().fill('xyzxyz');
  await results().getByText('Nic nie znaleziono dla „xyzxyz”.').waitFor();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await expect(box().inputValue()).resolves.toBe('');
  // A click on a hit opens it too.
  await box().fill('Pompy');
  await results().getByRole('option').filter({ hasText: 'Pompy ciepła' }).click();
  await page.waitForURL(`**/r/deal/${ids.deal}`);
});

test('"+ Nowy" creates a record of any type, or an activity of a kind, from any page', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/deal/${ids.deal}`);
  await page.getByTestId('quick-create').click();
  const menu = page.getByRole('menu', { name: 'Utwórz nowy rekord' });
  await b.screenshot('quick-create-1440');
  await menu.getByRole('menuitem', { name: 'Kontrahent', exact: true }).click();
  await page.waitForURL('**/r/contractor/new');
  await page.getByRole('heading', { name: 'Nowy: Kontrahent' }).waitFor();
  await page.getByTestId('quick-create').click();
  await menu.getByRole('menuitem', { name: 'Rozmowa telefoniczna' }).click();
  await page.waitForURL('**/r/activity/new?kind=call');
  await expect(page.locator('[data-field="kind"] select').inputValue()).resolves.toBe('call');
});

test('at 390 px the box and its results fit the screen', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await page.goto(`${b.url}/`);
    await box().fill('lodz');
    await results().getByRole('option').first().waitFor();
    const panel = await results().boundingBox();
    expect(panel!.x).toBeGreaterThanOrEqual(0);
    expect(panel!.x + panel!.width).toBeLessThanOrEqual(390);
    await b.screenshot('search-results-390');
  } finally {
    await page.setViewportSize({ width: 1440, height: 900 });
  }
});
