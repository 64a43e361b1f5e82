// Yearly dates (birthdays, anniversaries) as a calendar source: the metadata declares them as views
// of type calendar with `recurrence: yearly` whose first column is a date field (the seed's
// person.birthdays). In an ICS feed each record is one all-day VEVENT repeating every year
// (RRULE:FREQ=YEARLY; a 29 February comes on the last day of February in other years).
import type { Actor, ConnectorContext } from '../../engine/connectors/index.ts';
import { component, escapeText, property, type IcsComponent } from './ics-text.ts';
import type { Language } from './wording.ts';

export interface YearlyDate {
  readonly uid: string;
  /** YYYY-MM-DD as stored (the year of birth, for a birthday). */
  readonly date: string;
  readonly summary: string;
}

const compact = (date: string) => date.replace(/-/g, '');

/** The all-day, yearly VEVENT of a date; null for a value that is not a date. */
export function yearlyEvent(item: YearlyDate, stamp: string): IcsComponent | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(item.date);
  if (!m) return null;
  const start = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(start.getTime()) || start.getUTCDate() !== Number(m[3])) return null;
  const next = new Date(start.getTime() + 86_400_000).toISOString().slice(0, 10);
  const leapDay = m[2] === '02' && m[3] === '29';
  return component('VEVENT', [
    property('UID', item.uid),
    property('DTSTAMP', stamp),
    property('DTSTART', compact(item.date), { VALUE: 'DATE' }),
    property('DTEND', compact(next), { VALUE: 'DATE' }),
    property('RRULE', leapDay ? 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1' : 'FREQ=YEARLY'),
    property('SUMMARY', escapeText(item.summary)),
    property('TRANSP', 'TRANSPARENT'),
  ]);
}

const PAGE = 500;
const LIMIT = 5000;

/** Every yearly date the actor may read, from every yearly view of the model. */
export async function yearlyDates(ctx: ConnectorContext, actor: Actor, language: Language): Promise<YearlyDate[]> {
  const model = ctx.records.runtime.snapshot.model;
  const out: YearlyDate[] = [];
  for (const view of model.views.filter((v) => v.type === 'calendar' && v.recurrence === 'yearly')) {
    const entity = model.entities.get(view.entity);
    const field = view.columns?.[0];
    if (!entity || !field || entity.fieldsByName.get(field)?.type !== 'date') continue;
    if (actor.access && !actor.access.unrestricted && actor.access.entity(view.entity).read.length === 0) continue; // not theirs to see
    const named = (r: Record<string, unknown>) => {
      const parts = ['first_name', 'last_name'].map((f) => r[f]).filter((v): v is string => typeof v === 'string' && v !== '');
      return parts.length ? parts.join(' ') : String(r[entity.displayField ?? 'id'] ?? r.id);
    };
    const filter = view.filter ? { and: [view.filter, { [field]: { isNull: false } }] } : { [field]: { isNull: false } };
    let after: string | undefined;
    do {
      const page = await ctx.records.list({ actor }, view.entity, { filter, limit: PAGE, sort: 'created_at', ...(after ? { after } : {}) });
      for (const r of page.data) {
        const value = r[field];
        const date = value instanceof Date ? value.toISOString().slice(0, 10) : String(value ?? '').slice(0, 10);
        out.push({ uid: `${String(r.id)}.${view.name}@tessera`, date, summary: `${view.label[language]}: ${named(r)}` });
      }
      after = page.next;
    } while (after && out.length < LIMIT);
  }
  return out;
}
