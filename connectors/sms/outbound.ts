// Sending: a request (a number or a contact, a text or a template) becomes a stored message, an
// activity on the contact's timeline and an outbox message, in one transaction; the outbox channel
// hands it to the account's provider under its rate limit; delivery reports and callbacks move it
// on (sent → delivered | failed | expired), on the activity and in the outbox alike.
import type { Knex } from 'knex';
import { SendFailure, type Actor, type ConnectorContext, type JsonObject, type OutboundChannel, type OutboxMessage, type SendResult } from '../../engine/connectors/index.ts';
import { showSmsState } from './activity-states.ts';
import { type SmsAccount, type SmsConfig, chooseAccount } from './accounts.ts';
import { type SmsPurpose, mayReceive } from './consent.ts';
import { CONTACT_ENTITIES, consentOf, smsNumberOf } from './contacts.ts';
import { SmsError } from './errors.ts';
import { type SmsMessageRow, insertMessage, isOptedOut, markHandedOver, messageById, messageByProviderId, messagesByIds, moveStatus, setActivity } from './message-store.ts';
import { canReceiveSms, normalisePhoneNumber } from './phone-numbers.ts';
import type { StatusUpdate } from './provider.ts';
import type { ProviderPool } from './provider-pool.ts';
import type { RateLimiter } from './rate-limit.ts';
import { renderTemplate } from './templates.ts';

export const SMS_CHANNEL = 'sms';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const SYSTEM: Actor = { userId: null, via: 'system' };
/** Messages of a claimed batch handed to providers at once (HTTP keep-alive; a modem queues its own). */
const SEND_LANES = 16;

export interface SmsRequest {
  /** A number as written; absent: the contact's mobile (or other phone field). */
  readonly to?: string | null;
  /** The contact (person, contractor) or a record linked to one (a service order). */
  readonly record?: { readonly entity: string; readonly id: string } | null;
  readonly text?: string | null;
  readonly template?: string | null;
  readonly values?: Readonly<Record<string, unknown>>;
  readonly language?: string | null;
  readonly account?: string | null;
  readonly purpose?: SmsPurpose | null;
  readonly idempotencyKey: string;
  readonly actor: Actor;
  readonly notificationId?: number | null;
  /** Further records whose timelines show the SMS (the service order a notification is about). */
  readonly alsoLink?: readonly { readonly entity: string; readonly id: string }[];
}

export type SmsRefusal = { readonly code: string; readonly detail: string; readonly pointer: string };
export type QueueResult = { ok: true; message: SmsMessageRow; created: boolean } | { ok: false; problems: SmsRefusal[] };

export interface Sending {
  readonly pool: ProviderPool;
  readonly limiter: RateLimiter;
  readonly callbackBase: (config: SmsConfig) => string | null;
}

const refuse = (code: string, detail: string, pointer: string): QueueResult => ({ ok: false, problems: [{ code, detail, pointer }] });

async function config(ctx: ConnectorContext, trx?: Knex.Transaction): Promise<SmsConfig> {
  return (await ctx.settings(trx)).config as SmsConfig;
}

function model(ctx: ConnectorContext) {
  return ctx.records.runtime.snapshot.model;
}

/** The contacts a record stands for: itself when it is a person/contractor, else the ones it references. */
async function contactsOf(ctx: ConnectorContext, actor: Actor, trx: Knex.Transaction | undefined, ref: { entity: string; id: string }): Promise<{ entity: string; id: string; record: JsonObject }[]> {
  const entities = model(ctx).entities;
  const record = (await ctx.records.get({ actor, ...(trx ? { trx } : {}) }, ref.entity, ref.id)) as JsonObject;
  if ((CONTACT_ENTITIES as readonly string[]).includes(ref.entity)) return [{ ...ref, record }];
  const out: { entity: string; id: string; record: JsonObject }[] = [];
  for (const name of CONTACT_ENTITIES) {
    const id = record[name];
    const field = entities.get(ref.entity)?.fieldsByName.get(name);
    if (typeof id === 'string' && field?.type === 'reference' && entities.has(name)) out.push({ entity: name, id, record: (await ctx.records.get({ actor, ...(trx ? { trx } : {}) }, name, id)) as JsonObject });
  }
  return out;
}

/** Stores and queues one SMS in `trx` (or a transaction of its own). Refusals carry a code the app
 * words and the JSON pointer of the request value at fault. */
