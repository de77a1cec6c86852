import { MAX_DELIVERY_ATTEMPTS, nextStateAfter, type SendOutcome } from '../core/notifications/delivery-policy.js';
import type { MessageChannel } from '../core/notifications/notification.types.js';
import { isQuiet, type QuietHours } from '../core/notifications/quiet-hours.js';
import type { Db } from '../db/database.js';
import { claimNextMessage, recordDeliveryOutcome, recoverStaleClaims, type ClaimedMessage } from '../db/notifications-delivery.repository.js';
import { purgeStaleAccessCodes } from '../db/notifications.repository.js';
import { loadNotifySettings, type NotifySettings } from './notify-config.js';
import type { Transport, Transports } from './transport.js';
import { createTransports } from './transports.js';

/** Longer than any send can take (the send timeout is at most two minutes): a live worker's claim is never stolen. */
export const DEFAULT_LEASE_MS = 10 * 60_000;
const ACCESS_CODE_TTL_MS = 24 * 3600_000;

export type DeliveryOptions = {
  now: () => Date;
  transports: Transports;
  quietHours: QuietHours | null;
  leaseMs?: number;
  limit?: number;
  log?: (message: string) => void;
};

/** Sends one claimed message; an adapter that throws is an outcome we cannot know. */
export const sendClaimedMessage = async (transport: Transport, message: ClaimedMessage): Promise<SendOutcome> => {
  try {
    return await transport.send({
      id: message.id,
      kind: message.kind,
      language: message.language,
      to: message.recipient,
      subject: message.subject,
      body: message.body,
      params: message.params,
      idempotencyKey: `bihuan-${message.id}`,
    });
  } catch (error) {
    return { status: 'unknown', error: `adapter error: ${error instanceof Error ? error.message : String(error)}` };
  }
};

/**
 * One pass of delivery: recover claims of dead workers, then claim → send → record, one message at a time
 * so that a crash leaves at most one message in doubt. SMS waits while the quiet hours last; e-mail does not.
 */
export const deliverDueMessages = async (db: Db, options: DeliveryOptions): Promise<number> => {
  const { transports } = options;
  const transportOf = (channel: MessageChannel): Transport | null => transports[channel];
  let work = await recoverStaleClaims(db, {
    now: options.now(),
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    isIdempotent: (channel) => transportOf(channel)?.isIdempotent ?? false,
    maxAttempts: MAX_DELIVERY_ATTEMPTS,
    provider: (channel) => transportOf(channel)?.provider ?? null,
  });
  const limit = options.limit ?? 200;
  for (let i = 0; i < limit; i += 1) {
    const now = options.now();
    const channels = (['sms', 'email'] as const).filter((c) => transportOf(c) !== null && !(c === 'sms' && isQuiet(now, options.quietHours)));
    const claimed = await claimNextMessage(db, { now, channels });
    if (!claimed) break;
    const transport = transportOf(claimed.channel) as Transport;
    const outcome = await sendClaimedMessage(transport, claimed);
    const doneAt = options.now();
    const next = nextStateAfter(outcome, {
      attempts: claimed.attempts,
      channel: claimed.channel,
      isIdempotent: transport.isIdempotent,
      now: doneAt,
      quietHours: options.quietHours,
    });
    const isRecorded = await recordDeliveryOutcome(db, claimed, next, {
      provider: transport.provider,
      providerMessageId: outcome.status === 'sent' ? outcome.providerMessageId : null,
      now: doneAt,
    });
    if (!isRecorded) options.log?.(`notification ${claimed.id}: claim lost before its outcome (${outcome.status}) was recorded`);
    if (outcome.status !== 'sent') options.log?.(`notification ${claimed.id} (${claimed.channel}, attempt ${claimed.attempts}): ${outcome.status} ${'error' in outcome ? outcome.error : ''}`);
    work += 1;
  }
  await purgeStaleAccessCodes(db, new Date(options.now().getTime() - ACCESS_CODE_TTL_MS));
  return work;
};

let cached: { key: string; settings: NotifySettings; transports: Transports } | null = null;

/** Settings and adapters from the environment, rebuilt only when a BIHUAN_ variable changed. */
export const currentNotifyRuntime = (env: NodeJS.ProcessEnv = process.env): { settings: NotifySettings; transports: Transports } => {
  const key = JSON.stringify(Object.entries(env).filter(([k]) => k.startsWith('BIHUAN_SMS_') || k.startsWith('BIHUAN_SMTP_') || k.startsWith('BIHUAN_MAIL_') || k.startsWith('BIHUAN_NOTIFY_') || k === 'BIHUAN_PUBLIC_TRACKING_URL').sort());
  if (cached?.key === key) return cached;
  const previous = cached;
  const settings = loadNotifySettings(env);
  cached = { key, settings, transports: createTransports(settings) };
  void previous?.transports.email?.close?.();
  return cached;
};

/** What the background loop runs: a delivery pass with the configured providers. */
export const runNotificationDelivery = async (db: Db, now: Date | (() => Date), log?: (message: string) => void): Promise<number> => {
  const runtime = currentNotifyRuntime();
  if (runtime.settings.isDeliveryPaused) return 0;
  return deliverDueMessages(db, {
    now: typeof now === 'function' ? now : () => now,
    transports: runtime.transports,
    quietHours: runtime.settings.quietHours,
    log,
  });
};
