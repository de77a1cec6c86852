import { DEFAULT_SESSION_IDLE_MINUTES, type AuthDeps } from '../core/auth/auth.ports.js';
import { DEFAULT_REAUTH_MINUTES } from '../core/auth/recent-auth.js';
import type { CaseDeps } from '../core/case/case.ports.js';
import { createAuthStore, createSessionFinder } from './auth.repository.js';
import { createCaseRegistrar, createCaseStore, createTrackingReserver } from './case.repository.js';
import type { Db } from './database.js';
import { createTwoFactorDeps } from './two-factor.repository.js';

/** Binds the use cases' ports to PostgreSQL. */
export const createCaseDeps = (db: Db, now: () => Date): CaseDeps => ({
  transaction: (fn) => db.transaction().execute((trx) => fn(createCaseStore(trx))),
  read: (fn) => fn(createCaseStore(db)),
  now,
  reserveTrackingSequence: createTrackingReserver(db),
  registerCase: createCaseRegistrar(db),
});

export type AuthSettings = {
  /** BIHUAN_SESSION_IDLE_MINUTES. */
  idleMinutes?: number;
  /** BIHUAN_PASSWORD_MAX_AGE_DAYS (0: never). */
  passwordMaxAgeDays?: number;
  /** BIHUAN_REAUTH_MINUTES (0: no recent sign-in needed). */
  reauthMinutes?: number;
};

export const createAuthDeps = (db: Db, now: () => Date, sessionTtlHours: number, settings: AuthSettings = {}): AuthDeps => ({
  store: { ...createAuthStore(db), findUserBySessionTokenHash: createSessionFinder(db) },
  now,
  sessionTtlHours,
  sessionIdleMinutes: settings.idleMinutes ?? DEFAULT_SESSION_IDLE_MINUTES,
  passwordMaxAgeDays: settings.passwordMaxAgeDays ?? 0,
  reauthMinutes: settings.reauthMinutes ?? DEFAULT_REAUTH_MINUTES,
  twoFactor: createTwoFactorDeps(db, now),
});
