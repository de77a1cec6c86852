import { applySlaTimer, slaTimerPayloadSchema } from '../core/case/apply-sla-timer.js';
import { SLA_TIMER_JOB } from '../core/case/actions/action-context.js';
import { createCaseStore } from '../db/case.repository.js';
import type { JobHandlers } from './job-runner.js';

export const jobHandlers: JobHandlers = {
  [SLA_TIMER_JOB]: (trx, job, now) => applySlaTimer({ store: createCaseStore(trx), now }, slaTimerPayloadSchema.parse(job.payload)),
};
