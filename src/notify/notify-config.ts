import { z } from 'zod';
import { MESSAGE_KINDS } from '../core/notifications/notification.types.js';
import { parseQuietHours, type QuietHours } from '../core/notifications/quiet-hours.js';

const optional = z.string().trim().optional().transform((v) => (v ? v : undefined));

/**
 * Environment variables of notifications. Kept apart from src/config.ts so that a worker reads them when it
 * runs; config.ts validates the same shape at start-up (notifyEnvShape), so a mistake fails fast.
 */
export const notifyEnvShape = {
  BIHUAN_SMS_PROVIDER: z.enum(['none', 'http', 'aliyun', 'tencent']).default('none'),
  BIHUAN_SMS_HTTP_URL: optional.pipe(z.url().optional()),
  BIHUAN_SMS_HTTP_TOKEN: optional,
  BIHUAN_SMS_ACCESS_KEY_ID: optional,
  BIHUAN_SMS_ACCESS_KEY_SECRET: optional,
  BIHUAN_SMS_SIGN_NAME: optional,
  BIHUAN_SMS_SDK_APP_ID: optional,
  BIHUAN_SMS_REGION: optional,
  BIHUAN_SMS_ENDPOINT: optional.pipe(z.url().optional()),
  BIHUAN_SMS_TEMPLATES: optional,
  BIHUAN_SMTP_URL: optional.pipe(z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional()),
  BIHUAN_MAIL_FROM: optional,
  BIHUAN_NOTIFY_QUIET_HOURS: z.string().default('21:00-08:00'),
  BIHUAN_PUBLIC_TRACKING_URL: optional.pipe(z.url().optional()),
  BIHUAN_NOTIFY_SEND_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(15_000),
  BIHUAN_NOTIFY_DELIVERY: z.enum(['on', 'paused']).default('on'),
};

const templateKeys = new Set(MESSAGE_KINDS.flatMap((k) => [k, `${k}.zh-Hans`, `${k}.bo`, `${k}.en`]));
const templatesSchema = z
  .record(z.string(), z.string().min(1))
  .refine((map) => Object.keys(map).every((k) => templateKeys.has(k)), { message: `keys are message kinds (${MESSAGE_KINDS.join(', ')}), optionally .zh-Hans/.bo/.en` });

export type SmsSettings =
  | { provider: 'none' }
  | { provider: 'http'; url: string; token: string | null }
  | { provider: 'aliyun'; accessKeyId: string; accessKeySecret: string; signName: string; region: string; endpoint: string; templates: Record<string, string> }
  | { provider: 'tencent'; secretId: string; secretKey: string; signName: string; sdkAppId: string; region: string; endpoint: string; templates: Record<string, string> };

export type NotifySettings = {
  sms: SmsSettings;
  email: { url: string; from: string } | null;
  quietHours: QuietHours | null;
  trackingUrl: string | null;
  sendTimeoutMs: number;
  /** Paused: messages are queued but not sent (a provider change, an incident); they go when resumed. */
  isDeliveryPaused: boolean;
};

export class NotifyConfigError extends Error {}

const need = (value: string | undefined, name: string, provider: string): string => {
  if (!value) throw new NotifyConfigError(`${name} is required when BIHUAN_SMS_PROVIDER=${provider}`);
  return value;
};

/** Reads and checks the notification settings; throws NotifyConfigError listing what is wrong. */
export const loadNotifySettings = (env: NodeJS.ProcessEnv = process.env): NotifySettings => {
  const parsed = z.object(notifyEnvShape).safeParse(env);
  if (!parsed.success) throw new NotifyConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const c = parsed.data;
  const templates = (): Record<string, string> => {
    const raw = need(c.BIHUAN_SMS_TEMPLATES, 'BIHUAN_SMS_TEMPLATES', c.BIHUAN_SMS_PROVIDER);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new NotifyConfigError('BIHUAN_SMS_TEMPLATES must be a JSON object');
    }
    const t = templatesSchema.safeParse(json);
    if (!t.success) throw new NotifyConfigError(`BIHUAN_SMS_TEMPLATES: ${t.error.issues.map((i) => i.message).join('; ')}`);
    return t.data;
  };
  let sms: SmsSettings;
  switch (c.BIHUAN_SMS_PROVIDER) {
    case 'http':
      sms = { provider: 'http', url: need(c.BIHUAN_SMS_HTTP_URL, 'BIHUAN_SMS_HTTP_URL', 'http'), token: c.BIHUAN_SMS_HTTP_TOKEN ?? null };
      break;
    case 'aliyun':
      sms = {
        provider: 'aliyun',
        accessKeyId: need(c.BIHUAN_SMS_ACCESS_KEY_ID, 'BIHUAN_SMS_ACCESS_KEY_ID', 'aliyun'),
        accessKeySecret: need(c.BIHUAN_SMS_ACCESS_KEY_SECRET, 'BIHUAN_SMS_ACCESS_KEY_SECRET', 'aliyun'),
        signName: need(c.BIHUAN_SMS_SIGN_NAME, 'BIHUAN_SMS_SIGN_NAME', 'aliyun'),
        region: c.BIHUAN_SMS_REGION ?? 'cn-hangzhou',
        endpoint: c.BIHUAN_SMS_ENDPOINT ?? 'https://dysmsapi.aliyuncs.com/',
        templates: templates(),
      };
      break;
    case 'tencent':
      sms = {
        provider: 'tencent',
        secretId: need(c.BIHUAN_SMS_ACCESS_KEY_ID, 'BIHUAN_SMS_ACCESS_KEY_ID', 'tencent'),
        secretKey: need(c.BIHUAN_SMS_ACCESS_KEY_SECRET, 'BIHUAN_SMS_ACCESS_KEY_SECRET', 'tencent'),
        signName: need(c.BIHUAN_SMS_SIGN_NAME, 'BIHUAN_SMS_SIGN_NAME', 'tencent'),
        sdkAppId: need(c.BIHUAN_SMS_SDK_APP_ID, 'BIHUAN_SMS_SDK_APP_ID', 'tencent'),
        region: c.BIHUAN_SMS_REGION ?? 'ap-guangzhou',
        endpoint: c.BIHUAN_SMS_ENDPOINT ?? 'https://sms.tencentcloudapi.com/',
        templates: templates(),
      };
      break;
    default:
      sms = { provider: 'none' };
  }
  if (c.BIHUAN_SMTP_URL && !c.BIHUAN_MAIL_FROM) throw new NotifyConfigError('BIHUAN_MAIL_FROM is required with BIHUAN_SMTP_URL');
  let quietHours: QuietHours | null;
  try {
    quietHours = parseQuietHours(c.BIHUAN_NOTIFY_QUIET_HOURS);
  } catch (error) {
    throw new NotifyConfigError(`BIHUAN_NOTIFY_QUIET_HOURS: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    sms,
    email: c.BIHUAN_SMTP_URL && c.BIHUAN_MAIL_FROM ? { url: c.BIHUAN_SMTP_URL, from: c.BIHUAN_MAIL_FROM } : null,
    quietHours,
    trackingUrl: c.BIHUAN_PUBLIC_TRACKING_URL ?? null,
    sendTimeoutMs: c.BIHUAN_NOTIFY_SEND_TIMEOUT_MS,
    isDeliveryPaused: c.BIHUAN_NOTIFY_DELIVERY === 'paused',
  };
};

/** The provider template id of a kind in a language, falling back to the kind's default (usually Chinese). */
export const providerTemplateId = (templates: Record<string, string>, kind: string, language: string): string | null =>
  templates[`${kind}.${language}`] ?? templates[kind] ?? null;
