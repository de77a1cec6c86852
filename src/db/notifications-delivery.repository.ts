import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Language } from '../core/case/case.types.js';
import { REDACTED, type NextState } from '../core/notifications/delivery-policy.js';
import type { DeliveryEventCode, MessageChannel, MessageKind } from '../core/notifications/notification.types.js';
import type { Db, DbOrTrx } from './database.js';
import { appendWorkItemEvent } from './events.repository.js';

export type ClaimedMessage = {
  id: string;
  caseId: string;
  kind: MessageKind;
  channel: MessageChannel;
  language: Language;
  recipient: string;
  subject: string | null;
  body: string;
  params: Record<string, string>;
  attempts: number;
  claimToken: string;
};

/** Cancellations made by one claim at most, so that one call never holds a long transaction. */
const MAX_CANCELLED_PER_CLAIM = 500;

/**
 * Claims the next due message and commits the claim before anything is sent: after a crash, a message left
 * in `sending` is known to have been in flight. SKIP LOCKED lets several workers share the queue.
 *
 * An opt-out cancels the messages queued at that moment (savePreferences), but a message in flight then comes
 * back to the queue when its send fails and is retried, and a dead worker's claim is queued again: either would
 * reach a person who said no. So the requester's choice is read again here, and such a message is cancelled
 * instead of claimed.
 */
export const claimNextMessage = async (db: Db, input: { now: Date; channels: MessageChannel[] }): Promise<ClaimedMessage | null> => {
  if (input.channels.length === 0) return null;
  return db.transaction().execute(async (trx) => {
    for (let cancelled = 0; cancelled <= MAX_CANCELLED_PER_CLAIM; cancelled += 1) {
      const row = await trx
        .selectFrom('notification_messages as m')
        .leftJoin('notification_preferences as p', 'p.requester_id', 'm.requester_id')
        .select(['m.id', 'm.case_id', 'm.kind', 'm.channel', 'm.language', 'm.recipient', 'm.subject', 'm.body', 'm.params', 'm.attempts'])
        .select(sql<boolean>`coalesce(CASE m.channel WHEN 'sms' THEN p.is_sms_opted_out WHEN 'email' THEN p.is_email_opted_out END, false)`.as('is_opted_out'))
        .where('m.status', '=', 'queued')
        .where('m.not_before', '<=', input.now)
        .where('m.channel', 'in', input.channels)
        // Equal times go in the order of the events, so a registration is not overtaken by a same-minute refusal.
        .orderBy('m.not_before')
        .orderBy('m.source_event_id')
        .limit(1)
        .forUpdate('m')
        .skipLocked()
        .executeTakeFirst();
      if (!row) return null;
      if (row.is_opted_out) {
        await trx
          .updateTable('notification_messages')
          .set({ status: 'cancelled', last_error: 'opted_out', claim_token: null, claimed_at: null, updated_at: input.now, ...finishedColumns(input.now) })
          .where('id', '=', row.id)
          .execute();
        continue;
      }
      const claimToken = randomUUID();
      await trx
        .updateTable('notification_messages')
        .set({ status: 'sending', claim_token: claimToken, claimed_at: input.now, attempts: sql<number>`attempts + 1`, updated_at: input.now })
        .where('id', '=', row.id)
        .execute();
      return {
        id: row.id,
        caseId: row.case_id,
        kind: row.kind as MessageKind,
        channel: row.channel as MessageChannel,
        language: row.language as Language,
        recipient: row.recipient ?? '',
        subject: row.subject,
        body: row.body,
        params: row.params,
        attempts: row.attempts + 1,
        claimToken,
      };
    }
    return null;
  });
};

/** Provider errors can echo the number or address: keep digits and addresses out of the timeline. */
export const sanitiseError = (error: string | null): string | null =>
  error === null ? null : error.replace(/\S+@\S+/g, '***').replace(/\+?\d[\d\- ]{6,}\d/g, '***').slice(0, 300);

