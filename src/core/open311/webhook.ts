import type { ReplyOutcome } from '../case/case.types.js';
import { scrubText, type KnownPersonalData } from './scrub.js';
import { extendedStatusOf, isUpdateEventCode, openClosedOfExtended } from './status-map.js';
import type { ExtendedStatus, OpenClosed } from './open311.types.js';
import { formatW3 } from './w3-datetime.js';

/** The event consumer that delivers webhooks; its rows in event_outbox are the delivery queue. */
export const WEBHOOK_CONSUMER = 'open311.webhooks';

/** A delivery is parked (kept aside) after this many failed attempts; an admin can replay it. */
export const WEBHOOK_MAX_ATTEMPTS = 10;

export const WEBHOOK_TIMEOUT_MS = 5000;

/**
 * How long a claim holds. Far longer than a send can take (WEBHOOK_TIMEOUT_MS), so a live worker's claim is
 * never taken over; a claim still `sending` after it belongs to a worker that died between send and record,
 * and the delivery is sent again (at least once).
 */
export const WEBHOOK_LEASE_MS = 60_000;

/** Wait before the next attempt after `attempts` failed ones: 5 s doubling, at most an hour. */
export const webhookBackoffMs = (attempts: number): number => Math.min(3600_000, 5_000 * 2 ** Math.max(0, attempts - 1));

export type WebhookPayload = {
  id: string;
  type: string;
  occurred_at: string;
  service_request_id: string;
  token: string;
  service_code: string;
  status: OpenClosed;
  extended_status: ExtendedStatus;
  status_notes: string | null;
};

export type WebhookEvent = {
  id: string;
  code: string;
  at: Date;
  fromStatus: string | null;
  toStatus: string | null;
  isInternal: boolean;
  data: Record<string, unknown>;
};

/**
 * What a partner is told about an event of a case it posted: the same public facts servicerequestupdates
 * gives, keyed by its own token too. Null for events the public does not see, or that it did not subscribe to.
 */
export const webhookPayloadOf = (
  event: WebhookEvent,
  target: { serviceRequestId: string; token: string; serviceCode: string; events: readonly string[] | null; caseOutcome: ReplyOutcome | null },
  known: KnownPersonalData,
): WebhookPayload | null => {
  if (event.isInternal || !isUpdateEventCode(event.code)) return null;
  if ((event.code === 'case.accepted' || event.code === 'case.returned') && event.fromStatus === event.toStatus) return null;
  if (target.events !== null && !target.events.includes(event.code)) return null;
  const isReply = event.code === 'case.replied' || event.code === 'case.resolved_on_intake';
  const outcome = isReply ? ((event.data['outcome'] as ReplyOutcome | undefined) ?? null) : target.caseOutcome;
  const extended = extendedStatusOf(event.code, outcome);
  const text = isReply && typeof event.data['text'] === 'string' ? scrubText(event.data['text'], known) : null;
  return {
    id: event.id,
    type: event.code,
    occurred_at: formatW3(event.at),
    service_request_id: target.serviceRequestId,
    token: target.token,
    service_code: target.serviceCode,
    status: openClosedOfExtended(extended),
    extended_status: extended,
    status_notes: text,
  };
};
