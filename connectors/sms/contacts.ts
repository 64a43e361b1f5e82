// Persons and contractors as SMS recipients and senders: their phone fields (every field of type
// `phone`), the number an SMS goes to, what they consented to, and the E.164 index entries that let
// an incoming SMS find them.
import type { JsonObject } from '../../engine/connectors/index.ts';
import type { ContactConsent } from './consent.ts';
import type { IndexedPhone } from './message-store.ts';
import { canReceiveSms, normalisePhoneNumber } from './phone-numbers.ts';

/** The types whose records an incoming SMS is matched to. */
export const CONTACT_ENTITIES = ['person', 'contractor'] as const;

/** Mobile first: the field an SMS goes to when the sender did not name one. */
const PREFERRED = ['mobile', 'phone', 'private_phone'];

interface EntityShape {
  readonly fields: readonly { readonly name: string; readonly type: string }[];
}

export function phoneFields(entity: EntityShape): string[] {
  const all = entity.fields.filter((f) => f.type === 'phone').map((f) => f.name);
  return [...PREFERRED.filter((n) => all.includes(n)), ...all.filter((n) => !PREFERRED.includes(n))];
}

/** The first of a record's numbers that can take an SMS, as E.164. */
export function smsNumberOf(entity: EntityShape, record: JsonObject, region: string): string | null {
  for (const field of phoneFields(entity)) {
    const value = record[field];
    if (typeof value !== 'string' || !value.trim()) continue;
    const number = normalisePhoneNumber(value, region);
    if (number.ok && canReceiveSms(number)) return number.e164;
  }
  return null;
}

export function indexEntries(entity: EntityShape, record: JsonObject, region: string): IndexedPhone[] {
  const out: IndexedPhone[] = [];
  for (const field of phoneFields(entity)) {
    const value = record[field];
    if (typeof value !== 'string' || !value.trim()) continue;
    const number = normalisePhoneNumber(value, region);
    if (number.ok) out.push({ field, phone: number.e164 });
  }
  return out;
}

export function consentOf(entity: EntityShape, record: JsonObject): ContactConsent {
  const has = (name: string) => entity.fields.some((f) => f.name === name);
  return {
    ...(has('sms_opt_out') ? { optedOut: record.sms_opt_out === true } : {}),
    ...(has('marketing_consent') ? { marketingConsent: record.marketing_consent === true } : {}),
  };
}
