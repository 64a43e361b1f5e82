// Day one in the shipped CRM (issue #10), as a Polish sales rep and a service manager would meet
// it: logging a call or a note saves, with only the kind's fields and its short form; new records
// start from the metadata's defaults; leaving an edited form asks first; a main task keeps its own
// progress; tax id, postal code and web address are checked as you type; the board asks for what a
// stage needs. The seed package, not the UI fixture.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isoLocalDate } from '../../metadata/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite, createRecord } from './support.ts';

const ids = {} as Record<'contractor' | 'parent' | 'sub' | 'dealWon' | 'dealLost' | 'reason', string>;
let me = '';

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  // The user works in Polish.
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  me = (await b.api.get('/auth/me')).body.user.id;
  const create = (entity: string, values: Record<string, unknown>) => createRecord(b, entity, values);
  ids.contractor = await create('contractor', { name: 'Instal-Serwis Kraków Sp. z o.o.' });
  ids.parent = await create('activity', { kind: 'task', subject: 'Przygotować ofertę serwisową', percent_done: 30 });
  ids.sub = await create('activity', { kind: 'task', subject: 'Zebrać ceny części', parent: ids.parent, status: 'resolved', percent_done: 100 });
  ids.dealWon = await create('deal', { name: 'Pompy ciepła dla hotelu', contractor: ids.contractor, stage: 'negotiation' });
  ids.dealLost = await create('deal', { name: 'Serwis klimatyzacji', contractor: ids.contractor });
  ids.reason = await create('lost_reason', { name: 'Cena' });
});

const field = (scope: ReturnType<typeof b.page.locator>, name: string) => scope.locator(`[data-field="${name}"]`);
const stored = async (entity: string, id: string) => (await b.api.get(`/records/${entity}/${id}`)).body;
const latestActivity = async () => (await b.api.get(`/records/contractor/${ids.contractor}/activities?limit=1`)).body.data[0];

test('a phone call logged from the contractor card saves, showing only the call\'s short form', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor/${ids.contractor}`);
  await page.getByRole('button', { name: '+ Dodaj czynność' }).click();
  const dialog = page.getByRole('dialog', { name: 'Dodaj czynność' });
  await field(dialog, 'kind').locator('select').selectOption('call');
  await field(dialog, 'subject').locator('input').fill('Rozmowa o przeglądzie kotłowni');
  // The short form: the call's fields, the contractor it is for; no progress, main task or the other links.
  const shown = await dialog.locator('.record-form-layout [data-field]').evaluateAll((els) => els.filter((e) => (e as unknown as { offsetParent: unknown }).offsetParent !== null).map((e) => e.getAttribute('data-field')));
  expect(shown).toEqual(['kind', 'subject', 'direction', 'start_at', 'duration_minutes', 'call_result', 'phone_number', 'contractor', 'person', 'description']);
  // Defaults of the kind: outbound, now.
  await expect(field(dialog, 'direction').locator('select').inputValue()).resolves.toBe('outbound');
  await expect(field(dialog, 'start_at').locator('input').inputValue()).resolves.toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
  await b.screenshot('day-one-call-dialog');
  await dialog.getByRole('button', { name: 'Zapisz' }).click();
  await dialog.waitFor({ state: 'detached' });
  const call = await latestActivity();
  expect(call).toMatchObject({ kind: 'call', subject: 'Rozmowa o przeglądzie kotłowni', direction: 'outbound', assignee: me, contractor: ids.contractor, billable: null, invoiced: null });
});

test('"all fields" shows the rest of the kind\'s fields, never another kind\'s', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/activity/new?kind=call&contractor=${ids.contractor}`);
  const form = page.locator('.record-form');
  await field(form, 'subject').locator('input').waitFor();
  await expect(field(form, 'percent_done').isVisible()).resolves.toBe(false);
  await page.getByRole('button', { name: 'Wszystkie pola' }).click();
  await field(form, 'percent_done').waitFor();
  await expect(field(form, 'deal').isVisible()).resolves.toBe(true);
  await expect(field(form, 'billable').isVisible()).resolves.toBe(false);
  await page.getByRole('button', { name: 'Mniej pól' }).click();
  await field(form, 'percent_done').waitFor({ state: 'hidden' });
});

