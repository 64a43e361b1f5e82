// Who is signed in (GET /api/auth/me), sign-in and sign-out. Until a session exists the app shows
// the sign-in page; a 401 from any request (an expired session) brings it back.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, configureApi } from '../api/client.ts';

export interface SessionUser {
  readonly id: string;
  readonly login: string;
  readonly displayName: string;
  readonly isAdmin: boolean;
  readonly language: string;
  /** Role names: the form uses the layout variant of the first one a variant names. */
  readonly roles?: readonly string[];
  /** Signed in with a temporary password (invitation, reset): the server allows nothing but choosing one's own. */
  readonly mustChangePassword?: boolean;
}

/** The user's rights on an entity type (GET /api/auth/me): row scopes none/own/team/all, create yes/no. */
export interface EntityRights {
  readonly read?: string;
  readonly update?: string;
  readonly delete?: string;
  readonly export?: string;
  readonly create?: boolean;
  /** Field rights by field name. */
  readonly fields?: Readonly<Record<string, 'none' | 'read' | 'write'>>;
}

export interface Me {
  readonly user: SessionUser;
  readonly rights: Readonly<Record<string, unknown>> & { readonly entities?: Readonly<Record<string, EntityRights>> };
}

interface SessionState {
  readonly me: Me | null;
  readonly status: 'loading' | 'anonymous' | 'signed-in';
  signIn(login: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** Reloads the user (after a password change). */
  refresh(): Promise<void>;
  /** The temporary password just typed at sign-in (kept in memory until the user chose theirs), so it is not asked twice. */
  readonly temporaryPassword: string | undefined;
  /** An administration right of the signed-in user (administerMetadata, administerWorkflows, administerUsers). */
  can(right: string): boolean;
  /** Whether the user may read / create / update / delete / export records of a type (the server enforces it; the UI only hides what would be refused). */
  may(entity: string, right: Exclude<keyof EntityRights, 'fields'>): boolean;
  /** The user's field rights on an entity type (absent: every field writable). */
  fieldAccess(entity: string): Readonly<Record<string, 'none' | 'read' | 'write'>> | undefined;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [status, setStatus] = useState<SessionState['status']>('loading');
  const [temporaryPassword, setTemporaryPassword] = useState<string | undefined>(undefined);
  const load = useCallback(async () => {
    try {
      setMe((await api.get<Me>('/auth/me')).data);
      setStatus('signed-in');
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setMe(null);
        setStatus('anonymous');
      } else throw error;
    }
  }, []);
  useEffect(() => {
    configureApi({
      onUnauthenticated: () => {
        setMe(null);
        setStatus('anonymous');
      },
    });
    void load();
  }, [load]);
  const value: SessionState = {
    me,
    status,
    async signIn(login, password) {
      const { data } = await api.post<{ user: SessionUser }>('/auth/login', { login, password });
      setTemporaryPassword(data.user.mustChangePassword ? password : undefined);
      await load();
    },
    async refresh() {
      setTemporaryPassword(undefined);
      await load();
    },
    temporaryPassword,
    async signOut() {
      await api.post('/auth/logout').catch(() => undefined);
      setTemporaryPassword(undefined);
      setMe(null);
      setStatus('anonymous');
    },
    can: (right) => me?.rights[right] === true,
    may: (entity, right) => {
      const rights = me?.rights.entities?.[entity];
      if (!rights) return true; // unknown (e.g. a type added since sign-in): let the server decide
      const value = rights[right];
      return right === 'create' ? value === true : value !== undefined && value !== 'none';
    },
    fieldAccess: (entity) => me?.rights.entities?.[entity]?.fields,
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
