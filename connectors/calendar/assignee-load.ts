// Scheduling help: how busy an assignee is on the day of a proposed slot, against their available
// hours (the employee record linked to the user: `employee.available_hours_per_day` in the seed,
// named by the connector's settings), and which of their activities overlap the slot. Pure: the
// activities and the capacity in, the load out; the route reads them (assignee-routes.ts).
import type { AssigneeLoad, BusyItem } from '../../metadata/index.ts';
import { instantOf, wallTimeIn } from './time-zones.ts';

export type { BusyItem, AssigneeLoad as Load };

const pad = (n: number) => String(n).padStart(2, '0');

/** The business day an instant falls on, and that day's bounds as instants. */
export function businessDay(zone: string, instant: Date): { day: string; from: Date; to: Date } {
  const w = wallTimeIn(zone, instant);
  const from = instantOf(zone, { year: w.year, month: w.month, day: w.day, hour: 0, minute: 0, second: 0 });
  const next = new Date(Date.UTC(w.year, w.month - 1, w.day + 1));
  const to = instantOf(zone, { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour: 0, minute: 0, second: 0 });
  return { day: `${w.year}-${pad(w.month)}-${pad(w.day)}`, from, to };
}

const minutesWithin = (start: number, end: number, from: number, to: number) => Math.max(0, Math.min(end, to) - Math.max(start, from)) / 60_000;

export function assigneeLoad(input: { readonly zone: string; readonly start: Date; readonly end: Date; readonly capacityHours: number | null; readonly activities: readonly BusyItem[] }): AssigneeLoad {
  const { day, from, to } = businessDay(input.zone, input.start);
  const slotStart = input.start.getTime();
  const slotEnd = Math.max(slotStart, input.end.getTime());
  const items = [...input.activities].sort((a, b) => a.start.localeCompare(b.start));
  let busy = 0;
  const conflicts: BusyItem[] = [];
  for (const item of items) {
    const s = new Date(item.start).getTime();
    const e = item.end ? new Date(item.end).getTime() : s;
    busy += minutesWithin(s, e, from.getTime(), to.getTime());
    if (e > s && s < slotEnd && e > slotStart) conflicts.push(item);
  }
  const proposed = minutesWithin(slotStart, slotEnd, from.getTime(), to.getTime());
  const capacity = input.capacityHours === null ? null : Math.round(input.capacityHours * 60);
  return { day, busyMinutes: Math.round(busy), proposedMinutes: Math.round(proposed), capacityMinutes: capacity, overloaded: capacity !== null && busy + proposed > capacity, conflicts, items };
}
