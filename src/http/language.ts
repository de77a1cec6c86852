import type { FastifyRequest } from 'fastify';
import type { Language } from '../core/case/case.types.js';
import type { LocalizedText } from '../core/directory/directory.types.js';

/** `?lang=` wins, then the first supported Accept-Language, then Chinese. */
export const languageOf = (request: FastifyRequest): Language => {
  const query = request.query as Record<string, unknown> | undefined;
  const explicit = typeof query?.lang === 'string' ? query.lang : undefined;
  const candidates = [explicit, ...(request.headers['accept-language'] ?? '').split(',').map((part) => part.split(';')[0]?.trim())];
  for (const tag of candidates) {
    if (!tag) continue;
    const lower = tag.toLowerCase();
    if (lower === 'bo' || lower.startsWith('bo-')) return 'bo';
    if (lower === 'en' || lower.startsWith('en-')) return 'en';
    if (lower === 'zh' || lower.startsWith('zh')) return 'zh-Hans';
  }
  return 'zh-Hans';
};

/** A name in the reader's language, falling back to Chinese, which every name has. */
export const localize = (text: LocalizedText, language: Language): string => text[language] || text['zh-Hans'];
