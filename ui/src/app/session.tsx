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
}

export interface Me {
  readonly user: SessionUser;
  readonly rights: Readonly<Record<string, unknown>> & { readonly entities?: Readonly<Record<string, { create?: boolean; update?: string; delete?: string }>> };
}

interface SessionState {
  readonly me: Me | null;
  readonly status: 'loading' | 'anonymous' | 'signed-in';
  signIn(login: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** An administration right of the signed-in user (administerMetadata, administerWorkflows, administerUsers). */
  can(right: string): boolean;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [status, setStatus] = useState<SessionState['status']>('loading');
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
      await api.post('/auth/login', { login, password });
      await load();
    },
    async signOut() {
      await api.post('/auth/logout').catch(() => undefined);
      setMe(null);
      setStatus('anonymous');
    },
    can: (right) => me?.rights[right] === true,
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
