// The calendar connector's pure parts: iCalendar text, zones (the same text whatever the process's
// TZ), activity ⇄ VEVENT/VTODO, series kept whole, and the field-by-field three-way merge.
import nodeIcal from 'node-ical';
import { foldLine, parseIcs, writeIcs, component, property, escapeText, unescapeText } from '../../../connectors/calendar/ics-text.ts';
import { dateTimeProperty, instantOf, offsetMinutes, parseWhen, vtimezone } from '../../../connectors/calendar/time-zones.ts';
import { readCalendarObject, writeCalendarObject, type CalendarFields, type CalendarObject } from '../../../connectors/calendar/activity-ical.ts';
import { mergeFields } from '../../../connectors/calendar/field-merge.ts';

const ZONE = 'Europe/Warsaw';
const NOW = new Date('2026-12-03T12:00:00Z');

const fields = (over: Partial<CalendarFields> = {}): CalendarFields => ({
  subject: 'Spotkanie, zażółć; gęślą jaźń',
  description: 'Linia 1\nLinia 2',
  location: 'Kraków, ul. Długa 1',
  start_at: '2026-12-10T09:00:00.000Z',
  end_at: '2026-12-10T10:30:00.000Z',
  deadline: null,
  status: 'open',
  percent_done: null,
  priority: 'high',
  reminder: 'one_day_before',
  attendees: ['jan@example.pl'],
  ...over,
});

describe('iCalendar text', () => {
  test('folds at 75 octets without splitting a Polish letter, and unfolds back', () => {
    const line = `SUMMARY:${'ż'.repeat(100)}`;
    const folded = foldLine(line);
    for (const part of folded.split('\r\n')) expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75);
    expect(folded).not.toContain('\uFFFD');
    const root = parseIcs(`BEGIN:VCALENDAR\r\n${folded}\r\nEND:VCALENDAR\r\n`);
    expect(root.properties[0]!.value).toBe('ż'.repeat(100));
  });

  test('escapes TEXT and quotes parameter values with separators', () => {
    expect(unescapeText(escapeText('a,b;c\\d\ne'))).toBe('a,b;c\\d\ne');
    const text = writeIcs(component('VCALENDAR', [property('ATTENDEE', 'mailto:a@b.pl', { CN: 'Kowalski, Jan' })]));
    expect(text).toContain('ATTENDEE;CN="Kowalski, Jan":mailto:a@b.pl');
    expect(parseIcs(text).properties[0]!.params.CN).toBe('Kowalski, Jan');
  });

  test('refuses an unclosed component with a typed error', () => {
    expect(() => parseIcs('BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VCALENDAR')).toThrow(expect.objectContaining({ code: 'ICS_SYNTAX' }));
  });
});

describe('time zones', () => {
  test('a Warsaw wall time is the same instant whatever the process zone (summer and winter)', () => {
    expect(instantOf(ZONE, { year: 2026, month: 12, day: 10, hour: 10, minute: 0, second: 0 }).toISOString()).toBe('2026-12-10T09:00:00.000Z');
    expect(instantOf(ZONE, { year: 2026, month: 7, day: 10, hour: 10, minute: 0, second: 0 }).toISOString()).toBe('2026-07-10T08:00:00.000Z');
    expect(offsetMinutes(ZONE, new Date('2026-07-01T00:00:00Z'))).toBe(120);
    expect(dateTimeProperty('DTSTART', new Date('2026-12-10T09:00:00Z'), ZONE)).toEqual({ name: 'DTSTART', params: { TZID: ZONE }, value: '20261210T100000' });
  });

  test('reads Z, TZID, floating (business zone) and DATE values', () => {
    const p = (value: string, params: Record<string, string> = {}) => parseWhen({ name: 'DTSTART', params, value }, ZONE);
    expect(p('20261210T090000Z')).toEqual({ kind: 'instant', at: new Date('2026-12-10T09:00:00Z') });
    expect(p('20261210T100000', { TZID: 'America/New_York' })).toEqual({ kind: 'instant', at: new Date('2026-12-10T15:00:00Z') });
    expect(p('20261210T100000')).toEqual({ kind: 'instant', at: new Date('2026-12-10T09:00:00Z') });
    expect(p('20261210T100000', { TZID: 'Central European Standard Time' })).toEqual({ kind: 'instant', at: new Date('2026-12-10T09:00:00Z') });
    expect(p('20261210', { VALUE: 'DATE' })).toEqual({ kind: 'date', date: '2026-12-10' });
  });

  test('VTIMEZONE of Warsaw: the last Sundays of March and October', () => {
    const text = writeIcs(vtimezone(ZONE, 2026));
    expect(text).toContain('BEGIN:DAYLIGHT');
    expect(text).toContain('RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU');
    expect(text).toContain('RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU');
    expect(text).toContain('TZOFFSETTO:+0200');
  });
});

