// The calendar connector's routes the app uses (/api/connectors/calendar/): an assignee's load on
// the day of a proposed slot (scheduling help on the activity form).
import { api } from './client.ts';

export interface BusyItem {
  readonly id: string;
  readonly kind: string;
  readonly subject: string | null;
  readonly start: string;
  readonly end: string | null;
}

export interface AssigneeLoad {
  readonly day: string;
  readonly busyMinutes: number;
  readonly proposedMinutes: number;
  readonly capacityMinutes: number | null;
  readonly overloaded: boolean;
  readonly conflicts: readonly BusyItem[];
  readonly items: readonly BusyItem[];
}

export const calendarApi = {
  load: async (query: { user: string; start: string; end?: string; exclude?: string }, signal?: AbortSignal) => {
    const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
    return (await api.get<AssigneeLoad>(`/connectors/calendar/load?${params.toString()}`, signal ? { signal } : undefined)).data;
  },
};
