import type { EventConsumerSpec } from './background.js';
import type { JobHandlers } from './job-runner.js';

/** Event consumers and job handlers of the open-data module (wiring point; merged in consumers.ts and handlers.ts). */
export const openDataConsumers: EventConsumerSpec[] = [];
export const openDataJobHandlers: JobHandlers = {};
