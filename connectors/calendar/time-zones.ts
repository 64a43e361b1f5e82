// Dates in named zones without the process's own zone: everything goes through Intl with an explicit
// timeZone, so CI's TZ=UTC and a laptop's Europe/Warsaw give the same iCalendar text (the 2-hour
// shift of gotcha 11 comes from reading wall time off a plain Date in the process zone).
import { component, property, type IcsComponent, type IcsProperty } from './ics-text.ts';

export interface WallTime {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether Intl knows the zone (IANA names; Windows names such as "Central European Standard Time" are not). */
export function isKnownZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

export function wallTimeIn(zone: string, instant: Date): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(instant)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

/** Minutes east of UTC in the zone at the instant. */
export function offsetMinutes(zone: string, instant: Date): number {
  const w = wallTimeIn(zone, instant);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The instant of a wall time in a zone (a skipped spring-forward time moves forward, as RFC 5545 says). */
export function instantOf(zone: string, w: WallTime): Date {
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  let guess = naive - offsetMinutes(zone, new Date(naive)) * 60_000;
  const second = naive - offsetMinutes(zone, new Date(guess)) * 60_000;
  if (second !== guess) guess = Math.max(guess, second);
  return new Date(guess);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export const formatWall = (w: WallTime): string => `${pad(w.year, 4)}${pad(w.month)}${pad(w.day)}T${pad(w.hour)}${pad(w.minute)}${pad(w.second)}`;
export const formatUtc = (d: Date): string => `${formatWall({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() })}Z`;

/** A DATE-TIME property in the zone (`DTSTART;TZID=Europe/Warsaw:20261203T100000`), UTC when zone is UTC. */
export function dateTimeProperty(name: string, instant: Date, zone: string): IcsProperty {
  if (zone === 'UTC' || zone === 'Etc/UTC') return property(name, formatUtc(instant));
  return property(name, formatWall(wallTimeIn(zone, instant)), { TZID: zone });
}

export type IcsWhen = { readonly kind: 'instant'; readonly at: Date } | { readonly kind: 'date'; readonly date: string };

const DATE_TIME = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/;

/**
 * A DATE or DATE-TIME value: `Z` is UTC, TZID is the named zone (unknown names fall back to the
 * business zone), floating times are read in the business zone.
 */
export function parseWhen(p: IcsProperty, businessZone: string): IcsWhen {
  const m = DATE_TIME.exec(p.value.trim());
  if (!m) throw new RangeError(`${p.name}: "${p.value}" is not an iCalendar date`);
  const [, y, mo, d, h, mi, s, z] = m;
  if (h === undefined || p.params.VALUE === 'DATE') return { kind: 'date', date: `${y}-${mo}-${d}` };
  const wall: WallTime = { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s) };
  if (z === 'Z') return { kind: 'instant', at: new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second)) };
  const tzid = p.params.TZID?.replace(/^\//, '');
  const zone = tzid && isKnownZone(tzid) ? tzid : businessZone;
  return { kind: 'instant', at: instantOf(zone, wall) };
}

/** The instant a DATE or DATE-TIME stands for: a DATE is its midnight in the business zone. */
export function instantOfWhen(when: IcsWhen, businessZone: string): Date {
  if (when.kind === 'instant') return when.at;
  const [y, m, d] = when.date.split('-').map(Number);
  return instantOf(businessZone, { year: y!, month: m!, day: d!, hour: 0, minute: 0, second: 0 });
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/** The offset changes of a zone in a year, found by bisection between daily samples. */
function transitions(zone: string, year: number): { at: Date; from: number; to: number }[] {
  const found: { at: Date; from: number; to: number }[] = [];
  let prev = Date.UTC(year, 0, 1);
  let prevOffset = offsetMinutes(zone, new Date(prev));
  for (let day = 1; day <= 366; day++) {
    const t = Date.UTC(year, 0, 1) + day * 86_400_000;
    const o = offsetMinutes(zone, new Date(t));
    if (o !== prevOffset) {
      let lo = prev;
      let hi = t;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (offsetMinutes(zone, new Date(mid)) === prevOffset) lo = mid;
        else hi = mid;
      }
      found.push({ at: new Date(hi), from: prevOffset, to: o });
      prevOffset = o;
    }
    prev = t;
  }
  return found;
}

const formatOffset = (minutes: number) => `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}${pad(Math.abs(minutes) % 60)}`;

/** The day of the month of the nth (or last, -1) weekday. */
function dayOfRule(year: number, month: number, nth: number, weekday: number): number {
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const matching: number[] = [];
  for (let d = 1; d <= days; d++) if (new Date(Date.UTC(year, month - 1, d)).getUTCDay() === weekday) matching.push(d);
  return nth === -1 ? matching.at(-1)! : matching[nth - 1]!;
}

/**
 * A VTIMEZONE for the zone with yearly rules taken from the given year's transitions (the nth or
 * last weekday of the month, as every current European and American rule is). Clients that know
 * the IANA name ignore it; Outlook needs it.
 */
export function vtimezone(zone: string, year: number): IcsComponent {
  const changes = transitions(zone, year);
  if (changes.length === 0) {
    const o = offsetMinutes(zone, new Date(Date.UTC(year, 0, 1)));
    return component('VTIMEZONE', [property('TZID', zone)], [component('STANDARD', [property('DTSTART', '19700101T000000'), property('TZOFFSETFROM', formatOffset(o)), property('TZOFFSETTO', formatOffset(o))])]);
  }
  const parts = changes.map((c) => {
    // The rule is stated in the wall time before the change.
    const local = wallTimeIn('UTC', new Date(c.at.getTime() + c.from * 60_000));
    const weekday = WEEKDAYS[new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay()]!;
    const daysInMonth = new Date(Date.UTC(local.year, local.month, 0)).getUTCDate();
    const nth = local.day + 7 > daysInMonth ? -1 : Math.ceil(local.day / 7);
    const start = formatWall({ year: 1970, month: local.month, day: dayOfRule(1970, local.month, nth, WEEKDAYS.indexOf(weekday)), hour: local.hour, minute: local.minute, second: 0 });
    return component(c.to > c.from ? 'DAYLIGHT' : 'STANDARD', [
      property('DTSTART', start),
      property('RRULE', `FREQ=YEARLY;BYMONTH=${local.month};BYDAY=${nth}${weekday}`),
      property('TZOFFSETFROM', formatOffset(c.from)),
      property('TZOFFSETTO', formatOffset(c.to)),
    ]);
  });
  return component('VTIMEZONE', [property('TZID', zone)], parts);
}
