// The user directory (GET /api/users: id, login, display name), for pickers and "assigned to".
// Loaded once per page view and shared.
import { api } from './client.ts';

export interface DirectoryUser {
  readonly id: string;
  readonly login: string;
  readonly displayName: string;
  readonly active: boolean;
}

let directory: Promise<DirectoryUser[]> | null = null;

export function users(): Promise<DirectoryUser[]> {
  directory ??= api.get<{ data: DirectoryUser[] }>('/users').then(
    (res) => res.data.data,
    (error: unknown) => {
      directory = null;
      throw error;
    },
  );
  return directory;
}

export function searchUsers(list: readonly DirectoryUser[], text: string): DirectoryUser[] {
  const q = text.trim().toLowerCase();
  return list.filter((u) => u.active && (!q || u.displayName.toLowerCase().includes(q) || u.login.toLowerCase().includes(q))).slice(0, 10);
}
