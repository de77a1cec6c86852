import type { BackgroundWorker, EventConsumerSpec } from './background.js';
import { accessConsumers } from './access.jobs.js';
import { attachmentsConsumers } from './attachments.jobs.js';
import { callbacksConsumers } from './callbacks.jobs.js';
import { notificationsConsumers, notificationsDelivery } from './notifications.consumers.js';
import { openDataConsumers } from './open-data.jobs.js';
import { reportsConsumers } from './reports.jobs.js';
import { open311Consumers, open311WebhookDelivery } from './open311.consumers.js';
import { searchConsumers } from './search.consumers.js';
import { statsConsumers } from './stats.consumers.js';

export const eventConsumers: EventConsumerSpec[] = [...statsConsumers, ...notificationsConsumers, ...open311Consumers, ...searchConsumers,
  ...callbacksConsumers, ...openDataConsumers, ...reportsConsumers, ...accessConsumers, ...attachmentsConsumers];

export const backgroundWorkers: BackgroundWorker[] = [notificationsDelivery, open311WebhookDelivery];
