// The user directory (GET /api/users: id, login, display name) and the teams (GET /api/teams: id,
// name, label, members), for pickers, "assigned to" and "my teams". Each is loaded once per page
// view and shared; a failed load is tried again on the next call.
import { api } from './client.ts';

export interface DirectoryUser {
  readonly id: string;
  readonly login: string;
  readonly displayName: string;
  readonly active: boolean;
}

export interface DirectoryTeam {
  readonly id: string;
  readonly name: string;
  readonly label: string;
  /** User ids. */
  readonly members: readonly string[];
}

function shared<T>(path: string): () => Promise<T[]> {
  let loaded: Promise<T[]> | null = null;
  return () =>
    (loaded ??= api.get<{ data: T[] }>(path).then(
      (res) => res.data.data,
      (error: unknown) => {
        loaded = null;
        throw error;
      },
    ));
}

export const users = shared<DirectoryUser>('/users');
export const teams = shared<DirectoryTeam>('/teams');

/** Whether the search text (trimmed, any case) is in one of the values; empty text matches everything. */
const matches = (text: string, ...values: readonly string[]) => {
  const q = text.trim().toLowerCase();
  return !q || values.some((v) => v.toLowerCase().includes(q));
};

export function searchUsers(list: readonly DirectoryUser[], text: string): DirectoryUser[] {
  return list.filter((u) => u.active && matches(text, u.displayName, u.login)).slice(0, 10);
}

export function searchTeams(list: readonly DirectoryTeam[], text: string): DirectoryTeam[] {
  return list.filter((t) => matches(text, t.label, t.name)).slice(0, 10);
}
