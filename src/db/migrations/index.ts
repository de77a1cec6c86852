import type { Migration } from 'kysely';
import * as createCoreTables from './20261122080000_create_core_tables.js';
import * as addCalendarsSlaAndJobs from './20261122090000_add_calendars_sla_and_jobs.js';
import * as createEventOutbox from './20261122100000_create_event_outbox.js';
import * as addLoginThrottleAndAuditLog from './20261122103000_add_login_throttle_and_audit_log.js';
import * as addRequesterAnonymisation from './20261122104000_add_requester_anonymisation.js';
import * as allowTimelineAnonymisation from './20261122104500_allow_timeline_anonymisation.js';
import * as addTwoFactor from './20261122150000_add_two_factor.js';
import * as createIdempotencyKeys from './20261122160000_create_idempotency_keys.js';
import * as addRequesterBlindIndexes from './20261122176000_add_requester_blind_indexes.js';
import * as addEventConsumerCodes from './20261122179200_add_event_consumer_codes.js';
import * as addCaseAssignmentsUnitIndex from './20261122180000_add_case_assignments_unit_index.js';
import * as addCasesPublicationConsent from './20261122190000_add_cases_publication_consent.js';
import * as addCasesRepliedAtIndex from './20261122192000_add_cases_replied_at_index.js';
import * as allowConsentAttribute from './20261123010000_allow_consent_attribute.js';
import * as addReplyEventsIndex from './20261123012000_add_reply_events_index.js';
import * as queueEventsFromTheirTime from './20261123013000_queue_events_from_their_time.js';
import * as renameLoginThrottleToThrottleCounters from './20261123020000_rename_login_throttle_to_throttle_counters.js';
import * as addCasesIdentityProtection from './20261123060000_add_cases_identity_protection.js';
import * as allowIdentityProtectionAttribute from './20261123070000_allow_identity_protection_attribute.js';
import { accessMigrations } from './access.migrations.js';
import { attachmentsMigrations } from './attachments.migrations.js';
import { callbacksMigrations } from './callbacks.migrations.js';
import { notificationsMigrations } from './notifications.migrations.js';
import { openDataMigrations } from './open-data.migrations.js';
import { reportsMigrations } from './reports.migrations.js';
import { replyMigrations } from './reply.migrations.js';
import { open311Migrations } from './open311.migrations.js';
import { searchMigrations } from './search.migrations.js';
import { statsMigrations } from './stats.migrations.js';
import { workflowMigrations } from './workflow.migrations.js';

/**
 * A static list rather than a folder scan, so that migrations work the same from TypeScript sources,
 * compiled output and bundles. Names sort in the order they must run (Kysely orders them by name), so
 * modules keep their own lists and the timestamps interleave them correctly.
 */
export const migrations: Record<string, Migration> = {
  ...statsMigrations,
  ...notificationsMigrations,
  ...open311Migrations,
  ...searchMigrations,
  ...callbacksMigrations,
  ...openDataMigrations,
  ...reportsMigrations,
  ...accessMigrations,
  ...attachmentsMigrations,
  ...workflowMigrations,
  ...replyMigrations,
  '20261122080000_create_core_tables': createCoreTables,
  '20261122090000_add_calendars_sla_and_jobs': addCalendarsSlaAndJobs,
  '20261122100000_create_event_outbox': createEventOutbox,
  '20261122103000_add_login_throttle_and_audit_log': addLoginThrottleAndAuditLog,
  '20261122104000_add_requester_anonymisation': addRequesterAnonymisation,
  '20261122104500_allow_timeline_anonymisation': allowTimelineAnonymisation,
  '20261122150000_add_two_factor': addTwoFactor,
  '20261122160000_create_idempotency_keys': createIdempotencyKeys,
  '20261122176000_add_requester_blind_indexes': addRequesterBlindIndexes,
  '20261122179200_add_event_consumer_codes': addEventConsumerCodes,
  '20261122180000_add_case_assignments_unit_index': addCaseAssignmentsUnitIndex,
  '20261122190000_add_cases_publication_consent': addCasesPublicationConsent,
  '20261122192000_add_cases_replied_at_index': addCasesRepliedAtIndex,
  '20261123010000_allow_consent_attribute': allowConsentAttribute,
  '20261123012000_add_reply_events_index': addReplyEventsIndex,
  '20261123013000_queue_events_from_their_time': queueEventsFromTheirTime,
  '20261123020000_rename_login_throttle_to_throttle_counters': renameLoginThrottleToThrottleCounters,
  '20261123060000_add_cases_identity_protection': addCasesIdentityProtection,
  '20261123070000_allow_identity_protection_attribute': allowIdentityProtectionAttribute,
};
