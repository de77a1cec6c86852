/*
 * Accounts nobody uses are turned off (docs/access.md, "Dormant accounts"): a password that has not been typed
 * for months belongs, more often than not, to someone who has moved on, and it still opens petitions. China's
 * graded protection rules (等保 2.0) ask for exactly this: redundant and expired accounts removed or disabled in
 * good time. BIHUAN_DORMANT_ACCOUNT_DAYS sets the period; 0 turns the check off.
 */

export type AccountActivity = {
  createdAt: Date;
  lastLoginAt: Date | null;
  /** When an administrator last enabled the account again. */
  enabledAt: Date | null;
  /** A reset hands out a one-time password: the account gets the period to be taken up again. */
  passwordChangedAt: Date | null;
  /** The latest use of an API token the person owns (not the tokens of service accounts they made). */
  lastTokenUseAt: Date | null;
  /** The latest request of one of its sessions. */
  lastSessionSeenAt: Date | null;
};

const DAY_MS = 24 * 3600_000;

/** The last sign of life: none of these is older than the account itself. */
export const lastActivityOf = (a: AccountActivity): Date =>
  new Date(Math.max(...[a.createdAt, a.lastLoginAt, a.enabledAt, a.passwordChangedAt, a.lastTokenUseAt, a.lastSessionSeenAt].map((d) => d?.getTime() ?? 0)));

export const dormantCutoffOf = (now: Date, days: number): Date => new Date(now.getTime() - days * DAY_MS);

/** Dormant: no sign of life for `days` days. With days 0 the check is off and nothing is dormant. */
export const isDormant = (a: AccountActivity, now: Date, days: number): boolean =>
  days > 0 && lastActivityOf(a).getTime() < dormantCutoffOf(now, days).getTime();
