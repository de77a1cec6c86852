import { sql } from 'kysely';
import type { Role } from '../core/auth/roles.js';
import type { Channel, Language } from '../core/case/case.types.js';
import type { Audience } from '../core/notifications/staff-notices.js';
import type { MessageChannel, MessageKind, MessageStatus } from '../core/notifications/notification.types.js';
import { REDACTED } from '../core/notifications/delivery-policy.js';
import type { Db, DbOrTrx, Trx } from './database.js';
import { fieldCryptoFor } from './data-keys.js';
import { openField } from './requester-crypto.js';

// ---- the access code between registration and its message -------------------------------------------

/**
 * Registration writes the code in its own statement (CaseStore.createCase), the only place it is known;
 * this is for tests and repairs. Idempotent, so a second call for the same case keeps the first code.
 */
export const stashAccessCode = async (db: DbOrTrx, input: { caseId: string; accessCode: string }): Promise<void> => {
  await db
    .insertInto('notification_access_codes')
    .values({ case_id: input.caseId, access_code: input.accessCode })
    .onConflict((oc) => oc.column('case_id').doNothing())
    .execute();
};

/** Takes the stashed code out: after this the only copy is in the queued message, until it is sent. */
export const takeAccessCode = async (db: DbOrTrx, caseId: string): Promise<string | null> => {
  const row = await db.deleteFrom('notification_access_codes').where('case_id', '=', caseId).returning('access_code').executeTakeFirst();
  return row?.access_code ?? null;
};

/**
 * Codes whose registration message never got queued (consumer parked, cases seeded before the consumer
 * existed) expire a day after their case was registered.
 */
export const purgeStaleAccessCodes = async (db: DbOrTrx, registeredBefore: Date): Promise<number> => {
  const result = await db
    .deleteFrom('notification_access_codes')
    .where('case_id', 'in', (eb) => eb.selectFrom('cases').select('id').where('created_at', '<', registeredBefore))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
};

// ---- what the consumers need to know about a case -----------------------------------------------------

export type CaseForNotification = {
  id: string;
  trackingNo: string;
  channel: Channel;
  language: Language;
  intakeUnitId: string;
  leadUnitId: string | null;
  replyDueAt: Date | null;
  requester: { id: string; phone: string | null; email: string | null; language: Language; isSmsOptedOut: boolean; isEmailOptedOut: boolean } | null;
};

export const findCaseForNotification = async (db: DbOrTrx, caseId: string): Promise<CaseForNotification | null> => {
  const row = await db
    .selectFrom('cases as c')
    .leftJoin('requesters as r', 'r.id', 'c.requester_id')
    .leftJoin('notification_preferences as p', 'p.requester_id', 'c.requester_id')
    .select([
      'c.id', 'c.tracking_no', 'c.channel', 'c.language', 'c.intake_unit_id', 'c.lead_unit_id', 'c.reply_due_at',
      'r.id as requester_id', 'r.phone', 'r.email', 'r.language as requester_language', 'p.is_sms_opted_out', 'p.is_email_opted_out',
    ])
    .where('c.id', '=', caseId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    trackingNo: row.tracking_no,
    channel: row.channel as Channel,
    language: row.language as Language,
    intakeUnitId: row.intake_unit_id,
    leadUnitId: row.lead_unit_id,
    replyDueAt: row.reply_due_at,
    requester: row.requester_id
      ? {
          id: row.requester_id,
          phone: openField(fieldCryptoFor(), row.requester_id, 'phone', row.phone),
          email: openField(fieldCryptoFor(), row.requester_id, 'email', row.email),
          language: (row.requester_language ?? row.language) as Language,
          isSmsOptedOut: row.is_sms_opted_out ?? false,
          isEmailOptedOut: row.is_email_opted_out ?? false,
        }
      : null,
  };
};

// ---- queueing messages to requesters ------------------------------------------------------------------

export type NewMessage = {
  dedupeKey: string;
  caseId: string;
  requesterId: string | null;
  sourceEventId: string | null;
  kind: MessageKind;
  channel: MessageChannel;
  language: Language;
  recipient: string | null;
  recipientMasked: string;
  subject: string | null;
  body: string;
  params: Record<string, string>;
  hasSecret: boolean;
  status: Extract<MessageStatus, 'queued' | 'cancelled'>;
  notBefore: Date;
  lastError: string | null;
  at: Date;
};

