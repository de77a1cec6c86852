import { randomUUID } from 'node:crypto';
import { sql, type SqlBool } from 'kysely';
import type { Kind } from '../core/case/case.types.js';
import type { LocalizedText } from '../core/directory/directory.types.js';
import type { NewOpen311Request, StoredRequest } from '../core/open311/open311.ports.js';
import type {
  ApiKeyRecord,
  AttributeDatatype,
  AttributeDefinition,
  AttributeTarget,
  OpenClosed,
  ServiceRecord,
  ServiceType,
} from '../core/open311/open311.types.js';
import { caseStatusesOf, UPDATE_EVENT_CODES } from '../core/open311/status-map.js';
import type { Paging, Window } from '../core/open311/request-query.js';
import type { Db, DbOrTrx } from './database.js';
import { fieldCryptoFor } from './data-keys.js';
import { openJoinedMaster, openJoinedRequester } from './requester-crypto.js';

// ---------------------------------------------------------------------------------------------- services

const serviceQuery = (db: DbOrTrx) =>
  db
    .selectFrom('categories as c')
    .leftJoin('categories as p', 'p.id', 'c.parent_id')
    .leftJoin('open311_services as s', 's.category_id', 'c.id')
    .select([
      'c.id', 'c.code', 'c.name', 'c.reply_days', 'c.sort_order', 'p.name as parent_name', 's.description', 's.keywords', 's.type',
      's.case_kind', 's.service_notice', 's.is_listed', 's.is_public',
    ])
    .select((eb) => eb.exists(eb.selectFrom('open311_attributes as a').select('a.id').whereRef('a.category_id', '=', 'c.id')).as('has_attributes'))
    .where('c.is_active', '=', true)
    // Services are the leaves of the category tree; a parent category is the group its children are listed in.
    .where((eb) => eb.not(eb.exists(eb.selectFrom('categories as ch').select('ch.id').whereRef('ch.parent_id', '=', 'c.id').where('ch.is_active', '=', true))));

type ServiceRow = Awaited<ReturnType<ReturnType<typeof serviceQuery>['executeTakeFirstOrThrow']>>;

const toService = (r: ServiceRow): ServiceRecord & { hasAttributes: boolean } => ({
  categoryId: r.id,
  code: r.code,
  name: r.name,
  group: r.parent_name,
  description: r.description ?? null,
  keywords: r.keywords ?? [],
  type: (r.type ?? 'realtime') as ServiceType,
  caseKind: (r.case_kind ?? 'report') as Kind,
  serviceNotice: r.service_notice ?? null,
  isListed: r.is_listed ?? true,
  isPublic: r.is_public ?? false,
  replyDays: r.reply_days,
  hasAttributes: Boolean(r.has_attributes),
});

export const listServices = async (db: DbOrTrx): Promise<(ServiceRecord & { hasAttributes: boolean })[]> =>
  (await serviceQuery(db).orderBy('c.sort_order').orderBy('c.code').execute()).map(toService);

export const findServiceByCode = async (db: DbOrTrx, code: string): Promise<(ServiceRecord & { hasAttributes: boolean }) | null> => {
  const row = await serviceQuery(db).where('c.code', '=', code).executeTakeFirst();
  return row ? toService(row) : null;
};

export const listAttributeDefinitions = async (db: DbOrTrx, categoryId: string): Promise<AttributeDefinition[]> => {
  const rows = await db.selectFrom('open311_attributes').selectAll().where('category_id', '=', categoryId).orderBy('sort_order').execute();
  return rows.map((r) => ({
    code: r.code,
    datatype: r.datatype as AttributeDatatype,
    isVariable: r.is_variable,
    isRequired: r.is_required,
    datatypeDescription: r.datatype_description,
    description: r.description,
    order: r.sort_order,
    values: r.values,
    mapsTo: r.maps_to as AttributeTarget | null,
  }));
};

export type ServiceSettings = {
  description: LocalizedText | null;
  keywords: string[];
  type: ServiceType;
  caseKind: Kind;
  serviceNotice: LocalizedText | null;
  isListed: boolean;
  isPublic: boolean;
};

