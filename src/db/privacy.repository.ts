import { sql } from 'kysely';
import { scrubPersonalData } from '../core/privacy/scrub-text.js';
import type { Actor } from '../core/auth/actor.js';
import type { PublicationConsent } from '../core/case/case.types.js';
import type { HeldCase, HeldFile, HeldMessage, PersonAuditEntry, PersonDataDeps, PersonDataStore, PersonKey } from '../core/privacy/person-data.ports.js';
import { appendAudit } from './audit.repository.js';
import { caseScope, requesterVisibleTo } from './case-query.repository.js';
import type { Db, DbOrTrx, Trx } from './database.js';
import { anonymiseCaseNotifications } from './notifications.repository.js';
import { fieldCryptoFor } from './data-keys.js';
import { openField, openIdentity } from './requester-crypto.js';

// Retention anonymises the same statuses a person's erasure does.
const FINISHED = ['closed', 'rejected', 'merged'] as const;

const scrubDeep = (value: unknown, names: readonly string[]): unknown => {
  if (typeof value === 'string') return scrubPersonalData(value, names);
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, names));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, names)]));
  return value;
};

/**
 * Anonymises one case: the requester's identity goes, free text (title, description, replies, comments and
 * every timeline entry's data) is scrubbed of phone and ID numbers, e-mails and the requester's own name,
 * the address and coordinates go. Statistics stay right: states, dates, units, categories and amounts remain.
 */
export const anonymiseCase = async (trx: Trx, caseId: string, at: Date): Promise<boolean> => {
  const c = await trx.selectFrom('cases').selectAll().where('id', '=', caseId).where('anonymised_at', 'is', null).forUpdate().executeTakeFirst();
  if (!c) return false;
  const requester = c.requester_id ? await trx.selectFrom('requesters').select(['name']).where('id', '=', c.requester_id).executeTakeFirst() : undefined;
  const name = c.requester_id ? openField(fieldCryptoFor(), c.requester_id, 'name', requester?.name) : null;
  const names = name ? [name, ...name.split(/[\s·་།]+/).filter((n) => [...n].length >= 2)] : [];
  const scrub = (text: string | null) => (text === null ? null : scrubPersonalData(text, names));
  await trx
    .updateTable('cases')
    .set({
      title: scrub(c.title) ?? c.title,
      description: scrub(c.description) ?? c.description,
      reply_text: scrub(c.reply_text),
      reply_internal_summary: scrub(c.reply_internal_summary),
      callback_comment: scrub(c.callback_comment),
      rating_comment: scrub(c.rating_comment),
      supervision_response: scrub(c.supervision_response),
      reopen_request_reason: scrub(c.reopen_request_reason),
      hold_reason: scrub(c.hold_reason),
      reopen_decision_note: scrub(c.reopen_decision_note),
      address: null,
      lat: null,
      lng: null,
      anonymised_at: at,
    })
    .where('id', '=', caseId)
    .execute();
  if (c.requester_id) {
    await trx.updateTable('requesters').set({ name: null, phone: null, id_number: null, email: null, name_bidx: null, phone_bidx: null, id_number_bidx: null, email_bidx: null, anonymised_at: at }).where('id', '=', c.requester_id).execute();
  }
  // Callback notes and questionnaire answers: free text scrubbed like the case's own; choices and scales stay.
  const attempts = await trx
    .selectFrom('callback_attempts as a')
    .innerJoin('callback_tasks as k', 'k.id', 'a.task_id')
    .select(['a.id', 'a.note'])
    .where('k.case_id', '=', caseId)
    .where('a.note', 'is not', null)
    .execute();
  for (const a of attempts) await trx.updateTable('callback_attempts').set({ note: scrub(a.note) }).where('id', '=', a.id).execute();
  await trx.updateTable('callback_follow_ups').set({ comment: null }).where('case_id', '=', caseId).execute();
  const answers = await trx.selectFrom('callback_answers').select(['id', 'answers']).where('case_id', '=', caseId).execute();
  for (const a of answers) {
    const scrubbed = Object.fromEntries(Object.entries(a.answers).map(([k, v]) => [k, typeof v === 'string' ? scrub(v) : v]));
    await trx.updateTable('callback_answers').set({ answers: JSON.stringify(scrubbed) }).where('id', '=', a.id).execute();
  }
  // The requester's own files (photos can show who they are) go with their identity; the rows stay for the record.
  await trx
    .updateTable('case_attachments')
    .set({ content: null, deleted_at: at, file_name: 'erased' })
    .where('case_id', '=', caseId)
    .where('uploader_kind', '=', 'requester')
    .where('deleted_at', 'is', null)
    .execute();
  await sql`SET LOCAL bihuan.anonymising = 'on'`.execute(trx);
  const events = await trx.selectFrom('work_item_events').select(['id', 'data']).where('item_kind', '=', 'case').where('item_id', '=', caseId).execute();
  for (const e of events) {
    const data = scrubDeep(e.data, names);
    if (JSON.stringify(data) !== JSON.stringify(e.data)) {
      await trx.updateTable('work_item_events').set({ data: JSON.stringify(data) }).where('id', '=', String(e.id)).execute();
    }
  }
  await sql`SET LOCAL bihuan.anonymising = 'off'`.execute(trx);
  await anonymiseCaseNotifications(trx, caseId, at);
  return true;
};