/** Queues a message once: the same dedupe key (event and channel) a second time is a no-op. */
export const queueMessage = async (db: DbOrTrx, m: NewMessage): Promise<boolean> => {
  const result = await db
    .insertInto('notification_messages')
    .values({
      dedupe_key: m.dedupeKey,
      case_id: m.caseId,
      requester_id: m.requesterId,
      source_event_id: m.sourceEventId,
      kind: m.kind,
      channel: m.channel,
      language: m.language,
      recipient: m.recipient,
      recipient_masked: m.recipientMasked,
      subject: m.subject,
      body: m.body,
      params: JSON.stringify(m.params),
      has_secret: m.hasSecret,
      status: m.status,
      not_before: m.notBefore,
      last_error: m.lastError,
      created_at: m.at,
      updated_at: m.at,
      finished_at: m.status === 'cancelled' ? m.at : null,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
};

export type MessageView = {
  id: string;
  kind: MessageKind;
  channel: MessageChannel;
  language: Language;
  status: MessageStatus;
  recipient: string;
  attempts: number;
  provider: string | null;
  lastError: string | null;
  notBefore: Date;
  createdAt: Date;
  finishedAt: Date | null;
};

/** The delivery log of a case, addresses masked: staff see that and when, not the requester's number. */
export const listCaseMessages = async (db: DbOrTrx, caseId: string): Promise<MessageView[]> => {
  const rows = await db
    .selectFrom('notification_messages')
    .select(['id', 'kind', 'channel', 'language', 'status', 'recipient_masked', 'attempts', 'provider', 'last_error', 'not_before', 'created_at', 'finished_at'])
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .orderBy('source_event_id')
    .orderBy('channel', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as MessageKind,
    channel: r.channel as MessageChannel,
    language: r.language as Language,
    status: r.status as MessageStatus,
    recipient: r.recipient_masked,
    attempts: r.attempts,
    provider: r.provider,
    lastError: r.last_error,
    notBefore: r.not_before,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  }));
};

// ---- opt-out ------------------------------------------------------------------------------------------

export type Preferences = { isSmsOptedOut: boolean; isEmailOptedOut: boolean };

export const findPreferences = async (db: DbOrTrx, requesterId: string): Promise<Preferences> => {
  const row = await db
    .selectFrom('notification_preferences')
    .select(['is_sms_opted_out', 'is_email_opted_out'])
    .where('requester_id', '=', requesterId)
    .executeTakeFirst();
  return { isSmsOptedOut: row?.is_sms_opted_out ?? false, isEmailOptedOut: row?.is_email_opted_out ?? false };
};

/** Runs the work in the caller's transaction, or in a new one. */
const inTransaction = <T>(db: DbOrTrx, work: (trx: Trx) => Promise<T>): Promise<T> =>
  db.isTransaction ? work(db as Trx) : (db as Db).transaction().execute(work);

/**
 * Sets the requester's choices and cancels what is still waiting on a channel they left: an opt-out takes
 * effect for messages already queued (held for the morning, or between retries), not only for new ones.
 * One transaction: an opt-out stored while its queued messages stay queued would still send them, and a
 * message cancelled but not redacted would keep the access code.
 */
export const savePreferences = async (
  db: DbOrTrx,
  input: { requesterId: string; changes: Partial<Preferences>; updatedBy: string; at: Date },
): Promise<Preferences> =>
  inTransaction(db, async (trx) => {
    const { isSmsOptedOut, isEmailOptedOut } = input.changes;
    // Only the channels named are written, in the statement itself: two changes at once (SMS on the tracking
    // page, e-mail on the phone) would otherwise each write back the other's old value.
    const changed = {
      ...(isSmsOptedOut === undefined ? {} : { is_sms_opted_out: isSmsOptedOut }),
      ...(isEmailOptedOut === undefined ? {} : { is_email_opted_out: isEmailOptedOut }),
      updated_by: input.updatedBy,
      updated_at: input.at,
    };
    const row = await trx
      .insertInto('notification_preferences')
      .values({ requester_id: input.requesterId, is_sms_opted_out: false, is_email_opted_out: false, ...changed })
      .onConflict((oc) => oc.column('requester_id').doUpdateSet(changed))
      .returning(['is_sms_opted_out', 'is_email_opted_out'])
      .executeTakeFirstOrThrow();
    const next: Preferences = { isSmsOptedOut: row.is_sms_opted_out, isEmailOptedOut: row.is_email_opted_out };
    const leftChannels = [...(next.isSmsOptedOut ? ['sms'] : []), ...(next.isEmailOptedOut ? ['email'] : [])];
    if (leftChannels.length > 0) {
      await trx
        .updateTable('notification_messages')
        .set({ status: 'cancelled', last_error: 'opted_out', recipient: null, finished_at: input.at, updated_at: input.at })
        .where('requester_id', '=', input.requesterId)
        .where('status', '=', 'queued')
        .where('channel', 'in', leftChannels)
        .execute();
      // A cancelled registration message must not keep the access code either.
      await trx
        .updateTable('notification_messages')
        .set({ body: sql<string>`replace(body, params->>'accessCode', ${REDACTED})`, params: sql<string>`params - 'accessCode'` })
        .where('requester_id', '=', input.requesterId)
        .where('status', '=', 'cancelled')
        .where('has_secret', '=', true)
        .where(sql<boolean>`params ? 'accessCode'`)
        .execute();
    }
    return next;
  });

