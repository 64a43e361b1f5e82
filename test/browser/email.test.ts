// The e-mail connector's screens in Polish (issue #12): composing from a contractor's card (the
// contractor's address suggested, refusals shown by their field, the message sent through the outbox
// to a real SMTP peer), and the mailbox page's "to file" queue, where a message no record matched is
// filed on a contractor — at 1440 and at 390 px. The seed CRM with the e-mail connector installed.
import { email, EngineMailStore, parseMessage } from '../../connectors/email/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { simpleMessage } from '../support/mail-fixtures.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';
import { browserSuite, createRecord } from './support.ts';

let smtp: SmtpPeer;
let contractorId: string;
let accountId: string;
let strangerId: string;
let threadId: string;
let prospectId: string;

const b = browserSuite({ packageDir: SEED_METADATA_DIR, connectors: [email] }, async (b) => {
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  smtp = await startSmtpPeer();
  await b.env.platform.processes.startWorkers();
  const enabled = await b.api.put('/connectors/email/settings', { enabled: true, config: {} });
  if (enabled.status !== 200) throw new Error(JSON.stringify(enabled.body));
  contractorId = await createRecord(b, 'contractor', { name: 'Hurtownia Łożysk Sp. z o.o.', contractor_type: 'company', country: 'pl', email: 'biuro@lozyska.example' });
  accountId = await createRecord(b, 'email_account', {
    name: 'Biuro',
    address: 'biuro@firma.example',
    account_type: 'personal',
    owner_user: b.server.adminId,
    smtp_host: '127.0.0.1',
    smtp_port: smtp.port,
    smtp_tls: false,
    throttle_per_minute: 1000,
  });
  // A message nobody matched, stored through the connector's engine store as the sync stores it.
  const actor = await b.env.platform.connectors.context('email').actAs(b.server.adminId);
  const store = new EngineMailStore(b.env.platform.knex, b.env.platform.records, { accountId, accountAddress: 'biuro@firma.example', actor, team: null });
  const saved = await store.saveMessage(
    await parseMessage(simpleMessage({ messageId: 'nowy@nieznany.example', from: 'Jan Nowy <jan@nieznany.example>', to: ['biuro@firma.example'], subject: 'Zapytanie o łożyska kulkowe' })),
    { account: accountId, mailbox: 'INBOX', uidValidity: 1n, uid: 1 },
    [],
  );
  strangerId = saved.id;
  const conversation = await store.saveMessage(
    await parseMessage(
      simpleMessage({ messageId: 'rozmowa@lozyska.example', from: 'Kasia <kasia@lozyska.example>', to: ['biuro@firma.example', 'Piotr <piotr@lozyska.example>'], cc: ['szef@lozyska.example'], subject: 'Termin dostawy' }),
    ),
    { account: accountId, mailbox: 'INBOX', uidValidity: 1n, uid: 2 },
    [],
  );
  threadId = conversation.id;
  // An order from the contractor with a PDF: one of the contractor's files the compose dialog offers.
  const order = [
    'From: biuro@lozyska.example',
    'To: biuro@firma.example',
    'Subject: Zamówienie 17',
    'Message-ID: <zam-17@lozyska.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'W załączeniu zamówienie.',
    '--b1',
    'Content-Type: application/pdf; name="zamowienie-17.pdf"',
    'Content-Disposition: attachment; filename="zamowienie-17.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('%PDF-1.4 zamowienie 17').toString('base64'),
    '--b1--',
    '',
  ].join('\r\n');
  await store.saveMessage(await parseMessage(Buffer.from(order)), { account: accountId, mailbox: 'INBOX', uidValidity: 1n, uid: 3 }, []);
  prospectId = (
    await store.saveMessage(
      await parseMessage(simpleMessage({ messageId: 'prospekt@nowyklient.example', from: 'Zofia <zofia@nowyklient.example>', to: ['biuro@firma.example'], subject: 'Prośba o katalog' })),
      { account: accountId, mailbox: 'INBOX', uidValidity: 1n, uid: 4 },
      [],
    )
  ).id;
});

