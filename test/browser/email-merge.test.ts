// Serial correspondence and the template editor in Polish (issue #12), at 1440 and 390 px, on the seed
// CRM with the e-mail connector and an smtp-server peer: persons selected on their list → the wizard →
// template → a preview per recipient, rendered with each person's own data → send; the progress fills
// live, the refused address is listed with its SMTP code and the person without an address as skipped.
// The template editor previews the draft with a real person, shows an unknown placeholder in Polish,
// and creates a missing language variant.
import { email, parseMessage } from '../../connectors/email/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';
import { browserSuite, createRecord } from './support.ts';

let smtp: SmtpPeer;
let contractorId: string;
const people: string[] = [];

const b = browserSuite({ packageDir: SEED_METADATA_DIR, connectors: [email] }, async (b) => {
  // Not in the sandboxed preview frames, which have no storage.
  await b.context.addInitScript(() => {
    try {
      localStorage.setItem('tessera.language', 'pl');
    } catch {
      // a sandboxed preview frame
    }
  });
  smtp = await startSmtpPeer();
  await b.env.platform.processes.startWorkers();
  const enabled = await b.api.put('/connectors/email/settings', { enabled: true, config: {} });
  if (enabled.status !== 200) throw new Error(JSON.stringify(enabled.body));
  contractorId = await createRecord(b, 'contractor', { name: 'Hurtownia Łożysk Sp. z o.o.', contractor_type: 'company', country: 'pl' });
  await createRecord(b, 'email_account', {
    name: 'Biuro',
    address: 'biuro@firma.example',
    account_type: 'personal',
    owner_user: b.server.adminId,
    smtp_host: '127.0.0.1',
    smtp_port: smtp.port,
    smtp_tls: false,
    throttle_per_minute: 100000,
  });
  for (const [first, last, address] of [
    ['Anna', 'Kowalska', 'anna@lozyska.example'],
    ['Bogdan', 'Nowak', 'bogdan@lozyska.example'],
    ['Celina', 'Odrzucona', 'refused-celina@lozyska.example'],
    ['Dariusz', 'Bezadresu', null],
  ] as const) {
    people.push(await createRecord(b, 'person', { first_name: first, last_name: last, contractor: contractorId, ...(address ? { email: address } : {}) }));
  }
  await createRecord(b, 'email_template', {
    name: 'Oferta wiosenna',
    code: 'oferta',
    language: 'pl',
    entity: 'person',
    subject: 'Oferta dla {{first_name}}',
    body_html: '<p>Dzień dobry {{first_name}} {{last_name}} z firmy {{contractor.name}}!</p>',
    body_text: 'Dzień dobry {{first_name}}!',
  });
});

afterAll(async () => {
  await smtp?.close();
});

