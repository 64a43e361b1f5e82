// Activity ⇄ iCalendar: the fields the sync carries (CalendarFields), written as a VEVENT (meetings,
// calls; tasks when configured so) or a VTODO (tasks), and read back from whatever a phone wrote.
// A recurring series stays one activity: its rules (RRULE/RDATE/EXDATE) and overridden occurrences
// (RECURRENCE-ID components) travel untouched beside the fields (`series`).
import { all, component, escapeText, first, parseIcs, property, textOf, writeIcs, type IcsComponent, type IcsProperty } from './ics-text.ts';
import { dateTimeProperty, formatUtc, instantOfWhen, isKnownZone, parseWhen, vtimezone } from './time-zones.ts';

export type ActivityStatus = 'open' | 'resolved' | 'cancelled';
export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export type Reminder = 'at_deadline' | 'one_day_before' | 'two_days_before' | 'three_days_before';

/** What the sync carries of an activity; ISO instants; attendees are lower-case addresses, sorted. */
export interface CalendarFields {
  readonly subject: string;
  readonly description: string | null;
  readonly location: string | null;
  readonly start_at: string | null;
  readonly end_at: string | null;
  readonly deadline: string | null;
  readonly status: ActivityStatus;
  readonly percent_done: number | null;
  readonly priority: Priority;
  readonly reminder: Reminder | null;
  readonly attendees: readonly string[];
}

export const CALENDAR_FIELD_NAMES = ['subject', 'description', 'location', 'start_at', 'end_at', 'deadline', 'status', 'percent_done', 'priority', 'reminder', 'attendees'] as const satisfies readonly (keyof CalendarFields)[];

/** A series' rules and overridden occurrences, kept as iCalendar so they round-trip untouched. */
export interface Series {
  readonly rules: readonly IcsProperty[];
  readonly overrides: readonly IcsComponent[];
}

export interface CalendarObject {
  readonly uid: string;
  readonly component: 'VEVENT' | 'VTODO';
  readonly fields: CalendarFields;
  readonly series: Series | null;
  /** LAST-MODIFIED (or DTSTAMP) of the master: when the remote side last wrote it. */
  readonly modifiedAt: string | null;
}

export class CalendarObjectError extends Error {
  readonly code = 'CALENDAR_OBJECT';
  constructor(message: string) {
    super(message);
    this.name = 'CalendarObjectError';
  }
}

const PRODID = '-//Tessera//Calendar connector//EN';
const PRIORITY_OUT: Record<Priority, string> = { urgent: '1', high: '3', normal: '5', low: '9' };
const REMINDER_TRIGGER: Record<Reminder, string> = { at_deadline: 'PT0S', one_day_before: '-P1D', two_days_before: '-P2D', three_days_before: '-P3D' };
const TRIGGER_REMINDER: Record<string, Reminder> = { PT0S: 'at_deadline', '-PT0S': 'at_deadline', P0D: 'at_deadline', '-P1D': 'one_day_before', '-PT24H': 'one_day_before', '-P2D': 'two_days_before', '-PT48H': 'two_days_before', '-P3D': 'three_days_before', '-PT72H': 'three_days_before' };

const priorityIn = (value: string | null): Priority => {
  const n = Number(value ?? 0);
  if (n >= 1 && n <= 2) return 'urgent';
  if (n >= 3 && n <= 4) return 'high';
  if (n >= 6 && n <= 9) return 'low';
  return 'normal';
};

export interface WriteOptions {
  /** The business zone (the manifest's timeZone): times are written in it, with its VTIMEZONE. */
  readonly zone: string;
  /** DTSTAMP. */
  readonly now: Date;
}

