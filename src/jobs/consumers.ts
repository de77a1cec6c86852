import type { BackgroundWorker, EventConsumerSpec } from './background.js';
import { notificationsConsumers, notificationsDelivery } from './notifications.consumers.js';
import { open311Consumers } from './open311.consumers.js';
import { searchConsumers } from './search.consumers.js';
import { statsConsumers } from './stats.consumers.js';

export const eventConsumers: EventConsumerSpec[] = [...statsConsumers, ...notificationsConsumers, ...open311Consumers, ...searchConsumers];

export const backgroundWorkers: BackgroundWorker[] = [notificationsDelivery];