export const upsertServiceSettings = async (db: DbOrTrx, categoryId: string, s: ServiceSettings, at: Date): Promise<void> => {
  const values = {
    description: s.description ? JSON.stringify(s.description) : null,
    keywords: s.keywords,
    type: s.type,
    case_kind: s.caseKind,
    service_notice: s.serviceNotice ? JSON.stringify(s.serviceNotice) : null,
    is_listed: s.isListed,
    is_public: s.isPublic,
    updated_at: at,
  };
  await db
    .insertInto('open311_services')
    .values({ category_id: categoryId, ...values })
    .onConflict((oc) => oc.column('category_id').doUpdateSet(values))
    .execute();
};

/** Replaces a service's attribute definitions as a whole: their order is part of the definition. */
export const replaceAttributeDefinitions = async (db: DbOrTrx, categoryId: string, defs: readonly AttributeDefinition[], at: Date): Promise<void> => {
  await db.deleteFrom('open311_attributes').where('category_id', '=', categoryId).execute();
  if (defs.length === 0) return;
  await db
    .insertInto('open311_attributes')
    .values(
      defs.map((d) => ({
        category_id: categoryId,
        code: d.code,
        datatype: d.datatype,
        is_variable: d.isVariable,
        is_required: d.isRequired,
        datatype_description: d.datatypeDescription ? JSON.stringify(d.datatypeDescription) : null,
        description: JSON.stringify(d.description),
        sort_order: d.order,
        values: JSON.stringify(d.values),
        maps_to: d.mapsTo,
        updated_at: at,
      })),
    )
    .execute();
};

/** When service definitions last changed: the `changeset` of the discovery document. */
export const lastServiceChange = async (db: DbOrTrx): Promise<Date | null> => {
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('open311_services').select((e) => e.fn.max('updated_at').as('m')).as('services'),
      eb.selectFrom('open311_attributes').select((e) => e.fn.max('updated_at').as('m')).as('attributes'),
    ])
    .executeTakeFirst();
  const dates = [row?.services, row?.attributes].filter((d): d is Date => d instanceof Date);
  return dates.length ? new Date(Math.max(...dates.map((d) => d.getTime()))) : null;
};

// ---------------------------------------------------------------------------------------------- api keys

const toApiKey = (r: ApiKeyRow): ApiKeyRecord => ({
  id: r.id,
  name: r.name,
  intakeUnitId: r.intake_unit_id,
  serviceCodes: r.service_codes,
  rateLimitPerMinute: r.rate_limit_per_minute,
  isActive: r.is_active && r.revoked_at === null,
  webhookUrl: r.webhook_url,
  webhookSecret: r.webhook_secret,
  webhookEvents: r.webhook_events,
});

type ApiKeyRow = {
  id: string;
  name: string;
  intake_unit_id: string;
  service_codes: string[] | null;
  rate_limit_per_minute: number;
  is_active: boolean;
  revoked_at: Date | null;
  webhook_url: string | null;
  webhook_secret: string | null;
  webhook_events: string[] | null;
};

export const findActiveApiKeyByHash = async (db: DbOrTrx, hash: string): Promise<ApiKeyRecord | null> => {
  const row = await db
    .selectFrom('open311_api_keys')
    .selectAll()
    .where('key_hash', '=', hash)
    .where('is_active', '=', true)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row ? toApiKey(row) : null;
};

/** One statement, so concurrent calls of one key serialise on the counter row and none is lost. */
export const countApiKeyCall = async (db: DbOrTrx, apiKeyId: string, windowStart: Date): Promise<number> => {
  const row = await db
    .insertInto('open311_rate_counters')
    .values({ api_key_id: apiKeyId, window_start: windowStart, count: 1 })
    .onConflict((oc) =>
      oc.column('api_key_id').doUpdateSet({
        count: sql<number>`CASE WHEN open311_rate_counters.window_start = excluded.window_start THEN open311_rate_counters.count + 1 ELSE 1 END`,
        window_start: sql<Date>`excluded.window_start`,
      }),
    )
    .returning('count')
    .executeTakeFirstOrThrow();
  await db.updateTable('open311_api_keys').set({ last_used_at: sql`now()` }).where('id', '=', apiKeyId).execute();
  return row.count;
};

export type NewApiKey = {
  name: string;
  keyPrefix: string;
  keyHash: string;
  intakeUnitId: string;
  serviceCodes: string[] | null;
  rateLimitPerMinute: number;
  webhookUrl: string | null;
  webhookSecret: string | null;
  webhookEvents: string[] | null;
  createdBy: string | null;
  at: Date;
};

