// Converting a lead: in one transaction, the contractor (created from the lead's company data, or
// an existing one linked), the contact person (from the lead's contact, an existing one, or none)
// and the deal, carrying the lead's data; the lead's activities are linked to them too, and the lead
// moves to `converted` through its status machine (qualifying it first when it is not yet). Every
// write goes through the records service with the user's rights, so each is checked and audited
// under their name; anything refused rolls the whole conversion back.
import type { Knex } from 'knex';
import { ACTIVITY_ENTITY, isUuid } from '../../metadata/index.ts';
import { TesseraError, isTesseraError, type Problem } from '../errors.ts';
import type { ApiRecord, RecordContext, RecordService } from '../records/index.ts';

export const LEAD = 'lead';
const CONTRACTOR = 'contractor';
const PERSON = 'person';
const DEAL = 'deal';

/** An existing record to link (`{id}`), or values for a new one (over the lead's). */
export type ConversionChoice = { readonly id: string } | { readonly values: Readonly<Record<string, unknown>> };

export interface LeadConversionInput {
  /** Absent: the lead's own contractor when it names one, else a new one from the lead. */
  readonly contractor?: ConversionChoice;
  /** null: no contact person. */
  readonly person: ConversionChoice | null;
  readonly deal: { readonly values: Readonly<Record<string, unknown>> };
}

