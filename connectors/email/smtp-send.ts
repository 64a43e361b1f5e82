// Outgoing mail: compose (pure: a draft → nodemailer message options, threading headers for replies),
// build the raw RFC 5322 bytes once (the same bytes go to SMTP and to the Sent folder, so the sync later
// finds the Sent copy by its dedupe key instead of storing it twice), send with per-recipient outcomes,
// and APPEND to the Sent folder.
import { randomBytes } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import type { MailAddress } from './message.ts';
import type { ImapAccount, SmtpAccount } from './ports.ts';

export interface DraftAttachment {
  readonly filename: string;
  readonly content: Buffer;
  readonly contentType?: string;
  /** Set to show the part inline from the HTML body as `cid:<contentId>`. */
  readonly contentId?: string;
}

/** What the reply is to: the parent's identity as stored. */
export interface ReplyParent {
  readonly messageId: string | null;
  readonly references: readonly string[];
  readonly subject: string;
}

/** A text/calendar part: METHOD (REQUEST, REPLY, CANCEL) and the VCALENDAR text carrying the same METHOD. */
export interface CalendarPart {
  readonly method: 'REQUEST' | 'REPLY' | 'CANCEL';
  readonly content: string;
}

export interface Draft {
  readonly from: MailAddress;
  readonly to: readonly MailAddress[];
  readonly cc?: readonly MailAddress[];
  readonly bcc?: readonly MailAddress[];
  readonly replyTo?: MailAddress;
  readonly subject: string;
  readonly text?: string;
  readonly html?: string;
  readonly attachments?: readonly DraftAttachment[];
  readonly inReplyTo?: ReplyParent;
  /** Extra headers (e.g. List-Unsubscribe for serial mail, X-Tessera-Record). */
  readonly headers?: Readonly<Record<string, string>>;
  /** An iCalendar part (iTIP, RFC 6047: a meeting invitation): sent as the text/calendar alternative with its METHOD. */
  readonly calendar?: CalendarPart;
  /** Fixed for reproducible output; generated when absent. */
  readonly messageId?: string;
  readonly date?: Date;
}

const formatAddress = (a: MailAddress): Mail.Address => ({ name: a.name, address: a.address });

/** Reply subject: one "Re: " in front of the parent's subject, whatever prefixes it had. */
export function replySubject(parentSubject: string): string {
  const trimmed = parentSubject.trim();
  return /^re\s*:/i.test(trimmed) ? trimmed : `Re: ${trimmed}`;
}

/** References of a reply: the parent's references plus the parent (RFC 5322 §3.6.4). */
export function replyReferences(parent: ReplyParent): string[] {
  const references = [...parent.references];
  if (parent.messageId && !references.includes(parent.messageId)) references.push(parent.messageId);
  return references;
}

export function newMessageId(fromAddress: string): string {
  const domain = fromAddress.split('@')[1] || 'tessera.invalid';
  return `${randomBytes(12).toString('hex')}@${domain}`;
}

/** The draft as nodemailer message options. Pure except for the generated Message-ID when none is given. */
export function composeOptions(draft: Draft): Mail.Options & { messageId: string } {
  const messageId = draft.messageId ?? newMessageId(draft.from.address);
  const parent = draft.inReplyTo;
  const references = parent ? replyReferences(parent) : [];
  return {
    from: formatAddress(draft.from),
    to: draft.to.map(formatAddress),
    ...(draft.cc?.length ? { cc: draft.cc.map(formatAddress) } : {}),
    ...(draft.bcc?.length ? { bcc: draft.bcc.map(formatAddress) } : {}),
    ...(draft.replyTo ? { replyTo: formatAddress(draft.replyTo) } : {}),
    subject: draft.subject,
    ...(draft.text !== undefined ? { text: draft.text } : {}),
    ...(draft.html !== undefined ? { html: draft.html } : {}),
    attachments: (draft.attachments ?? []).map((a) => ({
      filename: a.filename,
      content: a.content,
      ...(a.contentType ? { contentType: a.contentType } : {}),
      ...(a.contentId ? { cid: a.contentId } : {}),
    })),
    messageId: `<${messageId}>`,
    date: draft.date ?? new Date(),
    ...(parent?.messageId ? { inReplyTo: `<${parent.messageId}>` } : {}),
    ...(references.length ? { references: references.map((r) => `<${r}>`) } : {}),
    ...(draft.headers ? { headers: { ...draft.headers } } : {}),
    ...(draft.calendar ? { icalEvent: { method: draft.calendar.method, content: draft.calendar.content } } : {}),
  };
}

export interface ComposedMessage {
  readonly messageId: string;
  /** Bcc recipients are in the envelope only: the raw message carries no Bcc header. */
  readonly raw: Buffer;
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
}