const finishedColumns = (at: Date) => ({
  finished_at: at,
  recipient: null,
  // The access code goes with the message: it was kept only to be sent.
  body: sql<string>`CASE WHEN has_secret AND params ? 'accessCode' THEN replace(body, params->>'accessCode', ${REDACTED}) ELSE body END`,
  params: sql<string>`params - 'accessCode'`,
});

const appendDeliveryEvent = async (
  trx: DbOrTrx,
  message: { id: string; caseId: string; kind: MessageKind; channel: MessageChannel; attempts: number },
  code: DeliveryEventCode,
  details: { provider: string | null; error: string | null; at: Date },
): Promise<void> => {
  // The timeline's seq is max+1 under the case row lock, as for every other event of the case.
  await trx.selectFrom('cases').select('id').where('id', '=', message.caseId).forNoKeyUpdate().executeTakeFirst();
  await appendWorkItemEvent(trx, 'case', message.caseId, {
    actorKind: 'system',
    actorId: null,
    code,
    fromStatus: null,
    toStatus: null,
    isInternal: true,
    data: { messageId: message.id, kind: message.kind, channel: message.channel, provider: details.provider, attempts: message.attempts, error: sanitiseError(details.error) },
    at: details.at,
  });
};

/**
 * Records what the provider said, with the delivery event on the case timeline in the same transaction. The
 * claim token guards against a worker whose lease already expired overwriting a recovered message.
 */
export const recordDeliveryOutcome = async (
  db: Db,
  claimed: ClaimedMessage,
  next: NextState,
  details: { provider: string; providerMessageId: string | null; now: Date },
): Promise<boolean> =>
  db.transaction().execute(async (trx) => {
    const isFinal = next.status !== 'queued';
    const result = await trx
      .updateTable('notification_messages')
      .set({
        status: next.status,
        claim_token: null,
        claimed_at: null,
        provider: details.provider,
        provider_message_id: details.providerMessageId,
        // Staff of every unit that sees the case read it: a provider's error can echo the address.
        last_error: sanitiseError(next.error),
        updated_at: details.now,
        ...(next.notBefore ? { not_before: next.notBefore } : {}),
        ...(isFinal ? finishedColumns(details.now) : {}),
      })
      .where('id', '=', claimed.id)
      .where('claim_token', '=', claimed.claimToken)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    if (next.event) await appendDeliveryEvent(trx, claimed, next.event, { provider: details.provider, error: next.error, at: details.now });
    return true;
  });

/**
 * Messages whose worker died mid-send (claim older than the lease). Where the provider deduplicates, the
 * message goes back to the queue with the same idempotency key; elsewhere its outcome is unknown and stays
 * so (at most once), shown on the timeline and to the intake desk.
 */
export const recoverStaleClaims = async (
  db: Db,
  input: { now: Date; leaseMs: number; isIdempotent: (channel: MessageChannel) => boolean; maxAttempts: number; provider: (channel: MessageChannel) => string | null },
): Promise<number> => {
  let recovered = 0;
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('notification_messages')
        .select(['id', 'case_id', 'kind', 'channel', 'attempts'])
        .where('status', '=', 'sending')
        .where('claimed_at', '<', new Date(input.now.getTime() - input.leaseMs))
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!row) return true;
      const channel = row.channel as MessageChannel;
      const message = { id: row.id, caseId: row.case_id, kind: row.kind as MessageKind, channel, attempts: row.attempts };
      const error = 'the worker stopped while sending';
      if (input.isIdempotent(channel) && row.attempts < input.maxAttempts) {
        await trx
          .updateTable('notification_messages')
          .set({ status: 'queued', claim_token: null, claimed_at: null, not_before: input.now, last_error: `${error}; sending again with the same idempotency key`, updated_at: input.now })
          .where('id', '=', row.id)
          .execute();
      } else {
        await trx
          .updateTable('notification_messages')
          .set({ status: 'unknown', claim_token: null, claimed_at: null, last_error: error, updated_at: input.now, ...finishedColumns(input.now) })
          .where('id', '=', row.id)
          .execute();
        await appendDeliveryEvent(trx, message, 'notification.unknown', { provider: input.provider(channel), error, at: input.now });
      }
      return false;
    });
    if (done) return recovered;
    recovered += 1;
  }
};
