import { applySlaTimer, slaTimerPayloadSchema } from '../core/case/apply-sla-timer.js';
import { SLA_TIMER_JOB } from '../core/case/actions/action-context.js';
import { createCaseStore } from '../db/case.repository.js';
import type { JobHandlers } from './job-runner.js';
import { RETENTION_JOB, runRetention } from './retention.js';

export const jobHandlers: JobHandlers = {
  [RETENTION_JOB]: runRetention,
  [SLA_TIMER_JOB]: (trx, job, now) => applySlaTimer({ store: createCaseStore(trx), now }, slaTimerPayloadSchema.parse(job.payload)),
};
