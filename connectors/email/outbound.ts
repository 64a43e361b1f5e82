// Outgoing mail through the outbox: `queueMail` writes a message in the caller's transaction (compose,
// the `email:send` task, a mail merge); the `email` channel sends it through the account's SMTP
// throttled per account, APPENDs the same bytes to the Sent folder and records it as an e-mail
// activity linked like inbound mail. Only retryable SMTP answers (4xx, no connection) are retried.
import type { Knex } from 'knex';
import { SendFailure, type ConnectorContext, type JsonObject, type OutboundChannel, type OutboxMessage, type SendResult } from '../../engine/connectors/index.ts';
import { loadAccount, type MailAccount } from './accounts.ts';
import { EngineMailStore } from './engine-store.ts';
import type { MailAddress } from './message.ts';
import { parseMessage } from './message-parse.ts';
import { sendConnections } from './send-connections.ts';
import { composeMessage, type CalendarPart, type DraftAttachment } from './smtp-send.ts';

export const EMAIL_CHANNEL = 'email';

/** The outbox payload of one e-mail. */
export interface EmailPayload {
  readonly account: string;
  /** The user the message is sent by (recorded on the activity); null: the account's identity. */
  readonly userId: string | null;
  readonly to: readonly MailAddress[];
  readonly cc?: readonly MailAddress[];
  readonly bcc?: readonly MailAddress[];
  readonly subject: string;
  readonly html: string | null;
  readonly text: string;
  /** The activity (a stored e-mail) this replies to. */
  readonly replyTo?: string | null;
  /** Records the sent message is linked to: activity link field → record id. */
  readonly links?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** tessera.files ids. */
  readonly attachments?: readonly string[];
  /** The mail merge this message belongs to. */
  readonly merge?: string | null;
  /** An iTIP part (a meeting invitation from the calendar connector), sent as text/calendar; method=…. */
  readonly calendar?: CalendarPart;
  /** The sender's own signature (compose); without it the account's. */
  readonly signature?: string | null;
}

export const payloadOf = (message: OutboxMessage) => message.payload as unknown as EmailPayload;

/** Writes one outgoing e-mail to the outbox in `trx`; false when its idempotency key was queued already. */
export async function queueMail(ctx: ConnectorContext, trx: Knex.Transaction | null, payload: EmailPayload, idempotencyKey: string): Promise<boolean> {
  const written = await ctx.enqueue(trx, [{ channel: EMAIL_CHANNEL, recipient: payload.to.map((a) => a.address).join(', ').slice(0, 500), payload: payload as unknown as JsonObject, idempotencyKey }]);
  return written > 0;
}

/** How long a send may wait for its throttling slot before giving the message back to the queue. */
const MAX_SLOT_WAIT_MS = 60_000;

/**
 * Reserves the account's next `count` send slots (messages/minute across every process) in one
 * transaction. Per message: how long to wait for its slot, or null when the queue is further ahead
 * than a send may wait (nothing reserved for it or those after it).
 */
async function reserveSlots(knex: Knex, account: MailAccount, count: number): Promise<(number | null)[]> {
  const intervalMs = Math.ceil(60_000 / account.throttlePerMinute);
  return knex.transaction(async (trx) => {
    await trx.raw(`INSERT INTO tessera.email_send_slots (account, next_at) VALUES (?, now()) ON CONFLICT (account) DO NOTHING`, [account.id]);
    const { rows } = (await trx.raw(`SELECT greatest(next_at, now()) AS slot, extract(epoch FROM greatest(next_at, now()) - now()) * 1000 AS wait FROM tessera.email_send_slots WHERE account = ? FOR UPDATE`, [account.id])) as {
      rows: { slot: Date; wait: string }[];
    };
    const first = Number(rows[0]!.wait);
    const waits = Array.from({ length: count }, (_, k) => first + k * intervalMs).map((wait) => (wait > MAX_SLOT_WAIT_MS ? null : wait));
    const reserved = waits.filter((w) => w !== null).length;
    if (reserved > 0) await trx.raw(`UPDATE tessera.email_send_slots SET next_at = ?::timestamptz + make_interval(secs => ?) WHERE account = ?`, [rows[0]!.slot, (reserved * intervalMs) / 1000, account.id]);
    return waits;
  });
}