export const insertApiKey = async (db: DbOrTrx, k: NewApiKey): Promise<string> => {
  const row = await db
    .insertInto('open311_api_keys')
    .values({
      name: k.name, key_prefix: k.keyPrefix, key_hash: k.keyHash, intake_unit_id: k.intakeUnitId, service_codes: k.serviceCodes,
      rate_limit_per_minute: k.rateLimitPerMinute, webhook_url: k.webhookUrl, webhook_secret: k.webhookSecret, webhook_events: k.webhookEvents,
      created_by: k.createdBy, created_at: k.at, updated_at: k.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
};

export type ApiKeyPatch = Partial<{
  name: string;
  intakeUnitId: string;
  serviceCodes: string[] | null;
  rateLimitPerMinute: number;
  isActive: boolean;
  webhookUrl: string | null;
  webhookSecret: string | null;
  webhookEvents: string[] | null;
  revokedAt: Date;
}>;

export const updateApiKey = async (db: DbOrTrx, id: string, patch: ApiKeyPatch, at: Date): Promise<boolean> => {
  const result = await db
    .updateTable('open311_api_keys')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.intakeUnitId !== undefined ? { intake_unit_id: patch.intakeUnitId } : {}),
      ...(patch.serviceCodes !== undefined ? { service_codes: patch.serviceCodes } : {}),
      ...(patch.rateLimitPerMinute !== undefined ? { rate_limit_per_minute: patch.rateLimitPerMinute } : {}),
      ...(patch.isActive !== undefined ? { is_active: patch.isActive } : {}),
      ...(patch.webhookUrl !== undefined ? { webhook_url: patch.webhookUrl } : {}),
      ...(patch.webhookSecret !== undefined ? { webhook_secret: patch.webhookSecret } : {}),
      ...(patch.webhookEvents !== undefined ? { webhook_events: patch.webhookEvents } : {}),
      ...(patch.revokedAt !== undefined ? { revoked_at: patch.revokedAt, is_active: false } : {}),
      updated_at: at,
    })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
};

/** What admins see of keys: never the hash, never the webhook secret. */
export const listApiKeys = (db: DbOrTrx, id?: string) => {
  let q = db
    .selectFrom('open311_api_keys as k')
    .innerJoin('units as u', 'u.id', 'k.intake_unit_id')
    .select([
      'k.id', 'k.name', 'k.key_prefix', 'k.intake_unit_id', 'u.code as unit_code', 'u.name as unit_name', 'k.service_codes',
      'k.rate_limit_per_minute', 'k.webhook_url', 'k.webhook_events', 'k.is_active', 'k.created_at', 'k.updated_at', 'k.last_used_at',
      'k.revoked_at',
    ])
    .orderBy('k.created_at', 'desc');
  if (id) q = q.where('k.id', '=', id);
  return q.execute();
};