// ---- in-app notifications for staff -------------------------------------------------------------------

/** The active staff an audience designates for one case. */
export const findStaffRecipients = async (
  db: DbOrTrx,
  audience: Audience,
  theCase: { intakeUnitId: string; leadUnitId: string | null },
): Promise<string[]> => {
  const roles = sql`ARRAY[${sql.join(audience.roles as Role[])}]::text[]`;
  if (audience.scope === 'unit') {
    if (audience.unitIds.length === 0) return [];
    const rows = await db
      .selectFrom('users')
      .select('id')
      .where('is_active', '=', true)
      .where('unit_id', 'in', audience.unitIds)
      .where(sql<boolean>`roles && ${roles}`)
      .execute();
    return rows.map((r) => r.id);
  }
  const target = audience.of === 'lead' ? (theCase.leadUnitId ?? theCase.intakeUnitId) : theCase.intakeUnitId;
  // Staff whose unit covers the target unit (ancestor or itself), as the case scope rules see them.
  const rows = await db
    .selectFrom('users as u')
    .innerJoin('units as home', 'home.id', 'u.unit_id')
    .select('u.id')
    .where('u.is_active', '=', true)
    .where(sql<boolean>`u.roles && ${roles}`)
    .where(sql<boolean>`home.path @> (SELECT path FROM units WHERE id = ${target})`)
    .execute();
  return rows.map((r) => r.id);
};

export const insertStaffNotifications = async (
  db: DbOrTrx,
  input: { userIds: string[]; caseId: string; eventId: string; code: string; data: Record<string, unknown>; at: Date },
): Promise<number> => {
  if (input.userIds.length === 0) return 0;
  const result = await db
    .insertInto('staff_notifications')
    .values(input.userIds.map((userId) => ({ user_id: userId, case_id: input.caseId, source_event_id: input.eventId, code: input.code, data: JSON.stringify(input.data), created_at: input.at })))
    .onConflict((oc) => oc.columns(['user_id', 'source_event_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
};

export type StaffNotificationRow = {
  id: string;
  code: string;
  caseId: string | null;
  trackingNo: string | null;
  title: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
  readAt: Date | null;
};

export const listStaffNotifications = async (
  db: DbOrTrx,
  userId: string,
  options: { isUnreadOnly: boolean; page: number; pageSize: number },
): Promise<{ items: StaffNotificationRow[]; total: number; unread: number }> => {
  let base = db.selectFrom('staff_notifications as n').where('n.user_id', '=', userId);
  if (options.isUnreadOnly) base = base.where('n.read_at', 'is', null);
  const [rows, total, unread] = await Promise.all([
    base
      .leftJoin('cases as c', 'c.id', 'n.case_id')
      .select(['n.id', 'n.code', 'n.case_id', 'c.tracking_no', 'c.title', 'n.data', 'n.created_at', 'n.read_at'])
      .orderBy('n.created_at', 'desc')
      .orderBy('n.id', 'desc')
      .limit(options.pageSize)
      .offset((options.page - 1) * options.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    db
      .selectFrom('staff_notifications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id,
      code: r.code,
      caseId: r.case_id,
      trackingNo: r.tracking_no,
      title: r.title,
      data: r.data,
      createdAt: r.created_at,
      readAt: r.read_at,
    })),
    total: Number(total.n),
    unread: Number(unread.n),
  };
};

/** Marks the user's own notices read; someone else's id simply matches nothing. */
export const markStaffNotificationsRead = async (db: DbOrTrx, userId: string, at: Date, ids?: string[]): Promise<number> => {
  let q = db.updateTable('staff_notifications').set({ read_at: at }).where('user_id', '=', userId).where('read_at', 'is', null);
  if (ids) {
    if (ids.length === 0) return 0;
    q = q.where('id', 'in', ids);
  }
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
};

// ---- anonymisation ------------------------------------------------------------------------------------

/**
 * For the privacy module's anonymisation of a case: what was sent stays countable (kind, channel, status,
 * dates), what it said and to whom goes; anything still waiting is cancelled.
 */
export const anonymiseCaseNotifications = async (db: DbOrTrx, caseId: string, at: Date): Promise<void> => {
  await db
    .updateTable('notification_messages')
    .set({ status: 'cancelled', last_error: 'anonymised', finished_at: at, updated_at: at })
    .where('case_id', '=', caseId)
    .where('status', '=', 'queued')
    .execute();
  await db
    .updateTable('notification_messages')
    .set({ recipient: null, recipient_masked: '***', subject: null, body: '', params: '{}', provider_message_id: null, updated_at: at })
    .where('case_id', '=', caseId)
    .where('status', '!=', 'sending')
    .execute();
  await db.deleteFrom('notification_access_codes').where('case_id', '=', caseId).execute();
};
