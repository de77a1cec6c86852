import type { EventConsumerSpec } from './background.js';
import type { JobHandlers } from './job-runner.js';

/** Event consumers and job handlers of the callbacks module (wiring point; merged in consumers.ts and handlers.ts). */
export const callbacksConsumers: EventConsumerSpec[] = [];
export const callbacksJobHandlers: JobHandlers = {};
