// Outgoing mail: compose (threading headers, attachments, Bcc only in the envelope), send through an
// smtp-server on loopback that refuses one recipient permanently (550) and defers another (450), 50
// separate sends with one refused address carrying on, and the Sent copy APPENDed to a real Dovecot,
// where the sync recognises it as the same message.
import { composeMessage, createImapSync, createSmtpSender, appendToSent, parseMessage, replySubject, type Draft } from '../../connectors/email/index.ts';
import { APPEND_CONNECTIONS, SendConnections } from '../../connectors/email/send-connections.ts';
import type { MailAccount } from '../../connectors/email/accounts.ts';
import { dovecotMissing, startDovecot, type Dovecot } from '../support/dovecot.ts';
import { MemoryMailStore } from '../support/memory-mail-store.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';

describe('SMTP send', () => {
  let smtp: SmtpPeer;
  beforeAll(async () => {
    smtp = await startSmtpPeer({ auth: { user: 'biuro@firma.example', password: 'smtp-pw' } });
  });
  afterAll(async () => {
    await smtp?.close();
  });
  const account = () => ({ host: '127.0.0.1', port: smtp.port, secure: false, user: 'biuro@firma.example', password: 'smtp-pw' });

  const reply: Draft = {
    from: { name: 'Biuro Firma', address: 'biuro@firma.example' },
    to: [
      { name: 'Anna Nowak', address: 'anna@klient.example' },
      { name: '', address: 'refused@klient.example' },
    ],
    cc: [{ name: '', address: 'later@klient.example' }],
    bcc: [{ name: '', address: 'archiwum@firma.example' }],
    subject: replySubject('Oferta na łożyska [TR/2026/0031]'),
    text: 'Dzień dobry, w załączniku oferta.',
    html: '<p>Dzień dobry, w załączniku <b>oferta</b>.</p><img src="cid:logo@firma">',
    attachments: [
      { filename: 'oferta-ąę.pdf', content: Buffer.from('%PDF-1.4 oferta'), contentType: 'application/pdf' },
      { filename: 'logo.png', content: Buffer.from('png'), contentType: 'image/png', contentId: 'logo@firma' },
    ],
    inReplyTo: { messageId: 'parent@klient.example', references: ['root@firma.example'], subject: 'Oferta na łożyska [TR/2026/0031]' },
    headers: { 'X-Tessera-Record': 'TR/2026/0031' },
  };

  it('composes a reply with threading headers and attachments, Bcc only in the envelope', async () => {
    const composed = await composeMessage(reply);
    expect(composed.envelope.to).toEqual(['anna@klient.example', 'refused@klient.example', 'later@klient.example', 'archiwum@firma.example']);
    expect(composed.raw.toString()).not.toMatch(/^Bcc:/im);
    const parsed = await parseMessage(composed.raw);
    expect(parsed.subject).toBe('Re: Oferta na łożyska [TR/2026/0031]');
    expect(parsed.messageId).toBe(composed.messageId);
    expect(parsed.messageId).toMatch(/@firma\.example$/);
    expect(parsed.inReplyTo).toBe('parent@klient.example');
    expect(parsed.references).toEqual(['root@firma.example', 'parent@klient.example']);
    expect(parsed.attachments.map((a) => a.filename).sort()).toEqual(['logo.png', 'oferta-ąę.pdf']);
    expect(parsed.attachments.find((a) => a.filename === 'logo.png')!.contentId).toBe('logo@firma');
    expect(composed.raw.toString()).toMatch(/^X-Tessera-Record: TR\/2026\/0031$/m);
    expect(replySubject('RE: Oferta')).toBe('RE: Oferta');
  });

  it('reports per recipient: accepted, refused (550), deferred (450)', async () => {
    const sender = createSmtpSender(account());
    try {
      const composed = await composeMessage(reply);
      const result = await sender.send(composed);
      expect(result.recipients).toEqual([
        { address: 'anna@klient.example', status: 'accepted', code: null, response: null },
        { address: 'refused@klient.example', status: 'rejected', code: 550, response: expect.stringContaining('No such user') },
        { address: 'later@klient.example', status: 'deferred', code: 450, response: expect.stringContaining('try again later') },
        { address: 'archiwum@firma.example', status: 'accepted', code: null, response: null },
      ]);
      const delivered = smtp.received.at(-1)!;
      expect(delivered.to).toEqual(['anna@klient.example', 'archiwum@firma.example']);
      expect(delivered.user).toBe('biuro@firma.example');
      expect(delivered.raw.toString()).toContain(`Message-ID: <${composed.messageId}>`);

      const allRefused = await sender.send(await composeMessage({ ...reply, to: [{ name: '', address: 'refused2@x.example' }], cc: [], bcc: [] }));
      expect(allRefused.recipients).toEqual([
        { address: 'refused2@x.example', status: 'rejected', code: 550, response: expect.stringContaining('No such user') },
      ]);
    } finally {
      sender.close();
    }
  });

  it('sends 50 separate messages over a pool, one refused, the rest delivered', async () => {
    const sender = createSmtpSender(account(), { pool: true });
    const before = smtp.received.length;
    try {
      const results = await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const address = i === 17 ? 'refused-17@klient.example' : `klient${i}@klient.example`;
          return sender.send(
            await composeMessage({ from: reply.from, to: [{ name: `Klient ${i}`, address }], subject: `Życzenia ${i}`, text: 'Wesołych Świąt' }),
          );
        }),
      );
      const outcomes = results.flatMap((r) => r.recipients);
      expect(outcomes.filter((o) => o.status === 'accepted')).toHaveLength(49);
      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([expect.objectContaining({ address: 'refused-17@klient.example', code: 550 })]);
      expect(smtp.received.length - before).toBe(49);
    } finally {
      sender.close();
    }
  });

  it('says so when the server cannot be reached (deferred, retryable)', async () => {
    const sender = createSmtpSender({ host: '127.0.0.1', port: 1, secure: false });
    try {
      const result = await sender.send(await composeMessage({ from: reply.from, to: [{ name: '', address: 'a@b.example' }], subject: 'x', text: 'x' }));
      expect(result.recipients[0]).toMatchObject({ address: 'a@b.example', status: 'deferred', code: null });
    } finally {
      sender.close();
    }
  });
});

