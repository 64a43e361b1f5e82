// Sending: a request (a number or a contact, a text or a template) becomes a stored message, an
// activity on the contact's timeline and an outbox message, in one transaction; the outbox channel
// hands it to the account's provider under its rate limit; delivery reports and callbacks move it
// on (sent → delivered | failed | expired), on the activity and in the outbox alike.
import type { Knex } from 'knex';
import { SendFailure, type Actor, type ConnectorContext, type JsonObject, type OutboundChannel, type OutboxMessage, type SendResult } from '../../engine/connectors/index.ts';
import { findTemplate, templateData } from '../message-templates.ts';
import { showSmsState } from './activity-states.ts';
import { type SmsAccount, type SmsConfig, chooseAccount } from './accounts.ts';
import { type SmsPurpose, mayReceive } from './consent.ts';
import { CONTACT_ENTITIES, consentOf, smsNumberOf } from './contacts.ts';
import { SmsError, smsError } from './errors.ts';
import { type NewSmsMessage, type SmsMessageRow, insertMessage, insertMessages, isOptedOut, markHandedOver, messageById, messageByProviderId, messagesByIds, messagesByKeys, moveStatus, openModemMessage, setActivities, setActivity, setPartState } from './message-store.ts';
import { canReceiveSms, normalisePhoneNumber } from './phone-numbers.ts';
import type { ModemPartReport } from './ports.ts';
import { type SmsStatus, type StatusUpdate, combinePartStatuses } from './provider.ts';
import type { ProviderPool } from './provider-pool.ts';
import { type TemplateResult, renderStoredTemplate, renderTemplate } from './templates.ts';

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
  /** Reserves sends of an account under its rate limit; per send, how long to wait (rate-buckets.ts). */
  readonly reserve: (knex: Knex, account: string, ratePerSecond: number, count: number) => Promise<number[]>;
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

/** A request that passed the checks: what is stored for it. */
interface PreparedSms {
  readonly request: SmsRequest;
  readonly account: SmsAccount;
  readonly to: string;
  readonly text: string;
  readonly purpose: SmsPurpose;
  readonly contacts: { entity: string; id: string; record: JsonObject }[];
}

/** The checks of one request (account, text or template, recipient, consent): refused, or what to store. */
async function prepareSms(ctx: ConnectorContext, cfg: SmsConfig, request: SmsRequest, trx: Knex.Transaction): Promise<{ ok: true; prepared: PreparedSms } | (QueueResult & { ok: false })> {
  const choice = chooseAccount(cfg, request.account);
  if (!choice.ok) return refuse(choice.code, choice.detail, '/account') as QueueResult & { ok: false };
  const account = choice.account;
  const region = cfg.defaultRegion ?? 'PL';
  const refused = (code: string, detail: string, pointer: string) => refuse(code, detail, pointer) as QueueResult & { ok: false };

  let text = request.text ?? '';
  let purpose: SmsPurpose = request.purpose ?? 'transactional';
  const contacts = request.record ? await contactsOf(ctx, request.actor, trx, request.record) : [];
  if (request.template) {
    const rendered = await renderRequested(ctx, cfg, request, trx);
    if (!rendered.ok) return refused(rendered.code, rendered.detail, '/template');
    text = rendered.text;
    if (!request.purpose) purpose = rendered.purpose;
  }
  if (!text.trim()) return refused('sms.text.empty', 'the message has no text', request.template ? '/template' : '/text');
  if (text.length > 1600) return refused('sms.text.tooLong', 'at most 1600 characters', '/text');

  const entities = model(ctx).entities;
  let to: string | null = null;
  if (request.to) {
    const number = normalisePhoneNumber(request.to, region);
    if (!number.ok) return refused(number.code, `"${request.to}" is not a phone number`, '/to');
    if (!canReceiveSms(number)) return refused('phone.notMobile', `${number.e164} is a landline`, '/to');
    to = number.e164;
  } else {
    for (const c of contacts) {
      to = smsNumberOf(entities.get(c.entity)!, c.record, region);
      if (to) break;
    }
    if (!to) return refused('sms.recipient.noNumber', 'the contact has no mobile number', request.record ? '/record' : '/to');
  }

  if (purpose === 'marketing') {
    const optedOut = await isOptedOut(trx, to);
    for (const c of contacts.length ? contacts : [null]) {
      const verdict = mayReceive(purpose, optedOut, c ? consentOf(entities.get(c.entity)!, c.record) : null);
      if (!verdict.allowed) return refused(verdict.code, `the recipient opted out of marketing SMS (${verdict.reason})`, request.record ? '/record' : '/to');
    }
  }
  return { ok: true, prepared: { request, account, to, text, purpose, contacts } };
}

