// "To file" → a new lead or contractor made from the message (enova / Sente style): the starting
// values come from the sender (address, name, domain) and the subject; the caller's own values win.
// Pure; the route creates the record with the caller's rights and files the thread on it.
import type { EntityModel } from '../../metadata/index.ts';

export const RECORDS_FROM_MAIL = ['lead', 'contractor'] as const;
export type RecordFromMail = (typeof RECORDS_FROM_MAIL)[number];

const hasValue = (entity: EntityModel, field: string, value: string) => {
  const f = entity.fieldsByName.get(field);
  return f?.type === 'enum' && f.values.some((v) => v.value === value);
};

/** Starting values of a lead or contractor for a message from `from` about `subject`. */
export function recordFromMail(kind: RecordFromMail, entity: EntityModel, mail: { readonly from: string; readonly subject: string }, given: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const from = mail.from.trim().toLowerCase();
  const domain = from.split('@')[1] ?? '';
  const values: Record<string, unknown> = {};
  const set = (field: string, value: unknown) => {
    if (entity.fieldsByName.has(field) && value !== '' && value !== null) values[field] = value;
  };
  set('email', from || null);
  if (kind === 'lead') {
    set('title', (mail.subject || from).slice(0, 200));
    set('company_name', domain || null);
  } else {
    set('name', (domain || from).slice(0, 200));
    if (hasValue(entity, 'contractor_type', 'company')) values.contractor_type = 'company';
    if (hasValue(entity, 'country', 'pl')) values.country = 'pl';
  }
  return { ...values, ...given };
}
