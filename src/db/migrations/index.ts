import type { Migration } from 'kysely';
import * as createCoreTables from './20261122080000_create_core_tables.js';
import * as addCalendarsSlaAndJobs from './20261122090000_add_calendars_sla_and_jobs.js';
import * as createEventOutbox from './20261122100000_create_event_outbox.js';

/**
 * A static list rather than a folder scan, so that migrations work the same from TypeScript sources,
 * compiled output and bundles. Names sort in the order they must run.
 */
export const migrations: Record<string, Migration> = {
  '20261122080000_create_core_tables': createCoreTables,
  '20261122090000_add_calendars_sla_and_jobs': addCalendarsSlaAndJobs,
  '20261122100000_create_event_outbox': createEventOutbox,
};