async function draftAttachments(knex: Knex, ids: readonly string[]): Promise<DraftAttachment[]> {
  if (ids.length === 0) return [];
  const rows = (await knex('tessera.files').whereIn('id', [...ids]).select('id', 'name', 'media_type', 'content')) as { id: string; name: string; media_type: string; content: Buffer }[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [{ filename: row.name, content: row.content, contentType: row.media_type }] : [];
  });
}

/** The stored parent of a reply: its Message-ID and the thread it started from. */
async function replyParent(knex: Knex, activityId: string, subject: string) {
  const row = (await knex('tessera.email_messages').where({ activity_id: activityId }).first('message_id', 'thread_id')) as { message_id: string | null; thread_id: string } | undefined;
  if (!row?.message_id) return undefined;
  const references = row.thread_id !== row.message_id && !row.thread_id.startsWith('key:') ? [row.thread_id] : [];
  return { messageId: row.message_id, references, subject };
}

function withSignature(payload: EmailPayload, signature: string): { html: string | null; text: string } {
  if (!signature.trim()) return { html: payload.html, text: payload.text };
  const escaped = signature.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(/\n/g, '<br>');
  return { html: payload.html === null ? null : `${payload.html}<p>--<br>${escaped}</p>`, text: `${payload.text}\n\n-- \n${signature}` };
}

/** A message handed to the SMTP server (and filed in Sent when it could be). */
interface Delivered {
  readonly account: MailAccount;
  readonly payload: EmailPayload;
  readonly raw: Buffer;
  readonly sentCopy: SentCopy | null;
}

type SentCopy = { mailbox: string; uid: number | null; uidValidity: bigint | null };

/** Sends of a claimed batch in flight at once (the account's SMTP connections are pooled). */
const SEND_LANES = 16;
/** Sent messages recorded together while the batch goes on. */
const RECORD_CHUNK = 25;

/** A send past its throttling horizon: back to the queue without using up an attempt. */
async function throttled(ctx: ConnectorContext, message: OutboxMessage, account: MailAccount): Promise<SendFailure> {
  await ctx.knex('tessera.outbox').where({ id: message.id }).increment('max_attempts', 1);
  return new SendFailure(`throttled: the account ${account.name} sends ${account.throttlePerMinute} messages a minute`, { retryable: true });
}

function usableAccount(account: MailAccount | null, payload: EmailPayload): MailAccount {
  if (!account) throw new SendFailure(`no mail account ${payload.account}`, { retryable: false });
  if (!account.smtp) throw new SendFailure(`the mail account ${account.name} has no SMTP server`, { retryable: false });
  return account;
}

