import type { AccountChangeRecord } from './account-change-record.js';
import type { Role } from './roles.js';
import type { TwoFactorDeps } from './two-factor.js';

export type UserForAuth = {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  /**
   * False when the account was made without a password its owner could type (a first single sign-on, a service
   * account): `passwordHash` then matches nothing, and the confirmation before a sensitive step cannot ask for it.
   */
  hasPassword: boolean;
  roles: Role[];
  unitId: string;
  unitPath: string;
  isActive: boolean;
  /** An administrator set the password: its owner must replace it before doing anything else. */
  mustChangePassword?: boolean;
  /** Why the password must be replaced first: an administrator set it, or it is older than the maximum age; null when it need not be. */
  passwordChangeReason?: PasswordChangeReason | null;
  /** When a one-time password stops working (null for a password its owner chose). */
  passwordExpiresAt?: Date | null;
  /** Null for a password set when the account was made and never changed since. */
  passwordChangedAt?: Date | null;
  createdAt?: Date;
};

export type PasswordChangeReason = 'administrator' | 'expired';

/** BIHUAN_SESSION_IDLE_MINUTES when unset; also what the command line, which reads no server settings, assumes. */
export const DEFAULT_SESSION_IDLE_MINUTES = 120;

/** Whether the user has TOTP on, and which roles must have it (security settings). */
export type TwoFactorState = { isEnabled: boolean; requiredRoles: Role[] };

/** What the auth hook learns of the session with its user. */
export type SessionFacts = {
  sessionId: string;
  lastSeenAt: Date;
  /** The sign-in, or the owner's last confirmation by password (recent-auth.ts). */
  verifiedAt: Date;
  twoFactor?: TwoFactorState;
};

/** The device of a sign-in, to remember; with the data of the "new device" notice when one is due. */
export type SignInDevice = { key: string; notice: { code: string; data: Record<string, unknown> } | null };

export type AuthStore = {
  findUserByUsername: (username: string) => Promise<UserForAuth | null>;
  /** With the user's two-factor state, which the auth hook checks on every request (one round trip for both). */
  findUserBySessionTokenHash: (tokenHash: string, now: Date) => Promise<(UserForAuth & SessionFacts) | null>;
  /**
   * `verifiedAt` when the person proved who they are earlier than `at` (single sign-on); else the sign-in is `at`.
   * With `device`, the device is remembered and, when a notice is given, the notice written, in the same transaction
   * as the session but behind a savepoint: should they fail, they are rolled back alone and the session still opens
   * (`deviceError` says why), since a notice is never worth refusing a sign-in for.
   */
  createSession: (input: {
    userId: string; tokenHash: string; expiresAt: Date; ip: string | null; userAgent: string | null; at: Date; verifiedAt?: Date; device?: SignInDevice;
  }) => Promise<{ sessionId: string; deviceError: Error | null }>;
  /** The keys of the devices this account has signed in from (known-devices.ts). */
  findKnownDeviceKeys: (userId: string) => Promise<string[]>;
  touchSession: (sessionId: string, at: Date) => Promise<void>;
  /** The owner proved who they are again; false when the session no longer exists. */
  markSessionVerified: (tokenHash: string, at: Date) => Promise<boolean>;
  deleteSessionByTokenHash: (tokenHash: string) => Promise<void>;
  deleteSessionsOfUser: (userId: string) => Promise<number>;
  /** The latest lock among these throttle keys, or null. */
  lockedUntil: (keys: string[], now: Date) => Promise<Date | null>;
  recordLoginFailure: (key: string, now: Date, limits: { windowMs: number; failures: number; lockMs: number }) => Promise<void>;
  clearLoginFailures: (key: string) => Promise<void>;
  /**
   * The owner's own new password: a one-time password set by an administrator is replaced; the account has a
   * password from now on; and every session of the user ends, in the same transaction, so that no session opened
   * with the old password outlives it; the record (`endedSessions` added) is written in that transaction too.
   * Returns the number of sessions ended.
   */
  replacePassword: (userId: string, passwordHash: string, at: Date, record: AccountChangeRecord) => Promise<number>;
  /** Its owner must choose a new password before anything else (the password is older than the maximum age). */
  requirePasswordChange: (userId: string, reason: PasswordChangeReason) => Promise<void>;
};

export type AuthDeps = {
  store: AuthStore;
  now: () => Date;
  sessionTtlHours: number;
  /** A session unused for this long ends, whatever its absolute expiry. */
  sessionIdleMinutes: number;
  /** A password older than this many days must be replaced at the next sign-in; 0 (or absent) never. */
  passwordMaxAgeDays?: number;
  /** Sensitive steps need a sign-in or a confirmation this recent (recent-auth.ts); 0 turns the check off. */
  reauthMinutes?: number;
  /** TOTP: the second step of sign-in, and the enrolment every request of a required role waits for. */
  twoFactor: TwoFactorDeps;
};