export async function composeMessage(draft: Draft): Promise<ComposedMessage> {
  const options = composeOptions(draft);
  const node = new MailComposer(options).compile();
  const raw = await node.build();
  const envelope = node.getEnvelope();
  return {
    messageId: options.messageId.slice(1, -1),
    raw,
    envelope: { from: envelope.from || draft.from.address, to: envelope.to.map((a) => a.toLowerCase()) },
  };
}

export type RecipientStatus = 'accepted' | 'rejected' | 'deferred';

export interface RecipientOutcome {
  readonly address: string;
  readonly status: RecipientStatus;
  /** SMTP reply code (e.g. 550 refused, 450 try later); null when accepted without a per-recipient reply. */
  readonly code: number | null;
  readonly response: string | null;
}

export interface SendResult {
  readonly messageId: string;
  readonly recipients: readonly RecipientOutcome[];
  /** The server's final reply to the message, when it took it for at least one recipient. */
  readonly response: string | null;
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  recipient?: string;
  rejectedErrors?: SmtpError[];
}

const statusOf = (code: number | undefined): RecipientStatus => (code !== undefined && code >= 400 && code < 500 ? 'deferred' : 'rejected');

export interface SmtpSender {
  /** Sends one composed message; never throws for the server refusing recipients or the message (see outcomes). */
  send(message: ComposedMessage): Promise<SendResult>;
  close(): void;
}

export function createSmtpSender(account: SmtpAccount, options: { pool?: boolean; maxConnections?: number; maxMessages?: number } = {}): SmtpSender {
  const transport = nodemailer.createTransport({
    host: account.host,
    port: account.port,
    secure: account.secure,
    // STARTTLS is used whenever offered; requireTls refuses to go on without it.
    ...(account.requireTls ? { requireTLS: true } : {}),
    ...(account.user ? { auth: { user: account.user, pass: account.password ?? '' } } : {}),
    ...(options.pool ? { pool: true, maxConnections: options.maxConnections ?? 2, maxMessages: options.maxMessages ?? 100 } : {}),
  });
  return {
    async send(message) {
      try {
        const info = await transport.sendMail({ envelope: { from: message.envelope.from, to: [...message.envelope.to] }, raw: message.raw });
        const errors = (info as { rejectedErrors?: SmtpError[] }).rejectedErrors ?? [];
        const byAddress = new Map(errors.map((e) => [String(e.recipient).toLowerCase(), e]));
        const recipients = message.envelope.to.map((address): RecipientOutcome => {
          const error = byAddress.get(address);
          return error
            ? { address, status: statusOf(error.responseCode), code: error.responseCode ?? null, response: error.response ?? null }
            : { address, status: 'accepted', code: null, response: null };
        });
        return { messageId: message.messageId, recipients, response: info.response ?? null };
      } catch (caught) {
        const error = caught as SmtpError;
        // All recipients refused at RCPT, or the message refused at DATA / connection failed: every
        // recipient gets the outcome (a 4xx or a network error is worth retrying, a 5xx is not).
        const perRecipient = new Map((error.rejectedErrors ?? []).map((e) => [String(e.recipient).toLowerCase(), e]));
        const network = error.responseCode === undefined;
        const recipients = message.envelope.to.map((address): RecipientOutcome => {
          const specific = perRecipient.get(address) ?? error;
          return {
            address,
            status: network ? 'deferred' : statusOf(specific.responseCode),
            code: specific.responseCode ?? null,
            response: specific.response ?? specific.message,
          };
        });
        return { messageId: message.messageId, recipients, response: null };
      }
    },
    close() {
      transport.close();
    },
  };
}

/** Where a sent message was filed. */
export interface SentCopy {
  readonly mailbox: string;
  readonly uid: number | null;
  readonly uidValidity: bigint | null;
}

/** APPENDs the raw message (flagged \Seen) to the account's Sent folder: the special-use one, else "Sent". */
export async function appendToSent(
  account: Pick<ImapAccount, 'host' | 'port' | 'secure' | 'requireTls' | 'user' | 'password'>,
  message: ComposedMessage,
  mailbox?: string,
): Promise<SentCopy> {
  const client = new ImapFlow({
    host: account.host,
    port: account.port,
    secure: account.secure,
    ...(account.requireTls ? { doSTARTTLS: true } : {}),
    auth: { user: account.user, pass: account.password },
    logger: false,
    disableAutoIdle: true,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const target = mailbox ?? (await client.list()).find((box) => box.specialUse === '\\Sent')?.path ?? 'Sent';
    const result = await client.append(target, message.raw, ['\\Seen']);
    if (!result) throw new Error(`the server did not take the message into ${target}`);
    return { mailbox: result.destination ?? target, uid: result.uid ?? null, uidValidity: result.uidValidity ?? null };
  } finally {
    await client.logout().catch(() => client.close());
  }
}
