import type { EventConsumerSpec } from './background.js';
import type { JobHandlers } from './job-runner.js';

/** Event consumers and job handlers of the attachments module (wiring point; merged in consumers.ts and handlers.ts). */
export const attachmentsConsumers: EventConsumerSpec[] = [];
export const attachmentsJobHandlers: JobHandlers = {};
