import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { addWorkingDays } from '../core/calendar/calendar.js';
import { CALLBACK_SMS_KIND, renderCallbackSms } from '../core/callbacks/callback-sms.js';
import { FOLLOW_UP_JOB, FOLLOW_UP_JOB_VERSION, FOLLOW_UP_MESSAGE_KIND, followUpDueAt, followUpLink, renderFollowUpMessage } from '../core/callbacks/follow-up.js';
import { maskEmailAddress, maskPhoneNumber, smsNumberOf } from '../core/notifications/contact.js';
import { sha256 } from '../core/shared/secrets.js';
import { MESSAGE_KINDS, type MessageKind } from '../core/notifications/notification.types.js';
import { nextSendableAt } from '../core/notifications/quiet-hours.js';
import { findCaseForNotification, queueMessage } from '../db/notifications.repository.js';
import { currentNotifyRuntime } from '../notify/delivery.worker.js';
import { loadCallbackSettings } from '../core/callbacks/callback-rules.js';
import type { CallbackSettings } from '../core/callbacks/callback.types.js';
import { dueForTarget } from '../core/sla/case-sla.js';
import { closeOpenTasksOfCase, findCaseForFollowUp, findUnitIdByCode, insertCallbackTask, insertFollowUp } from '../db/callbacks.repository.js';
import { enqueueJob } from '../db/jobs.repository.js';
import { createCaseStore } from '../db/case.repository.js';
import type { Trx } from '../db/database.js';
import { calendarForUnit, policyForCase } from '../db/sla.repository.js';
import type { EventConsumerSpec } from './background.js';
import type { ConsumedEvent } from './event-consumer.js';
import type { JobHandlers } from './job-runner.js';

/** Read at each event, like the notification settings, so a change needs no restart. */
export const currentCallbackSettings = (): CallbackSettings => loadCallbackSettings(process.env);

/**
 * When the callback is due: the case's own callback limit, computed at the reply by the case's time limits
 * (the one promise shown on the case); failing that the policy's callback target from the reply, failing
 * that `dueWorkingDays` working days on the intake unit's calendar.
 */
const callbackDueAt = async (trx: Trx, caseId: string, repliedAt: Date, settings: CallbackSettings): Promise<{ dueAt: Date; intakeUnitId: string } | null> => {
  const record = await createCaseStore(trx).findCase(caseId);
  if (!record) return null;
  const fromCase = record.sla.targets?.callback?.dueAt;
  if (fromCase) return { dueAt: new Date(fromCase), intakeUnitId: record.intakeUnitId };
  const calendar = await calendarForUnit(trx, record.intakeUnitId);
  const policy = await policyForCase(trx, { categoryId: record.categoryId, channel: record.channel, kind: record.kind });
  const due = dueForTarget(policy, 'callback', calendar, repliedAt);
  return { dueAt: due?.dueAt ?? addWorkingDays(calendar, repliedAt, settings.dueWorkingDays), intakeUnitId: record.intakeUnitId };
};

const REPLY_CODES = new Set(['case.replied', 'case.resolved_on_intake']);
/** The case moved on by itself: what is still open is closed with the reason. */
const CLOSING_CODES: Record<string, { status: 'done' | 'cancelled'; reason: string }> = {
  'case.callback_recorded': { status: 'done', reason: 'callback_recorded' },
  'case.rated': { status: 'done', reason: 'rated_by_requester' },
  'case.reopened': { status: 'cancelled', reason: 'case_reopened' },
  'case.closed': { status: 'cancelled', reason: 'case_closed' },
};

const isMessageKind = (kind: string): kind is MessageKind => (MESSAGE_KINDS as readonly string[]).includes(kind);

/**
 * Queues the callback SMS with the reply codes through the notifications outbox (same dedupe, quiet hours,
 * opt-out and delivery as every other message). Nothing is queued while the outbox does not know the kind,
 * when SMS is not configured or the requester has no mobile number.
 */
export const queueCallbackSms = async (trx: Trx, event: ConsumedEvent): Promise<boolean> => {
  const kind = CALLBACK_SMS_KIND;
  if (!isMessageKind(kind)) return false;
  const { settings } = currentNotifyRuntime();
  if (settings.sms.provider === 'none') return false;
  const theCase = await findCaseForNotification(trx, event.itemId);
  const requester = theCase?.requester;
  const number = requester?.phone ? smsNumberOf(requester.phone) : null;
  if (!theCase || !requester || !number) return false;
  const rendered = renderCallbackSms(requester.language, theCase.trackingNo);
  const isOptedOut = requester.isSmsOptedOut;
  return queueMessage(trx, {
    dedupeKey: `callback_request:${event.id}:sms`,
    caseId: theCase.id,
    requesterId: requester.id,
    sourceEventId: event.id,
    kind,
    channel: 'sms',
    language: requester.language,
    recipient: isOptedOut ? null : number.e164,
    recipientMasked: maskPhoneNumber(number.national),
    subject: null,
    body: rendered.body,
    params: rendered.params,
    hasSecret: false,
    status: isOptedOut ? 'cancelled' : 'queued',
    notBefore: nextSendableAt(event.at, settings.quietHours),
    lastError: isOptedOut ? 'opted_out' : null,
    at: event.at,
  });
};

// ---- the follow-up questionnaire weeks after closure ------------------------------------------------------

/** Payload of the follow-up job, version 1: the closure it follows up (its event), checked when it runs. */
const followUpPayloadV1 = z.object({ caseId: z.uuid(), closeEventId: z.string().regex(/^[0-9]+$/) }).strict();

