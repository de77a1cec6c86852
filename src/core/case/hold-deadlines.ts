import { z } from 'zod';
import type { CasePolicy } from '../sla/case-sla.js';

// A hold waits on the requester (docs/time-limits.md), but not forever: the policy names the day the requester is
// reminded and the day the wait ends. Calendar days, because they are promised to a member of the public, who
// counts them on a calendar, not in working hours.

export const HOLD_TIMER_JOB = 'case.hold_timer';

/** Job payloads are a boundary too: validated and versioned. `heldAt` names the hold the timer belongs to. */
export const holdTimerPayloadSchema = z.object({
  version: z.literal(1),
  caseId: z.uuid(),
  heldAt: z.iso.datetime({ offset: true }),
  timer: z.enum(['reminder', 'expiry']),
});
export type HoldTimerPayload = z.infer<typeof holdTimerPayloadSchema>;

const DAY_MS = 86_400_000;

export type HoldDeadlines = { remindAt: Date | null; endsAt: Date | null };

export const holdDeadlines = (heldAt: Date, policy: Pick<CasePolicy, 'holdReminderDays' | 'holdLimitDays'>): HoldDeadlines => {
  const after = (days: number | null) => (days ? new Date(heldAt.getTime() + days * DAY_MS) : null);
  const endsAt = after(policy.holdLimitDays);
  const remindAt = after(policy.holdReminderDays);
  // A reminder on or after the end would remind of a wait that is over.
  return { remindAt: remindAt && endsAt && remindAt >= endsAt ? null : remindAt, endsAt };
};

/** The timers of one hold; keyed by the hold's start, so a later hold of the same case gets timers of its own. */
export const holdTimerJobs = (caseId: string, heldAt: Date, deadlines: HoldDeadlines) =>
  (
    [
      ['reminder', deadlines.remindAt],
      ['expiry', deadlines.endsAt],
    ] as const
  ).flatMap(([timer, at]) =>
    at
      ? [
          {
            kind: HOLD_TIMER_JOB,
            runAt: at,
            payload: { version: 1, caseId, heldAt: heldAt.toISOString(), timer } satisfies HoldTimerPayload,
            dedupeKey: `hold:${caseId}:${timer}:${heldAt.toISOString()}`,
          },
        ]
      : [],
  );
