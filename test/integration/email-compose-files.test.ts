// Composing with the record's files and the sender's own signature (issue #12), over HTTP on the seed
// CRM with an smtp-server peer: an order received by e-mail on the contractor's timeline is offered
// as an attachment when writing from the contractor's card and goes out with the message; a file of
// another contractor is refused by its pointer; the user's signature replaces the account's.
import { email, EngineMailStore, parseMessage } from '../../connectors/email/index.ts';
import { seedPackage } from '../../engine/seeding.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';

let env: TestPlatform;
let server: TestServer;
let api: JsonClient;
let olga: JsonClient;
let smtp: SmtpPeer;
let accountId: string;
let contractorId: string;
let otherId: string;

function orderMail(messageId: string, from: string, filename: string, content: string): Buffer {
  return Buffer.from(
    [
      `From: ${from}`,
      'To: biuro@firma.example',
      'Subject: Zamówienie',
      `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
      `Message-ID: <${messageId}>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'W załączeniu zamówienie.',
      '--b1',
      `Content-Type: application/pdf; name="${filename}"`,
      `Content-Disposition: attachment; filename="${filename}"`,
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(content).toString('base64'),
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

async function until<T>(probe: () => T | null | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  smtp = await startSmtpPeer();
  env = await startTestPlatform({ connectors: [email] });
  await env.platform.applyMetadata(await seedPackage(), { source: 'seed' });
  await env.platform.processes.startWorkers();
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  const olgaId = await createTestUser(env.platform, { login: 'olga', roles: ['salesperson'] });
  olga = await userClient(env.platform, `${server.url}/api`, olgaId);
  expect((await api.put('/connectors/email/settings', { enabled: true, config: {} })).status).toBe(200);
  const created = async (entity: string, values: Record<string, unknown>, client = api) => {
    const res = await client.post(`/records/${entity}`, values);
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return res.body.id as string;
  };
  accountId = await created('email_account', {
    name: 'Olga',
    address: 'olga@firma.example',
    account_type: 'personal',
    owner_user: olgaId,
    smtp_host: '127.0.0.1',
    smtp_port: smtp.port,
    smtp_tls: false,
    throttle_per_minute: 100000,
    signature: 'Biuro Firma Sp. z o.o.',
  });
  contractorId = await created('contractor', { name: 'Klient Sp. z o.o.', contractor_type: 'company', country: 'pl', email: 'zamowienia@klient.example' }, olga);
  otherId = await created('contractor', { name: 'Inny Sp. z o.o.', contractor_type: 'company', country: 'pl', email: 'biuro@inny.example' });
  const actor = await env.platform.connectors.context('email').actAs(olgaId);
  const store = new EngineMailStore(env.platform.knex, env.platform.records, { accountId, accountAddress: 'olga@firma.example', actor, team: null });
  await store.saveMessage(await parseMessage(orderMail('zam-1@klient.example', 'zamowienia@klient.example', 'zamowienie-17.pdf', '%PDF-1.4 zamowienie 17')), { account: accountId, mailbox: 'INBOX', uidValidity: 1n, uid: 1 }, []);
  const admin = await env.platform.connectors.context('email').actAs(server.adminId);
  const adminStore = new EngineMailStore(env.platform.knex, env.platform.records, { accountId, accountAddress: 'olga@firma.example', actor: admin, team: null });
  await adminStore.saveMessage(await parseMessage(orderMail('inny-1@inny.example', 'biuro@inny.example', 'cudzy.pdf', '%PDF-1.4 cudzy')), { account: accountId, mailbox: 'INBOX', uidValidity: 1n, uid: 2 }, []);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
  await smtp?.close();
});

test('the contractor’s files are offered and sent with the message; another record’s file is refused by its pointer', async () => {
  const files = (await olga.get(`/connectors/email/record-files?entity=contractor&id=${contractorId}`)).body.data as { id: string; name: string }[];
  expect(files.map((f) => f.name)).toEqual(['zamowienie-17.pdf']);
  const foreign = (await api.get(`/connectors/email/record-files?entity=contractor&id=${otherId}`)).body.data as { id: string; name: string }[];
  expect(foreign.map((f) => f.name)).toEqual(['cudzy.pdf']);
  const refused = await olga.post('/connectors/email/send', { account: accountId, to: 'hurt@klient.example', subject: 'Zamówienie 17', text: 'Przekazuję.', links: { contractor: contractorId }, attachments: [files[0]!.id, foreign[0]!.id] });
  expect(refused.status).toBe(422);
  expect(refused.body.errors).toEqual([expect.objectContaining({ pointer: '/attachments/1' })]);
  expect((await olga.get('/connectors/email/record-files?entity=nothing&id=x')).status).toBe(422);
  const sent = await olga.post('/connectors/email/send', { account: accountId, to: 'hurt@klient.example', subject: 'Zamówienie 17', text: 'Przekazuję.', links: { contractor: contractorId }, attachments: [files[0]!.id], idempotencyKey: 'z17' });
  expect(sent.status).toBe(202);
  const mail = await until(() => smtp.received.find((m) => m.to.includes('hurt@klient.example')));
  const parsed = await parseMessage(mail.raw);
  expect(parsed.attachments.map((a) => a.filename)).toEqual(['zamowienie-17.pdf']);
  expect(parsed.attachments[0]!.content.toString()).toBe('%PDF-1.4 zamowienie 17');
  // No signature of her own yet: the account's.
  expect(parsed.text).toContain('Biuro Firma Sp. z o.o.');
});

test('a user’s own signature ends what they send instead of the account’s; too long is refused', async () => {
  expect((await olga.get('/connectors/email/signature')).body).toEqual({ signature: '' });
  const tooLong = await olga.put('/connectors/email/signature', { signature: 'x'.repeat(2001) });
  expect(tooLong.status).toBe(422);
  expect(tooLong.body.errors).toEqual([expect.objectContaining({ pointer: '/signature' })]);
  expect((await olga.put('/connectors/email/signature', { signature: 'Olga Nowak\nDział handlowy' })).status).toBe(200);
  expect((await olga.get('/connectors/email/signature')).body).toEqual({ signature: 'Olga Nowak\nDział handlowy' });
  await olga.post('/connectors/email/send', { account: accountId, to: 'podpis@klient.example', subject: 'Podpis', text: 'Treść.', html: '<p>Treść.</p>', idempotencyKey: 'sig' });
  const parsed = await parseMessage((await until(() => smtp.received.find((m) => m.to.includes('podpis@klient.example')))).raw);
  expect(parsed.text).toContain('Olga Nowak\nDział handlowy');
  expect(parsed.text).not.toContain('Biuro Firma Sp. z o.o.');
  expect(parsed.html).toContain('Olga Nowak<br>Dział handlowy');
});

test('"to file" → a new lead or contractor from the message: values from the sender, the thread filed on it; bad input is 422', async () => {
  const actor = await env.platform.connectors.context('email').actAs(server.adminId);
  const store = new EngineMailStore(env.platform.knex, env.platform.records, { accountId, accountAddress: 'olga@firma.example', actor, team: null });
  const stranger = await store.saveMessage(await parseMessage(orderMail('nowy-1@nowafirma.example', 'jan@nowafirma.example', 'zapytanie.pdf', '%PDF-1.4 zapytanie')), { account: accountId, mailbox: 'INBOX', uidValidity: 1n, uid: 3 }, []);
  const other = await store.saveMessage(await parseMessage(orderMail('nowy-2@drugafirma.example', 'ola@drugafirma.example', 'x.pdf', '%PDF-1.4 x')), { account: accountId, mailbox: 'INBOX', uidValidity: 1n, uid: 4 }, []);
  const queue = (await api.get(`/connectors/email/to-file?account=${accountId}`)).body.data as { id: string }[];
  expect(queue.map((q) => q.id)).toEqual(expect.arrayContaining([stranger.id, other.id]));
  expect((await api.post(`/connectors/email/to-file/${stranger.id}/create`, { entity: 'deal' })).body.errors).toEqual([expect.objectContaining({ pointer: '/entity' })]);
  const lead = await api.post(`/connectors/email/to-file/${stranger.id}/create`, { entity: 'lead' });
  expect(lead.status).toBe(201);
  expect((await api.get(`/records/lead/${lead.body.id}`)).body).toMatchObject({ title: 'Zamówienie', email: 'jan@nowafirma.example', company_name: 'nowafirma.example' });
  expect((await api.get(`/records/activity/${stranger.id}`)).body.lead).toBe(lead.body.id);
  const contractor = await api.post(`/connectors/email/to-file/${other.id}/create`, { entity: 'contractor', values: { name: 'Druga Firma Sp. z o.o.' } });
  expect(contractor.status).toBe(201);
  expect((await api.get(`/records/contractor/${contractor.body.id}`)).body).toMatchObject({ name: 'Druga Firma Sp. z o.o.', email: 'ola@drugafirma.example', contractor_type: 'company' });
  expect((await api.get(`/records/activity/${other.id}`)).body.contractor).toBe(contractor.body.id);
  const left = ((await api.get(`/connectors/email/to-file?account=${accountId}`)).body.data as { id: string }[]).map((q) => q.id);
  expect(left).not.toContain(stranger.id);
  expect(left).not.toContain(other.id);
});

test('an offer printed and attached to its record is offered in the compose dialog (issue #17)', async () => {
  const offer = await olga.post('/records/offer', { title: 'Oferta na drukarki', contractor: contractorId, lines: [{ description: 'Drukarka', quantity: 1, net_price: 100, vat_rate: 'vat23' }] });
  expect(offer.status).toBe(201);
  const attached = await olga.post(`/records/offer/${offer.body.id}/print/offer/attach?lang=pl`);
  expect(attached.status).toBe(201);
  const files = (await olga.get(`/connectors/email/record-files?entity=offer&id=${offer.body.id}`)).body.data as { id: string; name: string; mediaType: string }[];
  expect(files).toEqual([expect.objectContaining({ id: attached.body.file.id, mediaType: 'application/pdf', name: expect.stringMatching(/^Oferta OF-\d{4}-\d{4}\.pdf$/) })]);
});
