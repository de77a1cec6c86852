import type { EventConsumerSpec } from './background.js';

/** Event consumers of the stats module (see background.ts). */
export const statsConsumers: EventConsumerSpec[] = [];
