// The SMS connector's tables (migration 014): messages with their provider ids and SMS status,
// opt-outs by number, and the E.164 index of contacts' phone fields. Plain queries; the rules live
// in outbound.ts / incoming.ts.
import type { Knex } from 'knex';
import type { SmsStatus } from './provider.ts';

export interface SmsMessageRow {
  id: string;
  idempotency_key: string;
  account: string;
  provider: string;
  to_number: string;
  body: string;
  purpose: 'transactional' | 'marketing';
  status: SmsStatus;
  provider_id: string | null;
  part_ids: string[];
  parts: number | null;
  error_code: string | null;
  error_detail: string | null;
  activity_id: string | null;
  record_entity: string | null;
  record_id: string | null;
  notification_id: number | string | null;
  created_by: string | null;
  /** Each part's own status by part index (modem), e.g. {"0": "delivered"}. */
  part_states: Record<string, SmsStatus>;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
}

const MESSAGES = 'tessera.sms_messages';

/** Later states never go back to earlier ones (a late "sent" callback after "delivered"). */
const RANK: Record<SmsStatus, number> = { queued: 0, sent: 1, delivered: 2, failed: 2, expired: 2 };

export function isForward(from: SmsStatus, to: SmsStatus): boolean {
  return RANK[to] > RANK[from];
}

export type NewSmsMessage = Pick<SmsMessageRow, 'idempotency_key' | 'account' | 'provider' | 'to_number' | 'body' | 'purpose'> & Partial<Pick<SmsMessageRow, 'activity_id' | 'record_entity' | 'record_id' | 'notification_id' | 'created_by'>>;

/** Inserts a message, or returns the one already stored under its idempotency key. */
export async function insertMessage(trx: Knex.Transaction, message: NewSmsMessage): Promise<{ row: SmsMessageRow; created: boolean }> {
  const [row] = (await trx(MESSAGES).insert(message).onConflict('idempotency_key').ignore().returning('*')) as SmsMessageRow[];
  if (row) return { row, created: true };
  return { row: (await trx(MESSAGES).where({ idempotency_key: message.idempotency_key }).first()) as SmsMessageRow, created: false };
}

/** Inserts messages by one statement; the ones stored now, by idempotency key (a key stored before is left out). */
export async function insertMessages(trx: Knex.Transaction, messages: readonly NewSmsMessage[]): Promise<Map<string, SmsMessageRow>> {
  if (messages.length === 0) return new Map();
  const rows: SmsMessageRow[] = [];
  for (let i = 0; i < messages.length; i += 1000) rows.push(...((await trx(MESSAGES).insert(messages.slice(i, i + 1000)).onConflict('idempotency_key').ignore().returning('*')) as SmsMessageRow[]));
  return new Map(rows.map((row) => [row.idempotency_key, row]));
}

export async function messagesByKeys(knex: Knex, keys: readonly string[]): Promise<SmsMessageRow[]> {
  if (keys.length === 0) return [];
  return (await knex(MESSAGES).whereIn('idempotency_key', [...keys]).select('*')) as SmsMessageRow[];
}

export async function messageById(knex: Knex, id: string): Promise<SmsMessageRow | null> {
  return ((await knex(MESSAGES).where({ id }).first()) as SmsMessageRow | undefined) ?? null;
}

export async function messagesByIds(knex: Knex, ids: readonly string[]): Promise<SmsMessageRow[]> {
  if (ids.length === 0) return [];
  return (await knex(MESSAGES).whereIn('id', [...ids]).select('*')) as SmsMessageRow[];
}

export async function messageByKey(knex: Knex, key: string): Promise<SmsMessageRow | null> {
  return ((await knex(MESSAGES).where({ idempotency_key: key }).first()) as SmsMessageRow | undefined) ?? null;
}

export async function messageByProviderId(knex: Knex, provider: string, providerId: string): Promise<SmsMessageRow | null> {
  return ((await knex(MESSAGES).where({ provider, provider_id: providerId }).first()) as SmsMessageRow | undefined) ?? null;
}

export async function messagesOfActivities(knex: Knex, activityIds: readonly string[]): Promise<SmsMessageRow[]> {
  if (activityIds.length === 0) return [];
  return (await knex(MESSAGES).whereIn('activity_id', activityIds).select('*')) as SmsMessageRow[];
}

/** Records the provider's answer; returns the status after it (a report may have come first). */
export async function markHandedOver(knex: Knex, id: string, values: { providerId: string; parts: number; partIds: string[]; status: SmsStatus }): Promise<SmsStatus | null> {
  const [row] = (await knex(MESSAGES)
    .where({ id })
    .update({ provider_id: values.providerId, parts: values.parts, part_ids: values.partIds, status: knex.raw(`CASE WHEN status = 'queued' THEN ? ELSE status END`, [values.status === 'queued' ? 'sent' : values.status]), sent_at: knex.fn.now(), updated_at: knex.fn.now() })
    .returning('status')) as { status: SmsStatus }[];
  return row?.status ?? null;
}

