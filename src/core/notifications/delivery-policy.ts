import type { DeliveryEventCode, MessageChannel, MessageStatus } from './notification.types.js';
import { nextSendableAt, type QuietHours } from './quiet-hours.js';

/**
 * What a provider said. `retry`: certainly not delivered (refused connection, 4xx SMTP, HTTP 429/5xx), safe
 * to send again. `rejected`: will never work (bad number, refused template). `unknown`: the request may
 * have reached the provider (timeout or reset after sending), so sending again could duplicate it.
 */
export type SendOutcome =
  | { status: 'sent'; providerMessageId: string | null }
  | { status: 'retry'; error: string }
  | { status: 'rejected'; error: string }
  | { status: 'unknown'; error: string };

export const MAX_DELIVERY_ATTEMPTS = 6;

/** 30 s, 2 min, 8 min, 32 min, 2 h 8 min: a provider outage of a few hours is ridden out, then we give up. */
export const retryDelayMs = (attempts: number): number => Math.min(6 * 3600_000, 30_000 * 4 ** Math.max(0, attempts - 1));

export type NextState = {
  status: Extract<MessageStatus, 'sent' | 'queued' | 'failed' | 'unknown'>;
  notBefore: Date | null;
  event: DeliveryEventCode | null;
  error: string | null;
};

/**
 * The state after one attempt. Providers that honour an idempotency key make an unknown outcome safe to
 * retry (at-least-once, deduplicated by the provider); for the others an unknown outcome is final and shown
 * on the timeline (at-most-once): a second SMS with an access code is worse than a human phoning back.
 */
export const nextStateAfter = (
  outcome: SendOutcome,
  context: { attempts: number; channel: MessageChannel; isIdempotent: boolean; now: Date; quietHours: QuietHours | null },
): NextState => {
  const again = (error: string): NextState => {
    if (context.attempts >= MAX_DELIVERY_ATTEMPTS) return { status: 'failed', notBefore: null, event: 'notification.failed', error };
    const at = new Date(context.now.getTime() + retryDelayMs(context.attempts));
    return { status: 'queued', notBefore: context.channel === 'sms' ? nextSendableAt(at, context.quietHours) : at, event: null, error };
  };
  switch (outcome.status) {
    case 'sent':
      return { status: 'sent', notBefore: null, event: 'notification.sent', error: null };
    case 'rejected':
      return { status: 'failed', notBefore: null, event: 'notification.failed', error: outcome.error };
    case 'retry':
      return again(outcome.error);
    case 'unknown':
      return context.isIdempotent ? again(outcome.error) : { status: 'unknown', notBefore: null, event: 'notification.unknown', error: outcome.error };
    default:
      return { status: 'unknown', notBefore: null, event: 'notification.unknown', error: 'unexpected outcome' };
  }
};

export const REDACTED = '********';

/** Removes a secret (the access code) from a finished message: it was needed only until it was sent. */
export const redact = (text: string, secret: string | null | undefined): string => (secret ? text.split(secret).join(REDACTED) : text);
