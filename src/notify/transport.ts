import type { Language } from '../core/case/case.types.js';
import type { SendOutcome } from '../core/notifications/delivery-policy.js';
import type { MessageChannel, MessageKind } from '../core/notifications/notification.types.js';

/** One message as a provider adapter sees it: the address, the text, and the template variables. */
export type OutgoingMessage = {
  id: string;
  kind: MessageKind;
  language: Language;
  to: string;
  subject: string | null;
  body: string;
  params: Record<string, string>;
  /** Stable across attempts of the same message, so a provider that deduplicates can do so. */
  idempotencyKey: string;
};

/**
 * A channel's provider adapter. `isIdempotent`: the provider deduplicates on the idempotency key, so an
 * attempt whose outcome is unknown may be repeated safely.
 */
export type Transport = {
  channel: MessageChannel;
  provider: string;
  isIdempotent: boolean;
  send: (message: OutgoingMessage) => Promise<SendOutcome>;
  close?: () => Promise<void>;
};

export type Transports = { sms: Transport | null; email: Transport | null };

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export type HttpAnswer = { status: number; text: string };

/**
 * A POST whose failure is classified: a connection that never opened was certainly not delivered (retry); a
 * timeout or a reset after the request went out may have been (unknown).
 */
export const postForOutcome = async (url: string, init: { headers: Record<string, string>; body: string }, timeoutMs: number): Promise<HttpAnswer | SendOutcome> => {
  try {
    const response = await fetch(url, { method: 'POST', headers: init.headers, body: init.body, signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    const err = error as { name?: string; message?: string; cause?: { code?: string } };
    const code = err.cause?.code;
    if (code && NOT_SENT_CODES.has(code)) return { status: 'retry', error: `connection failed: ${code}` };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return { status: 'unknown', error: `no answer within ${timeoutMs} ms` };
    return { status: 'unknown', error: `transport error: ${code ?? err.message ?? 'unknown'}` };
  }
};

export const isOutcome = (value: HttpAnswer | SendOutcome): value is SendOutcome => typeof value.status === 'string';

export const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

/** The generic rule for HTTP statuses: throttling and server errors are worth another try, the rest are not. */
export const outcomeOfStatus = (status: number, detail: string): SendOutcome | null => {
  if (status >= 200 && status < 300) return null;
  if (status === 408 || status === 425 || status === 429 || status >= 500) return { status: 'retry', error: `HTTP ${status}: ${detail.slice(0, 200)}` };
  return { status: 'rejected', error: `HTTP ${status}: ${detail.slice(0, 200)}` };
};
