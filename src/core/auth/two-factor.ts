import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomInt } from 'node:crypto';
import { AppError, type ErrorCode } from '../shared/app-error.js';
import { sha256, verifyPassword } from '../shared/secrets.js';
import { isManageableBy, isOwnAccount, isPeerChangeRefused, type ManagedAccount } from '../access/staff-account-rules.js';
import { isTopLevelUnitPath } from '../audit/audit-log-rules.js';
import { accountChangeRecord, type AccountChangeRecord, type ChangeContext } from './account-change-record.js';
import type { UserActor } from './actor.js';
import type { AuthStore, TwoFactorState } from './auth.ports.js';
import { signInThrottle } from './sign-in-throttle.js';
import type { Role } from './roles.js';
import { base32Encode, isTotpCodeShape, matchTotpStep, otpauthUri, TOTP } from './totp.js';

/*
 * TOTP two-factor authentication (RFC 6238), which administrators can require per role. See docs/two-factor.md.
 *
 * - The secret is stored encrypted (AES-256-GCM, bound to the user by the additional data) under a key held
 *   outside the database; recovery codes are stored as HMACs under a key derived from the same one.
 * - A code is accepted once: the step it belongs to must be later than the last step used.
 * - Wrong codes at sign-in count as failed sign-ins, so the username is locked like for wrong passwords.
 */

// ---------------------------------------------------------------------------------------------- errors

export type TwoFactorErrorReason = 'totp_required' | 'totp_invalid' | 'totp_setup_required' | 'totp_already_enabled' | 'totp_not_enabled';

/** The error code of each refusal; `details.reason` repeats the refusal (clients written before the codes rely on it). */
export const TWO_FACTOR_ERROR_CODES: Record<TwoFactorErrorReason, ErrorCode> = {
  totp_required: 'auth.totp_required',
  totp_invalid: 'auth.totp_invalid',
  totp_setup_required: 'auth.totp_setup_required',
  totp_already_enabled: 'auth.totp_already_enabled',
  totp_not_enabled: 'auth.totp_not_enabled',
};

export const twoFactorError = (reason: TwoFactorErrorReason, message: string): AppError =>
  new AppError(TWO_FACTOR_ERROR_CODES[reason], message, { reason });

/** A refusal shown on one field of the form (400 validation.failed), never a 401: the session stays signed in. */
export const wrongField = (path: string, message: string, problem: string): AppError =>
  new AppError('validation.failed', message, { issues: [{ path, message: problem }] });

// ---------------------------------------------------------------------------------------------- crypto

export type TotpCrypto = {
  /** Encrypts a TOTP secret for one user: the ciphertext does not decrypt as anyone else's. */
  seal: (userId: string, secret: Uint8Array) => string;
  /** Throws when the value was tampered with, belongs to another user, or was sealed under another key. */
  open: (userId: string, sealed: string) => Buffer;
  /** Keyed hash of a normalised recovery code: without the key a stolen database does not help guessing. */
  hashRecoveryCode: (userId: string, normalizedCode: string) => string;
};

const SEAL_VERSION = 'v1';

/** All keys derive from one 32-byte master key (HKDF-SHA256), each for one purpose; loaded on first use. */
export const createTotpCrypto = (loadMasterKey: () => Buffer): TotpCrypto => {
  let keys: { encryption: Buffer; recovery: Buffer; keyId: string } | null = null;
  const keysOf = () => {
    if (keys) return keys;
    const master = loadMasterKey();
    if (master.length !== 32) throw new Error('the TOTP master key must be 32 bytes');
    const derive = (info: string, length = 32) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, length));
    keys = {
      encryption: derive('bihuan totp secret encryption v1'),
      recovery: derive('bihuan totp recovery code hmac v1'),
      // Names the key a value was sealed under, so a changed key is reported as such, not as tampering.
      keyId: derive('bihuan totp key id v1', 6).toString('hex'),
    };
    return keys;
  };
  const aadOf = (userId: string) => Buffer.from(`bihuan:totp:${userId}`, 'utf8');
  return {
    seal: (userId, secret) => {
      const { encryption, keyId } = keysOf();
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encryption, iv);
      cipher.setAAD(aadOf(userId));
      const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
      return [SEAL_VERSION, keyId, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open: (userId, sealed) => {
      const { encryption, keyId } = keysOf();
      const [version, sealedKeyId, iv, ciphertext, tag] = sealed.split('.');
      if (version !== SEAL_VERSION || !sealedKeyId || !iv || !ciphertext || !tag) throw new Error('malformed sealed TOTP secret');
      if (sealedKeyId !== keyId) {
        throw new Error(`this TOTP secret was sealed under another key (${sealedKeyId}, current ${keyId}): was BIHUAN_TOTP_KEY or totp.key changed?`);
      }
      const decipher = createDecipheriv('aes-256-gcm', encryption, Buffer.from(iv, 'base64url'));
      decipher.setAAD(aadOf(userId));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
    },
    hashRecoveryCode: (userId, normalizedCode) => createHmac('sha256', keysOf().recovery).update(`${userId}:${normalizedCode}`).digest('hex'),
  };
};

