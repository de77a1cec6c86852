import { describe, expect, it } from 'vitest';
import {
  DEFAULT_KNOWN_DEVICE_DAYS,
  DEFAULT_SIGN_IN_NOTICE_DAYS,
  isAnotherBatchDue,
  isDeviceForgotten,
  isSignInRetentionOn,
  signInRetentionCutoffs,
} from './sign-in-retention.js';

const DAY = 24 * 3600_000;
const NOW = new Date('2026-11-26T19:45:00Z');
const daysAgo = (days: number): Date => new Date(NOW.getTime() - days * DAY);

describe('sign-in retention', () => {
  it('keeps notices 90 days and devices 400 days unless told otherwise', () => {
    expect(DEFAULT_SIGN_IN_NOTICE_DAYS).toBe(90);
    expect(DEFAULT_KNOWN_DEVICE_DAYS).toBe(400);
  });

  it('counts each period back from the time it is given, to the millisecond', () => {
    const cutoffs = signInRetentionCutoffs(NOW, { noticeDays: 90, deviceDays: 400 });
    expect(cutoffs.noticesBefore?.toISOString()).toBe('2026-08-28T19:45:00.000Z');
    expect(cutoffs.devicesBefore?.toISOString()).toBe('2025-10-22T19:45:00.000Z');
    expect(cutoffs.noticesBefore).toEqual(daysAgo(90));
  });

  it('0 keeps that kind for ever, and both 0 turns the clean-up off', () => {
    expect(signInRetentionCutoffs(NOW, { noticeDays: 0, deviceDays: 400 })).toEqual({ noticesBefore: null, devicesBefore: daysAgo(400) });
    expect(signInRetentionCutoffs(NOW, { noticeDays: 90, deviceDays: 0 })).toEqual({ noticesBefore: daysAgo(90), devicesBefore: null });
    expect(isSignInRetentionOn({ noticeDays: 0, deviceDays: 400 })).toBe(true);
    expect(isSignInRetentionOn({ noticeDays: 90, deviceDays: 0 })).toBe(true);
    expect(isSignInRetentionOn({ noticeDays: 0, deviceDays: 0 })).toBe(false);
  });

  it('forgets a device not seen for the period, never one seen within it', () => {
    const cutoffs = signInRetentionCutoffs(NOW, { noticeDays: 90, deviceDays: 400 });
    expect(isDeviceForgotten({ lastSeenAt: daysAgo(401) }, false, cutoffs)).toBe(true);
    expect(isDeviceForgotten({ lastSeenAt: new Date(daysAgo(400).getTime() - 1) }, false, cutoffs)).toBe(true);
    expect(isDeviceForgotten({ lastSeenAt: daysAgo(400) }, false, cutoffs)).toBe(false);
    expect(isDeviceForgotten({ lastSeenAt: daysAgo(10) }, false, cutoffs)).toBe(false);
  });

  it("never forgets the device an account used last, so that the account's next sign-in can still be judged", () => {
    const cutoffs = signInRetentionCutoffs(NOW, { noticeDays: 90, deviceDays: 400 });
    expect(isDeviceForgotten({ lastSeenAt: daysAgo(2000) }, true, cutoffs)).toBe(false);
  });

  it('forgets nothing when the device period is 0', () => {
    const cutoffs = signInRetentionCutoffs(NOW, { noticeDays: 90, deviceDays: 0 });
    expect(isDeviceForgotten({ lastSeenAt: daysAgo(20_000) }, false, cutoffs)).toBe(false);
  });

  it('runs another batch at once only after a full one', () => {
    expect(isAnotherBatchDue({ notices: 500, devices: 0 }, 500)).toBe(true);
    expect(isAnotherBatchDue({ notices: 3, devices: 500 }, 500)).toBe(true);
    expect(isAnotherBatchDue({ notices: 499, devices: 499 }, 500)).toBe(false);
    expect(isAnotherBatchDue({ notices: 0, devices: 0 }, 500)).toBe(false);
  });
});
