// The IMAP sync against a real Dovecot: first sync within the window then incremental by UID, flags and
// expunges mirrored, restart mid-sync, UIDVALIDITY change, connection cut mid-FETCH (a TCP proxy),
// a 25 MB attachment, 500 recipients, one message in two folders and two accounts, legacy Polish
// charsets, and IDLE delivery latency. The store is in memory (the engine adapter comes with the
// connector platform); what is proved is the sync's side of "nothing lost, nothing doubled".
import { ImapFlow } from 'imapflow';
import { createHash } from 'node:crypto';
import { createImapSync, type ImapAccount, type MailboxSyncReport } from '../../connectors/email/index.ts';
import { dovecotMissing, startDovecot, type Dovecot } from '../support/dovecot.ts';
import { attachmentMessage, manyRecipientsMessage, POLISH_SUBJECT, polishMessage, simpleMessage } from '../support/mail-fixtures.ts';
import { MemoryMailStore } from '../support/memory-mail-store.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const missing = dovecotMissing();
if (missing) console.warn(missing);
const suite = missing ? describe.skip : describe;

suite('IMAP sync against Dovecot', () => {
  let dovecot: Dovecot;
  const admins = new Map<string, ImapFlow>();

  beforeAll(async () => {
    dovecot = await startDovecot();
    for (const { user, password } of dovecot.users) {
      const client = new ImapFlow({
        host: dovecot.host,
        port: dovecot.port,
        secure: false,
        auth: { user, pass: password },
        logger: false,
        disableAutoIdle: true,
      });
      await client.connect();
      admins.set(user, client);
    }
  });

  afterAll(async () => {
    for (const client of admins.values()) await client.logout().catch(() => client.close());
    await dovecot?.stop();
  });

  const admin = (user: string) => admins.get(user)!;
  const password = (user: string) => dovecot.users.find((u) => u.user === user)!.password;
  const account = (id: string, user: string, mailboxes: string[], extra: Partial<ImapAccount> = {}): ImapAccount => ({
    id,
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    user,
    password: password(user),
    mailboxes,
    ...extra,
  });
  async function folder(user: string, name: string) {
    await admin(user)
      .mailboxCreate(name)
      .catch(() => undefined);
    return name;
  }
  async function append(user: string, mailbox: string, raws: Buffer[], date?: Date) {
    const uids: number[] = [];
    for (const raw of raws) {
      const result = await admin(user).append(mailbox, raw, [], date);
      if (result) uids.push(result.uid ?? 0);
    }
    return uids;
  }
  const oneLocationEach = (store: MemoryMailStore) => [...store.messages.values()].every((m) => m.locations.size === 1);

  it('syncs the window first, then only new UIDs, and mirrors flags and expunges without deleting mail', async () => {
    const box = await folder('alice', 'Okno');
    const old = new Date(Date.now() - 200 * 86_400_000);
    await append('alice', box, [simpleMessage({ subject: 'stara', date: old })], old);
    await append(
      'alice',
      box,
      [1, 2, 3].map((i) => simpleMessage({ subject: `nowa ${i}` })),
    );
    const store = new MemoryMailStore();
    const sync = createImapSync(account('a-window', 'alice', [box], { windowDays: 90 }), store);
    const [first] = await sync.syncOnce();
    expect(first).toMatchObject({ kind: 'full', fetched: 3, created: 3 });
    expect([...store.messages.values()].map((m) => m.message.subject).sort()).toEqual(['nowa 1', 'nowa 2', 'nowa 3']);

    const [quiet] = await sync.syncOnce();
    expect(quiet!.kind).toBe('unchanged');

    const [uid4] = await append('alice', box, [simpleMessage({ subject: 'nowa 4' })]);
    await admin('alice').mailboxOpen(box);
    await admin('alice').messageFlagsAdd({ uid: String(uid4! - 1) }, ['\\Seen'], { uid: true });
    const [second] = await sync.syncOnce();
    expect(second).toMatchObject({ kind: 'incremental', fetched: 1, created: 1 });
    expect(second!.flagsUpdated).toBeGreaterThanOrEqual(1);
    const seen = [...store.messages.values()].find((m) => m.message.subject === 'nowa 3')!;
    expect([...seen.locations.values()][0]!.flags).toContain('\\Seen');

    await admin('alice').messageDelete({ uid: String(uid4) }, { uid: true });
    const [third] = await sync.syncOnce();
    expect(third!.vanished).toBe(1);
    expect(store.messages.size).toBe(4); // Tessera keeps the mail; only its location went away
    expect(store.inMailbox('a-window', box)).toHaveLength(3);
  });

  it('restarts mid-sync without losing or doubling anything (crash while saving, crash before the cursor)', async () => {
    const box = await folder('alice', 'Hurt');
    await append(
      'alice',
      box,
      Array.from({ length: 120 }, (_, i) => simpleMessage({ subject: `hurt ${i}`, body: `treść ${i}` })),
    );
    const store = new MemoryMailStore();
    const acc = account('a-crash', 'alice', [box]);
    let saves = 0;
    store.beforeSave = () => {
      if (++saves === 51) throw new Error('simulated crash');
    };
    await expect(createImapSync(acc, store, { batchSize: 40 }).syncOnce()).rejects.toThrow('simulated crash');
    expect(store.messages.size).toBe(50);
    store.beforeSave = null;

    // Crash between storing a batch and moving the cursor past it.
    const setCursor = store.setCursor.bind(store);
    let cursorCalls = 0;
    store.setCursor = async (...args) => {
      if (++cursorCalls === 2) throw new Error('crash before cursor');
      return setCursor(...args);
    };
    await expect(createImapSync(acc, store, { batchSize: 40 }).syncOnce()).rejects.toThrow('crash before cursor');
    store.setCursor = setCursor;

    const reports = await createImapSync(acc, store, { batchSize: 40 }).syncOnce();
    expect(store.messages.size).toBe(120);
    expect(oneLocationEach(store)).toBe(true);
    expect(new Set([...store.messages.values()].map((m) => m.message.subject)).size).toBe(120);
    // Already-stored messages are not downloaded again: only the ones never stored were fetched.
    expect(reports[0]!.created).toBe(reports[0]!.fetched);
    // 50 + 30 + 40 saves over the three runs: no message was saved twice.
    expect(store.saveCalls).toBe(120);
  });

  it('goes on with the other folders when the server refuses one (deleted or renamed)', async () => {
    const box = await folder('alice', 'Istniejacy');
    await append('alice', box, [simpleMessage({ subject: 'jest' })]);
    const store = new MemoryMailStore();
    const reports = await createImapSync(account('a-missing', 'alice', ['Usuniety', box]), store).syncOnce();
    expect(reports.map((r) => [r.mailbox, r.kind])).toEqual([
      ['Usuniety', 'unavailable'],
      [box, 'full'],
    ]);
    expect(reports[0]!.error).toMatch(/exist/i);
    expect(store.messages.size).toBe(1);
  });

  it('resyncs after a UIDVALIDITY change without duplicates', async () => {
    const name = 'Projekty';
    await folder('alice', name);
    const raws = Array.from({ length: 5 }, (_, i) =>
      simpleMessage({ messageId: `proj-${i}@klient.example`, subject: `projekt ${i}`, date: new Date('2026-12-01T10:00:00Z') }),
    );
    await append('alice', name, raws);
    const store = new MemoryMailStore();
    const sync = createImapSync(account('a-uidv', 'alice', [name]), store);
    const [before] = await sync.syncOnce();
    // Recreating the folder gives it a new UIDVALIDITY (as a server restore or migration does).
    await admin('alice').mailboxDelete(name);
    await admin('alice').mailboxCreate(name);
    await append('alice', name, [...raws, simpleMessage({ subject: 'projekt nowy' })]);
    const [after] = await sync.syncOnce();
    expect(after!.uidValidity).not.toBe(before!.uidValidity);
    expect(after).toMatchObject({ kind: 'full', staleUidValidity: before!.uidValidity, fetched: 6, created: 1, relocated: 5 });
    expect(store.messages.size).toBe(6);
    expect(oneLocationEach(store)).toBe(true);
    for (const m of store.messages.values()) expect([...m.locations.values()][0]!.location.uidValidity).toBe(after!.uidValidity);
  });

  it('survives the connection dropping mid-FETCH: the failed pass keeps the cursor, the running sync reconnects with backoff', async () => {
    const box = await folder('bob', 'Zerwane');
    const sizes = Array.from({ length: 30 }, (_, i) => attachmentMessage(150_000, `drop-${i}@klient.example`).raw);
    await append('bob', box, sizes);
    const proxy = await startTcpProxy(dovecot.port);
    try {
      const store = new MemoryMailStore();
      const acc = account('b-drop', 'bob', [box], { port: proxy.port });
      proxy.cutAfterBytes = 1_500_000;
      await expect(createImapSync(acc, store, { batchSize: 100 }).syncOnce()).rejects.toThrow();
      expect(proxy.cuts).toBe(1);
      const partial = store.messages.size;
      expect(partial).toBeLessThan(30);
      expect(store.cursors.get(`b-drop\0${box}`)?.lastUid ?? 0).toBe(0);

      // The long-running sync: the first connection is cut again mid-FETCH, then the link heals.
      const errors: string[] = [];
      const synced: MailboxSyncReport[] = [];
      const sync = createImapSync(acc, store, {
        batchSize: 100,
        backoff: { baseMs: 100, maxMs: 1000 },
        onError: (error) => {
          errors.push(error.message);
          proxy.cutAfterBytes = null;
        },
        onSynced: (report) => synced.push(report),
      });
      sync.start();
      try {
        await store.waitFor(() => store.messages.size === 30, 30_000);
      } finally {
        await sync.stop();
      }
      expect(errors.length).toBeGreaterThanOrEqual(1);
      expect(proxy.cuts).toBeGreaterThanOrEqual(2);
      expect(store.messages.size).toBe(30);
      expect(oneLocationEach(store)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('stores a message with a 25 MB attachment intact', async () => {
    const box = await folder('bob', 'Duze');
    const { raw, attachment } = attachmentMessage(25 * 1024 * 1024);
    await append('bob', box, [raw]);
    const store = new MemoryMailStore();
    const started = performance.now();
    const [report] = await createImapSync(account('b-big', 'bob', [box]), store).syncOnce();
    const ms = performance.now() - started;
    console.log(`25 MB attachment (${(raw.length / 1048576).toFixed(1)} MB raw): synced in ${ms.toFixed(0)} ms`);
    expect(report).toMatchObject({ fetched: 1, created: 1 });
    const stored = [...store.messages.values()][0]!.message;
    expect(stored.attachments[0]!.size).toBe(attachment.length);
    expect(stored.attachments[0]!.sha256).toBe(createHash('sha256').update(attachment).digest('hex'));
  });

  it('stores a message with 500 recipients, and Polish mail in ISO-8859-2 and windows-1250', async () => {
    const box = await folder('alice', 'Rozne');
    await append('alice', box, [manyRecipientsMessage(500), polishMessage('iso-8859-2'), polishMessage('windows-1250')]);
    const store = new MemoryMailStore();
    await createImapSync(account('a-odd', 'alice', [box]), store).syncOnce();
    const messages = [...store.messages.values()].map((m) => m.message);
    expect(messages.find((m) => m.subject === 'Newsletter grudzień')!.to).toHaveLength(500);
    const polish = messages.filter((m) => m.subject === POLISH_SUBJECT);
    expect(polish).toHaveLength(2);
    for (const m of polish) expect(m.from[0]!.name).toBe('Łucja Żółkiewska');
  });

  it('keeps one message with several locations: two folders of one account and a second account', async () => {
    const raw = simpleMessage({
      messageId: 'shared-1@klient.example',
      subject: 'Do wszystkich',
      date: new Date('2026-12-02T08:00:00Z'),
      extraHeaders: ['Delivered-To: alice@firma.example'],
    });
    const rawBob = Buffer.from(
      raw.toString().replace('Delivered-To: alice@firma.example', 'Received: from mx2 by firma.example\r\nDelivered-To: bob@firma.example'),
    );
    const aliceBox = await folder('alice', 'Wspolne');
    const aliceArchive = await folder('alice', 'Archiwum');
    const bobBox = await folder('bob', 'Wspolne');
    await append('alice', aliceBox, [raw]);
    await append('alice', aliceArchive, [raw]);
    await append('bob', bobBox, [rawBob]);
    const store = new MemoryMailStore();
    await createImapSync(account('alice', 'alice', [aliceBox, aliceArchive]), store).syncOnce();
    await createImapSync(account('bob', 'bob', [bobBox]), store).syncOnce();
    expect(store.messages.size).toBe(1);
    const [message] = [...store.messages.values()];
    expect([...message!.locations.values()].map((l) => `${l.location.account}/${l.location.mailbox}`).sort()).toEqual([
      'alice/Archiwum',
      'alice/Wspolne',
      'bob/Wspolne',
    ]);
  });

  it('delivers new mail in the IDLE-watched folder within 2 s (p95)', async () => {
    const watched = await folder('bob', 'Skrzynka');
    const store = new MemoryMailStore();
    // Polling far away, so only IDLE can bring the mail in.
    const sync = createImapSync(account('b-idle', 'bob', [watched]), store, { pollIntervalMs: 600_000 });
    sync.start();
    const latencies: number[] = [];
    try {
      await until(() => store.cursors.has(`b-idle\0${watched}`));
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (let i = 0; i < 10; i++) {
        const subject = `idle ${i}`;
        const arrived = store.waitFor((m) => m.message.subject === subject, 10_000);
        const sent = performance.now();
        await append('bob', watched, [simpleMessage({ subject })]);
        const stored = await arrived;
        latencies.push(stored.savedAt - sent);
      }
    } finally {
      await sync.stop();
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const p95 = sorted[Math.ceil(sorted.length * 0.95) - 1]!;
    console.log(
      `IDLE delivery latency over ${sorted.length} messages: min ${sorted[0]!.toFixed(0)} ms, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`,
    );
    expect(p95).toBeLessThan(2000);
  });

  it('polls the folders that are not watched', async () => {
    const watched = await folder('bob', 'Glowna');
    const other = await folder('bob', 'Inny');
    const store = new MemoryMailStore();
    const synced: MailboxSyncReport[] = [];
    const sync = createImapSync(account('b-poll', 'bob', [watched, other]), store, { pollIntervalMs: 300, onSynced: (report) => synced.push(report) });
    sync.start();
    try {
      await until(() => store.cursors.has(`b-poll\0${other}`));
      const polled = store.waitFor((m) => m.message.subject === 'w innym folderze', 10_000);
      await append('bob', other, [simpleMessage({ subject: 'w innym folderze' })]);
      await polled;
    } finally {
      await sync.stop();
    }
    expect(synced.filter((r) => r.mailbox === other && r.created === 1)).toHaveLength(1);
    expect(store.messages.size).toBe(1);
  });
});