/**
 * Retention: anonymises a batch of the cases finished more than `days` ago, in the caller's transaction (the
 * daily job's), each with its audit entry: the entry commits with the anonymisation or neither does, so no case
 * loses its personal data without a record of when and why. `found` is the size of the batch looked at.
 */
export const anonymiseExpiredCases = async (trx: Trx, input: { days: number; now: Date; limit: number }): Promise<{ found: number; anonymised: number }> => {
  const cutoff = new Date(input.now.getTime() - input.days * 24 * 3600_000);
  const expired = await trx
    .selectFrom('cases')
    .select(['id', 'tracking_no', 'closed_at'])
    .where('anonymised_at', 'is', null)
    .where('closed_at', '<', cutoff)
    .where('status', 'in', [...FINISHED])
    .orderBy('closed_at')
    .limit(input.limit)
    .execute();
  let anonymised = 0;
  for (const c of expired) {
    if (!(await anonymiseCase(trx, c.id, input.now))) continue;
    anonymised += 1;
    await appendAudit(trx, {
      at: input.now, actorId: null, actorName: 'system', ip: null, userAgent: null, action: 'privacy.retention_anonymised', subjectKind: 'cases', subjectId: c.id,
      outcome: 'done',
      data: { trackingNo: c.tracking_no, closedAt: c.closed_at?.toISOString() ?? null, retentionDays: input.days },
    });
  }
  return { found: expired.length, anonymised };
};

/**
 * Every case a person submitted, found by phone or ID number, for their data export or erasure request: within the
 * caller's units (caseScope), and a protected report only for its intake unit and the units above it, or the
 * look-up would tell an accused unit's administrator who reported them (identity-protection.ts). An anonymised
 * case has lost the number's blind index with the number, so it is not found again.
 */