/** Composes and sends one message at its slot (`at`, epoch ms), then APPENDs it to Sent. */
async function deliver(ctx: ConnectorContext, message: OutboxMessage, account: MailAccount, at: number): Promise<Delivered> {
  const payload = payloadOf(message);
  const wait = at - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const body = withSignature(payload, payload.signature ?? account.signature);
  const domain = account.address.split('@')[1] ?? 'tessera.invalid';
  const parent = payload.replyTo ? await replyParent(ctx.knex, payload.replyTo, payload.subject) : undefined;
  const composed = await composeMessage({
    from: { name: account.senderName, address: account.address },
    to: payload.to,
    ...(payload.cc?.length ? { cc: payload.cc } : {}),
    ...(payload.bcc?.length ? { bcc: payload.bcc } : {}),
    subject: payload.subject,
    text: body.text,
    ...(body.html !== null ? { html: body.html } : {}),
    attachments: await draftAttachments(ctx.knex, payload.attachments ?? []),
    ...(parent ? { inReplyTo: parent } : {}),
    ...(payload.headers ? { headers: payload.headers } : {}),
    ...(payload.calendar ? { calendar: payload.calendar } : {}),
    // The outbox message's id: a retry after a crash sends the same Message-ID (the sync dedupes).
    messageId: `${message.id}@${domain}`,
  });
  const result = await sendConnections.sender(account).send(composed);
  const accepted = result.recipients.filter((r) => r.status === 'accepted');
  if (accepted.length === 0) {
    const deferred = result.recipients.find((r) => r.status === 'deferred');
    const first = deferred ?? result.recipients[0];
    const reason = result.recipients.map((r) => `${r.address}: ${r.code ?? ''} ${r.response ?? r.status}`.trim()).join('; ');
    // 4xx and a lost connection may pass later; a 5xx refusal will not.
    throw new SendFailure(`refused: ${reason}`, { status: first?.code ?? null, retryable: deferred !== undefined });
  }
  let sentCopy: SentCopy | null = null;
  if (account.imap) {
    sentCopy = await sendConnections.append(account, composed, account.sentFolder).catch((error: unknown) => {
      ctx.log(`message ${message.id} was sent but not filed in ${account.sentFolder}`, error);
      return null;
    });
  }
  const refused = result.recipients.filter((r) => r.status !== 'accepted');
  if (refused.length) ctx.log(`message ${message.id}: ${refused.map((r) => `${r.address} ${r.code ?? r.status}`).join(', ')} refused, sent to the others`);
  return { account, payload, raw: composed.raw, sentCopy };
}

export const emailChannel: OutboundChannel = {
  id: EMAIL_CHANNEL,
  // Other connectors send mail through it with an EmailPayload (the calendar's invitations).
  shared: true,
  maxAttempts: 5,
  backoff: { initialMs: 30_000, factor: 2, maxMs: 30 * 60_000 },
  async send(message, ctx) {
    const payload = payloadOf(message);
    const account = usableAccount(await loadAccount(ctx, payload.account), payload);
    const [wait] = await reserveSlots(ctx.knex, account, 1);
    if (wait === null || wait === undefined) throw await throttled(ctx, message, account);
    const delivered = await deliver(ctx, message, account, Date.now() + wait);
    await recordSent(ctx, delivered.account, delivered.payload, delivered.raw, delivered.sentCopy);
    return { state: 'sent', status: 250 };
  },
  // A claimed batch: each account loaded once and its slots reserved by one transaction, SEND_LANES
  // messages sent at a time, the sent ones recorded as activities together (one transaction).
  async sendBatch(messages, ctx) {
    const outcomes: (SendResult | Error)[] = new Array<SendResult | Error>(messages.length);
    const slots = new Map<number, { account: MailAccount; at: number | null }>();
    const byAccount = new Map<string, number[]>();
    messages.forEach((m, i) => byAccount.set(payloadOf(m).account, [...(byAccount.get(payloadOf(m).account) ?? []), i]));
    for (const [accountId, indexes] of byAccount) {
      try {
        const account = usableAccount(await loadAccount(ctx, accountId), payloadOf(messages[indexes[0]!]!));
        const waits = await reserveSlots(ctx.knex, account, indexes.length);
        const now = Date.now();
        indexes.forEach((i, k) => slots.set(i, { account, at: waits[k] === null || waits[k] === undefined ? null : now + waits[k]! }));
      } catch (error) {
        for (const i of indexes) outcomes[i] = error instanceof Error ? error : new Error(String(error));
      }
    }
    // Sent messages are recorded in chunks while the rest of the batch is still being sent (the
    // database works while SMTP and IMAP wait); the outcomes are answered only once all are recorded.
    let delivered: Delivered[] = [];
    let recording: Promise<void> = Promise.resolve();
    const flush = () => {
      const chunk = delivered;
      delivered = [];
      if (chunk.length > 0) recording = recording.then(() => recordSentMany(ctx, chunk));
    };
    const order = [...slots.keys()];
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(SEND_LANES, order.length) }, async () => {
        while (next < order.length) {
          const i = order[next++]!;
          const { account, at } = slots.get(i)!;
          try {
            if (at === null) throw await throttled(ctx, messages[i]!, account);
            // Awaited first: `delivered` may be a new array by then (a chunk was taken meanwhile).
            const sent = await deliver(ctx, messages[i]!, account, at);
            delivered.push(sent);
            outcomes[i] = { state: 'sent', status: 250 };
            if (delivered.length >= RECORD_CHUNK) flush();
          } catch (error) {
            outcomes[i] = error instanceof Error ? error : new Error(String(error));
          }
        }
      }),
    );
    flush();
    await recording;
    return outcomes;
  },
};