afterAll(async () => {
  await smtp?.close();
});

test('an e-mail written on the contractor’s card goes out to the contractor, refusals shown by their field', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor/${contractorId}`);
  await page.getByRole('button', { name: 'Napisz e-mail' }).click();
  const dialog = page.getByRole('dialog', { name: 'Nowa wiadomość' });
  await expect(dialog.getByLabel('Do', { exact: true }).inputValue()).resolves.toBe('biuro@lozyska.example');
  // No subject: the server refuses, the words are Polish and under the field.
  await dialog.getByRole('button', { name: 'Wyślij' }).click();
  await dialog.getByText('jest wymagane').waitFor();
  await b.screenshot('email-compose-refused');
  await dialog.getByLabel('Temat').fill('Oferta na łożyska 6204');
  await dialog.getByLabel('Treść').fill('Dzień dobry,\nw załączeniu oferta.\nPozdrawiam');
  await dialog.getByRole('button', { name: 'Wyślij' }).click();
  await dialog.waitFor({ state: 'detached' });
  for (let i = 0; i < 100 && smtp.received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(smtp.received).toHaveLength(1);
  expect(smtp.received[0]!.to).toEqual(['biuro@lozyska.example']);
  expect((await parseMessage(smtp.received[0]!.raw)).subject).toBe('Oferta na łożyska 6204');
});

test('at 390 px the compose dialog fits the screen', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${b.url}/r/contractor/${contractorId}`);
  await page.getByRole('button', { name: 'Napisz e-mail' }).click();
  const dialog = page.getByRole('dialog', { name: 'Nowa wiadomość' });
  await dialog.getByLabel('Temat').waitFor();
  const box = await dialog.boundingBox();
  expect(box!.width).toBeLessThanOrEqual(390);
  expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
  await b.screenshot('email-compose-390');
  await dialog.getByRole('button', { name: 'Anuluj' }).click();
  await page.setViewportSize({ width: 1440, height: 900 });
});

for (const width of [1440, 390]) {
  test(`the "to file" queue at ${width} px: a message is filed on a contractor and leaves the queue`, async () => {
    const { page } = b;
    await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
    if (width === 390) {
      // Back in the queue for the second screen width.
      await b.env.platform.knex('tessera.email_messages').where({ activity_id: strangerId }).update({ filing: 'to_file' });
    }
    await page.goto(`${b.url}/mail`);
    await page.getByRole('heading', { name: 'Poczta' }).waitFor();
    const queue = page.getByRole('list', { name: 'Do przypisania' });
    const item = queue.locator(`[data-id="${strangerId}"]`);
    await item.getByText('Zapytanie o łożyska kulkowe').waitFor();
    await item.getByText('jan@nieznany.example').waitFor();
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(width);
    await item.getByRole('combobox').last().fill('Hurtownia');
    await page.getByRole('option', { name: 'Hurtownia Łożysk Sp. z o.o.' }).click();
    await b.screenshot(`email-to-file-${width}`);
    await item.getByRole('button', { name: 'Przypisz do rekordu' }).click();
    await item.waitFor({ state: 'detached' });
    const activity = (await b.api.get(`/records/activity/${strangerId}`)).body;
    expect(activity).toMatchObject({ kind: 'email', contractor: contractorId });
    if (width === 1440) {
      // Sent mail is listed under its tab.
      await page.getByRole('tab', { name: 'Wysłane' }).click();
      await page.getByRole('link', { name: 'Oferta na łożyska 6204' }).waitFor();
    }
  });
}

