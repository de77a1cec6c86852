import type { Role } from './roles.js';
import type { TwoFactorDeps } from './two-factor.js';

export type UserForAuth = {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  roles: Role[];
  unitId: string;
  unitPath: string;
  isActive: boolean;
};

export type AuthStore = {
  findUserByUsername: (username: string) => Promise<UserForAuth | null>;
  findUserBySessionTokenHash: (tokenHash: string, now: Date) => Promise<(UserForAuth & { sessionId: string; lastSeenAt: Date }) | null>;
  createSession: (input: { userId: string; tokenHash: string; expiresAt: Date; ip: string | null; userAgent: string | null; at: Date }) => Promise<void>;
  touchSession: (sessionId: string, at: Date) => Promise<void>;
  deleteSessionByTokenHash: (tokenHash: string) => Promise<void>;
  deleteSessionsOfUser: (userId: string) => Promise<number>;
  /** The latest lock among these throttle keys, or null. */
  lockedUntil: (keys: string[], now: Date) => Promise<Date | null>;
  recordLoginFailure: (key: string, now: Date, limits: { windowMs: number; failures: number; lockMs: number }) => Promise<void>;
  clearLoginFailures: (key: string) => Promise<void>;
  updatePassword: (userId: string, passwordHash: string, at: Date) => Promise<void>;
};

export type AuthDeps = {
  store: AuthStore;
  now: () => Date;
  sessionTtlHours: number;
  /** A session unused for this long ends, whatever its absolute expiry. */
  sessionIdleMinutes: number;
  /** TOTP: the second step of sign-in, and the enrolment every request of a required role waits for. */
  twoFactor: TwoFactorDeps;
};