/**
 * Sent messages as e-mail activities, one transaction per account and sender. A message is sent
 * whatever happens here: a batch that cannot be recorded is recorded message by message, and what
 * still fails is logged (sending it again would double it; the sync files the Sent copy later).
 */
async function recordSentMany(ctx: ConnectorContext, delivered: readonly Delivered[]): Promise<void> {
  const groups = new Map<string, Delivered[]>();
  for (const d of delivered) {
    const key = `${d.account.id}\u0000${d.payload.userId ?? d.account.actingUserId ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  for (const group of groups.values()) {
    const { account, payload } = group[0]!;
    try {
      const userId = payload.userId ?? account.actingUserId;
      const actor = userId ? await ctx.actAs(userId) : { userId: null, via: 'system' as const };
      const store = new EngineMailStore(ctx.knex, ctx.records, { accountId: account.id, accountAddress: account.address, actor, team: account.team });
      const items = await Promise.all(
        group.map(async (d) => ({
          message: await parseMessage(d.raw),
          links: d.payload.links ?? {},
          location: d.sentCopy?.uid && d.sentCopy.uidValidity !== null ? { account: account.id, mailbox: d.sentCopy.mailbox, uidValidity: d.sentCopy.uidValidity, uid: d.sentCopy.uid } : null,
          flags: ['\\Seen'],
        })),
      );
      await store.saveSent(items);
    } catch {
      for (const d of group) await recordSent(ctx, d.account, d.payload, d.raw, d.sentCopy).catch((error: unknown) => ctx.log(`a sent message to ${d.payload.to.map((a) => a.address).join(', ')} could not be recorded`, error));
    }
  }
}

/** The sent message as an e-mail activity (and its Sent location, so the sync does not fetch it again). */
async function recordSent(ctx: ConnectorContext, account: MailAccount, payload: EmailPayload, raw: Buffer, sentCopy: SentCopy | null): Promise<void> {
  const parsed = await parseMessage(raw);
  const userId = payload.userId ?? account.actingUserId;
  const actor = userId ? await ctx.actAs(userId) : { userId: null, via: 'system' as const };
  const store = new EngineMailStore(ctx.knex, ctx.records, { accountId: account.id, accountAddress: account.address, actor, team: account.team });
  await ctx.knex.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`email:${parsed.dedupeKey}`]);
    const existing = (await trx('tessera.email_messages').where({ dedupe_key: parsed.dedupeKey }).first('activity_id')) as { activity_id: string } | undefined;
    const id = existing?.activity_id ?? (await store.storeActivity(trx, parsed, { links: payload.links ?? {} }));
    if (sentCopy?.uid && sentCopy.uidValidity !== null) {
      await trx('tessera.email_locations')
        .insert({ account: account.id, mailbox: sentCopy.mailbox, uid_validity: sentCopy.uidValidity.toString(), uid: sentCopy.uid, activity_id: id, flags: ['\\Seen'] })
        .onConflict(['account', 'mailbox', 'uid_validity', 'uid'])
        .ignore();
    }
  });
}
