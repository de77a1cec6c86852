import type { EventConsumerSpec } from './background.js';

/** Event consumers of the search module (see background.ts). */
export const searchConsumers: EventConsumerSpec[] = [];
