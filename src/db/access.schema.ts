import type { ColumnType, Generated } from 'kysely';

/** Kysely table types of the access module (API tokens, service accounts, OIDC sign-ins); part of the Database type in schema.ts. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type ServiceAccountTable = {
  user_id: string;
  description: Generated<string>;
  created_by: string | null;
  created_at: Generated<Date>;
};

export type ApiTokenTable = {
  id: Generated<string>;
  owner_id: string;
  name: string;
  token_prefix: string;
  /** SHA-256 (hex) of the whole token; the token itself is never stored. */
  token_hash: string;
  permissions: string[];
  unit_id: string | null;
  /** cidr[]: read by pg as the text of an array ("{10.0.0.0/8}") unless cast; we select it cast to text[]. */
  allowed_ips: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  expires_at: Timestamp;
  created_by: string | null;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  last_used_ip: string | null;
  revoked_at: NullableTimestamp;
  revoked_by: string | null;
  rotated_from: string | null;
};

export type OidcLoginStateTable = {
  state_hash: string;
  browser_hash: string;
  nonce: string;
  code_verifier: string;
  return_to: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  is_confirmation: Generated<boolean>;
};

/** A device an account has signed in from: SHA-256 of the user id and the browser and system names (known-devices.ts). */
export type KnownDeviceTable = {
  user_id: string;
  device_hash: string;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
};

export type AccessTables = {
  known_devices: KnownDeviceTable;
  service_accounts: ServiceAccountTable;
  api_tokens: ApiTokenTable;
  oidc_login_states: OidcLoginStateTable;
};
