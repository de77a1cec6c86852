import type { EventConsumerSpec } from './background.js';

/** Event consumers of the notifications module (see background.ts). */
export const notificationsConsumers: EventConsumerSpec[] = [];
