import { createHmac, timingSafeEqual } from 'node:crypto';
import { maskPhoneNumber, smsNumberOf } from '../notifications/contact.js';
import { AppError } from '../shared/app-error.js';
import type { CallbackDeps } from './callback.ports.js';
import { parseSmsReplyCode, SMS_CODE_RESULTS } from './callback-rules.js';
import type { SmsInboundResult } from './callback.types.js';
import { recordRequesterAnswer } from './requester-answer.js';

export type InboundSms = { messageId: string; from: string; text: string; timestamp: number };

/** A reply older (or further in the future) than this is refused, so a captured request cannot be replayed later. */
export const SIGNATURE_MAX_SKEW_MS = 5 * 60_000;

/** What the gateway signs: the fields joined by newlines, HMAC-SHA256 with the shared secret, hex. */
export const smsSignatureOf = (secret: string, sms: InboundSms): string =>
  createHmac('sha256', secret).update(`${sms.timestamp}\n${sms.messageId}\n${sms.from}\n${sms.text}`).digest('hex');

export const checkSmsSignatureOrThrow = (secret: string | null, sms: InboundSms, signature: string | undefined, now: Date): void => {
  const expected = secret ? Buffer.from(smsSignatureOf(secret, sms)) : null;
  const given = Buffer.from((signature ?? '').trim().toLowerCase());
  const isValid = expected !== null && given.length === expected.length && timingSafeEqual(given, expected);
  if (!isValid || Math.abs(now.getTime() - sms.timestamp * 1000) > SIGNATURE_MAX_SKEW_MS) {
    throw new AppError('callback.signature_invalid', 'the signature of the inbound SMS is missing, wrong or too old');
  }
};

export type SmsReplyOutcome = { result: SmsInboundResult; isDuplicate: boolean; taskId: string | null; code: string | null; isReopenRequested: boolean };

/**
 * An inbound SMS: matched to the most recent open callback of that mobile number within the window, its code
 * recorded as the requester's answer (case rating) and the task closed. Idempotent on the provider's message
 * id: the same message again answers what it answered the first time and changes nothing.
 */
export const receiveSmsReply = async (deps: CallbackDeps, sms: InboundSms, signature: string | undefined): Promise<SmsReplyOutcome> => {
  const now = deps.now();
  const settings = deps.settings();
  checkSmsSignatureOrThrow(settings.smsInboundSecret, sms, signature, now);
  return deps.transaction(async ({ store, cases }) => {
    const number = smsNumberOf(sms.from);
    const code = parseSmsReplyCode(sms.text);
    const since = new Date(now.getTime() - settings.smsReplyWindowDays * 24 * 3600_000);
    // The message id is claimed first: a second delivery, even a concurrent one (it waits for this transaction),
    // finds the row and answers what the first one answered.
    const isNew = await store.insertSmsInbound({ providerMessageId: sms.messageId, fromMasked: maskPhoneNumber(sms.from), code, result: 'unknown_phone', taskId: null, at: now });
    if (!isNew) {
      const seen = await store.findSmsInbound(sms.messageId);
      return { result: seen?.result ?? 'unknown_phone', isDuplicate: true, taskId: seen?.taskId ?? null, code, isReopenRequested: false };
    }
    const save = async (result: SmsInboundResult, taskId: string | null): Promise<SmsReplyOutcome> => {
      await store.updateSmsInbound(sms.messageId, { result, taskId });
      return { result, isDuplicate: false, taskId, code, isReopenRequested: false };
    };
    const task = number ? await store.lockOpenTaskByPhone(number.national, since) : null;
    if (!task) {
      const isKnown = number ? await store.hasRecentTaskForPhone(number.national, since) : false;
      return save(isKnown ? 'no_pending_callback' : 'unknown_phone', null);
    }
    if (!code) return save('unrecognised_code', task.id);
    const answer = SMS_CODE_RESULTS[code];
    // Anything the requester wrote besides the code is their own words (the reason of a reopen request).
    const words = sms.text.trim().length > 1 ? sms.text.trim().slice(0, 2000) : null;
    const recorded = await recordRequesterAnswer(cases, { caseId: task.caseId, ...answer, comment: words, via: 'sms', at: now });
    await store.insertAttempt(task.id, { actorId: null, channel: 'sms', outcome: 'reached', note: `code ${code}`, at: now });
    await store.updateTask(
      task.id,
      {
        smsCode: code, smsAt: now, status: 'done', closeReason: recorded.isRecorded ? 'sms_reply' : 'sms_reply_not_recorded', closedAt: now,
        claimedBy: null, claimExpiresAt: null, nextAttemptAfter: null, closedBy: null,
      },
      now,
    );
    // "4 / not solved" (and 3, dissatisfied) becomes a reopen request under the reopen policy, as a rating does.
    const outcome = await save(recorded.isRecorded ? 'recorded' : 'already_answered', task.id);
    return { ...outcome, isReopenRequested: recorded.isReopenRequested };
  });
};
