import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { setApiLanguage } from '../api/client';
import { isLang, type Lang } from '../api/types';
import { detectLanguage, translate, translateMaybe, type MessageKey, type Vars } from './index';

const STORAGE_KEY = 'bihuan.lang';

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, vars?: Vars) => string;
  /** For keys computed at run time: undefined when there is no such message. */
  tMaybe: (key: string, vars?: Vars) => string | undefined;
}

const I18nContext = createContext<I18n | null>(null);

function readStored(): Lang | null {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return isLang(v) ? v : null;
  } catch {
    return null;
  }
}

export function initialLanguage(): Lang {
  const stored = readStored();
  if (stored) return stored;
  const prefs =
    navigator.languages && navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  return detectLanguage(prefs);
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => {
    const l = initialLanguage();
    setApiLanguage(l);
    return l;
  });

  const setLang = useCallback((next: Lang) => {
    setApiLanguage(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // storage may be unavailable (private mode): the choice then lasts for this page only
    }
    setLangState(next);
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang,
      t: (key, vars) => translate(lang, key, vars),
      tMaybe: (key, vars) => translateMaybe(lang, key, vars),
    }),
    [lang, setLang],
  );

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
