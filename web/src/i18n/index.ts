// Message catalogues and a tiny translator with `{name}` interpolation. No React here,
// so it can be used (and tested) in node.
import type { Lang } from '../api/types';
import { bo } from './bo';
import { en } from './en';
import { zhHans, type Catalogue, type MessageKey } from './zh-Hans';

export type { Catalogue, MessageKey };

export const catalogues: Record<Lang, Catalogue> = { 'zh-Hans': zhHans, bo, en };

export type Vars = Record<string, string | number>;

/** The `{name}` placeholders of a message, sorted and without duplicates. */
export function placeholders(message: string): string[] {
  const names = new Set<string>();
  for (const m of message.matchAll(/\{(\w+)\}/g)) {
    if (m[1] !== undefined) names.add(m[1]);
  }
  return [...names].sort();
}

export function interpolate(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = vars[name];
    return v === undefined ? whole : String(v);
  });
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(zhHans, key);
}

export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const message = catalogues[lang][key] ?? zhHans[key];
  return interpolate(message, vars);
}

/** Translates a key built at run time (an event or error code); undefined when the catalogue lacks it. */
export function translateMaybe(lang: Lang, key: string, vars?: Vars): string | undefined {
  return isMessageKey(key) ? translate(lang, key, vars) : undefined;
}

/**
 * The language to start with when the user has not chosen one: Tibetan or English when the
 * browser asks for them first, Simplified Chinese otherwise.
 */
export function detectLanguage(preferred: readonly string[]): Lang {
  for (const raw of preferred) {
    const tag = raw.toLowerCase();
    if (tag === 'bo' || tag.startsWith('bo-')) return 'bo';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-Hans';
  }
  return 'zh-Hans';
}

/** Each language's own name, in its own script, for the language switch. */
export const LANGUAGE_NAMES: Record<Lang, string> = {
  'zh-Hans': zhHans['lang.zh-Hans'],
  bo: zhHans['lang.bo'],
  en: zhHans['lang.en'],
};
