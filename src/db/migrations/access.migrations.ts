import type { Migration } from 'kysely';
import * as createApiTokensAndSso from './20261122173000_create_api_tokens_and_sso.js';
import * as addUsersAccountState from './20261123080000_add_users_account_state.js';
import * as addAuditLogReaderIndexes from './20261123090000_add_audit_log_reader_indexes.js';
import * as addUsersPasswordExpiry from './20261123100000_add_users_password_expiry.js';
import * as addUsersDisabledReason from './20261124080000_add_users_disabled_reason.js';
import * as addSessionsVerifiedAt from './20261125080000_add_sessions_verified_at.js';
import * as addOidcLoginStatesIsConfirmation from './20261125090000_add_oidc_login_states_is_confirmation.js';
import * as addUsersHasPassword from './20261125100000_add_users_has_password.js';
import * as createKnownDevices from './20261125120000_create_known_devices.js';
import * as addStaffNotificationsSignInIndex from './20261126080000_add_staff_notifications_sign_in_index.js';

/** Migrations of the access module, named <UTC timestamp>_<verb_object>; merged into the one ordered list in index.ts. */
export const accessMigrations: Record<string, Migration> = {
  '20261122173000_create_api_tokens_and_sso': createApiTokensAndSso,
  '20261123080000_add_users_account_state': addUsersAccountState,
  '20261123090000_add_audit_log_reader_indexes': addAuditLogReaderIndexes,
  '20261123100000_add_users_password_expiry': addUsersPasswordExpiry,
  '20261124080000_add_users_disabled_reason': addUsersDisabledReason,
  '20261125080000_add_sessions_verified_at': addSessionsVerifiedAt,
  '20261125090000_add_oidc_login_states_is_confirmation': addOidcLoginStatesIsConfirmation,
  '20261125100000_add_users_has_password': addUsersHasPassword,
  '20261125120000_create_known_devices': createKnownDevices,
  '20261126080000_add_staff_notifications_sign_in_index': addStaffNotificationsSignInIndex,
};
