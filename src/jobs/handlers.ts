import { applySlaTimer, slaTimerPayloadSchema } from '../core/case/apply-sla-timer.js';
import { SLA_TIMER_JOB } from '../core/case/actions/action-context.js';
import { applyHoldTimer } from '../core/case/apply-hold-timer.js';
import { HOLD_TIMER_JOB, holdTimerPayloadSchema } from '../core/case/hold-deadlines.js';
import { createCaseStore } from '../db/case.repository.js';
import { accessJobHandlers } from './access.jobs.js';
import { ACCOUNT_HYGIENE_JOB, runAccountHygiene } from './account-hygiene.js';
import { attachmentsJobHandlers } from './attachments.jobs.js';
import { callbacksJobHandlers } from './callbacks.jobs.js';
import type { JobHandlers } from './job-runner.js';
import { openDataJobHandlers } from './open-data.jobs.js';
import { reportsJobHandlers } from './reports.jobs.js';
import { searchJobHandlers } from './search.consumers.js';
import { RETENTION_JOB, runRetention } from './retention.js';

export const jobHandlers: JobHandlers = {
  ...searchJobHandlers,
  ...callbacksJobHandlers,
  ...openDataJobHandlers,
  ...reportsJobHandlers,
  ...accessJobHandlers,
  ...attachmentsJobHandlers,
  [RETENTION_JOB]: runRetention,
  [ACCOUNT_HYGIENE_JOB]: runAccountHygiene,
  [SLA_TIMER_JOB]: (trx, job, now) => applySlaTimer({ store: createCaseStore(trx), now }, slaTimerPayloadSchema.parse(job.payload)),
  [HOLD_TIMER_JOB]: (trx, job, now) => applyHoldTimer({ store: createCaseStore(trx), now }, holdTimerPayloadSchema.parse(job.payload)),
};
