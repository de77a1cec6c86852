// Large-text mode for elderly readers: a class on <html>, persisted.
import { useCallback, useEffect, useState } from 'react';

const STORAGE_KEY = 'bihuan.largeText';
const CLASS = 'large-text';

export function readLargeText(): boolean {
  try {
    return window.localStorage.getItem(STORAGE_KEY) === '1';
  } catch {
    return false;
  }
}

export function applyLargeText(on: boolean): void {
  document.documentElement.classList.toggle(CLASS, on);
}

export function useLargeText(): [boolean, () => void] {
  const [on, setOn] = useState<boolean>(readLargeText);
  useEffect(() => {
    applyLargeText(on);
    try {
      window.localStorage.setItem(STORAGE_KEY, on ? '1' : '0');
    } catch {
      // not persisted when storage is unavailable
    }
  }, [on]);
  const toggle = useCallback(() => setOn((v) => !v), []);
  return [on, toggle];
}
