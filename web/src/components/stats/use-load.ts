import { useEffect, useState } from 'react';
import { isAbortError } from '../../api/client';

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
}

/**
 * Loads `load()` whenever `key` changes (the query and the language), aborting the previous call; keeps the
 * previous data while the next loads so that charts do not flash. A null key loads nothing.
 */
export function useLoad<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null, loading: key !== null });
  useEffect(() => {
    if (key === null) {
      setState({ data: null, error: null, loading: false });
      return undefined;
    }
    const ctrl = new AbortController();
    setState((s) => ({ ...s, error: null, loading: true }));
    load(ctrl.signal)
      .then((data) => {
        if (!ctrl.signal.aborted) setState({ data, error: null, loading: false });
      })
      .catch((error: unknown) => {
        if (!isAbortError(error) && !ctrl.signal.aborted) setState({ data: null, error, loading: false });
      });
    return () => ctrl.abort();
    // `load` is rebuilt every render; `key` says when it asks for something else.
  }, [key]);
  return state;
}
