import { REPLY_OUTCOMES, RESOLVED_ANSWERS, SATISFACTIONS, type Channel } from '../case/case.types.js';
import type { LocalizedText } from '../directory/directory.types.js';
import type { MessageFacts } from './message-templates.js';
import type { MessageKind } from './notification.types.js';

export type TimelineEvent = { code: string; data: Record<string, unknown> };

/** What an event tells the requester; the case's own facts (tracking number, due date) are added by the caller. */
export type PlannedMessage = { kind: MessageKind; facts: Omit<MessageFacts, 'trackingNo'> };

const str = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const oneOf = <T extends string>(values: readonly T[], value: unknown): T | null =>
  typeof value === 'string' && (values as readonly string[]).includes(value) ? (value as T) : null;

const unitNameOf = (value: unknown): LocalizedText | null => {
  if (typeof value !== 'object' || value === null) return null;
  const name = (value as { name?: unknown }).name;
  if (typeof name !== 'object' || name === null) return null;
  const zh = str((name as Record<string, unknown>)['zh-Hans']);
  if (!zh) return null;
  const n = name as Record<string, unknown>;
  return { 'zh-Hans': zh, ...(str(n.bo) ? { bo: str(n.bo) as string } : {}), ...(str(n.en) ? { en: str(n.en) as string } : {}) };
};

const dateOf = (value: unknown): Date | null => {
  const s = str(value);
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** The event codes that may tell the requester something; the consumer skips every other event unread. */
export const REQUESTER_EVENT_CODES: ReadonlySet<string> = new Set([
  'case.registered', 'case.dispatched', 'case.transferred', 'case.extension_decided', 'case.replied', 'case.resolved_on_intake',
  'case.callback_recorded', 'case.rejected', 'case.reopened', 'case.put_on_hold', 'case.hold_reminded',
]);

/** Cases brought in by a bulk import are history: their requesters were answered elsewhere, long ago. */
const SILENT_CHANNELS: readonly Channel[] = ['import'];

/**
 * Which timeline events the requester hears about: registration (number and access code), dispatch and
 * transfer, an approved extension (with its reason), the reply, the callback, a refusal and a reopening, and a
 * hold waiting on them (what to add, by when) with its reminder.
 * Everything else (internal notes, acceptance, supervision) is the administration's own business.
 */
export const planRequesterMessage = (event: TimelineEvent, caseChannel: Channel): PlannedMessage | null => {
  if (SILENT_CHANNELS.includes(caseChannel)) return null;
  const d = event.data;
  switch (event.code) {
    case 'case.registered':
      return { kind: 'registered', facts: {} };
    case 'case.dispatched':
      return { kind: 'dispatched', facts: { unitName: unitNameOf(d.unit) } };
    case 'case.transferred':
      return { kind: 'dispatched', facts: { unitName: unitNameOf(d.toUnit) } };
    case 'case.extension_decided':
      // A refused extension changes nothing the requester was promised.
      if (d.isApproved !== true) return null;
      return { kind: 'extended', facts: { days: num(d.days), reason: str(d.reason), replyDueAt: dateOf(d.replyDueAt) } };
    case 'case.replied':
    case 'case.resolved_on_intake':
      return {
        kind: 'replied',
        facts: { unitName: unitNameOf(d.unit), outcome: oneOf(REPLY_OUTCOMES, d.outcome), replyText: str(d.text) },
      };
    case 'case.callback_recorded':
      return { kind: 'callback', facts: { resolved: oneOf(RESOLVED_ANSWERS, d.resolved), satisfaction: oneOf(SATISFACTIONS, d.satisfaction) } };
    case 'case.rejected':
      return { kind: 'rejected', facts: { reason: str(d.reason), advice: str(d.advice) } };
    case 'case.reopened':
      return { kind: 'reopened', facts: { unitName: unitNameOf(d.unit) } };
    // What is missing is written for the requester (the hold's reason); without it there is nothing to ask.
    case 'case.put_on_hold':
      return str(d.reason) ? { kind: 'held', facts: { reason: str(d.reason), holdEndsAt: dateOf(d.endsAt) } } : null;
    case 'case.hold_reminded':
      return str(d.reason) ? { kind: 'hold_reminder', facts: { reason: str(d.reason), holdEndsAt: dateOf(d.endsAt) } } : null;
    default:
      return null;
  }
};
