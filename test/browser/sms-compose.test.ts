// The SMS compose dialog on a person's card (#13), in Polish: the number comes from the person's
// mobile, the live part counter says what the message costs ("2 części, 87 znaków pozostało") and
// that a Polish letter switched it to UCS-2, a refused number is shown at the number field, and a
// sent message appears on the timeline with its delivery state, moving to "Doręczony" when the
// gateway's report arrives. The gateway is an SMSAPI double on loopback.
import { connectors } from '../../connectors/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { startSmsapiDouble, type SmsapiDouble } from '../support/sms-gateway-servers.ts';
import { eventually } from '../support/workflows.ts';
import { browserSuite, createRecord } from './support.ts';

const TOKEN = 'smsapi-browser-token-0123456789';
const CALLBACK_SECRET = 'browser-callback-secret-0123';
let smsapi: SmsapiDouble;
let person = '';

const b = browserSuite({ connectors, packageDir: SEED_METADATA_DIR }, async (b) => {
  smsapi = await startSmsapiDouble(TOKEN);
  await b.env.platform.processes.startWorkers();
  const current = await b.api.get('/connectors/sms/settings');
  const saved = await b.api.put('/connectors/sms/settings', {
    enabled: true,
    version: current.body.version,
    config: { defaultRegion: 'PL', publicUrl: b.url, accounts: [{ id: 'bramka', label: 'SMSAPI', kind: 'smsapi', token: TOKEN, callbackSecret: CALLBACK_SECRET, baseUrl: smsapi.url }] },
  });
  if (saved.status !== 200) throw new Error(JSON.stringify(saved.body));
  const contractor = await createRecord(b, 'contractor', { name: 'Serwis Kowalski', contractor_type: 'company', country: 'pl' });
  person = await createRecord(b, 'person', { first_name: 'Jan', last_name: 'Kowalski', contractor, mobile: '600 100 200' });
  await createRecord(b, 'person', { first_name: 'Zofia', last_name: 'Bezkomórkowa', contractor, phone: '22 555 01 01' });
  await createRecord(b, 'person', { first_name: 'Ewa', last_name: 'Lis', contractor, mobile: '600 100 300' });
});

afterAll(async () => {
  await smsapi?.close();
});

