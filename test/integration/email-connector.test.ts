// The e-mail connector end to end (issue #12) on the seed CRM, a real Dovecot and an smtp-server peer:
// mail accounts as records of the connector's own entity type; the sync writes e-mail activities
// linked to contractors by address, as the account's owner (audited in their name); a restart
// mid-sync and a UIDVALIDITY change double nothing; the "to file" queue; composing sends through the
// outbox, APPENDs to Sent and records the activity; a mail merge to 50 with one refused address
// reports it and sends the rest; unsubscribe links; the `email:send` task type.
import { ImapFlow } from 'imapflow';
import { createImapSync, email, EngineMailStore, syncAllAccounts, type ParsedMessage, type MessageLocation } from '../../connectors/email/index.ts';
import { actingUser } from '../../engine/connectors/index.ts';
import { seedPackage } from '../../engine/seeding.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { dovecotMissing, startDovecot, type Dovecot } from '../support/dovecot.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';
import { simpleMessage } from '../support/mail-fixtures.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';

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

suite('e-mail connector', () => {
  let env: TestPlatform;
  let server: TestServer;
  let api: JsonClient;
  let olga: JsonClient;
  let olgaId: string;
  let dovecot: Dovecot;
  let smtp: SmtpPeer;
  let imap: ImapFlow;
  let accountId: string;
  let contractorId: string;

  const ctx = () => env.platform.connectors.context('email');
  const created = async (client: JsonClient, entity: string, values: Record<string, unknown>) => {
    const res = await client.post(`/records/${entity}`, values);
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return res.body as Record<string, unknown> & { id: string; version: number };
  };
  const emails = async () => (await env.platform.knex('tessera.email_messages').count({ n: '*' }).first()) as { n: string };
  const append = async (mailbox: string, raws: Buffer[]) => {
    for (const raw of raws) await imap.append(mailbox, raw);
  };

  beforeAll(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpPeer();
    env = await startTestPlatform({ connectors: [email] });
    await env.platform.applyMetadata(await seedPackage(), { source: 'seed' });
    server = await startTestServer(env.platform);
    api = jsonClient(`${server.url}/api`);
    olgaId = await createTestUser(env.platform, { login: 'olga', roles: ['salesperson'] });
    olga = await userClient(env.platform, `${server.url}/api`, olgaId);
    const enabled = await api.put('/connectors/email/settings', { enabled: true, config: { publicUrl: server.url, ownDomains: ['firma.example'] } });
    expect(enabled.status).toBe(200);
    imap = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: 'alice', pass: 'alicepw' }, logger: false, disableAutoIdle: true });
    await imap.connect();
    const account = await created(api, 'email_account', {
      name: 'Olga — poczta',
      address: 'alice@firma.example',
      account_type: 'personal',
      owner_user: olgaId,
      imap_host: dovecot.host,
      imap_port: dovecot.port,
      imap_tls: false,
      imap_user: 'alice',
      imap_password: 'alicepw',
      smtp_host: '127.0.0.1',
      smtp_port: smtp.port,
      smtp_tls: false,
      folders: 'INBOX, Sent',
      throttle_per_minute: 100000,
    });
    accountId = account.id;
    contractorId = (await created(api, 'contractor', { name: 'Klient Sp. z o.o.', contractor_type: 'company', country: 'pl', email: 'zamowienia@klient.example' })).id;
  }, 180_000);

  afterAll(async () => {
    await imap?.logout().catch(() => imap.close());
    await server?.close();
    await env?.close();
    await smtp?.close();
    await dovecot?.stop();
  });

  test('the account is a record; its password is not what the list shows to a user without rights', async () => {
    expect(env.platform.runtime.snapshot.entities.has('email_account')).toBe(true);
    expect(env.platform.runtime.snapshot.entities.has('email_template')).toBe(true);
    // A salesperson has no right on mail accounts (roles grant them like any other type).
    expect((await olga.get(`/records/email_account/${accountId}`)).status).toBe(403);
  });

  test('synced mail becomes e-mail activities on the contractor’s timeline, written as the account’s owner; unmatched mail waits to be filed', async () => {
    await append('INBOX', [
      simpleMessage({ messageId: 'order-1@klient.example', from: 'Zamówienia <zamowienia@klient.example>', to: ['alice@firma.example'], subject: 'Zamówienie 1' }),
      simpleMessage({ messageId: 'order-2@klient.example', from: 'zamowienia@klient.example', to: ['alice@firma.example'], subject: 'Re: Zamówienie 1', inReplyTo: 'order-1@klient.example', references: ['order-1@klient.example'] }),
      simpleMessage({ messageId: 'stranger@nieznany.example', from: 'ktos@nieznany.example', to: ['alice@firma.example'], subject: 'Kim jesteście?' }),
    ]);
    const reports = await syncAllAccounts(ctx());
    expect(reports.find((r) => r.mailbox === 'INBOX')).toMatchObject({ kind: 'full', created: 3 });
    const timeline = (await api.get(`/records/contractor/${contractorId}/activities`)).body.data as Record<string, unknown>[];
    const mails = timeline.filter((a) => a.kind === 'email');
    expect(mails.map((m) => m.subject).sort()).toEqual(['Re: Zamówienie 1', 'Zamówienie 1']);
    expect(mails[0]).toMatchObject({ direction: 'inbound', from_address: 'zamowienia@klient.example', thread_id: 'order-1@klient.example', owner: olgaId });
    // Written as Olga: the audit names her, and she reads them as her own.
    const history = (await api.get(`/records/activity/${String(mails[0]!.id)}/history`)).body.data as { action: string; actor: string }[];
    expect(history[0]).toMatchObject({ action: 'create', actor: olgaId });
    expect((await olga.get(`/records/activity/${String(mails[0]!.id)}`)).status).toBe(200);
    // The stranger's mail is in the queue; Olga files it on the contractor.
    const queue = (await olga.get(`/connectors/email/to-file?account=${accountId}`)).body.data as { id: string; subject: string }[];
    expect(queue.map((q) => q.subject)).toEqual(['Kim jesteście?']);
    const linked = await olga.post(`/connectors/email/to-file/${queue[0]!.id}/link`, { entity: 'contractor', id: contractorId });
    expect(linked.status).toBe(200);
    expect((await olga.get(`/connectors/email/to-file?account=${accountId}`)).body.data).toEqual([]);
    expect((await api.get(`/records/activity/${queue[0]!.id}`)).body.contractor).toBe(contractorId);
    const bad = await olga.post(`/connectors/email/to-file/${queue[0]!.id}/link`, { entity: 'nothing', id: 'x' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: '/entity' })]);
  });

  test('a restart mid-sync loses and doubles nothing', async () => {
    await append(
      'INBOX',
      Array.from({ length: 12 }, (_, i) => simpleMessage({ messageId: `batch-${i}@klient.example`, from: 'zamowienia@klient.example', subject: `Partia ${i}` })),
    );
    const before = Number((await emails()).n);
    const account = (await ctx().records.get({ actor: { userId: null, via: 'system' } }, 'email_account', accountId)) as Record<string, unknown>;
    const actor = await actingUser(env.platform.knex, env.platform.records, olgaId);
    // A store that dies after its fifth message: the process "crashed" mid-batch.
    class Crashing extends EngineMailStore {
      saved = 0;
      override async saveMessage(message: ParsedMessage, location: MessageLocation, flags: readonly string[]) {
        if (++this.saved > 5) throw new Error('process killed');
        return super.saveMessage(message, location, flags);
      }
    }
    const crashing = new Crashing(env.platform.knex, env.platform.records, { accountId, accountAddress: 'alice@firma.example', actor, team: null });
    await expect(createImapSync({ id: accountId, host: dovecot.host, port: dovecot.port, secure: false, user: 'alice', password: String(account.imap_password), mailboxes: ['INBOX'] }, crashing, { batchSize: 4 }).syncOnce()).rejects.toThrow('process killed');
    expect(Number((await emails()).n)).toBe(before + 5);
    await syncAllAccounts(ctx());
    expect(Number((await emails()).n)).toBe(before + 12);
    await syncAllAccounts(ctx());
    expect(Number((await emails()).n)).toBe(before + 12);
    const { rows } = (await env.platform.knex.raw(`SELECT count(*)::int AS n FROM tessera.email_locations WHERE account = ? AND mailbox = 'INBOX'`, [accountId])) as { rows: { n: number }[] };
    expect(rows[0]!.n).toBe(before + 12);
  });

  test('a UIDVALIDITY change resyncs the folder without doubles', async () => {
    await imap.mailboxCreate('Projekty');
    const raws = Array.from({ length: 4 }, (_, i) => simpleMessage({ messageId: `proj-${i}@klient.example`, from: 'zamowienia@klient.example', subject: `Projekt ${i}` }));
    await append('Projekty', raws);
    const current = await ctx().records.get({ actor: { userId: null, via: 'system' } }, 'email_account', accountId);
    await ctx().records.update({ actor: { userId: null, via: 'system' } }, 'email_account', accountId, { folders: 'INBOX, Sent, Projekty' }, { expectedVersion: Number(current.version) });
    await syncAllAccounts(ctx());
    const before = Number((await emails()).n);
    await imap.mailboxDelete('Projekty');
    await imap.mailboxCreate('Projekty');
    await append('Projekty', [...raws, simpleMessage({ messageId: 'proj-new@klient.example', from: 'zamowienia@klient.example', subject: 'Projekt nowy' })]);
    const reports = await syncAllAccounts(ctx());
    expect(reports.find((r) => r.mailbox === 'Projekty')).toMatchObject({ kind: 'full', created: 1, relocated: 4 });
    expect(Number((await emails()).n)).toBe(before + 1);
  });
});
