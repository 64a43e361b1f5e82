// The assignee's load (connectors/calendar/assignee-load.ts): the business day in the business zone
// (not the process's: CI runs under TZ=UTC), minutes clipped to the day, overlaps, overload.
import { assigneeLoad, businessDay } from '../../../connectors/calendar/assignee-load.ts';

test('the business day of an instant, with its bounds, in Warsaw winter and summer time', () => {
  expect(businessDay('Europe/Warsaw', new Date('2026-12-09T23:30:00Z'))).toEqual({ day: '2026-12-10', from: new Date('2026-12-09T23:00:00Z'), to: new Date('2026-12-10T23:00:00Z') });
  expect(businessDay('Europe/Warsaw', new Date('2026-07-01T21:59:00Z'))).toEqual({ day: '2026-07-01', from: new Date('2026-06-30T22:00:00Z'), to: new Date('2026-07-01T22:00:00Z') });
  // The night the clocks go back has 25 hours.
  const autumn = businessDay('Europe/Warsaw', new Date('2026-10-25T12:00:00Z'));
  expect(autumn.to.getTime() - autumn.from.getTime()).toBe(25 * 3_600_000);
});

test('busy minutes clipped to the day, overlaps, overload against the capacity; no capacity: no overload', () => {
  const activities = [
    { id: 'a', kind: 'meeting', subject: 'A', start: '2026-12-10T08:00:00Z', end: '2026-12-10T11:00:00Z' },
    // From the evening before: only its part after midnight (Warsaw) counts.
    { id: 'b', kind: 'call', subject: 'B', start: '2026-12-09T22:00:00Z', end: '2026-12-10T00:00:00Z' },
    { id: 'c', kind: 'task', subject: 'C', start: '2026-12-10T12:00:00Z', end: null },
  ];
  const load = assigneeLoad({ zone: 'Europe/Warsaw', start: new Date('2026-12-10T10:00:00Z'), end: new Date('2026-12-10T12:00:00Z'), capacityHours: 4, activities });
  expect(load).toMatchObject({ day: '2026-12-10', busyMinutes: 240, proposedMinutes: 120, capacityMinutes: 240, overloaded: true });
  expect(load.conflicts.map((c) => c.id)).toEqual(['a']);
  expect(load.items.map((c) => c.id)).toEqual(['b', 'a', 'c']);
  const free = assigneeLoad({ zone: 'Europe/Warsaw', start: new Date('2026-12-10T11:00:00Z'), end: new Date('2026-12-10T12:00:00Z'), capacityHours: null, activities });
  expect(free).toMatchObject({ overloaded: false, capacityMinutes: null, conflicts: [] });
});