/** The master component of an object. */
function master(obj: CalendarObject, zone: string, now: Date): IcsComponent {
  const f = obj.fields;
  const props: IcsProperty[] = [property('UID', obj.uid), property('DTSTAMP', formatUtc(now)), property('LAST-MODIFIED', formatUtc(now)), property('SUMMARY', escapeText(f.subject))];
  if (f.description) props.push(property('DESCRIPTION', escapeText(f.description)));
  if (f.location) props.push(property('LOCATION', escapeText(f.location)));
  props.push(property('PRIORITY', PRIORITY_OUT[f.priority]));
  const at = (iso: string | null) => (iso ? new Date(iso) : null);
  const start = at(f.start_at);
  const alarm = (related: 'START' | 'END') =>
    f.reminder
      ? [component('VALARM', [property('ACTION', 'DISPLAY'), property('DESCRIPTION', escapeText(f.subject)), property('TRIGGER', REMINDER_TRIGGER[f.reminder], related === 'END' ? { RELATED: 'END' } : {})])]
      : [];
  if (obj.component === 'VEVENT') {
    const begin = start ?? at(f.deadline);
    if (!begin) throw new CalendarObjectError('an event needs a start or a deadline');
    props.push(dateTimeProperty('DTSTART', begin, zone));
    const end = at(f.end_at) ?? (start ? null : begin);
    if (end && end.getTime() >= begin.getTime()) props.push(dateTimeProperty('DTEND', end, zone));
    props.push(property('STATUS', f.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'));
    if (f.status === 'resolved') props.push(property('X-TESSERA-STATUS', 'resolved'));
  } else {
    if (start) props.push(dateTimeProperty('DTSTART', start, zone));
    const due = at(f.deadline);
    if (due) props.push(dateTimeProperty('DUE', due, zone));
    props.push(property('STATUS', f.status === 'resolved' ? 'COMPLETED' : f.status === 'cancelled' ? 'CANCELLED' : (f.percent_done ?? 0) > 0 ? 'IN-PROCESS' : 'NEEDS-ACTION'));
    if (f.status === 'resolved') props.push(property('COMPLETED', formatUtc(now)));
    if (f.percent_done !== null) props.push(property('PERCENT-COMPLETE', String(f.status === 'resolved' ? 100 : Math.round(f.percent_done))));
  }
  for (const address of f.attendees) props.push(property('ATTENDEE', `mailto:${address}`, { PARTSTAT: 'NEEDS-ACTION' }));
  props.push(...(obj.series?.rules ?? []));
  return component(obj.component, props, alarm(obj.component === 'VTODO' && !start ? 'END' : 'START'));
}

/** The zones a component tree names in TZID parameters. */
function zonesNamed(components: readonly IcsComponent[], into: Set<string>): Set<string> {
  for (const c of components) {
    for (const p of c.properties) if (p.params.TZID) into.add(p.params.TZID);
    zonesNamed(c.components, into);
  }
  return into;
}

/** The VCALENDAR text of an object: VTIMEZONE of each zone used, the master, its overrides. */
export function writeCalendarObject(obj: CalendarObject, options: WriteOptions): string {
  const main = master(obj, options.zone, options.now);
  const items = [main, ...(obj.series?.overrides ?? [])];
  const year = new Date(obj.fields.start_at ?? obj.fields.deadline ?? options.now.toISOString()).getUTCFullYear();
  const zones = [...zonesNamed(items, new Set())].filter(isKnownZone).map((z) => vtimezone(z, year));
  return writeIcs(component('VCALENDAR', [property('VERSION', '2.0'), property('PRODID', PRODID), property('CALSCALE', 'GREGORIAN')], [...zones, ...items]));
}

/**
 * A subscription feed: many objects in one VCALENDAR with one VTIMEZONE per zone, a name and a
 * refresh hint (Outlook and Google poll at their own pace; the hint is what we can say).
 */
export function writeCalendarFeed(objects: readonly CalendarObject[], options: WriteOptions & { readonly name: string; readonly extra?: readonly IcsComponent[] }): string {
  const items: IcsComponent[] = [...(options.extra ?? [])];
  for (const obj of objects) {
    try {
      items.push(master(obj, options.zone, options.now), ...(obj.series?.overrides ?? []));
    } catch (error) {
      if (!(error instanceof CalendarObjectError)) throw error; // an undated activity has no place in a calendar
    }
  }
  const zones = [...zonesNamed(items, new Set([options.zone]))].filter((z) => z !== 'UTC' && isKnownZone(z)).map((z) => vtimezone(z, options.now.getUTCFullYear()));
  const head = [property('VERSION', '2.0'), property('PRODID', PRODID), property('CALSCALE', 'GREGORIAN'), property('METHOD', 'PUBLISH'), property('X-WR-CALNAME', escapeText(options.name)), property('X-WR-TIMEZONE', options.zone), property('REFRESH-INTERVAL', 'PT15M', { VALUE: 'DURATION' }), property('X-PUBLISHED-TTL', 'PT15M')];
  return writeIcs(component('VCALENDAR', head, [...zones, ...items]));
}

export interface ReadOptions {
  readonly zone: string;
}

const durationMs = (text: string): number | null => {
  const m = /^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text.trim());
  if (!m) return null;
  const [, sign, w, d, h, mi, s] = m;
  const ms = ((Number(w ?? 0) * 7 + Number(d ?? 0)) * 86_400 + Number(h ?? 0) * 3600 + Number(mi ?? 0) * 60 + Number(s ?? 0)) * 1000;
  return sign === '-' ? -ms : ms;
};

/** Reads a calendar object (as stored on a CalDAV server) into the fields the sync carries. */
export function readCalendarObject(text: string, options: ReadOptions): CalendarObject {
  const root = parseIcs(text);
  if (root.name !== 'VCALENDAR') throw new CalendarObjectError(`expected VCALENDAR, found ${root.name}`);
  const items = root.components.filter((c) => c.name === 'VEVENT' || c.name === 'VTODO');
  const main = items.find((c) => !first(c, 'RECURRENCE-ID')) ?? items[0];
  if (!main) throw new CalendarObjectError('no VEVENT or VTODO');
  const uid = textOf(main, 'UID');
  if (!uid) throw new CalendarObjectError('no UID');
  const zone = options.zone;
  const when = (name: string) => {
    const p = first(main, name);
    return p ? instantOfWhen(parseWhen(p, zone), zone) : null;
  };
  const start = when('DTSTART');
  let end = main.name === 'VEVENT' ? when('DTEND') : null;
  const duration = first(main, 'DURATION');
  if (!end && start && duration) {
    const ms = durationMs(duration.value);
    if (ms !== null) end = new Date(start.getTime() + ms);
  }
  const status = (textOf(main, 'STATUS') ?? '').toUpperCase();
  const percent = textOf(main, 'PERCENT-COMPLETE');
  const resolved = main.name === 'VTODO' ? status === 'COMPLETED' || first(main, 'COMPLETED') !== undefined : textOf(main, 'X-TESSERA-STATUS') === 'resolved';
  const alarm = main.components.find((c) => c.name === 'VALARM');
  const trigger = alarm ? first(alarm, 'TRIGGER')?.value.trim().toUpperCase() : undefined;
  const attendees = all(main, 'ATTENDEE')
    .map((p) => p.value.replace(/^mailto:/i, '').trim().toLowerCase())
    .filter((a) => a.includes('@'))
    .sort();
  const fields: CalendarFields = {
    subject: textOf(main, 'SUMMARY') ?? '',
    description: textOf(main, 'DESCRIPTION'),
    location: textOf(main, 'LOCATION'),
    start_at: start?.toISOString() ?? null,
    end_at: end?.toISOString() ?? null,
    deadline: main.name === 'VTODO' ? (when('DUE')?.toISOString() ?? null) : null,
    status: status === 'CANCELLED' ? 'cancelled' : resolved ? 'resolved' : 'open',
    percent_done: percent === null ? null : Math.max(0, Math.min(100, Number(percent) || 0)),
    priority: priorityIn(textOf(main, 'PRIORITY')),
    reminder: trigger ? (TRIGGER_REMINDER[trigger] ?? null) : null,
    attendees: [...new Set(attendees)],
  };
  const rules = main.properties.filter((p) => p.name === 'RRULE' || p.name === 'RDATE' || p.name === 'EXDATE');
  const overrides = items.filter((c) => c !== main && first(c, 'RECURRENCE-ID'));
  const modified = first(main, 'LAST-MODIFIED') ?? first(main, 'DTSTAMP');
  return {
    uid,
    component: main.name as 'VEVENT' | 'VTODO',
    fields,
    series: rules.length > 0 || overrides.length > 0 ? { rules, overrides } : null,
    modifiedAt: modified ? instantOfWhen(parseWhen(modified, 'UTC'), 'UTC').toISOString() : null,
  };
}
