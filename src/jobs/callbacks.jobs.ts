import { addWorkingDays } from '../core/calendar/calendar.js';
import { CALLBACK_SMS_KIND, renderCallbackSms } from '../core/callbacks/callback-sms.js';
import { maskPhoneNumber, smsNumberOf } from '../core/notifications/contact.js';
import { MESSAGE_KINDS, type MessageKind } from '../core/notifications/notification.types.js';
import { nextSendableAt } from '../core/notifications/quiet-hours.js';
import { findCaseForNotification, queueMessage } from '../db/notifications.repository.js';
import { currentNotifyRuntime } from '../notify/delivery.worker.js';
import { loadCallbackSettings } from '../core/callbacks/callback-rules.js';
import type { CallbackSettings } from '../core/callbacks/callback.types.js';
import { dueForTarget } from '../core/sla/case-sla.js';
import { closeOpenTasksOfCase, findUnitIdByCode, insertCallbackTask } from '../db/callbacks.repository.js';
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
};

/** Event consumers and job handlers of the callbacks module (wiring point; merged in consumers.ts and handlers.ts). */
export const callbacksConsumers: EventConsumerSpec[] = [
  { name: 'callbacks.tasks', handler: (trx, event) => handleCallbackEvent(trx, event, currentCallbackSettings()) },
];
export const callbacksJobHandlers: JobHandlers = {};
