// IMAP → MailStore with imapflow, keyed by (account, mailbox, UIDVALIDITY, UID).
//
// Guarantees (see docs/email.md): a message is stored before the cursor passes it, so a crash or a
// dropped connection at any point loses nothing (the next run resumes from the cursor); storing is
// idempotent by location and by dedupe key, so re-fetching after such a crash, a UIDVALIDITY change or
// the same message in another folder/account doubles nothing. Mail on the server is only ever read
// (EXAMINE, BODY.PEEK): flags and deletions stay the mailbox's business.
import { ImapFlow, type FetchMessageObject, type ImapFlowOptions, type MailboxObject } from 'imapflow';
import { parseMessage } from './message-parse.ts';
import type { BatchItem, ImapAccount, MailboxRef, MailStore } from './ports.ts';
import { backoffDelay, DEFAULT_BACKOFF, planMailboxSync, sequenceSet, statusShowsChange, uidBatches, vanishedUids, type BackoffPolicy } from './sync-state.ts';

/** Bytes of fetched mail one store transaction takes at most (a batch closes early for large mail). */
const BATCH_BYTES = 32 * 1024 * 1024;

export interface MailboxSyncReport {
  readonly account: string;
  readonly mailbox: string;
  readonly uidValidity: bigint;
  /** `unavailable`: the server refused the folder (NO: deleted, renamed, no rights); the others went on. */
  readonly kind: 'full' | 'incremental' | 'unchanged' | 'unavailable';
  /** The server's answer when `unavailable`. */
  readonly error?: string;
  /** Messages downloaded. */
  readonly fetched: number;
  /** New messages stored. */
  readonly created: number;
  /** Downloaded messages that already existed elsewhere (one more location). */
  readonly relocated: number;
  readonly flagsUpdated: number;
  readonly vanished: number;
  readonly staleUidValidity: bigint | null;
  readonly ms: number;
}

export interface ImapSyncOptions {
  /** UIDs per FETCH. Default 100. */
  readonly batchSize?: number;
  /** How often folders other than the watched one are polled (STATUS). Default 60 s. */
  readonly pollIntervalMs?: number;
  /** IDLE is restarted this often (servers drop IDLE after ~30 min). Default 10 min. */
  readonly maxIdleMs?: number;
  readonly backoff?: BackoffPolicy;
  readonly now?: () => Date;
  /** Overrides of the connection (tests: a proxy's port, timeouts). */
  readonly connection?: Partial<Pick<ImapFlowOptions, 'host' | 'port' | 'socketTimeout' | 'connectionTimeout' | 'greetingTimeout'>>;
  readonly onSynced?: (report: MailboxSyncReport) => void;
  /** A connection failed; the sync retries after `retryInMs`. */
  readonly onError?: (error: Error, attempt: number, retryInMs: number) => void;
}

export interface ImapSync {
  /** One pass over every configured folder on a fresh connection; throws when it cannot complete. */
  syncOnce(): Promise<MailboxSyncReport[]>;
  /** Runs until `stop()`: sync, IDLE on the watched folder, poll the others, reconnect with backoff. */
  start(): void;
  stop(): Promise<void>;
}

