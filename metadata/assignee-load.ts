// An assignee's load on the day of a proposed slot, as the calendar connector's
// GET /api/connectors/calendar/load answers it and the activity form shows it: one declaration for
// both sides (docs/calendar.md#scheduling-help-an-assignees-load).

export interface BusyItem {
  readonly id: string;
  readonly kind: string;
  /** null when the caller may not see what it is (free/busy only). */
  readonly subject: string | null;
  readonly start: string;
  readonly end: string | null;
}

export interface AssigneeLoad {
  /** The business day of the slot's start, YYYY-MM-DD. */
  readonly day: string;
  /** Minutes of the assignee's timed activities that fall on that day (the slot itself not counted). */
  readonly busyMinutes: number;
  readonly proposedMinutes: number;
  /** Available minutes of the day; null when the model names no capacity for the user. */
  readonly capacityMinutes: number | null;
  /** busy + proposed exceeds the capacity. */
  readonly overloaded: boolean;
  /** Activities overlapping the proposed slot. */
  readonly conflicts: readonly BusyItem[];
  /** The day's activities, by start. */
  readonly items: readonly BusyItem[];
}