test('a note from /r/activity/new?kind=note saves with the note\'s fields only', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/activity/new?kind=note&contractor=${ids.contractor}`);
  const form = page.locator('.record-form');
  await field(form, 'subject').locator('input').fill('Klient woli kontakt mailowy');
  await page.getByRole('button', { name: 'Zapisz' }).click();
  await page.getByTestId('record-title').filter({ hasText: 'Klient woli kontakt mailowy' }).waitFor();
  expect(await latestActivity()).toMatchObject({ kind: 'note', subject: 'Klient woli kontakt mailowy', billable: null, assignee: me });
});

test('a submit problem never names a field the form does not show', async () => {
  const { page } = b;
  // A value behind "all fields" (given in the address) that the check refuses: the form opens them.
  await page.goto(`${b.url}/r/activity/new?kind=call&contractor=${ids.contractor}&percent_done=150`);
  const form = page.locator('.record-form');
  await field(form, 'subject').locator('input').fill('Rozmowa o terminie przeglądu');
  await page.getByRole('button', { name: 'Zapisz' }).click();
  const banner = form.locator('.form-banner');
  await banner.waitFor();
  await expect(banner.textContent()).resolves.toContain('% wykonania');
  await expect(field(form, 'percent_done').isVisible()).resolves.toBe(true);
  await field(form, 'percent_done').locator('input').fill('50');
  await page.getByRole('button', { name: 'Zapisz' }).click();
  // Saved: no problem about a task's fields, which a call's form neither shows nor sends.
  await page.getByTestId('record-title').filter({ hasText: 'Rozmowa o terminie przeglądu' }).waitFor({ timeout: 5000 }).catch(async () => {
    throw new Error(`not saved; the form says: ${await banner.textContent()}`);
  });
  expect(await latestActivity()).toMatchObject({ kind: 'call', percent_done: 50, billable: null });
});

test('required dates and the assignee start from the metadata\'s defaults', async () => {
  const { page } = b;
  // "$today" is the business's calendar day (the manifest's zone: in Warsaw it is already tomorrow
  // at 23:30 UTC); "$now" is shown in the browser's own zone, like every datetime.
  const { timeZone } = JSON.parse(readFileSync(join(SEED_METADATA_DIR, 'tessera.json'), 'utf8')) as { timeZone: string };
  await page.goto(`${b.url}/r/deal/new`);
  await expect(field(page.locator('.record-form'), 'deal_date').locator('input').inputValue()).resolves.toBe(isoLocalDate(new Date(), timeZone));
  const browserToday = await page.evaluate(() => new Date().toLocaleDateString('sv-SE'));
  await page.goto(`${b.url}/r/service_order/new`);
  await expect(field(page.locator('.record-form'), 'received_at').locator('input').inputValue()).resolves.toMatch(new RegExp(`^${browserToday}T\\d\\d:\\d\\d$`));
  await page.goto(`${b.url}/r/activity/new?kind=task`);
  const form = page.locator('.record-form');
  await field(form, 'subject').locator('input').fill('Oddzwonić do klienta');
  await b.screenshot('day-one-task-defaults');
  await page.getByRole('button', { name: 'Zapisz' }).click();
  await page.getByTestId('record-title').filter({ hasText: 'Oddzwonić do klienta' }).waitFor();
  const task = (await b.api.get(`/records/activity?filter[subject]=Oddzwonić do klienta`)).body.data[0];
  expect(task).toMatchObject({ kind: 'task', assignee: me });
});

test('leaving an edited form asks first (in the app and when the page unloads)', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor/${ids.contractor}`);
  await page.getByRole('button', { name: 'Edytuj', exact: true }).click();
  await field(page.locator('.record-form'), 'locality').locator('input').fill('Kraków');
  const asked: string[] = [];
  page.once('dialog', (d) => {
    asked.push(d.message());
    void d.dismiss();
  });
  await page.getByRole('link', { name: 'Pulpit', exact: true }).click();
  expect(asked).toEqual(['Masz niezapisane zmiany. Wyjść i je odrzucić?']);
  expect(new URL(page.url()).pathname).toBe(`/r/contractor/${ids.contractor}`);
  await expect(field(page.locator('.record-form'), 'locality').locator('input').inputValue()).resolves.toBe('Kraków');
  // Reloading the tab: the browser's own question (beforeunload).
  const unload = new Promise<string>((resolve) => page.once('dialog', (d) => {
    resolve(d.type());
    void d.accept();
  }));
  await page.reload();
  await expect(unload).resolves.toBe('beforeunload');
  // Unchanged forms leave without a question.
  await page.getByRole('link', { name: 'Pulpit', exact: true }).click();
  await page.waitForURL(`${b.url}/`);
});