test('replying to all from an e-mail: the others in copy, our own address left out, threaded to the original', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${b.url}/r/activity/${threadId}`);
  await page.getByRole('button', { name: 'Odpowiedz wszystkim' }).click();
  const dialog = page.getByRole('dialog', { name: 'Odpowiedź: Termin dostawy' });
  await expect(dialog.getByLabel('Do', { exact: true }).inputValue()).resolves.toBe('kasia@lozyska.example');
  await expect(dialog.getByLabel('DW').inputValue()).resolves.toBe('piotr@lozyska.example, szef@lozyska.example');
  await expect(dialog.getByLabel('Temat').inputValue()).resolves.toBe('Re: Termin dostawy');
  await dialog.getByLabel('Treść').fill('Potwierdzamy termin.');
  await b.screenshot('email-reply-all');
  const before = smtp.received.length;
  await dialog.getByRole('button', { name: 'Wyślij' }).click();
  await dialog.waitFor({ state: 'detached' });
  for (let i = 0; i < 100 && smtp.received.length === before; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  const sent = await parseMessage(smtp.received.at(-1)!.raw);
  expect(sent).toMatchObject({ subject: 'Re: Termin dostawy', inReplyTo: 'rozmowa@lozyska.example' });
  expect(smtp.received.at(-1)!.to.sort()).toEqual(['kasia@lozyska.example', 'piotr@lozyska.example', 'szef@lozyska.example']);
  // Forwarding starts empty-handed, with the original quoted.
  await page.getByRole('button', { name: 'Przekaż dalej' }).click();
  const forward = page.getByRole('dialog', { name: 'Przekazanie: Termin dostawy' });
  await expect(forward.getByLabel('Do', { exact: true }).inputValue()).resolves.toBe('');
  await expect(forward.getByLabel('Treść').inputValue()).resolves.toContain('kasia@lozyska.example');
  await forward.getByRole('button', { name: 'Anuluj' }).click();
});

test('composing with one of the contractor’s files attached and my own signature', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${b.url}/r/contractor/${contractorId}`);
  await page.getByRole('button', { name: 'Napisz e-mail' }).click();
  const dialog = page.getByRole('dialog', { name: 'Nowa wiadomość' });
  await dialog.getByLabel(/zamowienie-17\.pdf/).check();
  await dialog.getByLabel('Temat').fill('Zamówienie 17 — potwierdzenie');
  await dialog.getByLabel('Treść').fill('Potwierdzamy zamówienie.');
  await dialog.getByLabel('Mój podpis').fill('Ewa Kowalska\nDział sprzedaży');
  await b.screenshot('email-compose-files');
  const before = smtp.received.length;
  await dialog.getByRole('button', { name: 'Wyślij' }).click();
  await dialog.waitFor({ state: 'detached' });
  for (let i = 0; i < 100 && smtp.received.length === before; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  const sent = await parseMessage(smtp.received.at(-1)!.raw);
  expect(sent.subject).toBe('Zamówienie 17 — potwierdzenie');
  expect(sent.attachments.map((a) => a.filename)).toEqual(['zamowienie-17.pdf']);
  expect(sent.text).toContain('Ewa Kowalska\nDział sprzedaży');
  // The signature is hers from now on: the next dialog starts with it.
  await page.getByRole('button', { name: 'Napisz e-mail' }).click();
  const field = page.getByRole('dialog', { name: 'Nowa wiadomość' }).getByLabel('Mój podpis');
  for (let i = 0; i < 50 && (await field.inputValue()) === ''; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  await expect(field.inputValue()).resolves.toBe('Ewa Kowalska\nDział sprzedaży');
  await page.getByRole('dialog', { name: 'Nowa wiadomość' }).getByRole('button', { name: 'Anuluj' }).click();
});

test('a message in the "to file" queue becomes a new contractor: its card opens, the message is on its timeline', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${b.url}/mail`);
  const item = page.getByRole('list', { name: 'Do przypisania' }).locator(`[data-id="${prospectId}"]`);
  await item.getByText('Prośba o katalog').waitFor();
  await item.getByRole('button', { name: 'Utwórz kontrahenta' }).click();
  await page.waitForURL(/\/r\/contractor\/[0-9a-f-]{36}$/);
  const id = page.url().split('/').pop()!;
  expect((await b.api.get(`/records/contractor/${id}`)).body).toMatchObject({ name: 'nowyklient.example', email: 'zofia@nowyklient.example' });
  await page.getByRole('complementary', { name: 'Czynności' }).getByText('Prośba o katalog').waitFor();
});
