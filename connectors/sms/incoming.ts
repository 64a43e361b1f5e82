// Incoming SMS (modem +CMTI/+CMT, SMSAPI and Twilio webhooks): stored once as an inbound `sms`
// activity linked to the persons/contractors whose number it came from (the E.164 index); an
// unknown sender's message stays unlinked — the "to file" queue. A reply that is an opt-out word
// records the opt-out and marks the matched contacts.
import type { ConnectorContext, JsonObject } from '../../engine/connectors/index.ts';
import { DEFAULT_OPT_OUT_WORDS, type SmsConfig } from './accounts.ts';
import { isOptOutReply } from './consent.ts';
import { CONTACT_ENTITIES, indexEntries } from './contacts.ts';
import { indexPhones, recordOptOut, recordsWithPhone } from './message-store.ts';
import { SYSTEM, subjectOf, updateAsConnector } from './outbound.ts';
import { normalisePhoneNumber } from './phone-numbers.ts';
import type { IncomingSms } from './ports.ts';

export interface IncomingResult {
  readonly activityId: string | null;
  readonly duplicate: boolean;
  readonly linked: readonly { entity: string; id: string }[];
  readonly optOut: boolean;
}

export async function receiveSms(ctx: ConnectorContext, account: string, sms: IncomingSms): Promise<IncomingResult> {
  const config = (await ctx.settings()).config as SmsConfig;
  const number = normalisePhoneNumber(sms.from, config.defaultRegion ?? 'PL');
  const from = number.ok ? number.e164 : sms.from;
  const key = `sms:${account}:${sms.providerId}`;
  const activity = ctx.records.runtime.snapshot.model.entities.get('activity');
  const hasKind = activity?.kinds?.has('sms') === true;
  if (hasKind) {
    const seen = await ctx.records.list({ actor: SYSTEM }, 'activity', { filter: { message_id: { eq: key } }, limit: 1, fields: ['id'] });
    if (seen.data.length) return { activityId: String(seen.data[0]!.id), duplicate: true, linked: [], optOut: false };
  }
  const matches = number.ok ? await recordsWithPhone(ctx.knex, from) : [];
  const linked = dedupe(matches.map((m) => ({ entity: m.entity, id: m.recordId })));
  const optOut = number.ok && isOptOutReply(sms.text, config.optOutWords ?? DEFAULT_OPT_OUT_WORDS);
  if (optOut) {
    await recordOptOut(ctx.knex, from, 'reply', sms.text.slice(0, 200));
    for (const m of linked) {
      if (!ctx.records.runtime.snapshot.model.entities.get(m.entity)?.fieldsByName.has('sms_opt_out')) continue;
      await updateAsConnector(ctx, m.entity, m.id, { sms_opt_out: true }).catch((error: unknown) => ctx.log(`opt-out of ${m.entity} ${m.id}`, error));
    }
  }
  if (!hasKind) return { activityId: null, duplicate: false, linked, optOut };
  const values: Record<string, unknown> = {
    kind: 'sms',
    subject: subjectOf(sms.text) || '—',
    direction: 'inbound',
    description: sms.text,
    sms_status: 'received',
    message_id: key,
    start_at: sms.receivedAt,
    status: 'resolved',
  };
  if (number.ok) values.phone_number = from;
  // One record per type on the activity: the first match of each (a person before their company's).
  for (const m of linked) if (activity!.fieldsByName.has(m.entity) && values[m.entity] === undefined) values[m.entity] = m.id;
  if (values.person && !values.contractor && activity!.fieldsByName.has('contractor')) {
    const person = (await ctx.records.get({ actor: SYSTEM }, 'person', String(values.person)).catch(() => null)) as JsonObject | null;
    if (typeof person?.contractor === 'string') values.contractor = person.contractor;
  }
  const created = await ctx.records.create({ actor: SYSTEM }, 'activity', values, { allowReadOnly: true });
  return { activityId: String(created.id), duplicate: false, linked, optOut };
}

function dedupe(refs: { entity: string; id: string }[]): { entity: string; id: string }[] {
  const seen = new Set<string>();
  return refs.filter((r) => (seen.has(`${r.entity}:${r.id}`) ? false : (seen.add(`${r.entity}:${r.id}`), true)));
}

/** Rebuilds the E.164 index of every person/contractor (records written while the connector was
 * disabled, or before it existed). Pages through the records service. */
export async function reindexPhones(ctx: ConnectorContext, signal?: AbortSignal): Promise<number> {
  const config = (await ctx.settings()).config as SmsConfig;
  const entities = ctx.records.runtime.snapshot.model.entities;
  let count = 0;
  for (const name of CONTACT_ENTITIES) {
    const entity = entities.get(name);
    if (!entity) continue;
    let after: string | undefined;
    do {
      if (signal?.aborted) return count;
      const page = await ctx.records.list({ actor: SYSTEM }, name, { limit: 500, ...(after ? { after } : {}) });
      for (const record of page.data) {
        await indexPhones(ctx.knex, name, String(record.id), indexEntries(entity, record as JsonObject, config.defaultRegion ?? 'PL'));
        count++;
      }
      after = page.next ?? undefined;
    } while (after);
  }
  return count;
}
