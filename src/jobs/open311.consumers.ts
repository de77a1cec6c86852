import type { EventConsumerSpec } from './background.js';

/** Event consumers of the open311 module (see background.ts). */
export const open311Consumers: EventConsumerSpec[] = [];
