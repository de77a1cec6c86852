/*
 * How long the traces of sign-ins are kept (docs/access.md, "New device notice"): the rule, kept pure.
 *
 * A new-device notice holds the address and the browser of a sign-in. It has done its work once its owner has read
 * it, or could have; kept as long as the account, it would be a log of addresses with no end. The audit log keeps
 * the record of sign-ins for those whose job is to look back, so the notice is deleted whole, read or not, after
 * BIHUAN_SIGNIN_NOTICE_DAYS. Stripping only the address and browser would leave an empty "a device signed in"
 * in the bell, which tells its owner nothing and can no longer be acted on.
 *
 * A remembered device holds no address, only a hash of the account and two product names, so it is kept much
 * longer (BIHUAN_KNOWN_DEVICE_DAYS): a shorter period would make the laptop someone uses twice a year "new" each
 * time, and a notice that cries wolf is one people stop reading.
 */

/** New-device notices are deleted this many days after the sign-in they tell of. */
export const DEFAULT_SIGN_IN_NOTICE_DAYS = 90;

/** A device not seen for this many days is forgotten: a year, with a margin for once-a-year work. */
export const DEFAULT_KNOWN_DEVICE_DAYS = 400;

/** The two periods, in whole days; 0 keeps that kind for ever. */
export type SignInRetention = { noticeDays: number; deviceDays: number };

/** What the clean-up deletes: notices made before one cut-off, devices last seen before the other; null keeps them. */
export type SignInRetentionCutoffs = { noticesBefore: Date | null; devicesBefore: Date | null };

const DAY_MS = 24 * 3600_000;

const cutoffOf = (now: Date, days: number): Date | null => (days > 0 ? new Date(now.getTime() - days * DAY_MS) : null);

export const signInRetentionCutoffs = (now: Date, settings: SignInRetention): SignInRetentionCutoffs => ({
  noticesBefore: cutoffOf(now, settings.noticeDays),
  devicesBefore: cutoffOf(now, settings.deviceDays),
});

/** Whether either period is on: with both 0 the clean-up is not scheduled at all. */
export const isSignInRetentionOn = (settings: SignInRetention): boolean => settings.noticeDays > 0 || settings.deviceDays > 0;

/**
 * Whether a device is forgotten. The device an account used last is never forgotten, however old: an account with
 * no device remembered takes its next sign-in for its first and says nothing (judgeSignInDevice), and that next
 * sign-in, after a long silence, is the one most worth a notice.
 */
export const isDeviceForgotten = (
  device: { lastSeenAt: Date },
  isLatestOfAccount: boolean,
  cutoffs: Pick<SignInRetentionCutoffs, 'devicesBefore'>,
): boolean => cutoffs.devicesBefore !== null && !isLatestOfAccount && device.lastSeenAt.getTime() < cutoffs.devicesBefore.getTime();

/** A batch that came back full may have left more behind: run again at once rather than tomorrow. */
export const isAnotherBatchDue = (deleted: { notices: number; devices: number }, batchSize: number): boolean =>
  deleted.notices >= batchSize || deleted.devices >= batchSize;
