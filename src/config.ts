import path from 'node:path';
import { z } from 'zod';
import { loadNotifySettings, NotifyConfigError } from './notify/notify-config.js';
import { loadOidcSettings, OidcConfigError } from './core/access/oidc-settings.js';
import { DEFAULT_SESSION_IDLE_MINUTES } from './core/auth/auth.ports.js';
import { DEFAULT_REAUTH_MINUTES } from './core/auth/recent-auth.js';
import { DEFAULT_KNOWN_DEVICE_DAYS, DEFAULT_SIGN_IN_NOTICE_DAYS } from './core/auth/sign-in-retention.js';

/** Fastify's trustProxy: never `true`, which believes every hop. */
export type TrustProxy = false | number | string[];

const booleanish = z
  .enum(['on', 'off', 'true', 'false', '1', '0', 'demo'])
  .transform((value) => value === 'on' || value === 'true' || value === '1' || value === 'demo');

/**
 * A whole number setting. A blank value (`BIHUAN_REAUTH_MINUTES=` in a unit file) counts as unset: read as a number
 * it would be 0, which turns several protections off (recent sign-in, retention, dormant accounts).
 */
const wholeNumber = (min: number, max: number, fallback: number) =>
  z.preprocess((value) => (value === undefined || (typeof value === 'string' && value.trim() === '') ? fallback : Number(value)), z.number().int().min(min).max(max));

const configSchema = z.object({
  PORT: wholeNumber(0, 65535, 8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  BIHUAN_DATA_DIR: z.string().min(1).default('./data'),
  BIHUAN_SEED: booleanish.default(true),
  BIHUAN_DEMO_PASSWORD: z
    .string()
    .min(8, 'must be at least 8 characters')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  BIHUAN_EMBEDDED_PG_PORT: wholeNumber(1, 65535, 54329),
  BIHUAN_SESSION_TTL_HOURS: wholeNumber(1, 24 * 30, 12),
  BIHUAN_SESSION_IDLE_MINUTES: wholeNumber(5, 24 * 60, DEFAULT_SESSION_IDLE_MINUTES),
  BIHUAN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Which proxies' X-Forwarded-For to believe: `off`; `on` (the one proxy in front, the usual nginx); a number of
   * proxies in a row (a CDN, then nginx: 2); or their addresses and ranges (`10.0.0.0/8,192.168.1.5`). Believing
   * every hop (Fastify's `true`) would let a client write its own address into the header.
   */
  BIHUAN_TRUST_PROXY: z
    .string()
    .trim()
    .default('off')
    .transform((value, ctx): TrustProxy => {
      if (['off', 'false', '0', ''].includes(value)) return false;
      if (['on', 'true'].includes(value)) return 1;
      if (/^[1-9]$/.test(value)) return Number(value);
      const ranges = value.split(',').map((r) => r.trim()).filter(Boolean);
      if (ranges.length > 0 && ranges.every((r) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(r))) return ranges;
      ctx.addIssue({ code: 'custom', message: 'off, on, a number of proxies (1-9), or their addresses and ranges separated by commas' });
      return z.NEVER;
    }),
  BIHUAN_JOB_POLL_MS: wholeNumber(100, 60_000, 5000),
  BIHUAN_BACKGROUND: booleanish.default(true),
  BIHUAN_DB_PREPARE: booleanish.default(true),
  BIHUAN_RETENTION_DAYS: wholeNumber(0, 36_500, 1095),
  BIHUAN_DORMANT_ACCOUNT_DAYS: wholeNumber(0, 3650, 90),
  BIHUAN_PASSWORD_MAX_AGE_DAYS: wholeNumber(0, 3650, 0),
  BIHUAN_REAUTH_MINUTES: wholeNumber(0, 24 * 60, DEFAULT_REAUTH_MINUTES),
  BIHUAN_SIGNIN_NOTICE_DAYS: wholeNumber(0, 36_500, DEFAULT_SIGN_IN_NOTICE_DAYS),
  BIHUAN_KNOWN_DEVICE_DAYS: wholeNumber(0, 36_500, DEFAULT_KNOWN_DEVICE_DAYS),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  isSeedEnabled: boolean;
  demoPassword: string | undefined;
  embeddedPgPort: number;
  sessionTtlHours: number;
  sessionIdleMinutes: number;
  logLevel: z.infer<typeof configSchema>['BIHUAN_LOG_LEVEL'];
  /** Which proxies' forwarded addresses are believed (BIHUAN_TRUST_PROXY). */
  trustProxy: TrustProxy;
  jobPollMs: number;
  /** Off: this process only serves requests; `bihuan worker` processes do the background work. */
  isBackgroundEnabled: boolean;
  /** Off: every statement is sent unnamed (for a connection pooler that cannot keep prepared statements). */
  isPreparingStatements: boolean;
  /** Finished cases are anonymised this many days after closing; 0 keeps them forever. */
  retentionDays: number;
  /** People's accounts without a sign of life for this many days are disabled each night; 0 turns it off. */
  dormantAccountDays: number;
  /** Passwords older than this many days must be replaced at the next sign-in; 0 never (the default). */
  passwordMaxAgeDays: number;
  /** Sensitive steps need a sign-in or a password confirmation within this many minutes; 0 turns it off. */
  reauthMinutes: number;
  /** New-device notices (with the sign-in's address and browser) are deleted this many days after it; 0 keeps them. */
  signInNoticeDays: number;
  /** A device not seen for this many days is forgotten, and signing in from it gives a notice again; 0 keeps them. */
  knownDeviceDays: number;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once at start; every problem is reported, not just the first. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const parsed = configSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  // Notification settings are read again by the delivery worker; checked here so a mistake fails at start.
  try {
    loadNotifySettings(env);
  } catch (error) {
    if (!(error instanceof NotifyConfigError)) throw error;
    problems.push(error.message);
  }
  // Single sign-on (BIHUAN_OIDC_*, docs/access.md) is read again when the routes are registered; checked here too.
  try {
    loadOidcSettings(env);
  } catch (error) {
    if (!(error instanceof OidcConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    databaseUrl: c.DATABASE_URL,
    dataDir: path.resolve(c.BIHUAN_DATA_DIR),
    isSeedEnabled: c.BIHUAN_SEED,
    demoPassword: c.BIHUAN_DEMO_PASSWORD,
    embeddedPgPort: c.BIHUAN_EMBEDDED_PG_PORT,
    sessionTtlHours: c.BIHUAN_SESSION_TTL_HOURS,
    sessionIdleMinutes: c.BIHUAN_SESSION_IDLE_MINUTES,
    logLevel: c.BIHUAN_LOG_LEVEL,
    trustProxy: c.BIHUAN_TRUST_PROXY,
    jobPollMs: c.BIHUAN_JOB_POLL_MS,
    isBackgroundEnabled: c.BIHUAN_BACKGROUND,
    isPreparingStatements: c.BIHUAN_DB_PREPARE,
    retentionDays: c.BIHUAN_RETENTION_DAYS,
    dormantAccountDays: c.BIHUAN_DORMANT_ACCOUNT_DAYS,
    passwordMaxAgeDays: c.BIHUAN_PASSWORD_MAX_AGE_DAYS,
    reauthMinutes: c.BIHUAN_REAUTH_MINUTES,
    signInNoticeDays: c.BIHUAN_SIGNIN_NOTICE_DAYS,
    knownDeviceDays: c.BIHUAN_KNOWN_DEVICE_DAYS,
  };
};
