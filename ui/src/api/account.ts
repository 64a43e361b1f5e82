// Administration and the user's own account: users and teams (administerUsers), roles, the
// password, API tokens and sessions (docs/api.md, docs/security.md), and in-app notifications.
import { type Label, TOKEN_SCOPES, type ApiToken, type TokenScope, type UserInfo } from '../../../metadata/browser.ts';
import { api } from './client.ts';

/** A user as the administration pages show it (the API's shape). */
export type AdminUser = UserInfo;

export interface RoleInfo {
  readonly name: string;
  readonly label?: Label;
}

export interface Team {
  readonly id: string;
  readonly name: string;
  readonly label: string;
  readonly members: readonly string[];
}

export type UserChanges = Partial<Pick<AdminUser, 'login' | 'displayName' | 'email' | 'isAdmin' | 'active' | 'roles' | 'teams' | 'language'>>;

/** A user and the temporary password an invitation or a reset gave them (shown once). */
export interface WithTemporaryPassword {
  readonly user: AdminUser;
  readonly temporaryPassword: string;
}

export const adminApi = {
  users: async () => (await api.get<{ data: AdminUser[] }>('/users')).data.data,
  roles: async () => (await api.get<{ data: RoleInfo[] }>('/roles')).data.data,
  teams: async () => (await api.get<{ data: Team[] }>('/teams')).data.data,
  async invite(user: UserChanges): Promise<WithTemporaryPassword> {
    const { temporaryPassword, ...created } = (await api.post<AdminUser & { temporaryPassword: string }>('/users', user)).data;
    return { user: created, temporaryPassword };
  },
  updateUser: async (id: string, changes: UserChanges) => (await api.patch<AdminUser>(`/users/${id}`, changes)).data,
  resetPassword: async (id: string) => (await api.post<WithTemporaryPassword>(`/users/${id}/reset-password`)).data,
  createTeam: async (team: { name: string; label: string; members: readonly string[] }) => (await api.post<Team>('/teams', team)).data,
  updateTeam: async (id: string, team: { label?: string; members?: readonly string[] }) => (await api.patch<Team>(`/teams/${id}`, team)).data,
  deleteTeam: async (id: string) => {
    await api.delete(`/teams/${id}`);
  },
};

export { TOKEN_SCOPES, type ApiToken, type TokenScope };

export interface SessionInfo {
  readonly id: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly current: boolean;
}

export const accountApi = {
  changePassword: async (currentPassword: string, newPassword: string) => {
    await api.post('/auth/password', { currentPassword, newPassword });
  },
  tokens: async () => (await api.get<{ data: ApiToken[] }>('/auth/tokens')).data.data,
  createToken: async (name: string, scopes: readonly TokenScope[], expiresAt: string | null) => (await api.post<ApiToken & { token: string }>('/auth/tokens', { name, scopes, expiresAt })).data,
  revokeToken: async (id: string) => {
    await api.delete(`/auth/tokens/${id}`);
  },
  sessions: async () => (await api.get<{ data: SessionInfo[] }>('/auth/sessions')).data.data,
  endSession: async (id: string) => {
    await api.delete(`/auth/sessions/${id}`);
  },
};

export interface AppNotification {
  readonly id: number;
  readonly kind: string | null;
  readonly subject: string;
  readonly body: string | null;
  readonly record: { readonly entity: string; readonly id: string } | null;
  readonly createdAt: string;
  readonly readAt: string | null;
}

export interface NotificationSummary {
  readonly unread: number;
  readonly newest: number;
}

export const notificationsApi = {
  list: async () => (await api.get<{ data: AppNotification[] }>('/notifications?limit=30')).data.data,
  summary: async () => (await api.get<NotificationSummary>('/notifications/summary')).data,
  markRead: async (id: number) => {
    await api.post(`/notifications/${id}/read`);
  },
  markAllRead: async () => {
    await api.post('/notifications/read-all');
  },
  /** The live summary (server-sent events, the session cookie); the browser reconnects by itself. */
  stream(onSummary: (summary: NotificationSummary) => void): () => void {
    const source = new EventSource('/api/notifications/stream');
    source.addEventListener('notifications', (event) => onSummary(JSON.parse((event as MessageEvent<string>).data) as NotificationSummary));
    return () => source.close();
  },
};