test('a main task shows its own progress, not its sub-tasks\'', async () => {
  const { page } = b;
  await page.goto(`${b.url}/tasks`);
  await page.getByLabel('Pokaż zakończone').check();
  const parent = page.locator(`[data-task="${ids.parent}"]`);
  await page.locator(`[data-task="${ids.sub}"]`).waitFor();
  await expect(parent.locator('.task-progress').textContent()).resolves.toContain('30 %');
  await expect(parent.textContent()).resolves.toContain('1/1');
  await b.screenshot('day-one-tasks');
});

test('tax id, postal code and web address are checked as you type, and the address is normalised', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor/${ids.contractor}`);
  await page.getByRole('button', { name: 'Edytuj', exact: true }).click();
  const form = page.locator('.record-form');
  const taxId = field(form, 'tax_id');
  await taxId.locator('input').fill('526-025-02-75');
  await taxId.getByText('nie jest poprawnym NIP-em ani CUI (cyfra kontrolna)').waitFor();
  await taxId.locator('input').fill('526-025-02-74');
  await taxId.getByText(/✓/).waitFor();
  await expect(taxId.locator('.field-errors').count()).resolves.toBe(0);
  const postal = field(form, 'postal_code');
  await postal.locator('input').fill('abc');
  await postal.locator('input').blur();
  await postal.getByText('nie jest poprawnym kodem pocztowym w Polsce (NN-NNN)').waitFor();
  await postal.locator('input').fill('31-864');
  await postal.locator('.field-errors').waitFor({ state: 'detached' });
  const website = field(form, 'website');
  await website.locator('input').fill('instal-serwis.pl');
  await website.locator('input').blur();
  await expect(website.locator('input').inputValue()).resolves.toBe('https://instal-serwis.pl');
  await b.screenshot('day-one-contractor-checks');
  await page.getByRole('button', { name: 'Zapisz' }).click();
  await page.getByText('wersja 2').waitFor();
  expect(await stored('contractor', ids.contractor)).toMatchObject({ tax_id: '5260250274', postal_code: '31-864', website: 'https://instal-serwis.pl' });
});

test('the board asks for what the won stage requires, and the lost dialog takes a comment', async () => {
  const { page } = b;
  await page.goto(`${b.url}/board/sales`);
  const card = (id: string) => page.locator(`[data-id="${id}"]`);
  const column = (stage: string) => page.locator(`[data-stage="${stage}"]`);
  await card(ids.dealWon).dragTo(column('sale').locator('.board-cards'));
  const dialog = page.getByRole('dialog');
  await field(dialog, 'estimated_revenue').locator('input').first().fill('48000');
  await b.screenshot('day-one-board-won');
  await dialog.getByRole('button', { name: 'Zastosuj' }).click();
  await column('sale').locator(`[data-id="${ids.dealWon}"]`).waitFor();
  expect(await stored('deal', ids.dealWon)).toMatchObject({ stage: 'sale', estimated_revenue: { amount: 48000 } });

  await card(ids.dealLost).dragTo(column('lost').locator('.board-cards'));
  await field(dialog, 'lost_reason').waitFor();
  await field(dialog, 'lost_comment').locator('textarea').fill('Konkurencja dała 15 % rabatu');
  await dialog.getByRole('button', { name: 'Zastosuj' }).click();
  await field(dialog, 'lost_reason').getByText('jest tutaj wymagane').waitFor();
  await field(dialog, 'lost_reason').getByRole('combobox').fill('Cena');
  await page.getByRole('option', { name: 'Cena' }).click();
  await b.screenshot('day-one-board-lost');
  await dialog.getByRole('button', { name: 'Zastosuj' }).click();
  await column('lost').locator(`[data-id="${ids.dealLost}"]`).waitFor();
  expect(await stored('deal', ids.dealLost)).toMatchObject({ stage: 'lost', lost_reason: ids.reason, lost_comment: 'Konkurencja dała 15 % rabatu' });
});
