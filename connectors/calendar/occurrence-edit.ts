// Editing one occurrence of a recurring series from the CRM (a series is one activity, its rules and
// overridden occurrences kept in the sync state): a moved or renamed occurrence becomes an override
// component (RECURRENCE-ID = its original start), a cancelled one an EXDATE. The object is marked
// changed and the account synced at once, so the calendar gets it with If-Match like any CRM edit.
import type { Response, Router } from 'express';
import type { Actor, ConnectorContext, ConnectorRoutes } from '../../engine/connectors/index.ts';
import { businessZone, syncCalendarAccount } from './account-sync.ts';
import type { Series } from './activity-ical.ts';
import { component, escapeText, first, property, type IcsComponent } from './ics-text.ts';
import { dateTimeProperty, formatUtc } from './time-zones.ts';

export interface OccurrenceChange {
  /** The occurrence's original start (ISO). */
  readonly occurrence: string;
  readonly cancelled?: boolean;
  readonly start_at?: string;
  readonly end_at?: string;
  readonly subject?: string;
  readonly location?: string;
}

/** The series with one occurrence overridden (or excluded); the master's fields give what is not changed. */
export function withOccurrence(series: Series, master: { uid: string; subject: string; location: string | null; durationMs: number }, change: OccurrenceChange, zone: string, now: Date): Series {
  const original = new Date(change.occurrence);
  const id = dateTimeProperty('RECURRENCE-ID', original, zone);
  const sameOccurrence = (c: IcsComponent) => first(c, 'RECURRENCE-ID')?.value === id.value;
  const overrides = series.overrides.filter((c) => !sameOccurrence(c));
  if (change.cancelled) return { rules: [...series.rules, dateTimeProperty('EXDATE', original, zone)], overrides };
  const start = change.start_at ? new Date(change.start_at) : original;
  const end = change.end_at ? new Date(change.end_at) : new Date(start.getTime() + master.durationMs);
  const location = change.location ?? master.location;
  const override = component('VEVENT', [
    property('UID', master.uid),
    id,
    property('DTSTAMP', formatUtc(now)),
    dateTimeProperty('DTSTART', start, zone),
    dateTimeProperty('DTEND', end, zone),
    property('SUMMARY', escapeText(change.subject ?? master.subject)),
    ...(location ? [property('LOCATION', escapeText(location))] : []),
  ]);
  return { rules: series.rules, overrides: [...overrides, override] };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isInstant = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v));

function problem(res: Response, status: number, code: string, detail: string, errors: { pointer: string; detail: string }[] = []): void {
  res.status(status).type('application/problem+json').send(JSON.stringify({ title: detail, status, detail, code, ...(errors.length ? { errors } : {}) }));
}

export const occurrenceRoutes: ConnectorRoutes = (router: Router, ctx) => {
  router.post('/occurrences', async (req, res) => {
    const access = ctx.access(res);
    if (!access?.subject) return problem(res, 403, 'FORBIDDEN', 'sign in first');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const errors: { pointer: string; detail: string }[] = [];
    for (const key of Object.keys(b)) if (!['activity', 'occurrence', 'cancelled', 'start_at', 'end_at', 'subject', 'location'].includes(key)) errors.push({ pointer: `/${key}`, detail: 'unknown property' });
    if (typeof b.activity !== 'string' || !UUID.test(b.activity)) errors.push({ pointer: '/activity', detail: 'must be the id of an activity' });
    for (const key of ['occurrence', 'start_at', 'end_at']) if ((key === 'occurrence' || b[key] !== undefined) && !isInstant(b[key])) errors.push({ pointer: `/${key}`, detail: 'must be a date-time' });
    for (const key of ['subject', 'location']) if (b[key] !== undefined && (typeof b[key] !== 'string' || (b[key] as string).length > 300)) errors.push({ pointer: `/${key}`, detail: 'must be a text of at most 300 characters' });
    if (b.cancelled !== undefined && typeof b.cancelled !== 'boolean') errors.push({ pointer: '/cancelled', detail: 'must be true or false' });
    if (errors.length) return problem(res, 422, 'VALIDATION_FAILED', 'invalid occurrence', errors);
    const actor: Actor = { userId: access.subject.userId, via: 'api', access };
    // The activity as the user may see it (404/403 otherwise), and its series as their account synced it.
    const activity = await ctx.records.get({ actor }, 'activity', String(b.activity));
    const row = (await ctx
      .knex('tessera.calendar_sync_objects as o')
      .join('public.calendar_account as a', 'a.id', 'o.account_id')
      .where({ 'o.activity_id': activity.id, 'a.calendar_user': access.subject.userId })
      .whereNotNull('o.series')
      .first('o.id', 'o.account_id', 'o.uid', 'o.series')) as { id: string; account_id: string; uid: string; series: Series | string } | undefined;
    if (!row) return problem(res, 422, 'VALIDATION_FAILED', 'not a recurring series synced with your calendar', [{ pointer: '/activity', detail: 'not a synced series' }]);
    const series = typeof row.series === 'string' ? (JSON.parse(row.series) as Series) : row.series;
    const start = Date.parse(String(activity.start_at ?? ''));
    const end = Date.parse(String(activity.end_at ?? ''));
    const next = withOccurrence(series, { uid: row.uid, subject: String(activity.subject ?? ''), location: typeof activity.location === 'string' ? activity.location : null, durationMs: Number.isFinite(end - start) ? end - start : 3_600_000 }, b as unknown as OccurrenceChange, businessZone(ctx as ConnectorContext), new Date());
    // local_version -1: the next push writes the object (If-Match), as for any edit in the CRM.
    await ctx.knex('tessera.calendar_sync_objects').where({ id: row.id }).update({ series: JSON.stringify(next), local_version: -1 });
    const report = await syncCalendarAccount(ctx as ConnectorContext, row.account_id);
    res.json({ overrides: next.overrides.length, exdates: next.rules.filter((r) => r.name === 'EXDATE').length, pushed: report.pushed });
  });
};