describe('activity ⇄ iCalendar', () => {
  const event: CalendarObject = { uid: 'a1@tessera', component: 'VEVENT', fields: fields(), series: null, modifiedAt: null };

  test('a meeting round-trips as a VEVENT with its zone, alarm and attendee', () => {
    const text = writeCalendarObject(event, { zone: ZONE, now: NOW });
    expect(text).toContain('DTSTART;TZID=Europe/Warsaw:20261210T100000');
    expect(text).toContain('BEGIN:VTIMEZONE');
    expect(text).toContain('TRIGGER:-P1D');
    const back = readCalendarObject(text, { zone: ZONE });
    expect(back.fields).toEqual(fields());
    expect(back.component).toBe('VEVENT');
  });

  test('an independent parser (node-ical) reads the same instants and texts', () => {
    const parsed = nodeIcal.sync.parseICS(writeCalendarObject(event, { zone: ZONE, now: NOW }));
    const ev = Object.values(parsed).find((c) => c?.type === 'VEVENT') as nodeIcal.VEvent;
    expect(new Date(ev.start).toISOString()).toBe('2026-12-10T09:00:00.000Z');
    expect(new Date(ev.end!).toISOString()).toBe('2026-12-10T10:30:00.000Z');
    expect(ev.summary).toBe('Spotkanie, zażółć; gęślą jaźń');
    expect(ev.location).toBe('Kraków, ul. Długa 1');
  });

  test('a completed task is a VTODO with COMPLETED and 100 %, and back resolved', () => {
    const todo: CalendarObject = { ...event, component: 'VTODO', fields: fields({ start_at: null, end_at: null, deadline: '2026-12-11T15:00:00.000Z', status: 'resolved', percent_done: 40, attendees: [] }) };
    const text = writeCalendarObject(todo, { zone: ZONE, now: NOW });
    expect(text).toMatch(/STATUS:COMPLETED/);
    expect(text).toMatch(/PERCENT-COMPLETE:100/);
    expect(text).toContain('DUE;TZID=Europe/Warsaw:20261211T160000');
    expect(text).toMatch(/TRIGGER;RELATED=END:-P1D/);
    const back = readCalendarObject(text, { zone: ZONE });
    expect(back.fields).toMatchObject({ status: 'resolved', percent_done: 100, deadline: '2026-12-11T15:00:00.000Z', reminder: 'one_day_before' });
  });

  test('a series keeps its RRULE, EXDATE and overridden occurrence through a CRM edit', () => {
    const phone = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Phone//EN',
      'BEGIN:VEVENT', 'UID:series-1', 'DTSTAMP:20261201T080000Z', 'DTSTART;TZID=Europe/Warsaw:20261207T090000', 'DTEND;TZID=Europe/Warsaw:20261207T093000',
      'RRULE:FREQ=WEEKLY;COUNT=6', 'EXDATE;TZID=Europe/Warsaw:20261221T090000', 'SUMMARY:Weekly', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:series-1', 'DTSTAMP:20261201T080000Z', 'RECURRENCE-ID;TZID=Europe/Warsaw:20261214T090000', 'DTSTART;TZID=Europe/Warsaw:20261214T110000',
      'DTEND;TZID=Europe/Warsaw:20261214T113000', 'SUMMARY:Weekly (moved)', 'END:VEVENT', 'END:VCALENDAR', '',
    ].join('\r\n');
    const read = readCalendarObject(phone, { zone: ZONE });
    expect(read.fields.start_at).toBe('2026-12-07T08:00:00.000Z');
    expect(read.series?.rules.map((r) => r.name)).toEqual(['RRULE', 'EXDATE']);
    expect(read.series?.overrides).toHaveLength(1);
    const rewritten = writeCalendarObject({ ...read, fields: { ...read.fields, subject: 'Weekly sync' } }, { zone: ZONE, now: NOW });
    const parsed = nodeIcal.sync.parseICS(rewritten);
    const master = Object.values(parsed).find((c) => c?.type === 'VEVENT') as nodeIcal.VEvent;
    expect(master.summary).toBe('Weekly sync');
    const occurrences = master.rrule!.between(new Date('2026-12-01'), new Date('2027-02-01')).filter((d) => !Object.values(master.exdate ?? {}).some((x) => +new Date(x as Date) === +d));
    expect(occurrences).toHaveLength(5);
    const overrides = [...new Set(Object.values(master.recurrences ?? {}))];
    expect(overrides.map((o) => o.summary)).toEqual(['Weekly (moved)']);
  });
});

describe('three-way merge', () => {
  const base = fields();
  test('each side’s own changes win; both changing one field is a conflict won by the later writer', () => {
    const out = mergeFields({
      base,
      local: fields({ subject: 'CRM subject', location: 'CRM room' }),
      remote: fields({ start_at: '2026-12-10T11:00:00.000Z', location: 'Phone room' }),
      localWrittenAt: '2026-12-03T10:00:00Z',
      remoteWrittenAt: '2026-12-03T11:00:00Z',
    });
    expect(out.merged).toMatchObject({ subject: 'CRM subject', start_at: '2026-12-10T11:00:00.000Z', location: 'Phone room' });
    expect(out.conflicts).toEqual([{ field: 'location', local: 'CRM room', remote: 'Phone room', winner: 'remote' }]);
    expect(out.toLocal).toEqual(['location', 'start_at']);
    expect(out.toRemote).toBe(true);
  });

  test('nothing changed: nothing to write either way', () => {
    const out = mergeFields({ base, local: base, remote: base, localWrittenAt: null, remoteWrittenAt: null });
    expect(out).toMatchObject({ toLocal: [], toRemote: false, conflicts: [] });
  });
});
