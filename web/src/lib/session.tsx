// Who the user is, according to GET /api/me for the token they pasted.
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiError, apiRequest } from '../api/client';
import type { Me, Role } from '../api/types';
import { useSettings } from './settings';

export interface Session {
  state: 'anonymous' | 'checking' | 'signed-in' | 'invalid' | 'error';
  me: Me | null;
  error: ApiError | null;
  role: Role | null;
  canEdit: boolean;
  isAdmin: boolean;
}

const anonymous: Session = { state: 'anonymous', me: null, error: null, role: null, canEdit: false, isAdmin: false };
const SessionContext = createContext<Session>(anonymous);

export function SessionProvider({ children }: { children: ReactNode }) {
  const { token, lang } = useSettings();
  const [session, setSession] = useState<Session>(token ? { ...anonymous, state: 'checking' } : anonymous);

  useEffect(() => {
    if (!token) {
      setSession(anonymous);
      return;
    }
    const ctrl = new AbortController();
    setSession((s) => ({ ...s, state: 'checking' }));
    apiRequest<Me>('/api/me', { signal: ctrl.signal })
      .then((me) => {
        if (ctrl.signal.aborted) return;
        if (!me.authenticated) {
          setSession({ ...anonymous, state: 'invalid', me });
          return;
        }
        setSession({
          state: 'signed-in',
          me,
          error: null,
          role: me.role,
          canEdit: me.role === 'admin' || me.role === 'editor',
          isAdmin: me.role === 'admin',
        });
      })
      .catch((err: unknown) => {
        if (ctrl.signal.aborted) return;
        const e = err instanceof ApiError ? err : new ApiError(0, null, String(err));
        setSession({ ...anonymous, state: e.status === 401 || e.status === 403 ? 'invalid' : 'error', error: e });
      });
    return () => ctrl.abort();
  }, [token, lang]);

  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  return useContext(SessionContext);
}