const findCasesOfPerson = async (db: DbOrTrx, actor: Actor, key: PersonKey, limit: number): Promise<HeldCase[]> => {
  // Found by blind index: the identity columns are sealed (src/db/requester-crypto.ts).
  const crypto = fieldCryptoFor();
  const index = crypto.blindIndex(key.kind, key.value);
  if (index === null) return [];
  const rows = await db
    .selectFrom('cases')
    .innerJoin('requesters as r', 'r.id', 'cases.requester_id')
    .leftJoin('notification_preferences as np', 'np.requester_id', 'r.id')
    .select([
      'cases.id', 'cases.tracking_no', 'cases.status', 'cases.title', 'cases.description', 'cases.reply_text', 'cases.created_at',
      'cases.closed_at', 'cases.anonymised_at', 'cases.publication_consent', 'r.id as requester_id', 'r.name', 'r.phone', 'r.id_number', 'r.email',
      'cases.callback_resolved', 'cases.callback_satisfaction', 'cases.callback_comment', 'cases.callback_at',
      'cases.address', 'cases.lat', 'cases.lng', 'r.language',
      'np.is_sms_opted_out', 'np.is_email_opted_out',
    ])
    .$if(key.kind === 'phone', (q) => q.where('r.phone_bidx', '=', index))
    .$if(key.kind === 'id_number', (q) => q.where('r.id_number_bidx', '=', index))
    .where((eb) => eb.and([caseScope(eb, actor), requesterVisibleTo(eb, actor)]))
    .orderBy('cases.created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => {
    const identity = openIdentity(crypto, r.requester_id, r);
    return {
      id: r.id, trackingNo: r.tracking_no, status: r.status, title: r.title, description: r.description, reply: r.reply_text,
      createdAt: r.created_at, closedAt: r.closed_at, isAnonymised: r.anonymised_at !== null,
      publicationConsent: r.publication_consent as PublicationConsent,
      requester: { name: identity.name, phone: identity.phone, idNumber: identity.idNumber, email: identity.email },
      address: r.address,
      location: r.lat !== null && r.lng !== null ? { lat: Number(r.lat), lng: Number(r.lng) } : null,
      language: r.language,
      callbackAnswer: r.callback_at
        ? { resolved: r.callback_resolved, satisfaction: r.callback_satisfaction, comment: r.callback_comment, at: r.callback_at }
        : null,
      messagePreferences: { isSmsOptedOut: r.is_sms_opted_out === true, isEmailOptedOut: r.is_email_opted_out === true },
    };
  });
};

/**
 * What else is held about a person beside their cases' own columns: the files they sent and the messages sent to
 * them. Messages are listed without their text, which can carry an access code.
 */
const findHeldAboutCases = async (db: DbOrTrx, caseIds: readonly string[]): Promise<{ files: HeldFile[]; messages: HeldMessage[] }> => {
  if (caseIds.length === 0) return { files: [], messages: [] };
  const files = await db
    .selectFrom('case_attachments')
    .select(['id', 'case_id', 'file_name', 'media_type', 'byte_size', 'created_at', 'deleted_at'])
    .where('case_id', 'in', [...caseIds])
    .where('uploader_kind', '=', 'requester')
    .orderBy('created_at')
    .execute();
  const messages = await db
    .selectFrom('notification_messages')
    .select(['case_id', 'channel', 'kind', 'language', 'recipient_masked', 'status', 'created_at'])
    .where('case_id', 'in', [...caseIds])
    .orderBy('created_at')
    .execute();
  return {
    files: files.map((f) => ({
      id: f.id, caseId: f.case_id, fileName: f.file_name, mediaType: f.media_type, byteSize: f.byte_size, uploadedAt: f.created_at, isDeleted: f.deleted_at !== null,
    })),
    messages: messages.map((m) => ({
      caseId: m.case_id, channel: m.channel, kind: m.kind, language: m.language, recipientMasked: m.recipient_masked, status: m.status, at: m.created_at,
    })),
  };
};

const personDataStoreOf = (trx: Trx): PersonDataStore => ({
  findCasesOfPerson: (actor, key, limit) => findCasesOfPerson(trx, actor, key, limit),
  findHeldAboutCases: (caseIds) => findHeldAboutCases(trx, caseIds),
  lockStatuses: async (caseIds) => {
    if (caseIds.length === 0) return [];
    const rows = await trx.selectFrom('cases').select(['id', 'tracking_no', 'status']).where('id', 'in', [...caseIds]).orderBy('id').forUpdate().execute();
    return rows.map((r) => ({ id: r.id, trackingNo: r.tracking_no, status: r.status }));
  },
  anonymiseCase: (caseId, at) => anonymiseCase(trx, caseId, at),
  audit: (entry: PersonAuditEntry) => appendAudit(trx, entry),
});

/** The deps of a person's data export and erasure (src/core/privacy), each step one transaction. */
export const createPersonDataDeps = (db: Db, now: () => Date): PersonDataDeps => ({
  now,
  blindIndex: (key) => fieldCryptoFor().blindIndex(key.kind, key.value),
  inTransaction: (fn) => db.transaction().execute((trx) => fn(personDataStoreOf(trx))),
});
