import type { Language } from '../case/case.types.js';

/** What the requester is told, one kind per step of the loop (件件有回复: every step is told). */
export const MESSAGE_KINDS = [
  'callback_request', 'registered', 'dispatched', 'extended', 'replied', 'callback', 'rejected', 'reopened', 'held', 'hold_reminder', 'follow_up',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const MESSAGE_CHANNELS = ['sms', 'email'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

/**
 * `sending` is a committed claim taken before the provider is called; a claim that outlives its lease means
 * the worker died mid-send, and the message becomes `unknown` rather than being sent a second time.
 */
export const MESSAGE_STATUSES = ['queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Timeline codes of delivery outcomes (internal events: they never reach the public tracking page). */
export const DELIVERY_EVENT_CODES = ['notification.sent', 'notification.failed', 'notification.unknown'] as const;
export type DeliveryEventCode = (typeof DELIVERY_EVENT_CODES)[number];

export type LanguageText = Record<Language, string>;
