// Connections the `email` channel keeps per account in this process: a pooled SMTP transport and one
// IMAP connection for APPENDs to Sent, so a mail merge does not log in twice per message. A changed
// account (other host, user or password) gets new ones; the connector's stop closes them all.
import { createHash } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import type { MailAccount } from './accounts.ts';
import type { ComposedMessage, SentCopy, SmtpSender } from './smtp-send.ts';
import { createSmtpSender } from './smtp-send.ts';

interface Entry {
  readonly key: string;
  readonly sender: SmtpSender | null;
  imap: Promise<ImapFlow> | null;
}

const keyOf = (account: MailAccount) => createHash('sha256').update(JSON.stringify([account.smtp, account.imap])).digest('hex');

export class SendConnections {
  readonly #entries = new Map<string, Entry>();

  #entry(account: MailAccount): Entry {
    const key = keyOf(account);
    const current = this.#entries.get(account.id);
    if (current?.key === key) return current;
    if (current) this.#dispose(current);
    const entry: Entry = { key, sender: account.smtp ? createSmtpSender(account.smtp, { pool: true, maxConnections: 2 }) : null, imap: null };
    this.#entries.set(account.id, entry);
    return entry;
  }

  sender(account: MailAccount): SmtpSender {
    const sender = this.#entry(account).sender;
    if (!sender) throw new Error(`the mail account ${account.name} has no SMTP server`);
    return sender;
  }

  /** APPENDs (\Seen) to the account's Sent folder over the kept connection, reconnecting when it went away. */
  async append(account: MailAccount, message: ComposedMessage, mailbox: string): Promise<SentCopy> {
    const entry = this.#entry(account);
    const imap = account.imap;
    if (!imap) throw new Error(`the mail account ${account.name} has no IMAP server`);
    let client = entry.imap ? await entry.imap.catch(() => null) : null;
    if (!client?.usable) {
      entry.imap = (async () => {
        const fresh = new ImapFlow({ host: imap.host, port: imap.port, secure: imap.secure, auth: { user: imap.user, pass: imap.password }, logger: false, disableAutoIdle: true });
        fresh.on('error', () => undefined);
        await fresh.connect();
        return fresh;
      })();
      client = await entry.imap;
    }
    const result = await client.append(mailbox, message.raw, ['\\Seen']);
    if (!result) throw new Error(`the server did not take the message into ${mailbox}`);
    return { mailbox: result.destination ?? mailbox, uid: result.uid ?? null, uidValidity: result.uidValidity ?? null };
  }

  #dispose(entry: Entry): void {
    entry.sender?.close();
    void entry.imap?.then((client) => client.logout().catch(() => client.close())).catch(() => undefined);
  }

  async close(): Promise<void> {
    for (const entry of this.#entries.values()) this.#dispose(entry);
    this.#entries.clear();
  }
}

/** This process's connections (one per process: outbox sends run in every process with workers). */
export const sendConnections = new SendConnections();
