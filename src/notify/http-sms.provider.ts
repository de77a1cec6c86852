import { smsNumberOf } from '../core/notifications/contact.js';
import type { Transport } from './transport.js';
import { isOutcome, outcomeOfStatus, parseJson, postForOutcome } from './transport.js';

/**
 * The generic HTTP SMS adapter, for an in-house gateway or a government unified SMS platform. Contract:
 *
 *   POST <url>  Content-Type: application/json; Authorization: Bearer <token>; Idempotency-Key: <key>
 *   {"id", "to", "text", "kind", "language", "params"}
 *   → 2xx {"id"?: provider message id}. A repeated Idempotency-Key must not send again (answer as the first
 *   time). 408/429/5xx: try again later; other 4xx: refused for good.
 */
export const createHttpSmsTransport = (settings: { url: string; token: string | null; timeoutMs: number }): Transport => ({
  channel: 'sms',
  provider: 'http',
  isIdempotent: true,
  send: async (message) => {
    const number = smsNumberOf(message.to);
    if (!number) return { status: 'rejected', error: 'not a mobile number' };
    const answer = await postForOutcome(
      settings.url,
      {
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'idempotency-key': message.idempotencyKey,
          ...(settings.token ? { authorization: `Bearer ${settings.token}` } : {}),
        },
        body: JSON.stringify({ id: message.id, to: number.e164, text: message.body, kind: message.kind, language: message.language, params: message.params }),
      },
      settings.timeoutMs,
    );
    if (isOutcome(answer)) return answer;
    const failed = outcomeOfStatus(answer.status, answer.text);
    if (failed) return failed;
    const json = parseJson(answer.text) as { id?: unknown } | null;
    return { status: 'sent', providerMessageId: typeof json?.id === 'string' ? json.id : null };
  },
});
