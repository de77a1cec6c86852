import type { EventConsumerSpec } from './background.js';
import type { JobHandlers } from './job-runner.js';
import { runSignInRetention, SIGN_IN_RETENTION_JOB } from './sign-in-retention.js';

/** Event consumers and job handlers of the access module (wiring point; merged in consumers.ts and handlers.ts). */
export const accessConsumers: EventConsumerSpec[] = [];
export const accessJobHandlers: JobHandlers = {
  [SIGN_IN_RETENTION_JOB]: runSignInRetention,
};