export interface LeadConversion {
  readonly lead: ApiRecord;
  readonly contractor: ApiRecord;
  readonly person: ApiRecord | null;
  readonly deal: ApiRecord;
  /** The lead's activities now linked to the contractor and deal; those the user may not change stay with the lead. */
  readonly activities: { readonly linked: number; readonly skipped: number };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
const refId = (value: unknown): string | undefined => (typeof value === 'string' ? value : value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string' ? (value as { id: string }).id : undefined);
const defined = (values: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null));

/** "Jan Maria Kowalski" → first name "Jan Maria", last name "Kowalski"; a single word is the last name. Pure. */
export function splitName(name: string): { first_name: string; last_name: string } {
  const words = name.trim().split(/\s+/);
  const last = words.pop() ?? '';
  return { first_name: words.join(' ') || last, last_name: last };
}

/** What the new records take over from the lead (the user's values come on top). Pure. */
export function leadCarryOver(lead: Readonly<ApiRecord>): { contractor: Record<string, unknown>; person: Record<string, unknown> | null; deal: Record<string, unknown> } {
  const contact = text(lead.contact_name);
  return {
    contractor: defined({ name: text(lead.company_name) ?? text(lead.title), email: lead.email, phone: lead.phone, industry: lead.industry, turnover: lead.turnover, employees: lead.employees }),
    person: contact ? defined({ ...splitName(contact), email: lead.email, phone: lead.phone }) : null,
    deal: defined({ name: text(lead.title), lead: lead.id, campaign: refId(lead.campaign), salesperson: refId(lead.service_responsible), description: text(lead.interests) }),
  };
}

const invalid = (problems: Problem[]) => new TesseraError('VALIDATION_FAILED', `the conversion is invalid: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });

function choice(raw: unknown, at: string, problems: Problem[], nullable: boolean): ConversionChoice | null | undefined {
  if (raw === undefined) return undefined;
  if (raw === null && nullable) return null;
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const { id, values } = raw as { id?: unknown; values?: unknown };
    if (id !== undefined && values === undefined && typeof id === 'string' && isUuid(id)) return { id };
    if (id === undefined && values && typeof values === 'object' && !Array.isArray(values)) return { values: values as Record<string, unknown> };
    if (id === undefined && values === undefined) return { values: {} };
  }
  problems.push({ pointer: at, detail: `must be {"id": <uuid>} or {"values": {…}}${nullable ? ' or null' : ''}`, code: 'CONVERSION_CHOICE' });
  return undefined;
}

/** The request body, checked (every bad value named by its pointer). Absent parts: new records from the lead. */
export function parseConversion(body: Readonly<Record<string, unknown>>): LeadConversionInput {
  const problems: Problem[] = [];
  for (const key of Object.keys(body)) if (!['contractor', 'person', 'deal'].includes(key)) problems.push({ pointer: `/${key}`, detail: 'unknown member (contractor, person, deal)', code: 'UNKNOWN_FIELD' });
  const contractor = choice(body.contractor, '/contractor', problems, false);
  const person = choice(body.person, '/person', problems, true);
  const deal = choice(body.deal, '/deal', problems, false);
  if (deal && 'id' in deal) problems.push({ pointer: '/deal', detail: 'a conversion creates its deal: give {"values": {…}}', code: 'CONVERSION_CHOICE' });
  if (problems.length) throw invalid(problems);
  return { ...(contractor ? { contractor } : {}), person: person === undefined ? { values: {} } : person, deal: deal && 'values' in deal ? deal : { values: {} } };
}

/** Problems of a nested write re-pointed under the part of the body they came from. */
function under<T>(prefix: string, work: () => Promise<T>): Promise<T> {
  return work().catch((error: unknown) => {
    if (isTesseraError(error) && error.problems.length > 0) {
      throw new TesseraError(error.code, error.message, { problems: error.problems.map((p) => ({ ...p, pointer: `${prefix}${p.pointer}` })), extensions: error.extensions });
    }
    throw error;
  });
}

/** Converts a lead; see the top of the file. */
export async function convertLead(records: RecordService, knex: Knex, ctx: RecordContext, leadId: string, body: Readonly<Record<string, unknown>>): Promise<LeadConversion> {
  return knex.transaction(async (trx) => {
    const at: RecordContext = { ...ctx, trx };
    // Rights first: the user must be able to change the lead before anything is created.
    const lead = await records.get(at, LEAD, leadId);
    await records.checkUpdate(at, LEAD, leadId, { status: 'converted' });
    const input = parseConversion(body);
    if (lead.status === 'converted' || lead.status === 'disqualified') {
      throw new TesseraError('CONFLICT', `lead ${leadId} is ${String(lead.status)}: it cannot be converted`, { problems: [{ pointer: '/status', detail: `is ${String(lead.status)}`, code: 'LEAD_CLOSED' }] });
    }
    const carry = leadCarryOver(lead);
    const leadContractor = refId(lead.contractor);
    const chosen: ConversionChoice = input.contractor ?? (leadContractor ? { id: leadContractor } : { values: {} });
    const contractor = 'id' in chosen
      ? await under('/contractor', () => records.get(at, CONTRACTOR, chosen.id))
      : await under('/contractor/values', () => records.create(at, CONTRACTOR, { ...carry.contractor, ...chosen.values }));
    let person: ApiRecord | null = null;
    if (input.person && 'id' in input.person) person = await under('/person', () => records.get(at, PERSON, (input.person as { id: string }).id));
    else if (input.person && (carry.person || Object.keys(input.person.values).length > 0)) {
      const values = input.person.values;
      person = await under('/person/values', () => records.create(at, PERSON, { ...carry.person, ...values, contractor: contractor.id }));
    }
    const deal = await under('/deal/values', () => records.create(at, DEAL, { ...carry.deal, contractor: contractor.id, ...(person ? { person: person.id } : {}), ...input.deal.values }));
    const activities = await linkActivities(records, at, leadId, { contractor: contractor.id as string, deal: deal.id as string, person: (person?.id as string | undefined) ?? null });
    let current = lead;
    // The machine converts qualified leads: an open one is qualified first (both steps audited).
    const path = current.status === 'qualified' ? ['converted'] : ['qualified', 'converted'];
    for (const status of path) {
      const values = status === 'converted' ? { status, contractor: contractor.id } : { status };
      current = await under('/lead', () => records.update(at, LEAD, leadId, values, { expectedVersion: current.version as number }));
    }
    return { lead: current, contractor, person, deal, activities };
  });
}

/** Links the lead's activities to the new contractor, deal and person where those links are empty. */
async function linkActivities(records: RecordService, ctx: RecordContext, leadId: string, to: { contractor: string; deal: string; person: string | null }): Promise<{ linked: number; skipped: number }> {
  const entity = records.runtime.snapshot.entities.get(ACTIVITY_ENTITY)?.entity;
  if (!entity?.fieldsByName.has(LEAD)) return { linked: 0, skipped: 0 };
  const links = Object.entries(to).filter(([field, id]) => id !== null && entity.fieldsByName.has(field)) as [string, string][];
  let linked = 0;
  let skipped = 0;
  let after: string | undefined;
  do {
    const page = await records.list(ctx, ACTIVITY_ENTITY, { filter: { [LEAD]: { eq: leadId } }, fields: ['id', 'version', ...links.map(([f]) => f)], limit: 500, ...(after ? { after } : {}) });
    for (const activity of page.data) {
      const values = Object.fromEntries(links.filter(([field]) => activity[field] === null || activity[field] === undefined));
      if (Object.keys(values).length === 0) continue;
      try {
        await records.checkUpdate(ctx, ACTIVITY_ENTITY, activity.id as string, values);
      } catch (error) {
        if (isTesseraError(error) && (error.code === 'FORBIDDEN' || error.code === 'NOT_FOUND')) {
          skipped++;
          continue;
        }
        throw error;
      }
      await records.update(ctx, ACTIVITY_ENTITY, activity.id as string, values, { expectedVersion: activity.version as number });
      linked++;
    }
    after = page.next;
  } while (after);
  return { linked, skipped };
}
