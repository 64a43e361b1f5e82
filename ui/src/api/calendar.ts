// The calendar connector's routes the app uses (/api/connectors/calendar/): an assignee's load on
// the day of a proposed slot (scheduling help on the activity form).
import type { AssigneeLoad } from '../../../metadata/browser.ts';
import { api } from './client.ts';

export type { AssigneeLoad };

export const calendarApi = {
  load: async (query: { user: string; start: string; end?: string; exclude?: string }, signal?: AbortSignal) => {
    const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
    return (await api.get<AssigneeLoad>(`/connectors/calendar/load?${params.toString()}`, signal ? { signal } : undefined)).data;
  },
};
