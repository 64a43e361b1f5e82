// Bounces (issue #12), against a real Dovecot: a delivery status notification arriving in a synced
// mailbox about a message Tessera sent (its Message-ID is `<outbox id>@domain`) fails that message's
// outbox row with the remote code and reason — what a mail merge's failures list shows. A report
// that names only some of the recipients leaves the message sent; other mail is not touched.
import { randomUUID } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { email, syncAllAccounts } from '../../connectors/email/index.ts';
import { seedPackage } from '../../engine/seeding.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { dovecotMissing, startDovecot, type Dovecot } from '../support/dovecot.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';
import { deliveryStatusNotification, simpleMessage } from '../support/mail-fixtures.ts';

const missing = dovecotMissing();
if (missing) console.warn(missing);
const suite = missing ? describe.skip : describe;

suite('bounces', () => {
  let env: TestPlatform;
  let server: TestServer;
  let api: JsonClient;
  let dovecot: Dovecot;
  let imap: ImapFlow;
  let accountId: string;

  beforeAll(async () => {
    dovecot = await startDovecot();
    env = await startTestPlatform({ connectors: [email] });
    await env.platform.applyMetadata(await seedPackage(), { source: 'seed' });
    server = await startTestServer(env.platform);
    api = jsonClient(`${server.url}/api`);
    expect((await api.put('/connectors/email/settings', { enabled: true, config: { ownDomains: ['firma.example'] } })).status).toBe(200);
    imap = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: 'alice', pass: 'alicepw' }, logger: false, disableAutoIdle: true });
    await imap.connect();
    const account = await api.post('/records/email_account', {
      name: 'Biuro',
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
    accountId = account.body.id as string;
  }, 180_000);

  afterAll(async () => {
    await imap?.logout().catch(() => imap.close());
    await server?.close();
    await env?.close();
    await dovecot?.stop();
  });

  /** A message the e-mail channel sent earlier (its outbox row in state sent). */
  async function sent(to: string[]): Promise<string> {
    const id = randomUUID();
    await env.platform.knex('tessera.outbox').insert({
      id,
      connector_id: 'email',
      channel: 'email',
      recipient: to.join(', '),
      idempotency_key: `test:${id}`,
      state: 'sent',
      attempts: 1,
      payload: JSON.stringify({ account: accountId, userId: null, to: to.map((address) => ({ name: '', address })), subject: 'Oferta', html: null, text: 'Treść' }),
    });
    return id;
  }

  const outbox = (id: string) => env.platform.knex('tessera.outbox').where({ id }).first('state', 'last_status', 'last_error');

  test('a bounce for every recipient fails the sent message with the SMTP code and reason; a partial one and ordinary mail leave theirs sent', async () => {
    const lost = await sent(['nikt@lozyska.example']);
    const partly = await sent(['jan@lozyska.example', 'nikt2@lozyska.example']);
    const other = await sent(['ktos@klient.example']);
    const diagnostic = '550 5.1.1 <nikt@lozyska.example>: Recipient address rejected: User unknown in virtual mailbox table';
    await imap.append('INBOX', deliveryStatusNotification({ original: `${lost}@firma.example`, recipients: [{ address: 'nikt@lozyska.example', action: 'failed', status: '5.1.1', diagnostic }] }));
    await imap.append('INBOX', deliveryStatusNotification({ original: `${partly}@firma.example`, returned: 'message', recipients: [{ address: 'nikt2@lozyska.example', action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 User unknown' }] }));
    await imap.append('INBOX', simpleMessage({ messageId: `re-${other}@klient.example`, from: 'ktos@klient.example', to: ['alice@firma.example'], subject: 'Re: Oferta', inReplyTo: `${other}@firma.example` }));
    await syncAllAccounts(env.platform.connectors.context('email'));
    expect(await outbox(lost)).toEqual({ state: 'failed', last_status: 550, last_error: `bounced: nikt@lozyska.example: 5.1.1 ${diagnostic}` });
    expect(await outbox(partly)).toMatchObject({ state: 'sent', last_status: null });
    expect(await outbox(other)).toMatchObject({ state: 'sent', last_status: null });
    // The bounce itself is stored like any mail (in the to-file queue: no contact matches the daemon).
    const bounces = (await env.platform.knex(env.platform.runtime.entity('activity').entity.table).where('subject', 'Undelivered Mail Returned to Sender').count({ n: '*' })) as { n: string }[];
    expect(Number(bounces[0]!.n)).toBe(2);
  }, 60_000);
});