/**
 * The text of a request's template: one of the connector's settings by that id, else the template
 * store e-mail uses (by code or id, in the request's language); either filled with the record's
 * fields and its references (read with the requester's rights) and the request's values over them.
 */
async function renderRequested(ctx: ConnectorContext, cfg: SmsConfig, request: SmsRequest, trx: Knex.Transaction): Promise<TemplateResult> {
  const ref = request.template!;
  const own = (cfg.templates ?? []).some((t) => t.id === ref);
  const stored = own ? null : await findTemplate(ctx, ref, request.language ?? null, trx);
  if (!own && !stored) return renderTemplate([], ref, 'pl', {});
  const data = request.record ? await templateData(ctx, request.actor, request.record.entity, request.record.id, trx) : {};
  const values = { ...data, ...(request.values ?? {}) };
  return stored ? renderStoredTemplate(stored, values) : renderTemplate(cfg.templates ?? [], ref, request.language ?? 'pl', values);
}

const newMessage = (p: PreparedSms): NewSmsMessage => ({
  idempotency_key: p.request.idempotencyKey,
  account: p.account.id,
  provider: p.account.kind,
  to_number: p.to,
  body: p.text,
  purpose: p.purpose,
  record_entity: p.request.record?.entity ?? null,
  record_id: p.request.record?.id ?? null,
  notification_id: p.request.notificationId ?? null,
  created_by: p.request.actor.userId,
});

/** The records whose timelines show the SMS: the record, its contacts, a person's company, `alsoLink`. */
function linksOf(p: PreparedSms): { entity: string; id: string }[] {
  // A person's SMS shows on their company's timeline too.
  const companies = p.contacts.flatMap((c) => (c.entity === 'person' && typeof c.record.contractor === 'string' && !p.contacts.some((o) => o.entity === 'contractor') ? [{ entity: 'contractor', id: c.record.contractor }] : []));
  return [...p.contacts, ...companies, ...(p.request.alsoLink ?? [])];
}

const outboxMessage = (p: PreparedSms) => ({ channel: SMS_CHANNEL, recipient: p.to, payload: { smsId: '' } as JsonObject, idempotencyKey: p.request.idempotencyKey, maxAttempts: p.account.maxAttempts ?? 5 });

/** Stores and queues one SMS in `trx` (or a transaction of its own). Refusals carry a code the app
 * words and the JSON pointer of the request value at fault. */
export async function queueSms(ctx: ConnectorContext, request: SmsRequest, trx?: Knex.Transaction): Promise<QueueResult> {
  if (!trx) return ctx.knex.transaction((t) => queueSms(ctx, request, t));
  const checked = await prepareSms(ctx, await config(ctx, trx), request, trx);
  if (!checked.ok) return checked;
  const p = checked.prepared;
  const { row, created } = await insertMessage(trx, newMessage(p));
  if (!created) return { ok: true, message: row, created };
  const activityId = await createActivity(ctx, trx, request.actor, { to: p.to, text: p.text, record: request.record ?? null, contacts: linksOf(p) });
  if (activityId) {
    await setActivity(trx, row.id, activityId);
    row.activity_id = activityId;
  }
  await ctx.enqueue(trx, [{ ...outboxMessage(p), payload: { smsId: row.id, account: p.account.id } }]);
  return { ok: true, message: row, created };
}

/**
 * Many SMS in one transaction (serial SMS to a list, the notifications of a workflow): each request is
 * checked as `queueSms` does and refused on its own (its result says why), the accepted ones are
 * stored by one insert, their activities written by the records service's `createMany` (one
 * multi-row insert; the audit row and record event of each as before) with the rights of each
 * request's actor, and their outbox messages by one `enqueue`. A request whose idempotency key was
 * queued before answers the stored message (`created: false`). Results in the order of `requests`.
 */
