import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from '../core/open311/api-key-secrets.js';
import type { ReplyOutcome } from '../core/case/case.types.js';
import { WEBHOOK_CONSUMER, WEBHOOK_LEASE_MS, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_TIMEOUT_MS, webhookBackoffMs, webhookPayloadOf } from '../core/open311/webhook.js';
import type { Db, Trx } from '../db/database.js';
import { claimNextWebhook, enqueueWebhook, findWebhookTarget, recordWebhookOutcome, type ClaimedWebhook, type WebhookOutcome } from '../db/open311.repository.js';
import type { BackgroundWorker, EventConsumerSpec } from './background.js';
import type { ConsumedEvent } from './event-consumer.js';

/**
 * Webhooks to the partner that posted a case, for each public event of it. This consumer runs in the event
 * outbox's transaction, so it only decides what to send (the scrubbed payload) and queues it in
 * open311_webhook_queue; the HTTP request is made by the delivery worker below, outside any transaction.
 */
export const enqueueWebhookFor = async (trx: Trx, event: ConsumedEvent): Promise<void> => {
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
  await enqueueWebhook(trx, { eventId: event.id, apiKeyId: target.api_key_id, eventCode: payload.type, body: JSON.stringify(payload), at: event.at });
};

export type WebhookDeliveryOptions = {
  now: () => Date;
  fetch?: typeof fetch;
  leaseMs?: number;
  limit?: number;
  log?: (message: string) => void;
  /** Tests only: wraps the record step, to simulate a crash between send and record. */
  record?: (db: Db, claimed: ClaimedWebhook, outcome: WebhookOutcome) => Promise<boolean>;
};

/** One HTTP attempt; never throws: a network error or a non-2xx answer is a failure with its reason. */
export const sendWebhook = async (claimed: ClaimedWebhook, at: Date, fetchImpl: typeof fetch): Promise<{ statusCode: number | null; error: string | null }> => {
  const body = claimed.body;
  try {
    const response = await fetchImpl(claimed.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Bihuan-Open311-Webhooks/1',
        'bihuan-event': claimed.eventCode,
        // The same on every attempt and redelivery: receivers de-duplicate on it.
        'bihuan-delivery': claimed.eventId,
        [WEBHOOK_SIGNATURE_HEADER]: signWebhook(claimed.secret, Math.floor(at.getTime() / 1000), body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    // Drain the body so the connection can be reused; its content does not matter.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 200 || response.status >= 300) return { statusCode: response.status, error: `webhook ${claimed.url} answered HTTP ${response.status}` };
    return { statusCode: response.status, error: null };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { statusCode: null, error: `webhook ${claimed.url}: ${error instanceof Error ? error.message : String(error)}${cause}` };
  }
};

/**
 * One pass of delivery: claim → send → record, one delivery at a time, each step in its own short transaction
 * (the send in none), so a slow partner never holds a database connection or row lock. A crash (or a failed
 * record) after the send leaves the claim `sending`; when its lease runs out it is claimed and sent again
 * with the same `bihuan-delivery` id: at least once.
 */
export const deliverDueWebhooks = async (db: Db, options: WebhookDeliveryOptions): Promise<number> => {
  const record = options.record ?? recordWebhookOutcome;
  let work = 0;
  for (let i = 0; i < (options.limit ?? 200); i += 1) {
    const claimed = await claimNextWebhook(db, { now: options.now(), leaseMs: options.leaseMs ?? WEBHOOK_LEASE_MS, maxAttempts: WEBHOOK_MAX_ATTEMPTS });
    if (claimed === null) break;
    work += 1;
    if (claimed === 'skipped') continue;
    const sent = await sendWebhook(claimed, options.now(), options.fetch ?? fetch);
    const at = options.now();
    const outcome: WebhookOutcome =
      sent.error === null
        ? { kind: 'delivered', statusCode: sent.statusCode ?? 200, at }
        : {
            kind: 'failed', statusCode: sent.statusCode, error: sent.error, at,
            retryAt: claimed.attempts >= WEBHOOK_MAX_ATTEMPTS ? null : new Date(at.getTime() + webhookBackoffMs(claimed.attempts)),
          };
    if (sent.error) options.log?.(`webhook delivery ${claimed.id} (attempt ${claimed.attempts}): ${sent.error}`);
    try {
      if (!(await record(db, claimed, outcome))) options.log?.(`webhook delivery ${claimed.id}: claim lost before its outcome was recorded`);
    } catch (error) {
      // The claim stays `sending` until its lease runs out; then the delivery is sent again.
      options.log?.(`webhook delivery ${claimed.id}: outcome not recorded (${error instanceof Error ? error.message : String(error)}); it will be sent again`);
    }
  }
  return work;
};

/** Event consumers of the open311 module (see background.ts). */
export const open311Consumers: EventConsumerSpec[] = [{ name: WEBHOOK_CONSUMER, handler: (trx, event) => enqueueWebhookFor(trx, event) }];

/** The delivery worker; to be listed in backgroundWorkers (src/jobs/consumers.ts). */
export const open311WebhookDelivery: BackgroundWorker = {
  name: 'open311.webhook-delivery',
  run: (db, now, log) => deliverDueWebhooks(db, { now: () => now, log }),
};
