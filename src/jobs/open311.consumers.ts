import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from '../core/open311/api-key-secrets.js';
import type { ReplyOutcome } from '../core/case/case.types.js';
import { WEBHOOK_CONSUMER, WEBHOOK_TIMEOUT_MS, webhookPayloadOf } from '../core/open311/webhook.js';
import type { Trx } from '../db/database.js';
import { findWebhookTarget, outboxAttemptsOf, recordWebhookDelivery } from '../db/open311.repository.js';
import type { EventConsumerSpec } from './background.js';
import type { ConsumedEvent } from './event-consumer.js';

/**
 * Webhooks to the partner that posted a case, for each public event of it. The event outbox is the delivery
 * queue: a failed delivery throws, and the outbox retries it with backoff (5 s doubling, up to an hour, ten
 * attempts, then kept aside for an admin to replay). A success is recorded in open311_webhook_deliveries.
 * Receivers must accept a delivery more than once (the `bihuan-delivery` header is the event id): a crash
 * after the partner answered but before the commit sends it again.
 */
export const deliverWebhook = async (trx: Trx, event: ConsumedEvent, options: { fetch?: typeof fetch; now?: () => Date } = {}): Promise<void> => {
  if (event.itemKind !== 'case' || event.isInternal) return;
  const target = await findWebhookTarget(trx, event.itemId);
  if (!target?.webhook_url || !target.webhook_secret) return;
  const payload = webhookPayloadOf(
    event,
    {
      serviceRequestId: target.tracking_no,
      token: target.token,
      serviceCode: target.service_code,
      events: target.webhook_events,
      caseOutcome: target.reply_outcome as ReplyOutcome | null,
    },
    {
      names: [target.requester_name],
      phones: [target.requester_phone],
      emails: [target.requester_email],
      idNumbers: [target.requester_id_number],
    },
  );
  if (!payload) return;
  const now = options.now?.() ?? new Date();
  const body = JSON.stringify(payload);
  const response = await (options.fetch ?? fetch)(target.webhook_url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Bihuan-Open311-Webhooks/1',
      'bihuan-event': payload.type,
      'bihuan-delivery': payload.id,
      [WEBHOOK_SIGNATURE_HEADER]: signWebhook(target.webhook_secret, Math.floor(now.getTime() / 1000), body),
    },
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
  }).catch((error: unknown) => {
    throw new Error(`webhook ${target.webhook_url}: ${error instanceof Error ? error.message : String(error)}`);
  });
  // Drain the body so the connection can be reused; its content does not matter.
  await response.arrayBuffer().catch(() => undefined);
  if (response.status < 200 || response.status >= 300) throw new Error(`webhook ${target.webhook_url} answered HTTP ${response.status}`);
  const attempts = (await outboxAttemptsOf(trx, WEBHOOK_CONSUMER, event.id)) + 1;
  await recordWebhookDelivery(trx, { eventId: event.id, apiKeyId: target.api_key_id, url: target.webhook_url, statusCode: response.status, attempts, at: now });
};

/** Event consumers of the open311 module (see background.ts). */
export const open311Consumers: EventConsumerSpec[] = [{ name: WEBHOOK_CONSUMER, handler: (trx, event) => deliverWebhook(trx, event) }];
