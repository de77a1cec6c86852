import { DEFAULT_SESSION_IDLE_MINUTES, type AuthDeps } from '../core/auth/auth.ports.js';
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

export const createAuthDeps = (db: Db, now: () => Date, sessionTtlHours: number, sessionIdleMinutes = DEFAULT_SESSION_IDLE_MINUTES, passwordMaxAgeDays = 0): AuthDeps => ({
  store: { ...createAuthStore(db), findUserBySessionTokenHash: createSessionFinder(db) },
  now,
  sessionTtlHours,
  sessionIdleMinutes,
  passwordMaxAgeDays,
  twoFactor: createTwoFactorDeps(db, now),
});