export async function queueSmsMany(ctx: ConnectorContext, requests: readonly SmsRequest[], trx?: Knex.Transaction): Promise<QueueResult[]> {
  if (requests.length === 0) return [];
  if (!trx) return ctx.knex.transaction((t) => queueSmsMany(ctx, requests, t));
  const cfg = await config(ctx, trx);
  const results: QueueResult[] = new Array<QueueResult>(requests.length);
  const accepted: { index: number; prepared: PreparedSms }[] = [];
  // The same key twice in one call is one message (the first request's), as two calls would be.
  const repeated: { index: number; key: string }[] = [];
  const keys = new Set<string>();
  for (const [index, request] of requests.entries()) {
    const checked = await prepareSms(ctx, cfg, request, trx).catch((error: unknown) => {
      // A record that is gone or not the actor's to read refuses its own request only.
      const code = (error as { code?: string }).code;
      if (code === 'NOT_FOUND' || code === 'FORBIDDEN') return refuse('sms.recipient.unreadable', (error as Error).message, '/record') as QueueResult & { ok: false };
      throw error;
    });
    if (!checked.ok) results[index] = checked;
    else if (keys.has(request.idempotencyKey)) repeated.push({ index, key: request.idempotencyKey });
    else {
      keys.add(request.idempotencyKey);
      accepted.push({ index, prepared: checked.prepared });
    }
  }
  const inserted = await insertMessages(trx, accepted.map((a) => newMessage(a.prepared)));
  const existing = new Map((await messagesByKeys(trx, [...keys].filter((k) => !inserted.has(k)))).map((row) => [row.idempotency_key, row]));
  const created = accepted.filter((a) => inserted.has(a.prepared.request.idempotencyKey));
  // Activities, grouped by the actor they are written as (usually one).
  const activity = model(ctx).entities.get('activity');
  if (activity?.kinds?.has('sms')) {
    const byActor = new Map<string, typeof created>();
    for (const a of created) {
      const actorKey = JSON.stringify(a.prepared.request.actor);
      byActor.set(actorKey, [...(byActor.get(actorKey) ?? []), a]);
    }
    const bound: { id: string; activityId: string }[] = [];
    for (const group of byActor.values()) {
      const values = group.map((a) => activityValues(ctx, { to: a.prepared.to, text: a.prepared.text, record: a.prepared.request.record ?? null, contacts: linksOf(a.prepared) }));
      const records = await ctx.records.createMany({ actor: group[0]!.prepared.request.actor, trx }, 'activity', values, { allowReadOnly: true });
      group.forEach((a, i) => {
        const row = inserted.get(a.prepared.request.idempotencyKey)!;
        row.activity_id = String(records[i]!.id);
        bound.push({ id: row.id, activityId: row.activity_id });
      });
    }
    await setActivities(trx, bound);
  }
  await ctx.enqueue(
    trx,
    created.map((a) => ({ ...outboxMessage(a.prepared), payload: { smsId: inserted.get(a.prepared.request.idempotencyKey)!.id, account: a.prepared.account.id } })),
  );
  const rowOf = (key: string) => inserted.get(key) ?? existing.get(key)!;
  for (const a of accepted) results[a.index] = { ok: true, message: rowOf(a.prepared.request.idempotencyKey), created: inserted.has(a.prepared.request.idempotencyKey) };
  for (const r of repeated) results[r.index] = { ok: true, message: rowOf(r.key), created: false };
  return results;
}

/** The values of the activity showing an outgoing SMS on the timelines of the record and its contacts. */
function activityValues(ctx: ConnectorContext, sms: { to: string; text: string; record: { entity: string; id: string } | null; contacts: { entity: string; id: string }[] }): Record<string, unknown> {
  const activity = model(ctx).entities.get('activity')!;
  const values: Record<string, unknown> = { kind: 'sms', subject: subjectOf(sms.text), direction: 'outbound', phone_number: sms.to, description: sms.text, sms_status: 'queued', start_at: new Date().toISOString(), status: 'resolved' };
  for (const link of [...(sms.record ? [sms.record] : []), ...sms.contacts]) if (activity.fieldsByName.has(link.entity) && model(ctx).entities.get(link.entity)?.activities) values[link.entity] = link.id;
  return values;
}