export async function queueSms(ctx: ConnectorContext, request: SmsRequest, trx?: Knex.Transaction): Promise<QueueResult> {
  if (!trx) return ctx.knex.transaction((t) => queueSms(ctx, request, t));
  const cfg = await config(ctx, trx);
  const choice = chooseAccount(cfg, request.account);
  if (!choice.ok) return refuse(choice.code, choice.detail, '/account');
  const account = choice.account;
  const region = cfg.defaultRegion ?? 'PL';

  let text = request.text ?? '';
  let purpose: SmsPurpose = request.purpose ?? 'transactional';
  if (request.template) {
    const rendered = renderTemplate(cfg.templates ?? [], request.template, request.language ?? 'pl', request.values ?? {});
    if (!rendered.ok) return refuse(rendered.code, rendered.detail, '/template');
    text = rendered.text;
    if (!request.purpose) purpose = rendered.purpose;
  }
  if (!text.trim()) return refuse('sms.text.empty', 'the message has no text', request.template ? '/template' : '/text');
  if (text.length > 1600) return refuse('sms.text.tooLong', 'at most 1600 characters', '/text');

  const contacts = request.record ? await contactsOf(ctx, request.actor, trx, request.record) : [];
  const entities = model(ctx).entities;
  let to: string | null = null;
  if (request.to) {
    const number = normalisePhoneNumber(request.to, region);
    if (!number.ok) return refuse(number.code, `"${request.to}" is not a phone number`, '/to');
    if (!canReceiveSms(number)) return refuse('phone.notMobile', `${number.e164} is a landline`, '/to');
    to = number.e164;
  } else {
    for (const c of contacts) {
      to = smsNumberOf(entities.get(c.entity)!, c.record, region);
      if (to) break;
    }
    if (!to) return refuse('sms.recipient.noNumber', 'the contact has no mobile number', request.record ? '/record' : '/to');
  }

  if (purpose === 'marketing') {
    const optedOut = await isOptedOut(trx, to);
    for (const c of contacts.length ? contacts : [null]) {
      const verdict = mayReceive(purpose, optedOut, c ? consentOf(entities.get(c.entity)!, c.record) : null);
      if (!verdict.allowed) return refuse(verdict.code, `the recipient opted out of marketing SMS (${verdict.reason})`, request.record ? '/record' : '/to');
    }
  }

  const { row, created } = await insertMessage(trx, {
    idempotency_key: request.idempotencyKey,
    account: account.id,
    provider: account.kind,
    to_number: to,
    body: text,
    purpose,
    record_entity: request.record?.entity ?? null,
    record_id: request.record?.id ?? null,
    notification_id: request.notificationId ?? null,
    created_by: request.actor.userId,
  });
  if (!created) return { ok: true, message: row, created };

  // A person's SMS shows on their company's timeline too.
  const companies = contacts.flatMap((c) => (c.entity === 'person' && typeof c.record.contractor === 'string' && !contacts.some((o) => o.entity === 'contractor') ? [{ entity: 'contractor', id: c.record.contractor }] : []));
  const activityId = await createActivity(ctx, trx, request.actor, { to, text, record: request.record ?? null, contacts: [...contacts, ...companies, ...(request.alsoLink ?? [])] });
  if (activityId) {
    await setActivity(trx, row.id, activityId);
    row.activity_id = activityId;
  }
  await ctx.enqueue(trx, [{ channel: SMS_CHANNEL, recipient: to, payload: { smsId: row.id, account: account.id }, idempotencyKey: request.idempotencyKey, maxAttempts: account.maxAttempts ?? 5 }]);
  return { ok: true, message: row, created };
}

/** The activity showing an outgoing SMS on the timelines of the record and its contacts (none when
 * the model has no `sms` activity kind). */
async function createActivity(ctx: ConnectorContext, trx: Knex.Transaction, actor: Actor, sms: { to: string; text: string; record: { entity: string; id: string } | null; contacts: { entity: string; id: string }[] }): Promise<string | null> {
  const activity = model(ctx).entities.get('activity');
  if (!activity?.kinds?.has('sms')) return null;
  const values: Record<string, unknown> = { kind: 'sms', subject: subjectOf(sms.text), direction: 'outbound', phone_number: sms.to, description: sms.text, sms_status: 'queued', start_at: new Date().toISOString(), status: 'resolved' };
  for (const link of [...(sms.record ? [sms.record] : []), ...sms.contacts]) if (activity.fieldsByName.has(link.entity) && model(ctx).entities.get(link.entity)?.activities) values[link.entity] = link.id;
  const created = await ctx.records.create({ actor, trx }, 'activity', values, { allowReadOnly: true });
  return String(created.id);
}

