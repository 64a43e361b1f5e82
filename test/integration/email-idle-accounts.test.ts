// IDLE for mail accounts created after the connector started (issue #12), against a real Dovecot: the
// connector (settings `idle: true`, no workers, so no poller) watches an account added later — its
// mail reaches the contractor's timeline without anyone syncing — and lets a deleted one go.
import { ImapFlow } from 'imapflow';
import { email } from '../../connectors/email/index.ts';
import { seedPackage } from '../../engine/seeding.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { dovecotMissing, startDovecot, type Dovecot } from '../support/dovecot.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';
import { simpleMessage } from '../support/mail-fixtures.ts';

const missing = dovecotMissing();
if (missing) console.warn(missing);
const suite = missing ? describe.skip : describe;

async function until<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

suite('IDLE for accounts added after start', () => {
  let env: TestPlatform;
  let server: TestServer;
  let api: JsonClient;
  let dovecot: Dovecot;
  let imap: ImapFlow;

  beforeAll(async () => {
    dovecot = await startDovecot();
    env = await startTestPlatform({ connectors: [email] });
    await env.platform.applyMetadata(await seedPackage(), { source: 'seed' });
    server = await startTestServer(env.platform);
    api = jsonClient(`${server.url}/api`);
    expect((await api.put('/connectors/email/settings', { enabled: true, config: { idle: true } })).status).toBe(200);
    imap = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: 'alice', pass: 'alicepw' }, logger: false, disableAutoIdle: true });
    await imap.connect();
  }, 180_000);

  afterAll(async () => {
    await imap?.logout().catch(() => imap.close());
    await server?.close();
    await env?.close();
    await dovecot?.stop();
  });

  test('an account created while the server runs is watched: a delivered message lands on the timeline with no sync called', async () => {
    const contractor = (await api.post('/records/contractor', { name: 'Klient Sp. z o.o.', contractor_type: 'company', country: 'pl', email: 'zamowienia@klient.example' })).body.id as string;
    const account = await api.post('/records/email_account', {
      name: 'Alicja',
      address: 'alice@firma.example',
      account_type: 'personal',
      owner_user: server.adminId,
      imap_host: dovecot.host,
      imap_port: dovecot.port,
      imap_tls: false,
      imap_user: 'alice',
      imap_password: 'alicepw',
      folders: 'INBOX',
    });
    expect(account.status).toBe(201);
    const timeline = async () => ((await api.get(`/records/contractor/${contractor}/activities`)).body.data as { subject: string }[]).map((a) => a.subject);
    // Watching starts (its first pass is done) once the account's sync state appears.
    await until(async () => (await env.platform.knex('tessera.email_sync_state').where({ account: account.body.id }).first()) ?? null);
    await imap.append('INBOX', simpleMessage({ messageId: 'po-starcie@klient.example', from: 'zamowienia@klient.example', to: ['alice@firma.example'], subject: 'Po starcie' }));
    await until(async () => (await timeline()).includes('Po starcie'));
    // Deleted: let go, so later mail is not stored.
    expect((await api.delete(`/records/email_account/${account.body.id as string}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await imap.append('INBOX', simpleMessage({ messageId: 'po-usunieciu@klient.example', from: 'zamowienia@klient.example', to: ['alice@firma.example'], subject: 'Po usunięciu' }));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await timeline()).not.toContain('Po usunięciu');
  }, 60_000);
});
