import type { Language } from '../case/case.types.js';

const PLACEHOLDER = /\{([a-zA-Z][a-zA-Z0-9]*)\}/g;

/** The placeholders a template text uses, in order of first appearance. */
export const placeholdersOf = (text: string): string[] => [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];

/**
 * Fills `{name}` placeholders. A variable that is missing (undefined) is left as written and reported, so a
 * half-filled text is visible instead of silently reading "null".
 */
export const fillTemplate = (text: string, vars: Readonly<Record<string, string | undefined>>): { text: string; missing: string[] } => {
  const missing = new Set<string>();
  const filled = text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) {
      missing.add(name);
      return whole;
    }
    return value;
  });
  return { text: filled, missing: [...missing] };
};

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** The calendar date in Asia/Shanghai (no daylight saving, so a fixed offset is exact). */
export const shanghaiParts = (at: Date): { year: number; month: number; day: number; hour: number; minute: number } => {
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate(), hour: local.getUTCHours(), minute: local.getUTCMinutes() };
};

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Dates as people write them in each language. Arabic digits in Tibetan too: tracking numbers and dates are
 * read out and typed on feature phones, where Tibetan digits are hard to enter.
 */
export const formatDate = (at: Date, language: Language): string => {
  const { year, month, day } = shanghaiParts(at);
  switch (language) {
    case 'bo':
      return `སྤྱི་ལོ་${year} ཟླ་${month} ཚེས་${day}`;
    case 'en':
      return `${day} ${EN_MONTHS[month - 1]} ${year}`;
    default:
      return `${year}年${month}月${day}日`;
  }
};