export function createImapSync(account: ImapAccount, store: MailStore, options: ImapSyncOptions = {}): ImapSync {
  const batchSize = options.batchSize ?? 100;
  const now = options.now ?? (() => new Date());
  const watch = account.watch ?? account.mailboxes[0] ?? 'INBOX';
  let stopped = true;
  let running: Promise<void> | null = null;
  let current: ImapFlow | null = null;
  let wake: (() => void) | null = null;
  let stopSleep: (() => void) | null = null;

  const newClient = () =>
    new ImapFlow({
      host: account.host,
      port: account.port,
      secure: account.secure,
      ...(account.requireTls ? { doSTARTTLS: true } : {}),
      auth: { user: account.user, pass: account.password },
      // TESSERA_IMAP_DEBUG=1 logs the IMAP conversation (credentials are masked by imapflow).
      logger: process.env.TESSERA_IMAP_DEBUG ? (console as never) : false,
      // IDLE is started explicitly on the watched folder only, never between two commands of a sync.
      disableAutoIdle: true,
      qresync: true,
      maxIdleTime: options.maxIdleMs ?? 10 * 60_000,
      ...options.connection,
    });

  async function syncMailbox(client: ImapFlow, mailbox: string): Promise<MailboxSyncReport> {
    const started = performance.now();
    // An already-selected mailbox (the IDLE-watched one) has a stale UIDNEXT: EXISTS does not update it.
    // Selecting it afresh costs one round trip and gives current UIDNEXT and HIGHESTMODSEQ.
    if (client.mailbox && client.mailbox.path === mailbox) await client.mailboxClose();
    const lock = await client.getMailboxLock(mailbox, { readOnly: true });
    try {
      const box = client.mailbox as MailboxObject;
      const ref: MailboxRef = { account: account.id, mailbox, uidValidity: box.uidValidity };
      const cursor = await store.cursor(account.id, mailbox);
      const plan = planMailboxSync(cursor, box, now(), account.windowDays ?? 90);
      let staleUidValidity: bigint | null = null;
      let uids: number[];
      let lastUid: number;
      let flagsUpdated = 0;
      let vanished = 0;
      if (plan.kind === 'full') {
        staleUidValidity = plan.staleUidValidity;
        // The old UIDVALIDITY's locations are void. Their messages stay; re-fetched ones find them by dedupe key.
        if (staleUidValidity !== null) await store.removeLocations({ ...ref, uidValidity: staleUidValidity });
        uids = box.exists ? (await client.search({ since: plan.since }, { uid: true })) || [] : [];
        lastUid = 0;
      } else {
        if (!plan.changed) {
          return {
            account: account.id,
            mailbox,
            uidValidity: box.uidValidity,
            kind: 'unchanged',
            fetched: 0,
            created: 0,
            relocated: 0,
            flagsUpdated: 0,
            vanished: 0,
            staleUidValidity: null,
            ms: performance.now() - started,
          };
        }
        lastUid = plan.fromUid - 1;
        uids = plan.newMessages && box.exists ? ((await client.search({ uid: `${plan.fromUid}:*` }, { uid: true })) || []).filter((uid) => uid > lastUid) : [];
        ({ flagsUpdated, vanished } = await reconcile(client, ref, lastUid, plan.flagsChangedSince));
      }
      let fetched = 0;
      let created = 0;
      let relocated = 0;
      for (const batch of uidBatches(uids, batchSize)) {
        const wanted: number[] = [];
        for (const uid of batch) if (!(await store.hasLocation({ ...ref, uid }))) wanted.push(uid);
        if (wanted.length) {
          // Parsed as they arrive, stored together (one transaction per fetch batch where the store
          // can), or each at once by a store that saves one by one.
          const pending: BatchItem[] = [];
          let pendingBytes = 0;
          const flush = async () => {
            const items = pending.splice(0);
            pendingBytes = 0;
            const outcomes = store.saveMessages ? await store.saveMessages(items) : [];
            if (!store.saveMessages) for (const item of items) outcomes.push(await store.saveMessage(item.message, item.location, item.flags));
            fetched += outcomes.length;
            for (const outcome of outcomes) {
              if (outcome.created) created++;
              else relocated++;
            }
          };
          for await (const message of client.fetch(sequenceSet(wanted), { uid: true, flags: true, source: true }, { uid: true })) {
            pending.push(await parsed(ref, message));
            pendingBytes += message.source?.length ?? 0;
            // Large mail is not held in memory by the dozen: a batch closes at BATCH_BYTES.
            if (!store.saveMessages || pendingBytes >= BATCH_BYTES) await flush();
          }
          // imapflow ends the iterator quietly when the connection goes away mid-FETCH: the batch is then
          // incomplete and the cursor must not pass it (what arrived whole is stored).
          await flush();
          if (!client.usable) throw new Error(`connection lost while fetching ${mailbox}`);
        }
        lastUid = Math.max(lastUid, batch.at(-1)!);
        await store.setCursor(account.id, mailbox, {
          uidValidity: box.uidValidity,
          lastUid,
          highestModseq: cursor?.uidValidity === box.uidValidity ? cursor.highestModseq : null,
        });
      }
      // Everything below UIDNEXT (as of SELECT) was either fetched or deliberately left out (outside the
      // window, or expunged meanwhile), so the cursor may move there; the modseq is recorded only now,
      // when flag changes up to it are mirrored.
      lastUid = Math.max(lastUid, box.uidNext - 1);
      await store.setCursor(account.id, mailbox, { uidValidity: box.uidValidity, lastUid, highestModseq: box.highestModseq ?? null });
      return {
        account: account.id,
        mailbox,
        uidValidity: box.uidValidity,
        kind: plan.kind,
        fetched,
        created,
        relocated,
        flagsUpdated,
        vanished,
        staleUidValidity,
        ms: performance.now() - started,
      };
    } finally {
      lock.release();
    }
  }

  async function parsed(ref: MailboxRef, message: FetchMessageObject): Promise<BatchItem> {
    if (!message.source) throw new Error(`server sent no body for UID ${message.uid}`);
    return { message: await parseMessage(message.source), location: { ...ref, uid: message.uid }, flags: [...(message.flags ?? [])] };
  }

  /** Flags changed since the last modseq, and locations of messages no longer on the server. */
  async function reconcile(
    client: ImapFlow,
    ref: MailboxRef,
    lastUid: number,
    changedSince: bigint | null,
  ): Promise<{ flagsUpdated: number; vanished: number }> {
    let flagsUpdated = 0;
    if (lastUid > 0) {
      const query = changedSince !== null ? { uid: true, changedSince } : { uid: true };
      for await (const message of client.fetch(`1:${lastUid}`, { uid: true, flags: true }, query)) {
        if (message.uid > lastUid) continue;
        await store.setFlags({ ...ref, uid: message.uid }, [...(message.flags ?? [])]);
        flagsUpdated++;
      }
      if (!client.usable) throw new Error(`connection lost while reading flags of ${ref.mailbox}`);
    }
    const stored = await store.locatedUids(ref);
    const present = stored.length ? (await client.search({ all: true }, { uid: true })) || [] : [];
    const gone = vanishedUids(stored, present);
    if (gone.length) await store.removeLocations(ref, gone);
    return { flagsUpdated, vanished: gone.length };
  }

  async function connect(): Promise<ImapFlow> {
    const client = newClient();
    // An 'error' without a listener would crash the process; the close that follows is what the loop reacts to.
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  async function syncAll(client: ImapFlow, mailboxes: readonly string[]): Promise<MailboxSyncReport[]> {
    const reports: MailboxSyncReport[] = [];
    for (const mailbox of mailboxes) {
      let report: MailboxSyncReport;
      try {
        report = await syncMailbox(client, mailbox);
      } catch (error) {
        // A folder the server refuses (NO) must not hold up the others; anything else (the connection,
        // the store) ends the pass and the cursor-based resume takes over.
        if ((error as { responseStatus?: string }).responseStatus !== 'NO' || !client.usable) throw error;
        const text = (error as { responseText?: string }).responseText ?? (error as Error).message;
        report = {
          account: account.id,
          mailbox,
          uidValidity: 0n,
          kind: 'unavailable',
          error: text,
          fetched: 0,
          created: 0,
          relocated: 0,
          flagsUpdated: 0,
          vanished: 0,
          staleUidValidity: null,
          ms: 0,
        };
      }
      reports.push(report);
      options.onSynced?.(report);
    }
    return reports;
  }

  async function syncOnce(): Promise<MailboxSyncReport[]> {
    const client = await connect();
    try {
      return await syncAll(client, account.mailboxes);
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      stopSleep = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function session(client: ImapFlow, reset: () => void): Promise<void> {
    const dirty = new Set<string>(account.mailboxes);
    let signal: (() => void) | null = null;
    const nudge = () => signal?.();
    wake = nudge;
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.on('exists', (event) => {
      if (event.path === watch) dirty.add(watch);
      nudge();
    });
    client.on('flags', () => {
      dirty.add(watch);
      nudge();
    });
    client.on('expunge', () => {
      dirty.add(watch);
      nudge();
    });
    let nextPoll = Date.now() + (options.pollIntervalMs ?? 60_000);
    while (!stopped && client.usable) {
      const pending = [...dirty];
      dirty.clear();
      if (pending.length) await syncAll(client, pending);
      reset();
      if (Date.now() >= nextPoll) {
        nextPoll = Date.now() + (options.pollIntervalMs ?? 60_000);
        for (const mailbox of account.mailboxes) {
          if (mailbox === watch) continue;
          // A refused STATUS (folder gone) marks the folder for a sync, which reports it `unavailable`.
          const status = await client.status(mailbox, { uidNext: true, uidValidity: true, highestModseq: true }).catch((error: { responseStatus?: string }) => {
            if (error.responseStatus === 'NO' && client.usable) return false as const;
            throw error;
          });
          if (!status || statusShowsChange(await store.cursor(account.id, mailbox), status)) dirty.add(mailbox);
        }
        if (dirty.size) continue;
      }
      if (!client.mailbox || client.mailbox.path !== watch) await client.mailboxOpen(watch, { readOnly: true });
      if (dirty.size || stopped) continue;
      const woken = new Promise<void>((resolve) => (signal = resolve));
      // idle() resolves when the next command breaks it; imapflow falls back to NOOP polling without IDLE.
      const idling = client.idle().catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const pollDue = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, nextPoll - Date.now()))));
      await Promise.race([woken, pollDue, closed]);
      clearTimeout(timer);
      signal = null;
      if (client.usable && !stopped) {
        // A NOOP breaks IDLE and collects anything the server still has to say before the next sync.
        await client.noop();
      }
      await idling;
    }
    if (!stopped) throw new Error(client.byeReason ? `server closed the connection: ${client.byeReason}` : 'connection closed');
  }

  async function run(): Promise<void> {
    let attempt = 0;
    while (!stopped) {
      try {
        current = await connect();
        await session(current, () => (attempt = 0));
      } catch (error) {
        if (stopped) break;
        const delay = backoffDelay(attempt, options.backoff ?? DEFAULT_BACKOFF);
        options.onError?.(error as Error, attempt, delay);
        attempt++;
        current?.close();
        current = null;
        await sleep(delay);
      }
    }
  }

  return {
    syncOnce,
    start() {
      if (!stopped) return;
      stopped = false;
      running = run();
    },
    async stop() {
      stopped = true;
      wake?.();
      stopSleep?.();
      const client = current;
      if (client?.usable) await client.logout().catch(() => client.close());
      else client?.close();
      await running;
      running = null;
    },
  };
}