/** One job per closure (dedupe key), due N weeks after it; a case closed again later gets its own. */
const scheduleFollowUp = async (trx: Trx, event: ConsumedEvent, settings: CallbackSettings): Promise<void> => {
  const runAt = followUpDueAt(event.at, settings.followUpWeeks);
  if (!runAt) return;
  const payload: z.infer<typeof followUpPayloadV1> = { caseId: event.itemId, closeEventId: String(event.id) };
  await enqueueJob(trx, { kind: FOLLOW_UP_JOB, version: FOLLOW_UP_JOB_VERSION, runAt, payload, dedupeKey: `${FOLLOW_UP_JOB}:${event.itemId}:${event.id}` });
};

export type FollowUpOutcome = 'sent' | 'disabled' | 'not_closed' | 'closed_again' | 'anonymised' | 'no_contact' | 'already_sent';

/**
 * Sends the follow-up of one closure: only if the case is still closed by that closure (not reopened, not
 * closed again since), not anonymised, and the requester can be reached on a channel they have not opted out
 * of (SMS first, else e-mail). Creates the one-time link and queues the message through the notifications
 * outbox in the requester's language. Nothing is raised on the case: the answer is kept apart.
 */
export const runFollowUpJob = async (trx: Trx, payload: unknown, now: Date, settings: CallbackSettings): Promise<FollowUpOutcome> => {
  const { caseId, closeEventId } = followUpPayloadV1.parse(payload);
  if (settings.followUpWeeks === 0) return 'disabled';
  const state = await findCaseForFollowUp(trx, caseId, closeEventId);
  if (!state || state.status !== 'closed') return 'not_closed';
  if (state.isClosedAgainLater) return 'closed_again';
  if (state.isAnonymised) return 'anonymised';
  const theCase = await findCaseForNotification(trx, caseId);
  const requester = theCase?.requester;
  if (!theCase || !requester) return 'no_contact';
  const { settings: notify } = currentNotifyRuntime();
  const number = requester.phone && notify.sms.provider !== 'none' && !requester.isSmsOptedOut ? smsNumberOf(requester.phone) : null;
  const email = !number && requester.email && notify.email && !requester.isEmailOptedOut ? requester.email : null;
  if (!number && !email) return 'no_contact';
  const token = randomBytes(24).toString('base64url');
  const teamUnitId = settings.callbackUnitCode ? await findUnitIdByCode(trx, settings.callbackUnitCode) : null;
  const channel = number ? 'sms' : 'email';
  const isNew = await insertFollowUp(trx, {
    caseId, closeEventId, unitId: teamUnitId ?? state.intakeUnitId, tokenHash: sha256(token), channel, language: requester.language, sentAt: now,
    expiresAt: new Date(now.getTime() + settings.linkValidDays * 24 * 3600_000),
  });
  if (!isNew) return 'already_sent';
  const rendered = renderFollowUpMessage(requester.language, theCase.trackingNo, followUpLink(notify.trackingUrl, token));
  const kind = FOLLOW_UP_MESSAGE_KIND;
  if (!isMessageKind(kind)) throw new Error(`the notifications outbox does not know the message kind ${kind}`);
  await queueMessage(trx, {
    dedupeKey: `${kind}:${closeEventId}:${channel}`,
    caseId,
    requesterId: requester.id,
    sourceEventId: closeEventId,
    kind,
    channel,
    language: requester.language,
    recipient: number ? number.e164 : email,
    recipientMasked: number ? maskPhoneNumber(number.national) : maskEmailAddress(email ?? ''),
    subject: channel === 'email' ? rendered.subject : null,
    body: rendered.body,
    params: rendered.params,
    // The body carries a one-time link: it is a secret like an access code.
    hasSecret: true,
    status: 'queued',
    notBefore: channel === 'sms' ? nextSendableAt(now, notify.quietHours) : now,
    lastError: null,
    at: now,
  });
  return 'sent';
};

export const handleCallbackEvent = async (trx: Trx, event: ConsumedEvent, settings: CallbackSettings): Promise<void> => {
  if (event.itemKind !== 'case') return;
  if (REPLY_CODES.has(event.code)) {
    const due = await callbackDueAt(trx, event.itemId, event.at, settings);
    if (!due) return;
    const teamUnitId = settings.callbackUnitCode ? await findUnitIdByCode(trx, settings.callbackUnitCode) : null;
    const isNew = await insertCallbackTask(trx, { caseId: event.itemId, sourceEventId: event.id, unitId: teamUnitId ?? due.intakeUnitId, dueAt: due.dueAt, at: event.at });
    if (isNew) await queueCallbackSms(trx, event);
    return;
  }
  const closing = CLOSING_CODES[event.code];
  if (closing) await closeOpenTasksOfCase(trx, event.itemId, closing.status, closing.reason, event.at);
  if (event.code === 'case.closed') await scheduleFollowUp(trx, event, settings);
};

/** Event consumers and job handlers of the callbacks module (wiring point; merged in consumers.ts and handlers.ts). */
export const callbacksConsumers: EventConsumerSpec[] = [
  { name: 'callbacks.tasks', codes: [...REPLY_CODES, ...Object.keys(CLOSING_CODES)], handler: (trx, event) => handleCallbackEvent(trx, event, currentCallbackSettings()) },
];
export const callbacksJobHandlers: JobHandlers = {
  [FOLLOW_UP_JOB]: async (trx, job, now) => {
    if (job.version !== FOLLOW_UP_JOB_VERSION) throw new Error(`unknown ${FOLLOW_UP_JOB} payload version ${job.version}`);
    return runFollowUpJob(trx, job.payload, now, currentCallbackSettings());
  },
};
