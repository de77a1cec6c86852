// Units and categories, fetched in the UI language (their names are translated by the server).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { isAbortError, listCategories, listUnits } from './api/client';
import type { Category, Unit } from './api/types';
import { useI18n } from './i18n/context';

export interface RefData {
  units: Unit[];
  categories: Category[];
  loaded: boolean;
  failed: boolean;
  unitName: (id: string) => string | undefined;
  reload: () => void;
}

const RefDataContext = createContext<RefData | null>(null);

export function RefDataProvider({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  const [units, setUnits] = useState<Unit[]>([]);
  const [categories, setCategories] = useState<Category[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    setFailed(false);
    Promise.allSettled([listUnits(ctrl.signal), listCategories(ctrl.signal)]).then(([u, c]) => {
      if (ctrl.signal.aborted) return;
      if (u.status === 'fulfilled') setUnits(u.value);
      if (c.status === 'fulfilled') setCategories(c.value);
      const bad = [u, c].some((r) => r.status === 'rejected' && !isAbortError(r.reason));
      setFailed(bad);
      setLoaded(true);
    });
    return () => ctrl.abort();
  }, [lang, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  const value = useMemo<RefData>(() => {
    const byId = new Map(units.map((u) => [u.id, u.name]));
    return { units, categories, loaded, failed, unitName: (id) => byId.get(id), reload };
  }, [units, categories, loaded, failed, reload]);

  return <RefDataContext.Provider value={value}>{children}</RefDataContext.Provider>;
}

export function useRefData(): RefData {
  const ctx = useContext(RefDataContext);
  if (!ctx) throw new Error('useRefData outside RefDataProvider');
  return ctx;
}
