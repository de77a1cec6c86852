import { isEmailAddress, maskEmailAddress, maskPhoneNumber, smsNumberOf } from '../core/notifications/contact.js';
import { renderRequesterMessage, type MessageFacts } from '../core/notifications/message-templates.js';
import { MESSAGE_CHANNELS, type MessageChannel } from '../core/notifications/notification.types.js';
import { nextSendableAt } from '../core/notifications/quiet-hours.js';
import { planRequesterMessage, REQUESTER_EVENT_CODES } from '../core/notifications/requester-messages.js';
import { NOTICE_CODES, noticeData, staffAudiences } from '../core/notifications/staff-notices.js';
import { redact } from '../core/notifications/delivery-policy.js';
import type { Db, Trx } from '../db/database.js';
import {
  findCaseForNotification, findStaffRecipients, insertStaffNotifications, queueMessage, takeAccessCode,
} from '../db/notifications.repository.js';
import { currentNotifyRuntime, runNotificationDelivery } from '../notify/delivery.worker.js';
import { providerTemplateId, type NotifySettings } from '../notify/notify-config.js';
import type { EventConsumerSpec } from './background.js';
import type { ConsumedEvent } from './event-consumer.js';

/**
 * Whether an SMS of this kind can go out at all. The cloud providers send only templates approved in advance: a
 * kind added by an upgrade, before its template is approved and configured, is left out instead of failing at
 * delivery (which would ask the staff to phone every requester it concerns).
 */
const canSendSms = (sms: NotifySettings['sms'], kind: string, language: string): boolean =>
  sms.provider === 'none' ? false : sms.provider === 'http' ? true : providerTemplateId(sms.templates, kind, language) !== null;

/**
 * Turns a case event into the requester's messages, queued in the event's own consumer transaction: a
 * message is queued exactly once per event and channel, and sent later by the delivery worker. Channels that
 * are not configured queue nothing.
 */
export const queueRequesterMessages = async (trx: Trx, event: ConsumedEvent, settings: NotifySettings): Promise<number> => {
  if (event.itemKind !== 'case' || !REQUESTER_EVENT_CODES.has(event.code)) return 0;
  const theCase = await findCaseForNotification(trx, event.itemId);
  if (!theCase) return 0;
  // Taken whatever happens next, so that the code never outlives this transaction outside a message.
  const accessCode = event.code === 'case.registered' ? await takeAccessCode(trx, theCase.id) : null;
  const plan = planRequesterMessage(event, theCase.channel);
  const requester = theCase.requester;
  if (!plan || !requester) return 0;
  const facts: MessageFacts = {
    ...plan.facts,
    trackingNo: theCase.trackingNo,
    accessCode,
    trackingUrl: settings.trackingUrl,
    replyDueAt: plan.facts.replyDueAt ?? (plan.kind === 'dispatched' ? theCase.replyDueAt : null),
  };
  let queued = 0;
  for (const channel of MESSAGE_CHANNELS) {
    const isConfigured = channel === 'sms' ? canSendSms(settings.sms, plan.kind, requester.language) : settings.email !== null;
    const address = addressFor(channel, requester);
    if (!isConfigured || !address) continue;
    const isOptedOut = channel === 'sms' ? requester.isSmsOptedOut : requester.isEmailOptedOut;
    const rendered = renderRequesterMessage(plan.kind, channel, requester.language, facts);
    const isSecret = accessCode !== null;
    await queueMessage(trx, {
      // Registration is keyed by case so that a re-delivered event can never queue a second code.
      dedupeKey: plan.kind === 'registered' ? `registered:${theCase.id}:${channel}` : `event:${event.id}:${channel}`,
      caseId: theCase.id,
      requesterId: requester.id,
      sourceEventId: event.id,
      kind: plan.kind,
      channel,
      language: requester.language,
      recipient: isOptedOut ? null : address.value,
      recipientMasked: address.masked,
      subject: rendered.subject,
      // An opted-out message is kept for the record only, so it keeps no code.
      body: isOptedOut ? redact(rendered.body, accessCode) : rendered.body,
      params: isOptedOut && 'accessCode' in rendered.params ? { ...rendered.params, accessCode: '' } : rendered.params,
      hasSecret: isSecret && !isOptedOut,
      status: isOptedOut ? 'cancelled' : 'queued',
      notBefore: channel === 'sms' ? nextSendableAt(event.at, settings.quietHours) : event.at,
      lastError: isOptedOut ? 'opted_out' : null,
      at: event.at,
    });
    if (!isOptedOut) queued += 1;
  }
  return queued;
};

const addressFor = (
  channel: MessageChannel,
  requester: { phone: string | null; email: string | null },
): { value: string; masked: string } | null => {
  if (channel === 'sms') {
    const number = requester.phone ? smsNumberOf(requester.phone) : null;
    return number ? { value: number.e164, masked: maskPhoneNumber(number.national) } : null;
  }
  return requester.email && isEmailAddress(requester.email) ? { value: requester.email.trim(), masked: maskEmailAddress(requester.email.trim()) } : null;
};

/** In-app notices for the staff who must act on an event (never the one who caused it). */
export const queueStaffNotices = async (trx: Trx, event: ConsumedEvent): Promise<number> => {
  if (event.itemKind !== 'case' || !NOTICE_CODES.has(event.code)) return 0;
  const theCase = await findCaseForNotification(trx, event.itemId);
  if (!theCase) return 0;
  const audiences = staffAudiences(event, theCase.leadUnitId);
  if (audiences.length === 0) return 0;
  const userIds = new Set<string>();
  for (const audience of audiences) for (const id of await findStaffRecipients(trx, audience, theCase)) userIds.add(id);
  if (event.actorId) userIds.delete(event.actorId);
  return insertStaffNotifications(trx, { userIds: [...userIds], caseId: theCase.id, eventId: event.id, code: event.code, data: noticeData(event), at: event.at });
};

/** Event consumers of the notifications module (see background.ts). */
export const notificationsConsumers: EventConsumerSpec[] = [
  {
    name: 'notify.requester',
    codes: [...REQUESTER_EVENT_CODES],
    handler: async (trx, event) => {
      if (REQUESTER_EVENT_CODES.has(event.code)) await queueRequesterMessages(trx, event, currentNotifyRuntime().settings);
    },
  },
  {
    name: 'notify.staff',
    // Only events that notify anyone are queued for it (a registration, a note, do not).
    codes: [...NOTICE_CODES],
    handler: async (trx, event) => {
      await queueStaffNotices(trx, event);
    },
  },
];

/**
 * The delivery pass, for the background loop (see docs/notifications.md, "Wiring"): it needs the database
 * itself, not a transaction, because each message's claim must commit before the provider is called.
 */
export const notificationsDelivery = { name: 'notify.deliver', run: (db: Db, now: Date, log?: (message: string) => void) => runNotificationDelivery(db, now, log) };