const missing = dovecotMissing();
if (missing) console.warn(missing);
(missing ? describe.skip : describe)('Sent folder (Dovecot)', () => {
  let dovecot: Dovecot;
  beforeAll(async () => {
    dovecot = await startDovecot([{ user: 'biuro', password: 'biuropw' }]);
  });
  afterAll(async () => {
    await dovecot?.stop();
  });

  it('APPENDs the sent bytes to the Sent folder, where the sync finds the same message', async () => {
    const imap = { id: 'biuro', host: dovecot.host, port: dovecot.port, secure: false, user: 'biuro', password: 'biuropw', mailboxes: ['Sent'] };
    const composed = await composeMessage({
      from: { name: 'Biuro', address: 'biuro@firma.example' },
      to: [{ name: '', address: 'anna@klient.example' }],
      subject: 'Potwierdzenie zamówienia',
      text: 'Potwierdzamy.',
    });
    const copy = await appendToSent(imap, composed);
    expect(copy).toMatchObject({ mailbox: 'Sent', uid: 1 });
    const store = new MemoryMailStore();
    // The engine records the sent message first (as an activity), then the sync meets its Sent copy.
    const sentParsed = await parseMessage(composed.raw);
    await store.saveMessage(sentParsed, { account: 'biuro', mailbox: '(outbox)', uidValidity: 0n, uid: 0 }, []);
    const [report] = await createImapSync(imap, store).syncOnce();
    expect(report).toMatchObject({ fetched: 1, created: 0, relocated: 1 });
    expect(store.messages.size).toBe(1);
    const stored = store.messages.get(sentParsed.dedupeKey)!;
    expect([...stored.locations.values()].find((l) => l.location.mailbox === 'Sent')!.flags).toContain('\\Seen');
  });

  it('APPENDs of a batch go over several kept connections, each message filed once', async () => {
    const connections = new SendConnections();
    const account: MailAccount = {
      id: 'biuro-append',
      name: 'Biuro',
      address: 'biuro@firma.example',
      senderName: 'Biuro',
      shared: true,
      actingUserId: null,
      team: null,
      visibility: 'all',
      imap: { id: 'biuro-append', host: dovecot.host, port: dovecot.port, secure: false, user: 'biuro', password: 'biuropw', mailboxes: ['INBOX'] },
      smtp: null,
      sentFolder: 'Sent',
      throttlePerMinute: 60,
      syncEnabled: false,
      signature: '',
    };
    try {
      const composed = await Promise.all(Array.from({ length: 12 }, (_, i) => composeMessage({ from: { name: 'Biuro', address: 'biuro@firma.example' }, to: [{ name: '', address: `odbiorca${i}@klient.example` }], subject: `Seryjny ${i}`, text: `Treść ${i}` })));
      const copies = await Promise.all(composed.map((c) => connections.append(account, c, 'Sent')));
      // One connection runs one command at a time: the batch's APPENDs are spread over several.
      expect(connections.appendConnections('biuro-append')).toBe(APPEND_CONNECTIONS);
      expect(APPEND_CONNECTIONS).toBeGreaterThan(1);
      expect(new Set(copies.map((c) => c.uid)).size).toBe(12);
      const [report] = await createImapSync({ ...account.imap!, mailboxes: ['Sent'] }, new MemoryMailStore()).syncOnce();
      // The earlier test's message and these twelve, each once.
      expect(report).toMatchObject({ fetched: 13, created: 13 });
    } finally {
      await connections.close();
    }
  });
});