// -------------------------------------------------------------------------------------- recovery codes

/** Crockford's base32: no i, l, o, u, so what is read aloud or copied by hand is what was printed. */
const RECOVERY_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_CODE_LENGTH = 10; // 50 bits each

/** `xxxxx-xxxxx`, shown once when two-factor authentication is turned on. */
export const newRecoveryCode = (): string => {
  let code = '';
  for (let i = 0; i < RECOVERY_CODE_LENGTH; i += 1) code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
};

/** Case, spaces and dashes do not matter; o reads as 0, i and l as 1. Null when it cannot be a recovery code. */
export const normalizeRecoveryCode = (input: string): string | null => {
  const code = input.toLowerCase().replace(/[\s-]+/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
  if (code.length !== RECOVERY_CODE_LENGTH || [...code].some((ch) => !RECOVERY_ALPHABET.includes(ch))) return null;
  return code;
};

// ------------------------------------------------------------------------------------------------ ports

export type TotpState = {
  sealedSecret: string | null;
  enabledAt: Date | null;
  lastUsedStep: number | null;
  sealedPendingSecret: string | null;
  pendingCreatedAt: Date | null;
};

export type TwoFactorStore = {
  findTotp: (userId: string) => Promise<TotpState | null>;
  /** Whether the user has TOTP on, and which roles must: one round trip, made on every signed-in request. */
  enrolmentState: (userId: string) => Promise<{ isEnabled: boolean; requiredRoles: Role[] }>;
  savePendingSecret: (userId: string, sealedSecret: string, at: Date) => Promise<void>;
  /**
   * Turns the pending secret on, replaces the recovery codes and ends the user's other sessions, in one
   * transaction, only if TOTP is still off and the pending secret is still the one that was verified. Null otherwise.
   */
  enableTotp: (input: {
    userId: string; sealedPendingSecret: string; step: number; at: Date; recoveryCodeHashes: string[]; keepSessionTokenHash: string | null;
    /** Written in the same transaction, with `endedSessions` added to its data. */
    record: AccountChangeRecord;
  }) => Promise<{ endedSessions: number } | null>;
  /** Records the step as used if it is later than the last one used; false when it is not (a replay). */
  consumeStep: (userId: string, step: number) => Promise<boolean>;
  /** Marks an unused recovery code used; false when there is no such unused code. */
  consumeRecoveryCode: (userId: string, codeHash: string, at: Date) => Promise<boolean>;
  countUnusedRecoveryCodes: (userId: string) => Promise<number>;
  /**
   * Removes the secret, pending or not, and the recovery codes; false when there was nothing. The record is
   * written in the same transaction when TOTP was on.
   */
  deleteTotp: (userId: string, record: AccountChangeRecord) => Promise<boolean>;
  requiredRoles: () => Promise<{ roles: Role[]; updatedAt: Date | null }>;
  /**
   * Stores the roles and, when they differ from the stored ones, the record with `before` and `after` added to its
   * data, in one transaction. Answers when the stored roles last changed (the old time when nothing changed; null
   * when they never were).
   */
  setRequiredRoles: (roles: Role[], by: string, at: Date, record: AccountChangeRecord) => Promise<{ updatedAt: Date | null }>;
  /** The account an administrator would reset, as the rules of managing accounts need it; null when there is none. */
  findManagedAccount: (userId: string) => Promise<(ManagedAccount & { roles: Role[]; username: string }) | null>;
  /**
   * TOTP off and every session of the user ended, with the record (`endedSessions` added), in one transaction;
   * null when TOTP was not set up.
   */
  resetTotp: (userId: string, record: AccountChangeRecord) => Promise<{ endedSessions: number } | null>;
};

export type TwoFactorDeps = {
  store: TwoFactorStore;
  /** For password re-entry and the shared sign-in throttle. */
  authStore: AuthStore;
  crypto: TotpCrypto;
  now: () => Date;
};

// ------------------------------------------------------------------------------------------- use cases

/** A started set-up is forgotten after this long; starting again makes a new secret. */
export const TOTP_PENDING_TTL_MS = 15 * 60_000;

export const isTwoFactorRequiredFor = (requiredRoles: readonly Role[], roles: readonly Role[]): boolean =>
  roles.some((role) => requiredRoles.includes(role));

type UserRef = { userId: string; username: string; roles: readonly Role[]; apiToken?: { prefix: string } | null };

export type TwoFactorStatus = {
  isEnabled: boolean;
  enabledAt: Date | null;
  hasPendingSetup: boolean;
  /** One of the user's roles requires two-factor authentication. */
  isRequired: boolean;
  recoveryCodesLeft: number;
};

export const getTwoFactorStatus = async (deps: TwoFactorDeps, user: UserRef): Promise<TwoFactorStatus> => {
  const now = deps.now();
  const [state, required] = await Promise.all([deps.store.findTotp(user.userId), deps.store.requiredRoles()]);
  const isEnabled = state?.enabledAt != null;
  return {
    isEnabled,
    enabledAt: state?.enabledAt ?? null,
    hasPendingSetup: !isEnabled && isPendingFresh(state, now),
    isRequired: isTwoFactorRequiredFor(required.roles, user.roles),
    recoveryCodesLeft: isEnabled ? await deps.store.countUnusedRecoveryCodes(user.userId) : 0,
  };
};

const isPendingFresh = (state: TotpState | null, now: Date): boolean =>
  state?.sealedPendingSecret != null && state.pendingCreatedAt != null && now.getTime() - state.pendingCreatedAt.getTime() <= TOTP_PENDING_TTL_MS;

/** Step 1: a new secret, kept pending until a code from it is shown. Shown once; starting again replaces it. */
export const startTotpSetup = async (deps: TwoFactorDeps, user: UserRef): Promise<{ secret: string; otpauthUri: string }> => {
  const state = await deps.store.findTotp(user.userId);
  if (state?.enabledAt) throw twoFactorError('totp_already_enabled', 'two-factor authentication is already on: turn it off first to use another device');
  const secret = randomBytes(TOTP.secretBytes);
  await deps.store.savePendingSecret(user.userId, deps.crypto.seal(user.userId, secret), deps.now());
  return { secret: base32Encode(secret, { isPadded: false }), otpauthUri: otpauthUri(user.username, secret) };
};

/**
 * Step 2: a code from the new secret turns two-factor authentication on. Returns the recovery codes, which are
 * never shown again. Every other session of the user ends: they were opened without the second factor.
 */
export const enableTotp = async (
  deps: TwoFactorDeps,
  user: UserRef,
  input: { code: string; keepSessionTokenHash: string | null; context: ChangeContext },
): Promise<{ enabledAt: Date; recoveryCodes: string[]; endedSessions: number }> => {
  const now = deps.now();
  const state = await deps.store.findTotp(user.userId);
  if (state?.enabledAt) throw twoFactorError('totp_already_enabled', 'two-factor authentication is already on');
  if (!state?.sealedPendingSecret || !isPendingFresh(state, now)) {
    throw wrongField('body.code', 'start the set-up first (or again: it expires after 15 minutes)', 'setup_expired');
  }
  const secret = deps.crypto.open(user.userId, state.sealedPendingSecret);
  const step = matchTotpStep(secret, input.code, now.getTime());
  if (step === null) throw wrongField('body.code', 'the code does not match: check the time on the phone and try the next code', 'wrong_code');
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const recoveryCodeHashes = recoveryCodes.map((code) => deps.crypto.hashRecoveryCode(user.userId, normalizeRecoveryCode(code) ?? code));
  // The step of the code just shown is used: the same code cannot sign in afterwards.
  const enabled = await deps.store.enableTotp({
    userId: user.userId, sealedPendingSecret: state.sealedPendingSecret, step, at: now, recoveryCodeHashes, keepSessionTokenHash: input.keepSessionTokenHash,
    record: accountChangeRecord(user, input.context, now, {
      action: 'user.two_factor_enabled', subjectKind: 'users', subjectId: user.userId, data: { username: user.username, recoveryCodes: recoveryCodes.length },
    }),
  });
  if (!enabled) throw wrongField('body.code', 'the set-up changed meanwhile (started again elsewhere?): start again', 'setup_expired');
  return { enabledAt: now, recoveryCodes, endedSessions: enabled.endedSessions };
};

type CodeCheck = { outcome: 'verified'; method: 'totp' | 'recovery_code' } | { outcome: 'invalid' };

/** A TOTP code (once per step) or an unused recovery code (once). Assumes TOTP is on. */
const verifyCode = async (deps: TwoFactorDeps, userId: string, state: TotpState, code: string, now: Date): Promise<CodeCheck> => {
  const candidate = code.trim();
  if (isTotpCodeShape(candidate.replace(/\s+/g, ''))) {
    if (!state.sealedSecret) return { outcome: 'invalid' };
    const step = matchTotpStep(deps.crypto.open(userId, state.sealedSecret), candidate, now.getTime());
    // The store compares with the last step used atomically: two requests racing with one code, one wins.
    if (step === null || !(await deps.store.consumeStep(userId, step))) return { outcome: 'invalid' };
    return { outcome: 'verified', method: 'totp' };
  }
  const recovery = normalizeRecoveryCode(candidate);
  if (recovery === null) return { outcome: 'invalid' };
  const isUsed = await deps.store.consumeRecoveryCode(userId, deps.crypto.hashRecoveryCode(userId, recovery), now);
  return isUsed ? { outcome: 'verified', method: 'recovery_code' } : { outcome: 'invalid' };
};

export type SecondFactorOutcome =
  /** No TOTP: sign-in goes on; when a role requires it, the session may only enrol until it is on. */
  | { outcome: 'not_enrolled'; mustEnrollTotp: boolean }
  | { outcome: 'verified'; method: 'totp' | 'recovery_code' }
  /** TOTP is on and no code came: answer auth.totp_required (not a failed sign-in; the client asks for it). */
  | { outcome: 'code_required' }
  /** Wrong, replayed or used code: answer auth.totp_invalid and count a failed sign-in. */
  | { outcome: 'code_invalid' };

/**
 * The second step of sign-in, called by login() after the password was verified and before failures are
 * cleared and the session is created. It never throws for a wrong code, so that login() records the failure.
 */
export const checkSecondFactor = async (
  deps: TwoFactorDeps,
  user: { id: string; roles: readonly Role[] },
  code: string | null | undefined,
  now: Date,
): Promise<SecondFactorOutcome> => {
  const state = await deps.store.findTotp(user.id);
  if (!state?.enabledAt) {
    const { roles } = await deps.store.requiredRoles();
    return { outcome: 'not_enrolled', mustEnrollTotp: isTwoFactorRequiredFor(roles, user.roles) };
  }
  if (code === null || code === undefined || code.trim() === '') return { outcome: 'code_required' };
  const checked = await verifyCode(deps, user.id, state, code, now);
  return checked.outcome === 'verified' ? checked : { outcome: 'code_invalid' };
};

/** Whether this signed-in user may only enrol (their role requires TOTP and it is not on). Checked on every request. */
export const mustEnrollTotp = async (deps: TwoFactorDeps, actor: { userId: string; roles: readonly Role[] }, known?: TwoFactorState): Promise<boolean> => {
  const state = known ?? (await deps.store.enrolmentState(actor.userId));
  return !state.isEnabled && isTwoFactorRequiredFor(state.requiredRoles, actor.roles);
};

/** Throws auth.totp_setup_required when the user must enrol first: for the auth hook. */
export const assertTotpEnrolled = async (deps: TwoFactorDeps, actor: { userId: string; roles: readonly Role[] }, known?: TwoFactorState): Promise<void> => {
  if (await mustEnrollTotp(deps, actor, known)) {
    throw twoFactorError('totp_setup_required', 'your role requires two-factor authentication: set it up first (POST /api/v1/auth/totp/setup)');
  }
};

/**
 * Turning it off takes the password and a current code (or a recovery code), both counted like sign-in
 * attempts; it is refused while one of the user's roles requires it.
 */
export const disableTotp = async (
  deps: TwoFactorDeps,
  user: UserRef,
  input: { password: string; code: string; context: ChangeContext },
): Promise<void> => {
  const now = deps.now();
  const throttle = signInThrottle(deps.authStore, { username: user.username, ip: input.context.ip }, now);
  await throttle.assertNotLockedOrThrow('too many failed attempts: try again later');
  const recordFailure = throttle.recordFailure;
  const state = await deps.store.findTotp(user.userId);
  if (!state?.enabledAt) throw twoFactorError('totp_not_enabled', 'two-factor authentication is not on');
  const { roles } = await deps.store.requiredRoles();
  if (isTwoFactorRequiredFor(roles, user.roles)) {
    throw new AppError('auth.forbidden', 'your role requires two-factor authentication: it cannot be turned off', { reason: 'totp_required_by_role' });
  }
  const account = await deps.authStore.findUserByUsername(user.username);
  if (!account || !(await verifyPassword(input.password, account.passwordHash))) {
    await recordFailure();
    throw wrongField('body.password', 'the password is wrong', 'wrong password');
  }
  const checked = await verifyCode(deps, user.userId, state, input.code, now);
  if (checked.outcome !== 'verified') {
    await recordFailure();
    throw wrongField('body.code', 'the code is wrong or was already used', 'wrong_code');
  }
  await deps.store.deleteTotp(
    user.userId,
    accountChangeRecord(user, input.context, now, {
      action: 'user.two_factor_disabled', subjectKind: 'users', subjectId: user.userId, data: { username: user.username, confirmedWith: checked.method },
    }),
  );
};

/**
 * An administrator's reset for a user who lost both the device and the recovery codes: TOTP off, every session
 * ends. Under the rules of every other step on an account (staff-account-rules.ts): only accounts of the
 * administrator's unit and below, never their own (that is turned off with the password and a code), and an
 * administrator's only from a unit above theirs, since a reset strips the factor that stands between a stolen
 * password and the account.
 */
export const resetTotpOfUser = async (
  deps: TwoFactorDeps,
  actor: UserActor,
  input: { userId: string; context: ChangeContext },
): Promise<{ endedSessions: number }> => {
  const { userId } = input;
  const account = await deps.store.findManagedAccount(userId);
  if (!account || !isManageableBy(actor, account)) throw new AppError('resource.not_found', 'no such staff account', { userId });
  if (isOwnAccount(actor, userId)) {
    throw new AppError('user.self_change_refused', 'turn off your own two-factor authentication with your password and a code', { change: 'reset_two_factor' });
  }
  if (isPeerChangeRefused(actor, account)) {
    throw new AppError(
      'auth.forbidden', 'an administrator is changed from a unit above theirs, or on the command line', { reason: 'peer_administrator', change: 'reset_two_factor' },
      'errors.auth.forbidden.peer_administrator',
    );
  }
  const reset = await deps.store.resetTotp(
    userId,
    accountChangeRecord(actor, input.context, deps.now(), { action: 'user.two_factor_reset', subjectKind: 'users', subjectId: userId, data: { username: account.username } }),
  );
  if (!reset) throw new AppError('resource.not_found', 'this user has no two-factor authentication set up', { userId });
  return reset;
};

export const getRequiredRoles = async (deps: TwoFactorDeps): Promise<{ roles: Role[]; updatedAt: Date | null }> => deps.store.requiredRoles();

/**
 * The roles that must use TOTP hold for every unit of the organisation, so only an administrator of a top-level
 * unit sets them: a unit's administrator could otherwise lift the requirement for the whole tree.
 */
export const setRequiredRoles = async (
  deps: TwoFactorDeps,
  actor: UserActor,
  input: { roles: readonly Role[]; context: ChangeContext },
): Promise<{ roles: Role[]; updatedAt: Date | null }> => {
  const { roles } = input;
  if (!isTopLevelUnitPath(actor.unitPath)) {
    throw new AppError('auth.forbidden', 'the roles that must use two-factor authentication are set by an administrator of a top-level unit', { reason: 'not_top_level_unit' });
  }
  const unique = [...new Set(roles)].sort();
  const at = deps.now();
  const record = accountChangeRecord(actor, input.context, at, {
    action: 'security.two_factor_roles_changed', subjectKind: 'security_settings', subjectId: 'two_factor_roles', data: {},
  });
  const { updatedAt } = await deps.store.setRequiredRoles(unique, actor.userId, at, record);
  return { roles: unique, updatedAt };
};

/** The hash under which the current session is kept, so that enabling TOTP keeps it and ends the others. */
export const sessionTokenHash = (token: string | null): string | null => (token ? sha256(token) : null);
