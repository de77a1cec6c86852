import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { getMe, logout as apiLogout, onUnauthorized } from './api/client';
import type { Me } from './api/types';
import { currentLocation, navigate, parseHash } from './router';

export interface Session {
  user: Me | null;
  /** True until the first `GET /auth/me` has answered. */
  loading: boolean;
  /** Set when a staff call answered 401 (the login page then says the session ended). */
  expired: boolean;
  setUser: (user: Me | null) => void;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** Roles allowed to register cases (POST /api/v1/cases). */
export const REGISTERING_ROLES = ['agent', 'dispatcher', 'admin'] as const;

export function canRegister(user: Me | null): boolean {
  if (!user) return false;
  return user.roles.some((r) => (REGISTERING_ROLES as readonly string[]).includes(r));
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUserState] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const [expired, setExpired] = useState(false);

  useEffect(() => {
    const ctrl = new AbortController();
    getMe({ signal: ctrl.signal, notifyUnauthorized: false })
      .then((me) => setUserState(me))
      .catch(() => setUserState(null))
      .finally(() => {
        if (!ctrl.signal.aborted) setLoading(false);
      });
    return () => ctrl.abort();
  }, []);

  useEffect(
    () =>
      onUnauthorized(() => {
        setUserState(null);
        const here = parseHash(window.location.hash).path;
        if (here.startsWith('/work')) {
          setExpired(true);
          navigate('/login', { next: currentLocation() });
        }
      }),
    [],
  );

  const setUser = useCallback((u: Me | null) => {
    setUserState(u);
    if (u) setExpired(false);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await apiLogout();
    } catch {
      // the session is dropped locally whatever the server says
    }
    setUserState(null);
    setExpired(false);
    navigate('/login');
  }, []);

  const value = useMemo<Session>(
    () => ({ user, loading, expired, setUser, signOut }),
    [user, loading, expired, setUser, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