/** Moves a message forward; returns the row after the change, or null when it did not move. */
export async function moveStatus(knex: Knex, id: string, status: SmsStatus, error: { code: string; detail?: string | null } | null): Promise<SmsMessageRow | null> {
  const from = Object.entries(RANK)
    .filter(([, rank]) => rank < RANK[status])
    .map(([s]) => s);
  const [row] = (await knex(MESSAGES)
    .where({ id })
    .whereIn('status', from)
    .update({
      status,
      ...(error ? { error_code: error.code, error_detail: error.detail ?? null } : {}),
      ...(status === 'delivered' ? { delivered_at: knex.fn.now() } : {}),
      updated_at: knex.fn.now(),
    })
    .returning('*')) as SmsMessageRow[];
  return row ?? null;
}

export async function setActivity(trx: Knex.Transaction, id: string, activityId: string): Promise<void> {
  await trx(MESSAGES).where({ id }).update({ activity_id: activityId });
}

/** Records one part's own status (modem reports; a JSON merge, so two parts' reports do not race). */
export async function setPartState(knex: Knex, id: string, index: number, status: SmsStatus): Promise<SmsMessageRow | null> {
  const [row] = (await knex(MESSAGES)
    .where({ id })
    .update({ part_states: knex.raw(`part_states || jsonb_build_object(?::text, ?::text)`, [String(index), status]), updated_at: knex.fn.now() })
    .returning('*')) as SmsMessageRow[];
  return row ?? null;
}

/**
 * The sent modem message a TP-MR is about, for a report no process remembers sending (sent before a
 * restart): the account's latest message still `sent` to that number within a week whose parts
 * include the reference. The reference wraps after 255, so the newest use wins.
 */
export async function openModemMessage(knex: Knex, account: string, recipient: string, reference: number): Promise<SmsMessageRow | null> {
  const numbers = recipient.startsWith('+') ? [recipient] : [recipient, `+${recipient}`];
  return (
    ((await knex(MESSAGES)
      .where({ provider: 'modem', account, status: 'sent' })
      .whereIn('to_number', numbers)
      .where('sent_at', '>', knex.raw(`now() - interval '7 days'`))
      .whereRaw('?::text = ANY(part_ids)', [String(reference)])
      .orderBy('sent_at', 'desc')
      .first()) as SmsMessageRow | undefined) ?? null
  );
}

/** Binds messages to their activities by one statement. */
export async function setActivities(trx: Knex.Transaction, bound: readonly { id: string; activityId: string }[]): Promise<void> {
  if (bound.length === 0) return;
  await trx.raw(`UPDATE ${MESSAGES} AS m SET activity_id = v.activity_id FROM unnest(?::uuid[], ?::uuid[]) AS v(id, activity_id) WHERE m.id = v.id`, [bound.map((b) => b.id), bound.map((b) => b.activityId)]);
}

// --- opt-outs -------------------------------------------------------------------------------------

export async function recordOptOut(knex: Knex, phone: string, source: string, detail: string | null): Promise<void> {
  await knex('tessera.sms_opt_outs').insert({ phone, source, detail }).onConflict('phone').ignore();
}

export async function removeOptOut(knex: Knex, phone: string): Promise<void> {
  await knex('tessera.sms_opt_outs').where({ phone }).delete();
}

export async function isOptedOut(knex: Knex, phone: string): Promise<boolean> {
  return (await knex('tessera.sms_opt_outs').where({ phone }).first('phone')) !== undefined;
}

// --- phone index ----------------------------------------------------------------------------------

export interface IndexedPhone {
  field: string;
  phone: string;
}

/** Replaces a record's indexed numbers (in the record change's transaction). */
export async function indexPhones(trx: Knex | Knex.Transaction, entity: string, recordId: string, phones: readonly IndexedPhone[]): Promise<void> {
  await trx('tessera.sms_phone_index').where({ entity, record_id: recordId }).delete();
  if (phones.length) await trx('tessera.sms_phone_index').insert(phones.map((p) => ({ entity, record_id: recordId, field: p.field, phone: p.phone }))).onConflict(['entity', 'record_id', 'field']).merge();
}

export async function recordsWithPhone(knex: Knex, phone: string): Promise<{ entity: string; recordId: string; field: string }[]> {
  const rows = (await knex('tessera.sms_phone_index').where({ phone }).orderBy([{ column: 'entity', order: 'desc' }, { column: 'record_id' }]).select('entity', 'record_id', 'field')) as { entity: string; record_id: string; field: string }[];
  return rows.map((r) => ({ entity: r.entity, recordId: r.record_id, field: r.field }));
}