export function subjectOf(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/** An update by the connector itself, on the version it just read (one more try if a user's change
 * came in between). */
export async function updateAsConnector(ctx: ConnectorContext, entity: string, id: string, values: Record<string, unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const current = await ctx.records.get({ actor: SYSTEM }, entity, id, { fields: ['id', 'version'] });
    try {
      await ctx.records.update({ actor: SYSTEM }, entity, id, values, { expectedVersion: current.version as number, allowReadOnly: true });
      return;
    } catch (error) {
      if (attempt >= 3 || (error as { code?: string }).code !== 'VERSION_CONFLICT') throw error;
    }
  }
}

/** The activity shows the message's state (batched with the states arriving at the same time). */
async function setActivityStatus(ctx: ConnectorContext, activityId: string | null, status: string): Promise<void> {
  await showSmsState(ctx, activityId, status);
}

/** Messages whose report beat the send's own bookkeeping (a fast modem +CDS). */
const reportedEarly = new Set<string>();

/** The outbox channel: one attempt to hand a message to its account's provider. */
export function smsChannel(sending: Sending): OutboundChannel {
  return {
    id: SMS_CHANNEL,
    maxAttempts: 5,
    backoff: { initialMs: 5000, factor: 3, maxMs: 30 * 60_000 },
    async configuredBackoff(ctx) {
      const seconds = (await config(ctx)).retryDelaySeconds;
      return seconds === undefined ? null : { initialMs: seconds * 1000, factor: 3, maxMs: 30 * 60_000 };
    },
    async send(message: OutboxMessage, ctx: ConnectorContext) {
      return handOver(sending, ctx, await config(ctx), message, await messageById(ctx.knex, String(message.payload.smsId)));
    },
    // A claimed batch: its messages read by one query, handed over SEND_LANES at a time (the rate
    // limit per account still applies to each), their activities' states written together.
    async sendBatch(messages, ctx) {
      const rows = new Map((await messagesByIds(ctx.knex, messages.map((m) => String(m.payload.smsId)))).map((row) => [row.id, row]));
      const cfg = await config(ctx);
      const outcomes: (SendResult | Error)[] = new Array<SendResult | Error>(messages.length);
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(SEND_LANES, messages.length) }, async () => {
          while (next < messages.length) {
            const i = next++;
            const message = messages[i]!;
            outcomes[i] = await handOver(sending, ctx, cfg, message, rows.get(String(message.payload.smsId)) ?? null).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
          }
        }),
      );
      return outcomes;
    },
    // A report that came while the outbox row was still `sending` could not move it: do it now.
    async succeeded(message, ctx) {
      const id = String(message.payload.smsId);
      if (!reportedEarly.delete(id)) return;
      const row = await messageById(ctx.knex, id);
      if (row) await settleOutbox(ctx, row);
    },
    async failed(message, error, ctx) {
      const row = await messageById(ctx.knex, String(message.payload.smsId));
      if (!row) return;
      const moved = await moveStatus(ctx.knex, row.id, 'failed', { code: row.error_code ?? 'sms.error.unknown', detail: error });
      if (moved) await afterFinal(ctx, moved);
      // The outbox row is failed already: nothing is left for `succeeded` to settle.
      reportedEarly.delete(row.id);
    },
  };
}