export const findApiKeyById = async (db: DbOrTrx, id: string): Promise<ApiKeyRecord | null> => {
  const row = await db.selectFrom('open311_api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toApiKey(row) : null;
};

// ---------------------------------------------------------------------------------------------- posting

export const lockDuplicateKey = async (db: DbOrTrx, key: string): Promise<void> => {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 311))`.execute(db);
};

const storedRequestQuery = (db: DbOrTrx) =>
  db
    .selectFrom('open311_requests as r')
    .innerJoin('cases as c', 'c.id', 'r.case_id')
    .select(['r.case_id', 'c.tracking_no', 'r.token', 'r.service_code', 'r.content_hash', 'r.account_id']);

const toStored = (r: { case_id: string; tracking_no: string; token: string; service_code: string; content_hash: string; account_id: string | null }): StoredRequest => ({
  caseId: r.case_id,
  serviceRequestId: r.tracking_no,
  token: r.token,
  serviceCode: r.service_code,
  contentHash: r.content_hash,
  accountId: r.account_id,
});

export const findRequestByIdempotencyKey = async (db: DbOrTrx, apiKeyId: string, idempotencyKey: string): Promise<StoredRequest | null> => {
  const row = await storedRequestQuery(db).where('r.api_key_id', '=', apiKeyId).where('r.idempotency_key', '=', idempotencyKey).executeTakeFirst();
  return row ? toStored(row) : null;
};

export const findRecentDuplicateRequest = async (
  db: DbOrTrx,
  input: { apiKeyId: string; deviceHash: string; contentHash: string; since: Date },
): Promise<StoredRequest | null> => {
  const row = await storedRequestQuery(db)
    .where('r.api_key_id', '=', input.apiKeyId)
    .where('r.device_hash', '=', input.deviceHash)
    .where('r.content_hash', '=', input.contentHash)
    .where('r.created_at', '>=', input.since)
    .orderBy('r.created_at', 'desc')
    .executeTakeFirst();
  return row ? toStored(row) : null;
};

export const insertOpen311Request = async (db: DbOrTrx, r: NewOpen311Request): Promise<void> => {
  await db
    .insertInto('open311_requests')
    .values({
      case_id: r.caseId, api_key_id: r.apiKeyId, token: r.token, service_code: r.serviceCode, idempotency_key: r.idempotencyKey,
      content_hash: r.contentHash, device_hash: r.deviceHash, account_id: r.accountId, address_id: r.addressId, media_url: r.mediaUrl,
      is_description_given: r.isDescriptionGiven, attributes: JSON.stringify(r.attributes), created_at: r.at,
    })
    .execute();
};

export const findRequestByToken = async (db: DbOrTrx, token: string): Promise<{ serviceRequestId: string; token: string } | null> => {
  const row = await db
    .selectFrom('open311_requests as r')
    .innerJoin('cases as c', 'c.id', 'r.case_id')
    .select(['c.tracking_no', 'r.token'])
    .where('r.token', '=', token)
    .executeTakeFirst();
  return row ? { serviceRequestId: row.tracking_no, token: row.token } : null;
};

// ---------------------------------------------------------------------------------------------- reading

// A requester who refused publication is left out of the anonymous feed as of the open-data portal; the partner
// that posted the request still sees it (isVisible). So are cases whose requester asked for their identity to be
// protected: what they wrote can tell who wrote it, and no scrubbing of names and numbers takes that out. Every
// report (举报) is protected from the handling units without being asked; whether a report service's street matters
// (rubbish, potholes) are in the public feed is the administrators' choice of `is_public` for that service.
const PUBLIC_SQL = sql<SqlBool>`(coalesce(s.is_public, false) AND c.publication_consent <> 'refused' AND NOT (c.is_identity_protected AND c.kind <> 'report') AND NOT EXISTS (SELECT 1 FROM open311_private_cases pc WHERE pc.case_id = c.id))`;

/**
 * Who sees a request: everyone, when its service is public and the case is not private; the partner whose
 * key posted it, always (without personal data either way).
 */
const isVisible = (apiKeyId: string | null) => (apiKeyId ? sql<SqlBool>`(${PUBLIC_SQL} OR r.api_key_id = ${apiKeyId})` : PUBLIC_SQL);

const requestQuery = (db: DbOrTrx) =>
  db
    .selectFrom('cases as c')
    .innerJoin('categories as cat', 'cat.id', 'c.category_id')
    .innerJoin('units as intake', 'intake.id', 'c.intake_unit_id')
    .leftJoin('units as lead', 'lead.id', 'c.lead_unit_id')
    .leftJoin('open311_services as s', 's.category_id', 'cat.id')
    .leftJoin('open311_requests as r', 'r.case_id', 'c.id')
    .leftJoin('cases as m', 'm.id', 'c.master_id')
    .leftJoin('requesters as q', 'q.id', 'c.requester_id')
    .leftJoin('requesters as mq', 'mq.id', 'm.requester_id');

const requestColumns = [
  'c.id', 'c.tracking_no', 'c.status', 'c.description', 'c.address', 'c.lat', 'c.lng', 'c.created_at', 'c.updated_at', 'c.closed_at',
  'c.replied_at', 'c.reply_text', 'c.reply_outcome', 'c.reply_due_at', 'm.reply_text as master_reply_text', 'cat.code as service_code',
  'cat.name as service_name', 'cat.reply_days', 'lead.name as lead_name', 'intake.name as intake_name', 's.service_notice',
  'r.address_id', 'r.media_url', 'r.is_description_given',
  // Read only to take them out of free text before it is published; never mapped into any answer.
  'q.name as requester_name', 'q.phone as requester_phone', 'q.email as requester_email', 'q.id_number as requester_id_number',
  'mq.name as master_requester_name', 'mq.phone as master_requester_phone', 'mq.email as master_requester_email', 'mq.id_number as master_requester_id_number',
  'q.id as requester_ref', 'mq.id as master_requester_ref',
] as const;

export type RequestRow = Awaited<ReturnType<ReturnType<typeof selectRequests>['execute']>>[number];

const selectRequests = (db: DbOrTrx) => requestQuery(db).select(requestColumns);

/** The identity columns hold sealed values: opened here, for the masking of free text, and nowhere else. */
const openRequestRows = <T extends RequestRow>(rows: T[]): T[] => {
  const crypto = fieldCryptoFor();
  return rows.map((row) => openJoinedMaster(crypto, openJoinedRequester(crypto, row, row.requester_ref), row.master_requester_ref));
};

export const findVisibleRequests = async (db: DbOrTrx, input: { ids: string[]; apiKeyId: string | null }): Promise<RequestRow[]> => {
  if (input.ids.length === 0) return [];
  const rows = await selectRequests(db)
    .where('c.tracking_no', 'in', input.ids)
    .where(isVisible(input.apiKeyId))
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id', 'desc')
    .execute();
  return openRequestRows(rows);
};

export const searchVisibleRequests = async (
  db: DbOrTrx,
  input: { window: Window; serviceCodes: string[]; statuses: OpenClosed[]; paging: Paging; apiKeyId: string | null },
): Promise<RequestRow[]> => {
  let q = selectRequests(db)
    .where('c.created_at', '>=', input.window.start)
    .where('c.created_at', '<=', input.window.end)
    .where(isVisible(input.apiKeyId));
  if (input.serviceCodes.length > 0) q = q.where('cat.code', 'in', input.serviceCodes);
  if (input.statuses.length === 1) q = q.where('c.status', 'in', caseStatusesOf(input.statuses[0] as OpenClosed));
  const rows = await q
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(input.paging.pageSize)
    .offset((input.paging.page - 1) * input.paging.pageSize)
    .execute();
  return openRequestRows(rows);
};

export const searchVisibleUpdates = async (db: DbOrTrx, input: { window: Window; paging: Paging; apiKeyId: string | null }) => {
  const rows = await requestQuery(db)
    .innerJoin('work_item_events as e', (join) => join.onRef('e.item_id', '=', 'c.id').on('e.item_kind', '=', 'case'))
    .select([
      'e.id as event_id', 'e.at', 'e.code', 'e.from_status', 'e.to_status', 'e.data', 'c.tracking_no', 'c.reply_outcome',
      'q.name as requester_name', 'q.phone as requester_phone', 'q.email as requester_email', 'q.id_number as requester_id_number',
      'q.id as requester_ref',
    ])
    .where('e.is_internal', '=', false)
    .where('e.code', 'in', [...UPDATE_EVENT_CODES])
    .where('e.at', '>=', input.window.start)
    .where('e.at', '<=', input.window.end)
    .where(isVisible(input.apiKeyId))
    .orderBy('e.at')
    .orderBy('e.id')
    .limit(input.paging.pageSize)
    .offset((input.paging.page - 1) * input.paging.pageSize)
    .execute();
  const crypto = fieldCryptoFor();
  return rows.map((row) => openJoinedRequester(crypto, row, row.requester_ref));
};

export type UpdateRow = Awaited<ReturnType<typeof searchVisibleUpdates>>[number];

// ---------------------------------------------------------------------------------------------- privacy

export const markCasePrivate = async (db: DbOrTrx, input: { caseId: string; reason: string | null; markedBy: string; at: Date }): Promise<void> => {
  await db
    .insertInto('open311_private_cases')
    .values({ case_id: input.caseId, reason: input.reason, marked_by: input.markedBy, marked_at: input.at })
    .onConflict((oc) => oc.column('case_id').doUpdateSet({ reason: input.reason, marked_by: input.markedBy, marked_at: input.at }))
    .execute();
};

export const unmarkCasePrivate = async (db: DbOrTrx, caseId: string): Promise<boolean> =>
  Number((await db.deleteFrom('open311_private_cases').where('case_id', '=', caseId).executeTakeFirst()).numDeletedRows) > 0;

// ---------------------------------------------------------------------------------------------- webhooks

/** The partner to tell about a case's events: the key that posted it, if it subscribed and is still active. */
export const findWebhookTarget = async (db: DbOrTrx, caseId: string) => {
  const row = await db
    .selectFrom('open311_requests as r')
    .innerJoin('open311_api_keys as k', 'k.id', 'r.api_key_id')
    .innerJoin('cases as c', 'c.id', 'r.case_id')
    .leftJoin('requesters as q', 'q.id', 'c.requester_id')
    .select([
      'k.id as api_key_id', 'k.webhook_url', 'k.webhook_secret', 'k.webhook_events', 'r.token', 'r.service_code', 'c.tracking_no', 'c.reply_outcome',
      // Only to take them out of the reply text.
      'q.name as requester_name', 'q.phone as requester_phone', 'q.email as requester_email', 'q.id_number as requester_id_number',
      'q.id as requester_ref',
    ])
    .where('r.case_id', '=', caseId)
    .where('k.is_active', '=', true)
    .where('k.revoked_at', 'is', null)
    .where('k.webhook_url', 'is not', null)
    .executeTakeFirst();
  return row ? openJoinedRequester(fieldCryptoFor(), row, row.requester_ref) : undefined;
};

export type ClaimedWebhook = {
  id: string;
  eventId: string;
  apiKeyId: string;
  url: string;
  secret: string;
  eventCode: string;
  body: string;
  attempts: number;
  claimToken: string;
};

/** Queues one delivery, in the event consumer's transaction; the same event is never queued twice for a key. */
export const enqueueWebhook = async (db: DbOrTrx, d: { eventId: string; apiKeyId: string; eventCode: string; body: string; at: Date }): Promise<void> => {
  await db
    .insertInto('open311_webhook_queue')
    .values({ event_id: d.eventId, api_key_id: d.apiKeyId, event_code: d.eventCode, body: d.body, not_before: d.at, created_at: d.at, updated_at: d.at })
    .onConflict((oc) => oc.columns(['event_id', 'api_key_id']).doNothing())
    .execute();
};

/**
 * Claims the next due delivery in a short transaction of its own and commits the claim before anything is
 * sent: a due `pending` row, or a `sending` row whose lease ran out (its worker died between send and
 * record, so it is sent again). SKIP LOCKED lets several workers share the queue. The key's current URL and
 * secret are read here, so a rotated secret or moved endpoint applies to queued deliveries too.
 */
export const claimNextWebhook = async (db: Db, input: { now: Date; leaseMs: number; maxAttempts: number }): Promise<ClaimedWebhook | 'skipped' | null> =>
  db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('open311_webhook_queue as w')
      .innerJoin('open311_api_keys as k', 'k.id', 'w.api_key_id')
      .select(['w.id', 'w.event_id', 'w.api_key_id', 'w.event_code', 'w.body', 'w.attempts', 'k.webhook_url', 'k.webhook_secret', 'k.is_active', 'k.revoked_at'])
      .where((eb) =>
        eb.or([
          eb.and([eb('w.status', '=', 'pending'), eb('w.not_before', '<=', input.now)]),
          eb.and([eb('w.status', '=', 'sending'), eb('w.lease_until', '<', input.now)]),
        ]),
      )
      .orderBy('w.id')
      .limit(1)
      .forUpdate('w')
      .skipLocked()
      .executeTakeFirst();
    if (!row) return null;
    // A key revoked, paused or without a webhook since: nothing to send to. A claim that ran out of lease on
    // its last attempt: no attempts left. Both are kept aside for an admin, not retried.
    const parkReason =
      !row.webhook_url || !row.webhook_secret || !row.is_active || row.revoked_at
        ? 'the API key no longer has an active webhook'
        : row.attempts >= input.maxAttempts
          ? 'the worker stopped after the last attempt was sent; its outcome was not recorded'
          : null;
    if (parkReason || !row.webhook_url || !row.webhook_secret) {
      await trx
        .updateTable('open311_webhook_queue')
        .set({ status: 'parked', claim_token: null, lease_until: null, last_error: parkReason, updated_at: input.now })
        .where('id', '=', row.id)
        .execute();
      return 'skipped' as const;
    }
    const claimToken = randomUUID();
    await trx
      .updateTable('open311_webhook_queue')
      .set({ status: 'sending', claim_token: claimToken, lease_until: new Date(input.now.getTime() + input.leaseMs), attempts: sql<number>`attempts + 1`, updated_at: input.now })
      .where('id', '=', row.id)
      .execute();
    return {
      id: String(row.id), eventId: String(row.event_id), apiKeyId: row.api_key_id, url: row.webhook_url, secret: row.webhook_secret,
      eventCode: row.event_code, body: row.body, attempts: row.attempts + 1, claimToken,
    };
  });

export type WebhookOutcome =
  | { kind: 'delivered'; statusCode: number; at: Date }
  | { kind: 'failed'; statusCode: number | null; error: string; at: Date; retryAt: Date | null };

/**
 * Records the outcome of a send in a short transaction of its own. The claim token guards against a worker
 * whose lease ran out overwriting the claim of the worker that took the delivery over. False: the claim was lost.
 */
export const recordWebhookOutcome = async (db: Db, claimed: ClaimedWebhook, outcome: WebhookOutcome): Promise<boolean> =>
  db.transaction().execute(async (trx) => {
    const common = { claim_token: null, lease_until: null, updated_at: outcome.at, last_status_code: outcome.statusCode };
    const result = await trx
      .updateTable('open311_webhook_queue')
      .set(
        outcome.kind === 'delivered'
          ? { ...common, status: 'delivered', last_error: null }
          : { ...common, status: outcome.retryAt ? 'pending' : 'parked', last_error: outcome.error.slice(0, 2000), ...(outcome.retryAt ? { not_before: outcome.retryAt } : {}) },
      )
      .where('id', '=', claimed.id)
      .where('claim_token', '=', claimed.claimToken)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    if (outcome.kind === 'delivered') {
      await trx
        .insertInto('open311_webhook_deliveries')
        .values({ event_id: claimed.eventId, api_key_id: claimed.apiKeyId, url: claimed.url, status_code: outcome.statusCode, attempts: claimed.attempts, delivered_at: outcome.at })
        .onConflict((oc) => oc.columns(['event_id', 'api_key_id']).doNothing())
        .execute();
    }
    return true;
  });

/** Deliveries that failed at least once and are not delivered yet (retrying, or parked after the last attempt). */
export const listWebhookFailures = (db: DbOrTrx) =>
  db
    .selectFrom('open311_webhook_queue as w')
    .innerJoin('work_item_events as e', 'e.id', 'w.event_id')
    .innerJoin('open311_api_keys as k', 'k.id', 'w.api_key_id')
    .innerJoin('cases as c', 'c.id', 'e.item_id')
    .select([
      'w.id as queue_id', 'w.event_id', 'w.attempts', 'w.last_error', 'w.not_before', 'w.status', 'e.code', 'e.at', 'c.tracking_no',
      'k.id as api_key_id', 'k.name as api_key_name', 'k.webhook_url',
    ])
    .where('w.status', 'in', ['pending', 'parked'])
    .where('w.attempts', '>', 0)
    .orderBy('w.id')
    .limit(500)
    .execute();

/** Puts a failed delivery back at the head of the queue, with a fresh count of attempts. */
export const replayWebhookFailure = async (db: DbOrTrx, queueId: string, now: Date): Promise<boolean> => {
  const result = await db
    .updateTable('open311_webhook_queue')
    .set({ status: 'pending', attempts: 0, not_before: now, last_error: null, updated_at: now })
    .where('id', '=', queueId)
    .where('status', 'in', ['pending', 'parked'])
    .where('attempts', '>', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
};

export const listWebhookDeliveries = (db: DbOrTrx, apiKeyId: string | null) => {
  let q = db
    .selectFrom('open311_webhook_deliveries as d')
    .innerJoin('work_item_events as e', 'e.id', 'd.event_id')
    .innerJoin('cases as c', 'c.id', 'e.item_id')
    .select(['d.id', 'd.event_id', 'd.api_key_id', 'd.url', 'd.status_code', 'd.attempts', 'd.delivered_at', 'e.code', 'c.tracking_no'])
    .orderBy('d.id', 'desc')
    .limit(200);
  if (apiKeyId) q = q.where('d.api_key_id', '=', apiKeyId);
  return q.execute();
};