/** The activity of an outgoing SMS (none when the model has no `sms` activity kind). */
async function createActivity(ctx: ConnectorContext, trx: Knex.Transaction, actor: Actor, sms: { to: string; text: string; record: { entity: string; id: string } | null; contacts: { entity: string; id: string }[] }): Promise<string | null> {
  const activity = model(ctx).entities.get('activity');
  if (!activity?.kinds?.has('sms')) return null;
  const created = await ctx.records.create({ actor, trx }, 'activity', activityValues(ctx, sms), { allowReadOnly: true });
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
      // The batch's sends of each account reserved under its rate limit by one statement.
      const slots = new Map<number, number>();
      const byAccount = new Map<string, number[]>();
      messages.forEach((m, i) => {
        const row = rows.get(String(m.payload.smsId));
        if (row && row.status === 'queued' && !row.provider_id) byAccount.set(row.account, [...(byAccount.get(row.account) ?? []), i]);
      });
      for (const [accountId, indexes] of byAccount) {
        const choice = chooseAccount(cfg, accountId);
        if (!choice.ok) continue;
        const waits = await sending.reserve(ctx.knex, choice.account.id, choice.account.ratePerSecond ?? 10, indexes.length);
        const now = Date.now();
        indexes.forEach((i, k) => slots.set(i, now + waits[k]!));
      }
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(SEND_LANES, messages.length) }, async () => {
          while (next < messages.length) {
            const i = next++;
            const message = messages[i]!;
            outcomes[i] = await handOver(sending, ctx, cfg, message, rows.get(String(message.payload.smsId)) ?? null, slots.get(i)).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
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

/** One message to its account's provider; the row as read for the attempt (null: gone); `at`: its
 * reserved slot (epoch ms), else one is reserved now. */
async function handOver(sending: Sending, ctx: ConnectorContext, cfg: SmsConfig, message: OutboxMessage, row: SmsMessageRow | null, at?: number): Promise<SendResult> {
  if (!row) throw new SendFailure(`no SMS ${String(message.payload.smsId)}`, { retryable: false });
  // Handed over before (a process died after the provider took it): never twice.
  if (row.status !== 'queued' || row.provider_id) return { state: row.status === 'delivered' ? 'delivered' : 'sent' };
  const choice = chooseAccount(cfg, row.account);
  if (!choice.ok) throw new SendFailure(`${choice.code}: ${choice.detail}`, { retryable: false });
  const provider = await sending.pool.get(choice.account, sending.callbackBase(cfg));
  const wait = at !== undefined ? at - Date.now() : (await sending.reserve(ctx.knex, choice.account.id, choice.account.ratePerSecond ?? 10, 1))[0]!;
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
  // A modem part's own status is kept: a report after a restart combines with it.
  if (update.part) await setPartState(ctx.knex, row.id, update.part.index, update.part.status);
  if (update.status === 'queued') return true;
  const moved = await moveStatus(ctx.knex, row.id, update.status, update.error ? { code: update.error.code, detail: update.providerStatus } : null);
  if (!moved) return true;
  if (moved.status === 'sent') await setActivityStatus(ctx, moved.activity_id, 'sent');
  else await afterFinal(ctx, moved);
  return true;
}

/**
 * A modem report no process remembers the part of (it was sent before a restart): the message is
 * found in the database by account, number and TP-MR, the part's status stored, and the message
 * moved to what its parts now say together.
 */
export async function applyModemPartReport(ctx: ConnectorContext, account: string, report: ModemPartReport): Promise<boolean> {
  const row = await openModemMessage(ctx.knex, account, report.recipient, report.messageReference);
  if (!row?.provider_id) {
    ctx.log(`a modem status report for TP-MR ${report.messageReference} to ${report.recipient} matches no sent message`);
    return false;
  }
  const index = row.part_ids.lastIndexOf(String(report.messageReference));
  const status: SmsStatus = report.outcome === 'pending' ? 'sent' : report.outcome;
  const after = (await setPartState(ctx.knex, row.id, index, status)) ?? row;
  const parts = Math.max(row.parts ?? row.part_ids.length, row.part_ids.length);
  const combined = combinePartStatuses(Array.from({ length: parts }, (_, i) => after.part_states[String(i)] ?? 'sent'));
  const tpSt = `TP-ST 0x${report.status.toString(16).padStart(2, '0')}`;
  return applyStatus(ctx, 'modem', { providerId: row.provider_id, partId: String(report.messageReference), status: combined, at: report.at, providerStatus: tpSt, error: status === 'failed' || status === 'expired' ? smsError('rejected', false, 'modem', report.status).info : null });
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
