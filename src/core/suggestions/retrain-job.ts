import { z } from 'zod';

/** The job that retrains the dispatch-suggestion models (jobs table; handler in src/jobs/search.consumers.ts). */
export const ROUTER_RETRAIN_JOB = 'suggestions.retrain';

export const retrainJobPayloadSchema = z.object({
  version: z.literal(1),
  trigger: z.enum(['schedule', 'manual']),
  requestedBy: z.uuid().nullable(),
});
export type RetrainJobPayload = z.infer<typeof retrainJobPayloadSchema>;

/** Retraining is heavy for a few seconds: at night, China time, when the desks are quiet. */
const RETRAIN_HOUR_CHINA = 3;

/** The next scheduled run: `everyDays` from `after`, at 03:00 in China. */
export const nextRetrainAt = (after: Date, everyDays: number): Date => {
  const chinaMidnight = Math.floor((after.getTime() + 8 * 3600_000) / 86_400_000) * 86_400_000 - 8 * 3600_000;
  return new Date(chinaMidnight + everyDays * 86_400_000 + RETRAIN_HOUR_CHINA * 3600_000);
};

export const scheduleDedupeKey = (at: Date): string => `${ROUTER_RETRAIN_JOB}:schedule:${at.toISOString()}`;
