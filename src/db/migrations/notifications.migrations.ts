import type { Migration } from 'kysely';
import * as createNotificationTables from './20261122120000_create_notification_tables.js';

/** Migrations of the notifications module, named <UTC timestamp>_<verb_object>; merged into the one ordered list in index.ts. */
export const notificationsMigrations: Record<string, Migration> = {
  '20261122120000_create_notification_tables': createNotificationTables,
};