test('compose in Polish: the counter shows parts and characters left and why UCS-2; the sent SMS shows its delivery state on the timeline', async () => {
  const { page } = b;
  await page.goto(`${b.url}/`);
  await page.evaluate(() => localStorage.setItem('tessera.language', 'pl'));
  await page.goto(`${b.url}/r/person/${person}`);
  await page.getByRole('button', { name: 'Wyślij SMS' }).click();
  const dialog = page.getByRole('dialog', { name: /^SMS do: / });
  expect(await dialog.getAttribute('aria-label')).toMatch(/^SMS do: .*Kowalski/);
  await expect(dialog.getByLabel('Numer telefonu').inputValue()).resolves.toBe('600 100 200');
  const counter = dialog.getByTestId('sms-counter');
  const encoding = dialog.getByTestId('sms-encoding');

  const text = dialog.getByLabel('Treść');
  await text.fill('Dzien dobry, urzadzenie jest gotowe.');
  expect(await counter.textContent()).toBe('1 część, 124 znaki pozostały');
  expect(await counter.getAttribute('data-encoding')).toBe('gsm7');
  expect(await encoding.textContent()).toContain('Alfabet GSM-7');
  // 219 GSM-7 characters: a second part of 153, 66 of them used.
  await text.fill(`${'Przypominamy o przegladzie. '.repeat(7)}Serwis Kowalski, Krakow`);
  expect(await counter.textContent()).toBe('2 części, 87 znaków pozostało');

  // One Polish letter makes the whole message UCS-2: 70 per SMS, 67 per part.
  await text.fill(`Dzień dobry, urządzenie ze zlecenia ZS/2026/0042 jest gotowe do odbioru w serwisie przy ulicy Długiej.`);
  expect(await counter.getAttribute('data-encoding')).toBe('ucs2');
  expect(await counter.textContent()).toBe('2 części, 32 znaki pozostały');
  expect(await encoding.textContent()).toBe('„ń” nie należy do alfabetu GSM-7: cała wiadomość idzie jako Unicode (UCS-2), 70 znaków w jednym SMS-ie, 67 w każdej części.');
  await text.fill('Ą');
  expect(await counter.textContent()).toBe('1 część, 69 znaków pozostało');
  const message = 'Zażółć gęślą jaźń: odbiór jutro od 9:00, zapraszamy. Serwis Kowalski, ul. Długa 5, Kraków.';
  await text.fill(message);
  expect(await counter.textContent()).toBe('2 części, 44 znaki pozostały');
  await b.screenshot('sms-compose-pl');

  // A number that cannot be one is refused at the number field, in Polish.
  await dialog.getByLabel('Numer telefonu').fill('12');
  await dialog.getByRole('button', { name: 'Wyślij', exact: true }).click();
  await dialog.getByText('Numer telefonu jest za krótki.').waitFor();

  await dialog.getByLabel('Numer telefonu').fill('600 100 200');
  await dialog.getByRole('button', { name: 'Wyślij', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
  await eventually(async () => smsapi.requests.length === 1, 15_000, 'the SMS at the gateway');
  expect(smsapi.requests[0]!.form.get('message')).toBe(message);

  const item = page.locator('.timeline-item', { hasText: 'Zażółć gęślą jaźń' });
  await item.getByTestId('sms-state').waitFor();
  const stored = await b.env.platform.knex('tessera.sms_messages').first();
  await eventually(async () => (await b.env.platform.knex('tessera.sms_messages').where({ id: stored.id }).first()).status === 'sent', 15_000, 'the hand-over');
  await smsapi.report(smsapi.requests[0]!.form.get('notify_url')!, [{ id: (await b.env.platform.knex('tessera.sms_messages').first()).provider_id, status: 404, statusName: 'DELIVERED' }]);
  await page.reload();
  await page.locator('.timeline-item', { hasText: 'Zażółć gęślą jaźń' }).locator('[data-testid="sms-state"][data-state="delivered"]').getByText('Doręczony').waitFor();
  await b.screenshot('sms-timeline-delivered-pl');
  // The activity's own card shows the state too.
  await page.locator('.timeline-item', { hasText: 'Zażółć gęślą jaźń' }).locator('.timeline-subject').click();
  await page.locator('.page-head [data-testid="sms-state"][data-state="delivered"]').getByText('Doręczony').waitFor();

  // The connector's settings form renders its accounts (secrets never sent back).
  await page.goto(`${b.url}/admin/connectors`);
  await page.locator('[data-connector="sms"]').getByRole('button', { name: 'Konfiguruj' }).click();
  const settings = page.getByRole('dialog', { name: 'Ustawienia: SMS' });
  await settings.getByText('Konta SMS').first().waitFor();
  expect(await page.content()).not.toContain(TOKEN);
  await b.screenshot('sms-settings-pl');
  expect(b.takePageErrors()).toEqual([]);
});

test('serial SMS from a list selection: one request, the text merged per person, a preview, then queued and the reason a person was skipped (pl)', async () => {
  const { page } = b;
  smsapi.requests.length = 0;
  await page.goto(`${b.url}/`);
  await page.evaluate(() => localStorage.setItem('tessera.language', 'pl'));
  await page.goto(`${b.url}/r/person`);
  for (const name of ['Jan', 'Zofia', 'Ewa']) await page.locator('.grid-row').filter({ hasText: name }).getByRole('checkbox', { name: 'select' }).check();
  await page.locator('.bulk-actions').getByRole('button', { name: 'Wyślij SMS…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  expect(await dialog.getAttribute('aria-label')).toBe('SMS do 3 odbiorców');
  await dialog.getByLabel('Treść').fill('Dzień dobry {{first_name}}, zapraszamy na przegląd.');
  // The preview is the first selected record's own text.
  expect(await dialog.getByTestId('sms-preview').textContent()).toMatch(/Dzień dobry (Jan|Zofia|Ewa), zapraszamy na przegląd\./);
  await dialog.getByRole('button', { name: 'Wyślij', exact: true }).click();
  const result = dialog.getByTestId('sms-progress');
  await result.getByText('Wysłano do kolejki: 2').waitFor();
  await result.getByText('Nie wysłano do 1:').waitFor();
  await result.getByText('Kontakt nie ma numeru komórkowego.').waitFor();
  await b.screenshot('sms-bulk-pl');
  await dialog.getByRole('button', { name: 'Zamknij' }).click();
  await dialog.waitFor({ state: 'detached' });
  await eventually(async () => smsapi.requests.length === 2, 15_000, 'the two SMS at the gateway');
  expect(smsapi.requests.map((r) => r.form.get('message')).sort()).toEqual(['Dzień dobry Ewa, zapraszamy na przegląd.', 'Dzień dobry Jan, zapraszamy na przegląd.']);
  expect(b.takePageErrors()).toEqual([]);
});