/** One message to its account's provider; the row as read for the attempt (null: gone). */
async function handOver(sending: Sending, ctx: ConnectorContext, cfg: SmsConfig, message: OutboxMessage, row: SmsMessageRow | null): Promise<SendResult> {
  if (!row) throw new SendFailure(`no SMS ${String(message.payload.smsId)}`, { retryable: false });
  // Handed over before (a process died after the provider took it): never twice.
  if (row.status !== 'queued' || row.provider_id) return { state: row.status === 'delivered' ? 'delivered' : 'sent' };
  const choice = chooseAccount(cfg, row.account);
  if (!choice.ok) throw new SendFailure(`${choice.code}: ${choice.detail}`, { retryable: false });
  const provider = await sending.pool.get(choice.account, sending.callbackBase(cfg));
  const wait = sending.limiter.take(choice.account.id, choice.account.ratePerSecond ?? 10);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  try {
    const result = await provider.send({ messageId: row.id, to: row.to_number, text: row.body });
    // Recorded at once, not with the batch: a process dying later must not send it again.
    const after = await markHandedOver(ctx.knex, row.id, result);
    if (after && after !== 'sent' && after !== 'queued') reportedEarly.add(row.id);
    if (result.status === 'delivered') await applyStatus(ctx, choice.account.kind, { providerId: result.providerId, status: 'delivered', at: new Date().toISOString(), providerStatus: 'delivered', error: null });
    else await setActivityStatus(ctx, row.activity_id, 'sent');
    return { state: 'sent' };
  } catch (error) {
    if (error instanceof SmsError) {
      await ctx.knex('tessera.sms_messages').where({ id: row.id }).update({ error_code: error.code, error_detail: error.message, updated_at: ctx.knex.fn.now() });
      throw new SendFailure(error.message, { retryable: error.retry });
    }
    throw error;
  }
}

async function settleOutbox(ctx: ConnectorContext, row: SmsMessageRow): Promise<void> {
  const moved = await ctx.reportOutcome(SMS_CHANNEL, row.idempotency_key, row.status === 'delivered' ? { state: 'delivered' } : { state: 'failed', error: row.error_code ?? row.status });
  // The outbox row is still `sending` (the report beat the attempt's end): `succeeded` does it.
  if (!moved) reportedEarly.add(row.id);
}

/** A delivery report or callback: finds the message by its provider id and moves it forward. */
export async function applyStatus(ctx: ConnectorContext, provider: SmsAccount['kind'], update: StatusUpdate): Promise<boolean> {
  let row = await messageByProviderId(ctx.knex, provider, update.providerId);
  // The modem's id is known before the send returns (`modem:<message id>`): a report can beat it.
  const own = update.providerId.slice('modem:'.length);
  if (!row && provider === 'modem' && update.providerId.startsWith('modem:') && UUID.test(own)) row = await messageById(ctx.knex, own);
  if (!row) {
    ctx.log(`a ${provider} status report for an unknown message ${update.providerId} (${update.providerStatus})`);
    return false;
  }
  if (update.status === 'queued') return true;
  const moved = await moveStatus(ctx.knex, row.id, update.status, update.error ? { code: update.error.code, detail: update.providerStatus } : null);
  if (!moved) return true;
  if (moved.status === 'sent') await setActivityStatus(ctx, moved.activity_id, 'sent');
  else await afterFinal(ctx, moved);
  return true;
}

/** delivered / failed / expired: the activity, the outbox, the notification row, and who to tell. */
async function afterFinal(ctx: ConnectorContext, row: SmsMessageRow): Promise<void> {
  await setActivityStatus(ctx, row.activity_id, row.status);
  await settleOutbox(ctx, row);
  if (row.notification_id !== null) await ctx.knex('tessera.notifications').where({ id: row.notification_id }).update({ status: row.status === 'delivered' ? 'delivered' : 'failed' });
  if (row.status === 'delivered') return;
  const subject = { pl: `SMS do ${row.to_number} nie został doręczony`, en: `SMS to ${row.to_number} was not delivered`, ro: `SMS-ul către ${row.to_number} nu a fost livrat` };
  const body = { pl: `${row.error_code ?? row.status}: ${subjectOf(row.body)}`, en: `${row.error_code ?? row.status}: ${subjectOf(row.body)}`, ro: `${row.error_code ?? row.status}: ${subjectOf(row.body)}` };
  if (row.created_by) {
    const user = (await ctx.knex('tessera.users').where({ id: row.created_by, active: true }).first('language')) as { language: string } | undefined;
    if (user) {
      const lang = (['pl', 'en', 'ro'].includes(user.language) ? user.language : 'en') as 'pl' | 'en' | 'ro';
      await ctx.knex('tessera.notifications').insert({ channel: 'in-app', kind: 'sms-failed', user_id: row.created_by, subject: subject[lang], body: body[lang], record_entity: 'activity', record_id: row.activity_id, status: 'delivered' });
      return;
    }
  }
  await ctx.notifyAdmins(subject, body);
}