const fits = async (width: number) => expect(Number(await b.page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(width);
/** The preview iframe's body text (sandboxed: read through the frame, not scripts in it). */
const previewBody = () => b.page.frameLocator('iframe.mail-preview-frame').locator('body');

test('the template editor at 1440 px: the draft previewed with a real person, an unknown field said in Polish, a Romanian variant created', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${b.url}/mail/templates`);
  await page.getByRole('heading', { name: 'Szablony e-mail' }).waitFor();
  const preview = page.getByRole('region', { name: 'Podgląd' }).first();
  await preview.getByRole('combobox').last().fill('Kowalska');
  await page.getByRole('option', { name: 'Kowalska' }).click();
  await preview.getByTestId('preview-subject').filter({ hasText: 'Oferta dla Anna' }).waitFor();
  await expect(previewBody().textContent()).resolves.toContain('Dzień dobry Anna Kowalska z firmy Hurtownia Łożysk Sp. z o.o.!');
  await page.getByLabel('Temat').fill('Oferta dla {{imie}}');
  await preview.getByText('Rekord nie ma pola „imie”.').waitFor();
  await page.getByLabel('Temat').fill('Oferta dla {{first_name}} {{last_name}}');
  await preview.getByTestId('preview-subject').filter({ hasText: 'Oferta dla Anna Kowalska' }).waitFor();
  // The same template carries the SMS text (one store for e-mail and SMS), previewed by the same merge.
  await page.getByLabel('Treść SMS').fill('Dzień dobry {{first_name}}, oferta {{contractor.name}} czeka.');
  await preview.getByTestId('preview-sms').filter({ hasText: 'Dzień dobry Anna, oferta Hurtownia Łożysk Sp. z o.o. czeka.' }).waitFor();
  await b.screenshot('email-template-editor-1440');
  await page.getByRole('tab', { name: /RO/ }).click();
  await page.getByLabel('Temat').fill('Ofertă pentru {{first_name}}');
  await page.getByRole('button', { name: 'Utwórz wariant RO' }).click();
  await page.getByRole('tab', { name: 'RO', exact: true }).waitFor();
  const variants = (await b.api.get('/records/email_template?filter=' + encodeURIComponent(JSON.stringify({ code: 'oferta' })))).body.data as { language: string; subject: string }[];
  expect(variants.map((v) => [v.language, v.subject]).sort()).toEqual([
    ['pl', 'Oferta dla {{first_name}}'],
    ['ro', 'Ofertă pentru {{first_name}}'],
  ]);
});

test('serial correspondence at 1440 px: persons selected on the list → template → a preview per person → sent, failures and skips reported', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${b.url}/r/person`);
  const rows = page.locator('.grid-body [role="row"]');
  await rows.first().waitFor();
  const count = await rows.count();
  for (let i = 0; i < count; i++) await rows.nth(i).getByRole('checkbox').check();
  await page.getByRole('link', { name: 'Korespondencja seryjna' }).click();
  await page.getByRole('heading', { name: 'Korespondencja seryjna' }).waitFor();
  await page.getByRole('status').filter({ hasText: `Odbiorców: ${count}` }).waitFor();
  await page.getByRole('button', { name: 'Dalej' }).click();
  await page.getByLabel('Szablon').selectOption('oferta');
  await page.getByRole('button', { name: 'Dalej' }).click();
  // Each recipient's own message, rendered by the server.
  const first = await page.getByTestId('preview-subject').textContent();
  expect(first).toMatch(/^Oferta dla (Anna|Bogdan|Celina|Dariusz)$/);
  await page.getByRole('button', { name: 'Następny odbiorca' }).click();
  await page.getByTestId('preview-subject').filter({ hasNotText: first! }).waitFor();
  await b.screenshot('email-merge-preview-1440');
  await page.getByRole('button', { name: 'Dalej' }).click();
  const before = smtp.received.length;
  await page.getByRole('button', { name: `Wyślij do ${count}` }).click();
  const progress = page.getByTestId('merge-progress');
  await progress.getByText('Zakończono.').waitFor({ timeout: 30_000 });
  await progress.getByText('Wysłano 2, błędy 1 z 3').waitFor();
  await progress.getByText('Pominięto (brak adresu e-mail): 1').waitFor();
  const failures = page.getByRole('table', { name: 'Niedostarczone' });
  await failures.getByRole('cell', { name: 'refused-celina@lozyska.example', exact: true }).waitFor();
  await failures.getByRole('cell', { name: '550', exact: true }).waitFor();
  await b.screenshot('email-merge-done-1440');
  const sent = smtp.received.slice(before);
  expect(sent.map((m) => m.to[0]).sort()).toEqual(['anna@lozyska.example', 'bogdan@lozyska.example']);
  const anna = await parseMessage(sent.find((m) => m.to[0] === 'anna@lozyska.example')!.raw);
  expect(anna.subject).toBe('Oferta dla Anna');
});

test('serial correspondence at 390 px: recipients by a filter, the steps and the progress fit the phone', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 390, height: 844 });
  const filters = JSON.stringify([['last_name', 'eq', 'Nowak']]);
  await page.goto(`${b.url}/mail/merge?entity=person&filters=${encodeURIComponent(filters)}`);
  await page.getByRole('status').filter({ hasText: 'Odbiorców: 1' }).waitFor();
  await page.getByText('bogdan@lozyska.example').waitFor();
  await fits(390);
  await page.getByRole('button', { name: 'Dalej' }).click();
  await page.getByRole('button', { name: 'Dalej' }).click();
  await page.getByTestId('preview-subject').filter({ hasText: 'Oferta dla Bogdan' }).waitFor();
  await fits(390);
  await b.screenshot('email-merge-preview-390');
  await page.getByRole('button', { name: 'Dalej' }).click();
  const before = smtp.received.length;
  await page.getByRole('button', { name: 'Wyślij do 1' }).click();
  await page.getByTestId('merge-progress').getByText('Zakończono.').waitFor({ timeout: 30_000 });
  await page.getByText('Wysłano 1, błędy 0 z 1').waitFor();
  await fits(390);
  await b.screenshot('email-merge-done-390');
  expect(smtp.received.slice(before).map((m) => m.to[0])).toEqual(['bogdan@lozyska.example']);
});

test('the template editor at 390 px fits the phone', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${b.url}/mail/templates`);
  await page.getByLabel('Temat').waitFor();
  await fits(390);
  await b.screenshot('email-template-editor-390');
  await page.setViewportSize({ width: 1440, height: 900 });
});
