/** Passwords people choose: long enough, not their username, not among the passwords tried first in attacks. */
export const PASSWORD_MIN_LENGTH = 10;

const COMMON = new Set([
  'password', 'password1', 'password123', '1234567890', '12345678910', 'qwertyuiop', 'abc1234567', 'admin12345',
  'iloveyou12', 'woaini1314', 'a123456789', 'qq123456789', '1qaz2wsx3edc', 'zxcvbnm123', 'bihuan1234', '11111111111',
]);

export type PasswordProblem = 'too_short' | 'too_long' | 'contains_username' | 'too_common' | 'too_simple' | 'same_as_current';

export const checkPassword = (password: string, username: string): PasswordProblem[] => {
  const problems: PasswordProblem[] = [];
  if ([...password].length < PASSWORD_MIN_LENGTH) problems.push('too_short');
  if (password.length > 200) problems.push('too_long');
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) problems.push('contains_username');
  if (COMMON.has(password.toLowerCase())) problems.push('too_common');
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z\d]/].filter((re) => re.test(password)).length;
  // Non-Latin letters (Chinese, Tibetan) count as a class of their own.
  const hasOtherScript = [...password].some((ch) => (ch.codePointAt(0) ?? 0) > 0x7f);
  if (classes + (hasOtherScript ? 1 : 0) < 2 || new Set(password).size < 4) problems.push('too_simple');
  return problems;
};

/**
 * Whether a password is older than the deployment allows (BIHUAN_PASSWORD_MAX_AGE_DAYS). China's graded protection
 * rules (等保 2.0) ask for passwords to be changed periodically, though current guidance elsewhere (NIST 800-63B)
 * advises against it: so it is the deployment's choice, off unless set. A password never changed counts from when
 * the account was made.
 */
export const isPasswordTooOld = (user: { passwordChangedAt?: Date | null; createdAt?: Date }, now: Date, maxAgeDays: number): boolean => {
  const since = user.passwordChangedAt ?? user.createdAt;
  if (maxAgeDays <= 0 || !since) return false;
  return now.getTime() - since.getTime() > maxAgeDays * 24 * 3600_000;
};

export const LOGIN_THROTTLE = {
  windowMs: 15 * 60_000,
  /** Failures for one username before it is locked for lockMs, whichever address they come from. */
  userFailures: 5,
  /** Failures from one address, over all usernames, before the address is locked. */
  ipFailures: 30,
  lockMs: 15 * 60_000,
} as const;
