// The e-mail connector end to end (issue #12) on the seed CRM, a real Dovecot and an smtp-server peer:
// mail accounts as records of the connector's own entity type; the sync writes e-mail activities
// linked to contractors by address, as the account's owner (audited in their name); a restart
// mid-sync and a UIDVALIDITY change double nothing; the "to file" queue; composing sends through the
// outbox, APPENDs to Sent and records the activity; a mail merge to 50 with one refused address
// reports it and sends the rest; unsubscribe links; the `email:send` task type.
import { ImapFlow } from 'imapflow';
import { createImapSync, email, EngineMailStore, parseMessage, syncAllAccounts, watchInboxes, type ParsedMessage, type MessageLocation } from '../../connectors/email/index.ts';
import type { BatchItem } from '../../connectors/email/ports.ts';
import { seedPackage } from '../../engine/seeding.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { dovecotMissing, startDovecot, type Dovecot } from '../support/dovecot.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';
import { simpleMessage } from '../support/mail-fixtures.ts';
import { InstanceDriver } from '../support/workflows.ts';
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
    await env.platform.processes.startWorkers();
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

  test('the account is a record whose passwords are secret fields: sealed, never returned, revealed to the connector', async () => {
    expect(env.platform.runtime.snapshot.entities.has('email_account')).toBe(true);
    expect(env.platform.runtime.snapshot.entities.has('email_template')).toBe(true);
    const read = await api.get(`/records/email_account/${accountId}`);
    expect(read.body.imap_password).toBe('••••••••');
    expect(read.body.smtp_password).toBeNull();
    expect(JSON.stringify(read.body)).not.toContain('alicepw');
    const { rows } = (await env.platform.knex.raw(`SELECT imap_password FROM ${env.platform.runtime.entity('email_account').entity.table} WHERE id = ?`, [accountId])) as { rows: { imap_password: string }[] };
    expect(rows[0]!.imap_password).not.toContain('alicepw');
    await expect(ctx().revealSecret('email_account', accountId, 'imap_password')).resolves.toBe('alicepw');
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
    const password = (await ctx().revealSecret('email_account', accountId, 'imap_password'))!;
    const actor = await env.platform.connectors.context('email').actAs(olgaId);
    // A store that dies after its fifth message: the process "crashed" mid-batch (saving message by
    // message; the batched store is tested below).
    class Crashing extends EngineMailStore {
      saved = 0;
      override async saveMessage(message: ParsedMessage, location: MessageLocation, flags: readonly string[]) {
        if (++this.saved > 5) throw new Error('process killed');
        return super.saveMessage(message, location, flags);
      }
    }
    const crashing = new Crashing(env.platform.knex, env.platform.records, { accountId, accountAddress: 'alice@firma.example', actor, team: null });
    (crashing as { saveMessages?: unknown }).saveMessages = undefined;
    await expect(createImapSync({ id: accountId, host: dovecot.host, port: dovecot.port, secure: false, user: 'alice', password, mailboxes: ['INBOX'] }, crashing, { batchSize: 4 }).syncOnce()).rejects.toThrow('process killed');
    expect(Number((await emails()).n)).toBe(before + 5);
    await syncAllAccounts(ctx());
    expect(Number((await emails()).n)).toBe(before + 12);
    await syncAllAccounts(ctx());
    expect(Number((await emails()).n)).toBe(before + 12);
    const { rows } = (await env.platform.knex.raw(`SELECT count(*)::int AS n FROM tessera.email_locations WHERE account = ? AND mailbox = 'INBOX'`, [accountId])) as { rows: { n: number }[] };
    expect(rows[0]!.n).toBe(before + 12);
  });

  test('a fetch batch failing inside its transaction leaves nothing of it; the next sync stores it once', async () => {
    // A folder the account does not sync, so the connector's poller stays out of it.
    await imap.mailboxCreate('Paczki');
    await append('Paczki', Array.from({ length: 8 }, (_, i) => simpleMessage({ messageId: `paczka-${i}@klient.example`, from: 'zamowienia@klient.example', subject: `Paczka ${i}` })));
    const password = (await ctx().revealSecret('email_account', accountId, 'imap_password'))!;
    const identity = { accountId, accountAddress: 'alice@firma.example', actor: await env.platform.connectors.context('email').actAs(olgaId), team: null };
    const account = { id: accountId, host: dovecot.host, port: dovecot.port, secure: false, user: 'alice', password, mailboxes: ['Paczki'] };
    // The second batch's last location cannot be stored: the batch fails after its activities were written.
    class CrashingBatch extends EngineMailStore {
      batches = 0;
      override async saveMessages(items: readonly BatchItem[]) {
        if (++this.batches < 2) return super.saveMessages(items);
        return super.saveMessages(items.map((item, i) => (i === items.length - 1 ? { ...item, location: { ...item.location, uid: Number.NaN } } : item)));
      }
    }
    const parcels = async () => Number(((await env.platform.knex('activity').where({ kind: 'email' }).where('subject', 'like', 'Paczka %').count({ n: '*' }).first()) as { n: string }).n);
    await expect(createImapSync(account, new CrashingBatch(env.platform.knex, env.platform.records, identity), { batchSize: 4 }).syncOnce()).rejects.toThrow();
    expect(await parcels()).toBe(4);
    const reports = await createImapSync(account, new EngineMailStore(env.platform.knex, env.platform.records, identity), { batchSize: 4 }).syncOnce();
    expect(reports[0]).toMatchObject({ created: 4 });
    await createImapSync(account, new EngineMailStore(env.platform.knex, env.platform.records, identity), { batchSize: 4 }).syncOnce();
    expect(await parcels()).toBe(8);
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

  test('a queued message becomes a task on the contractor (Sente style), the e-mail with its attachments as its parent', async () => {
    await append('INBOX', [simpleMessage({ messageId: 'awaria@nowy.example', from: 'serwis@nowy.example', to: ['alice@firma.example'], subject: 'Awaria pompy P-12' })]);
    await syncAllAccounts(ctx());
    const queue = (await olga.get(`/connectors/email/to-file?account=${accountId}`)).body.data as { id: string; subject: string }[];
    const mail = queue.find((q) => q.subject === 'Awaria pompy P-12')!;
    const made = await olga.post(`/connectors/email/to-file/${mail.id}/task`, { entity: 'contractor', id: contractorId, subject: 'Oddzwonić w sprawie awarii' });
    expect(made.status).toBe(201);
    const task = (await olga.get(`/records/activity/${String(made.body.task)}`)).body;
    expect(task).toMatchObject({ kind: 'task', subject: 'Oddzwonić w sprawie awarii', parent: mail.id, contractor: contractorId, assignee: olgaId, owner: olgaId });
    expect(String(task.description)).toContain('serwis@nowy.example');
    expect((await api.get(`/records/activity/${mail.id}`)).body.contractor).toBe(contractorId);
    expect(((await olga.get(`/connectors/email/to-file?account=${accountId}`)).body.data as { id: string }[]).map((q) => q.id)).not.toContain(mail.id);
  });

  test('IDLE on the account’s inbox: a delivered message reaches the contractor’s timeline without waiting for the poller', async () => {
    await syncAllAccounts(ctx());
    const stop = await watchInboxes(ctx());
    try {
      const latencies: number[] = [];
      for (let i = 0; i < 3; i++) {
        const subject = `Pilne ${i}`;
        const sent = performance.now();
        await append('INBOX', [simpleMessage({ messageId: `pilne-${i}@klient.example`, from: 'zamowienia@klient.example', to: ['alice@firma.example'], subject })]);
        await until(async () => ((await api.get(`/records/contractor/${contractorId}/activities`)).body.data as { subject: string }[]).some((a) => a.subject === subject));
        latencies.push(performance.now() - sent);
      }
      console.log(`IDLE → contractor timeline: ${latencies.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}`);
    } finally {
      await stop();
    }
  });

  const outboxRow = (key: string) => env.platform.knex('tessera.outbox').where({ channel: 'email', idempotency_key: key }).first() as Promise<{ state: string; last_error: string | null } | undefined>;

  test('composing from the record card sends through SMTP, files the copy in Sent and records it on the contractor, once', async () => {
    const accounts = (await olga.get('/connectors/email/accounts')).body.data as { id: string }[];
    expect(accounts.map((a) => a.id)).toEqual([accountId]);
    const invalid = await olga.post('/connectors/email/send', { account: accountId, to: 'nie-adres', subject: '' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/subject', '/to']);
    const sent = await olga.post('/connectors/email/send', {
      account: accountId,
      to: 'Zamówienia <zamowienia@klient.example>',
      subject: 'Oferta na łożyska',
      text: 'Dzień dobry, w załączeniu oferta.',
      html: '<p>Dzień dobry, w załączeniu <b>oferta</b>.</p>',
      links: { contractor: contractorId },
      idempotencyKey: 'offer-1',
    });
    expect(sent.status).toBe(202);
    // The same compose sent twice (a double click) is one message.
    expect((await olga.post('/connectors/email/send', { account: accountId, to: 'zamowienia@klient.example', subject: 'Oferta na łożyska', text: 'x', idempotencyKey: 'offer-1' })).body.queued).toBe(false);
    const row = await until(async () => {
      const r = await outboxRow(sent.body.idempotencyKey);
      return r && (r.state === 'sent' || r.state === 'failed') ? r : null;
    });
    expect(row).toMatchObject({ state: 'sent' });
    const delivered = [];
    for (const m of smtp.received) if ((await parseMessage(m.raw)).subject === 'Oferta na łożyska') delivered.push(m);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.to).toEqual(['zamowienia@klient.example']);
    const status = await imap.status('Sent', { messages: true });
    expect(status && status.messages).toBe(1);
    const timeline = (await api.get(`/records/contractor/${contractorId}/activities`)).body.data as Record<string, unknown>[];
    const outbound = timeline.filter((a) => a.kind === 'email' && a.direction === 'outbound');
    expect(outbound).toEqual([expect.objectContaining({ subject: 'Oferta na łożyska', owner: olgaId })]);
    // The sync finds the Sent copy already located: no second activity.
    const before = Number((await emails()).n);
    await syncAllAccounts(ctx());
    expect(Number((await emails()).n)).toBe(before);
  });

  test('a mail merge to 50 persons: consent respected, one refused address reported, the rest sent, with unsubscribe links that work', async () => {
    const people: string[] = [];
    for (let i = 0; i < 52; i++) {
      const address = i === 17 ? 'refused-17@klient.example' : `osoba-${i}@klient.example`;
      const person = await created(api, 'person', { first_name: `Osoba${i}`, last_name: 'Testowa', email: address, marketing_consent: i < 50, contractor: contractorId });
      people.push(person.id);
    }
    const template = await created(api, 'email_template', {
      name: 'Newsletter',
      code: 'newsletter',
      language: 'pl',
      subject: 'Nowości dla {{first_name}}',
      body_html: '<p>Dzień dobry {{first_name}} {{last_name}}!</p><p><a href="{{unsubscribe_url}}">Wypisz</a></p>',
      marketing: true,
    });
    const broken = await api.post('/connectors/email/merges', { account: accountId, template: template.id, entity: 'person', ids: people, filter: { nope: 1 } });
    expect(broken.status).toBe(400);
    const merge = await api.post('/connectors/email/merges', { account: accountId, template: 'newsletter', language: 'pl', entity: 'person', ids: people, idempotencyKey: 'newsletter-1' });
    expect(merge.status).toBe(202);
    expect(merge.body).toMatchObject({ total: 52, queued: 50, skipped: 2 });
    // Sending the same request again queues nothing more.
    expect((await api.post('/connectors/email/merges', { account: accountId, template: 'newsletter', entity: 'person', ids: people, idempotencyKey: 'newsletter-1' })).body).toMatchObject({ id: merge.body.id, repeated: true });
    const progress = await until(async () => {
      const p = (await api.get(`/connectors/email/merges/${merge.body.id}`)).body;
      return p.done ? p : null;
    }, 60_000);
    expect(progress).toMatchObject({ total: 52, skipped: { no_consent: 2 }, states: { sent: 49, failed: 1 } });
    expect(progress.failures).toEqual([expect.objectContaining({ address: 'refused-17@klient.example', status: 550 })]);
    const newsletters = smtp.received.filter((m) => m.raw.toString().includes('X-Tessera-Merge'));
    expect(newsletters).toHaveLength(49);
    // Each sent message recorded once as an e-mail activity (the batch records them in chunks while it sends).
    const recorded = (await env.platform.knex.raw(
      `SELECT count(DISTINCT m.activity_id) AS n FROM tessera.outbox o JOIN tessera.email_messages m ON m.message_id = o.id || '@' || split_part(?, '@', 2) WHERE o.channel = 'email' AND o.state = 'sent' AND o.payload->>'merge' = ?`,
      [String(newsletters[0]!.from), String(merge.body.id)],
    )) as { rows: { n: string | number }[] };
    expect(Number(recorded.rows[0]!.n)).toBe(49);
    const raw = newsletters[0]!.raw.toString();
    expect(raw).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
    const link = /List-Unsubscribe: <(http[^>]+)>/.exec(raw.replace(/\r\n\s+/g, ' '))![1]!;
    // The link works without signing in, once per address; a forged token does not.
    // Another address with this link's signature (never the link's own address, whichever mail came first).
    const own = Buffer.from(/t=([^.]+)/.exec(link)![1]!, 'base64url').toString();
    const other = own === 'osoba-1@klient.example' ? 'osoba-2@klient.example' : 'osoba-1@klient.example';
    const forged = await fetch(link.replace(/t=[^.]+/, `t=${Buffer.from(other).toString('base64url')}`));
    expect(forged.status).toBe(404);
    const done = await fetch(link);
    expect(done.status).toBe(200);
    const unsubscribed = (await env.platform.knex('tessera.email_unsubscribed').select('address')) as { address: string }[];
    expect(unsubscribed).toHaveLength(1);
    // The next merge leaves the unsubscribed address out (and the two without consent).
    const again = await api.post('/connectors/email/merges', { account: accountId, template: 'newsletter', entity: 'person', ids: people });
    expect(again.body).toMatchObject({ total: 52, queued: 49, skipped: 3 });
    expect((await api.get(`/connectors/email/merges/${again.body.id}`)).body.skipped).toEqual({ no_consent: 2, unsubscribed: 1 });
  }, 120_000);

  test('the email:send task type queues a templated message about the instance’s record', async () => {
    await created(api, 'email_template', { name: 'Powiadomienie', code: 'notice', language: 'pl', subject: 'Sprawa {{name}}', body_text: 'Dzień dobry, dotyczy: {{name}}.' });
    const bpmn = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="notify" isExecutable="true">
    <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="mail" />
    <bpmn:serviceTask id="mail">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="email:send" />
        <zeebe:ioMapping>
          <zeebe:input source="=&quot;alice@firma.example&quot;" target="account" />
          <zeebe:input source="=recipient" target="to" />
          <zeebe:input source="=&quot;notice&quot;" target="template" />
          <zeebe:input source="={entity: &quot;contractor&quot;, id: contractorId}" target="record" />
        </zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="mail" targetRef="end" /><bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;
    await env.platform.processes.deploy(bpmn, { source: 'test' });
    const d = await InstanceDriver.start(env.platform, 'notify', { recipient: 'zamowienia@klient.example', contractorId } as never);
    await until(async () => (await d.status()) === 'completed');
    await until(async () => smtp.received.find((m) => m.raw.toString().includes('Klient Sp. z o.o.')) ?? null);
    const bad = await InstanceDriver.start(env.platform, 'notify', { recipient: 'nie adres', contractorId } as never);
    await until(async () => (await d.status()) === 'completed' && ((await env.platform.knex('tessera.process_incidents').where({ instance_id: bad.id }).first()) as { message: string } | undefined));
  }, 60_000);
});
