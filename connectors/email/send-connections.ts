// Connections the `email` channel keeps per account in this process: a pooled SMTP transport and a
// few IMAP connections for APPENDs to Sent (an IMAP connection runs one command at a time, and the
// APPEND round trip was most of a merge's time with one), so a mail merge does not log in twice per
// message. A changed account (other host, user or password) gets new ones; the connector's stop
// closes them all.
import { createHash } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import type { MailAccount } from './accounts.ts';
import type { ComposedMessage, SentCopy, SmtpSender } from './smtp-send.ts';
import { createSmtpSender } from './smtp-send.ts';

/** One kept IMAP connection and the APPENDs waiting on it. */
interface ImapLane {
  client: Promise<ImapFlow> | null;
  busy: number;
}

interface Entry {
  readonly key: string;
  readonly sender: SmtpSender | null;
  readonly imap: ImapLane[];
}

/** SMTP connections per account (nodemailer's pool; a connection is reused for this many messages). */
export const SMTP_CONNECTIONS = 4;
const SMTP_MESSAGES_PER_CONNECTION = 1000;
/** IMAP connections per account for APPENDs to Sent. */
export const APPEND_CONNECTIONS = 4;

const keyOf = (account: MailAccount) => createHash('sha256').update(JSON.stringify([account.smtp, account.imap])).digest('hex');

export class SendConnections {
  readonly #entries = new Map<string, Entry>();

  #entry(account: MailAccount): Entry {
    const key = keyOf(account);
    const current = this.#entries.get(account.id);
    if (current?.key === key) return current;
    if (current) void this.#dispose(current);
    const entry: Entry = {
      key,
      sender: account.smtp ? createSmtpSender(account.smtp, { pool: true, maxConnections: SMTP_CONNECTIONS, maxMessages: SMTP_MESSAGES_PER_CONNECTION }) : null,
      imap: Array.from({ length: APPEND_CONNECTIONS }, () => ({ client: null, busy: 0 })),
    };
    this.#entries.set(account.id, entry);
    return entry;
  }

  sender(account: MailAccount): SmtpSender {
    const sender = this.#entry(account).sender;
    if (!sender) throw new Error(`the mail account ${account.name} has no SMTP server`);
    return sender;
  }

  /**
   * APPENDs (\Seen) to the account's Sent folder over the least busy kept connection (opened when
   * first needed, reopened when it went away).
   */
  async append(account: MailAccount, message: ComposedMessage, mailbox: string): Promise<SentCopy> {
    const entry = this.#entry(account);
    const imap = account.imap;
    if (!imap) throw new Error(`the mail account ${account.name} has no IMAP server`);
    const lane = entry.imap.reduce((best, l) => (l.busy < best.busy || (l.busy === best.busy && l.client !== null && best.client === null) ? l : best));
    lane.busy++;
    try {
      const kept = lane.client;
      let client = kept ? await kept.catch(() => null) : null;
      // Another APPEND on this lane may have reopened it meanwhile.
      if (!client?.usable && lane.client !== kept) client = await lane.client!.catch(() => null);
      if (!client?.usable) {
        lane.client = (async () => {
          const fresh = new ImapFlow({ host: imap.host, port: imap.port, secure: imap.secure, auth: { user: imap.user, pass: imap.password }, logger: false, disableAutoIdle: true });
          fresh.on('error', () => undefined);
          await fresh.connect();
          return fresh;
        })();
        client = await lane.client;
      }
      const result = await client.append(mailbox, message.raw, ['\\Seen']);
      if (!result) throw new Error(`the server did not take the message into ${mailbox}`);
      return { mailbox: result.destination ?? mailbox, uid: result.uid ?? null, uidValidity: result.uidValidity ?? null };
    } finally {
      lane.busy--;
    }
  }

  /** The IMAP connections held open for an account's APPENDs (for tests and health). */
  appendConnections(accountId: string): number {
    return this.#entries.get(accountId)?.imap.filter((lane) => lane.client !== null).length ?? 0;
  }

  #dispose(entry: Entry): Promise<void> {
    entry.sender?.close();
    return Promise.all(entry.imap.map((lane) => lane.client?.then((client) => client.logout().catch(() => client.close())).catch(() => undefined))).then(() => undefined);
  }

  async close(): Promise<void> {
    const closing = [...this.#entries.values()].map((entry) => this.#dispose(entry));
    this.#entries.clear();
    await Promise.all(closing);
  }
}

/** This process's connections (one per process: outbox sends run in every process with workers). */
export const sendConnections = new SendConnections();
