import { sql, type SqlBool } from 'kysely';
import type { CaseDeps } from '../core/case/case.ports.js';
import type { Kind, Language, ResolvedAnswer } from '../core/case/case.types.js';
import type { CallbackDeps, CallbackStore, QueueFilter, StoredQuestionnaire, StoredScript, TaskPatch } from '../core/callbacks/callback.ports.js';
import type {
  AttemptOutcome, CallbackAttempt, CallbackSettings, CallbackTask, LanguageTexts, Question, QueueItem, SmsInboundResult, TaskStatus,
} from '../core/callbacks/callback.types.js';
import type { FollowUp, FollowUpSummary } from '../core/callbacks/follow-up.js';
import { DEFAULT_QUESTIONNAIRE } from '../core/callbacks/questionnaire.js';
import type { LocalizedText } from '../core/directory/directory.types.js';
import { maskPhoneNumber } from '../core/notifications/contact.js';
import { createCaseStore, reserveTrackingSequence } from './case.repository.js';
import type { Db, DbOrTrx } from './database.js';
import { fieldCryptoFor } from './data-keys.js';
import { blindIndexOf, openField } from './requester-crypto.js';

// ---- tasks ------------------------------------------------------------------------------------------------

const taskColumns = [
  't.id', 't.case_id', 't.unit_id', 'u.path as unit_path', 't.status', 't.due_at', 't.claimed_by', 't.claim_expires_at', 't.attempt_count',
  't.unreachable_count', 't.next_attempt_after', 't.sms_code', 't.sms_at', 't.close_reason', 't.closed_at', 't.created_at',
] as const;

type TaskRow = {
  id: string; case_id: string; unit_id: string; unit_path: string; status: string; due_at: Date; claimed_by: string | null; claim_expires_at: Date | null;
  attempt_count: number; unreachable_count: number; next_attempt_after: Date | null; sms_code: string | null; sms_at: Date | null;
  close_reason: string | null; closed_at: Date | null; created_at: Date;
};

const toTask = (r: TaskRow): CallbackTask => ({
  id: r.id, caseId: r.case_id, unitId: r.unit_id, unitPath: r.unit_path, status: r.status as TaskStatus, dueAt: r.due_at, claimedBy: r.claimed_by,
  claimExpiresAt: r.claim_expires_at, attemptCount: r.attempt_count, unreachableCount: r.unreachable_count, nextAttemptAfter: r.next_attempt_after,
  smsCode: r.sms_code, smsAt: r.sms_at, closeReason: r.close_reason, closedAt: r.closed_at, createdAt: r.created_at,
});

const tasks = (db: DbOrTrx) => db.selectFrom('callback_tasks as t').innerJoin('units as u', 'u.id', 't.unit_id');

/** Opens the task of one reply; idempotent on the reply event. Any task still open for the case is superseded. */
export const insertCallbackTask = async (
  db: DbOrTrx,
  input: { caseId: string; sourceEventId: string; unitId: string; dueAt: Date; at: Date },
): Promise<boolean> => {
  await db
    .updateTable('callback_tasks')
    .set({ status: 'cancelled', close_reason: 'superseded', closed_at: input.at, claimed_by: null, claim_expires_at: null, updated_at: input.at })
    .where('case_id', '=', input.caseId)
    .where('status', '=', 'open')
    .where('source_event_id', '<>', input.sourceEventId)
    .execute();
  const row = await db
    .insertInto('callback_tasks')
    .values({ case_id: input.caseId, source_event_id: input.sourceEventId, unit_id: input.unitId, status: 'open', due_at: input.dueAt, created_at: input.at, updated_at: input.at })
    .onConflict((oc) => oc.column('source_event_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
};

export const findUnitIdByCode = async (db: DbOrTrx, code: string): Promise<string | null> =>
  (await db.selectFrom('units').select('id').where('code', '=', code).where('is_active', '=', true).executeTakeFirst())?.id ?? null;

const queueItemQuery = (db: DbOrTrx) =>
  tasks(db)
    .innerJoin('cases as c', 'c.id', 't.case_id')
    .leftJoin('requesters as r', 'r.id', 'c.requester_id')
    .leftJoin('users as cu', 'cu.id', 't.claimed_by')
    .leftJoin('units as lu', 'lu.id', 'c.lead_unit_id')
    .innerJoin('units as iu', 'iu.id', 'c.intake_unit_id')
    .select(taskColumns)
    .select([
      'c.tracking_no', 'c.title', 'c.kind', 'c.category_id', 'c.status as case_status', 'c.language', 'c.requester_id', 'r.name as requester_name', 'r.phone',
      'c.reply_text', 'c.reply_outcome', 'c.replied_at', 'cu.display_name as claimed_by_name', 'lu.name as lead_unit_name',
      'c.is_identity_protected', 'iu.path as intake_unit_path',
    ]);

type QueueRow = TaskRow & {
  requester_id: string | null;
  tracking_no: string; title: string; kind: string; category_id: string | null; case_status: string; language: string; requester_name: string | null;
  phone: string | null; reply_text: string | null; reply_outcome: string | null; replied_at: Date | null; claimed_by_name: string | null; lead_unit_name: LocalizedText | null;
  is_identity_protected: boolean; intake_unit_path: string;
};

/** The requester's name and phone are sealed at rest (requester-crypto.ts): opened here, the phone only to mask it. */
const toQueueItem = (r: QueueRow): QueueItem => {
  const crypto = fieldCryptoFor();
  const name = r.requester_id ? openField(crypto, r.requester_id, 'name', r.requester_name) : null;
  const phone = r.requester_id ? openField(crypto, r.requester_id, 'phone', r.phone) : null;
  return {
    ...toTask(r),
    trackingNo: r.tracking_no, title: r.title, kind: r.kind as Kind, categoryId: r.category_id, caseStatus: r.case_status, language: r.language as Language,
    requesterName: name, phoneMasked: phone ? maskPhoneNumber(phone) : null, hasPhone: phone !== null && phone !== '',
    replyText: r.reply_text, replyOutcome: r.reply_outcome, repliedAt: r.replied_at, claimedByName: r.claimed_by_name, leadUnitName: r.lead_unit_name,
    isIdentityProtected: r.is_identity_protected, intakeUnitPath: r.intake_unit_path,
  };
};

const listQueue = async (db: DbOrTrx, f: QueueFilter): Promise<{ items: QueueItem[]; total: number }> => {
  let q = queueItemQuery(db).where(sql<SqlBool>`u.path <@ ${f.unitPath}::ltree`);
  switch (f.view) {
    case 'due':
      q = q.where('t.status', '=', 'open').where('t.due_at', '>=', f.now);
      break;
    case 'overdue':
      q = q.where('t.status', '=', 'open').where('t.due_at', '<', f.now);
      break;
    case 'claimed':
      q = q.where('t.status', '=', 'open').where('t.claimed_by', '=', f.userId).where('t.claim_expires_at', '>', f.now);
      break;
    case 'open':
      q = q.where('t.status', '=', 'open');
      break;
    case 'closed':
      q = q.where('t.status', '<>', 'open');
      break;
  }
  const total = await q.clearSelect().select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .orderBy(f.view === 'closed' ? 't.closed_at' : 't.due_at', f.view === 'closed' ? 'desc' : 'asc')
    .orderBy('t.id')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  return { items: (rows as QueueRow[]).map(toQueueItem), total: Number(total.n) };
};

// Phones are sealed at rest and found by their blind index; a row not sealed yet (written before encryption,
// sealed at the next start) by its digits without a leading 86.
const samePhone = (nationalNumber: string) => {
  const index = blindIndexOf(fieldCryptoFor(), 'phone', nationalNumber);
  const plainDigits = sql<string>`regexp_replace(regexp_replace(r.phone, '\\D', '', 'g'), '^86(1[3-9][0-9]{9})$', '\\1')`;
  return sql<SqlBool>`(r.phone_bidx = ${index} OR (r.phone NOT LIKE 'e1.%' AND ${plainDigits} = ${nationalNumber}))`;
};

const lockOpenTaskByPhone = async (db: DbOrTrx, nationalNumber: string, since: Date): Promise<CallbackTask | null> => {
  const row = await tasks(db)
    .innerJoin('cases as c', 'c.id', 't.case_id')
    .innerJoin('requesters as r', 'r.id', 'c.requester_id')
    .select(taskColumns)
    .where('t.status', '=', 'open')
    .where('t.created_at', '>=', since)
    .where(samePhone(nationalNumber))
    .orderBy('t.created_at', 'desc')
    .limit(1)
    .forUpdate('t')
    .executeTakeFirst();
  return row ? toTask(row as TaskRow) : null;
};

const hasRecentTaskForPhone = async (db: DbOrTrx, nationalNumber: string, since: Date): Promise<boolean> => {
  const row = await db
    .selectFrom('callback_tasks as t')
    .innerJoin('cases as c', 'c.id', 't.case_id')
    .innerJoin('requesters as r', 'r.id', 'c.requester_id')
    .select('t.id')
    .where('t.created_at', '>=', since)
    .where(samePhone(nationalNumber))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
};

const updateTask = async (db: DbOrTrx, id: string, p: TaskPatch, at: Date): Promise<void> => {
  const set: Record<string, unknown> = { updated_at: at };
  const columns: Record<keyof TaskPatch, string> = {
    status: 'status', claimedBy: 'claimed_by', claimExpiresAt: 'claim_expires_at', attemptCount: 'attempt_count', unreachableCount: 'unreachable_count',
    nextAttemptAfter: 'next_attempt_after', smsCode: 'sms_code', smsAt: 'sms_at', closeReason: 'close_reason', closedAt: 'closed_at', closedBy: 'closed_by',
  };
  for (const [key, column] of Object.entries(columns)) {
    const value = p[key as keyof TaskPatch];
    if (value !== undefined) set[column] = value;
  }
  await db.updateTable('callback_tasks').set(set).where('id', '=', id).execute();
};

/** Closes what is still open for a case, when the case itself moved on (callback recorded elsewhere, reopened, closed). */
export const closeOpenTasksOfCase = async (db: DbOrTrx, caseId: string, status: TaskStatus, reason: string, at: Date): Promise<number> => {
  const result = await db
    .updateTable('callback_tasks')
    .set({ status, close_reason: reason, closed_at: at, claimed_by: null, claim_expires_at: null, next_attempt_after: null, updated_at: at })
    .where('case_id', '=', caseId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
};

// ---- scripts and questionnaires ---------------------------------------------------------------------------

const toScript = (r: { id: string; category_id: string | null; kind: string | null; body: Record<string, string>; version: number; updated_at: Date }): StoredScript => ({
  id: r.id, categoryId: r.category_id, kind: r.kind as Kind | null, body: r.body as LanguageTexts, version: r.version, updatedAt: r.updated_at,
});

const toQuestionnaire = (r: { id: string; kind: string | null; version: number; questions: unknown }): StoredQuestionnaire => ({
  id: r.id, kind: r.kind as Kind | null, version: r.version, questions: r.questions as Question[],
});

const questionnaireFor = async (db: DbOrTrx, kind: Kind): Promise<StoredQuestionnaire> => {
  const find = () =>
    db
      .selectFrom('callback_questionnaires')
      .selectAll()
      .where((eb) => eb.or([eb('kind', '=', kind), eb('kind', 'is', null)]))
      .orderBy(sql`kind IS NULL`)
      .limit(1)
      .executeTakeFirst();
  const row = await find();
  if (row) return toQuestionnaire(row);
  // The built-in default is stored on first use, so every answer points at the exact questions it answered.
  await db
    .insertInto('callback_questionnaires')
    .values({ kind: null, questions: JSON.stringify(DEFAULT_QUESTIONNAIRE), updated_at: new Date() })
    .onConflict((oc) => oc.expression(sql`coalesce(kind, '')`).doNothing())
    .execute();
  const stored = await find();
  if (!stored) throw new Error('the default questionnaire could not be stored');
  return toQuestionnaire(stored);
};

// ---- follow-ups weeks after closure -----------------------------------------------------------------------

const followUps = (db: DbOrTrx) =>
  db
    .selectFrom('callback_follow_ups as f')
    .innerJoin('units as u', 'u.id', 'f.unit_id')
    .innerJoin('cases as c', 'c.id', 'f.case_id')
    .select(['f.id', 'f.case_id', 'c.tracking_no', 'f.unit_id', 'u.path as unit_path', 'f.channel', 'f.language', 'f.sent_at', 'f.expires_at', 'f.answered_at', 'f.resolved', 'f.comment']);

type FollowUpRow = {
  id: string; case_id: string; tracking_no: string; unit_id: string; unit_path: string; channel: string; language: string; sent_at: Date; expires_at: Date;
  answered_at: Date | null; resolved: string | null; comment: string | null;
};

const toFollowUp = (r: FollowUpRow): FollowUp => ({
  id: r.id, caseId: r.case_id, trackingNo: r.tracking_no, unitId: r.unit_id, unitPath: r.unit_path, channel: r.channel as FollowUp['channel'],
  language: r.language as Language, sentAt: r.sent_at, expiresAt: r.expires_at, answeredAt: r.answered_at, resolved: r.resolved as ResolvedAnswer | null, comment: r.comment,
});

/** Records a follow-up sent for one closure; false when that closure already has one (a job run twice). */
export const insertFollowUp = async (
  db: DbOrTrx,
  row: { caseId: string; closeEventId: string; unitId: string; tokenHash: string; channel: 'sms' | 'email'; language: Language; sentAt: Date; expiresAt: Date },
): Promise<boolean> => {
  const inserted = await db
    .insertInto('callback_follow_ups')
    .values({
      case_id: row.caseId, close_event_id: row.closeEventId, unit_id: row.unitId, token_hash: row.tokenHash, channel: row.channel, language: row.language,
      sent_at: row.sentAt, expires_at: row.expiresAt,
    })
    .onConflict((oc) => oc.column('close_event_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
};

/** What the follow-up job needs to know about the case: still closed by this closure, not anonymised. */
export const findCaseForFollowUp = async (
  db: DbOrTrx,
  caseId: string,
  closeEventId: string,
): Promise<{ status: string; intakeUnitId: string; isAnonymised: boolean; isClosedAgainLater: boolean } | null> => {
  const row = await db.selectFrom('cases').select(['status', 'intake_unit_id', 'anonymised_at']).where('id', '=', caseId).executeTakeFirst();
  if (!row) return null;
  const later = await db
    .selectFrom('work_item_events')
    .select('id')
    .where('item_kind', '=', 'case')
    .where('item_id', '=', caseId)
    .where('code', '=', 'case.closed')
    .where('id', '>', closeEventId)
    .limit(1)
    .executeTakeFirst();
  return { status: row.status, intakeUnitId: row.intake_unit_id, isAnonymised: row.anonymised_at !== null, isClosedAgainLater: later !== undefined };
};

const followUpSummary = async (db: DbOrTrx, f: { unitPath: string; from: Date; to: Date }): Promise<FollowUpSummary> => {
  const scoped = db
    .selectFrom('callback_follow_ups as f')
    .innerJoin('units as u', 'u.id', 'f.unit_id')
    .where(sql<SqlBool>`u.path <@ ${f.unitPath}::ltree`)
    .where('f.sent_at', '>=', f.from)
    .where('f.sent_at', '<', f.to);
  const counts = await scoped
    .select((eb) => [
      eb.fn.countAll<string>().as('sent'),
      sql<string>`count(f.answered_at)`.as('answered'),
      sql<string>`count(*) FILTER (WHERE f.resolved = 'yes')`.as('yes'),
      sql<string>`count(*) FILTER (WHERE f.resolved = 'partly')`.as('partly'),
      sql<string>`count(*) FILTER (WHERE f.resolved = 'no')`.as('no'),
    ])
    .executeTakeFirstOrThrow();
  const flagged = await scoped
    .innerJoin('cases as c', 'c.id', 'f.case_id')
    .select(['f.id', 'f.case_id', 'c.tracking_no', 'f.answered_at', 'f.comment'])
    .where('f.resolved', '=', 'no')
    .orderBy('f.answered_at', 'desc')
    .limit(200)
    .execute();
  return {
    sent: Number(counts.sent), answered: Number(counts.answered),
    stillSolved: { yes: Number(counts.yes), partly: Number(counts.partly), no: Number(counts.no) },
    flagged: flagged.map((r) => ({ followUpId: r.id, caseId: r.case_id, trackingNo: r.tracking_no, answeredAt: r.answered_at ?? new Date(0), comment: r.comment })),
  };
};

// ---- the store --------------------------------------------------------------------------------------------

export const createCallbackStore = (db: DbOrTrx): CallbackStore => ({
  lockTask: async (id) => {
    const row = await tasks(db).select(taskColumns).where('t.id', '=', id).forUpdate('t').executeTakeFirst();
    return row ? toTask(row as TaskRow) : null;
  },
  updateTask: (id, patch, at) => updateTask(db, id, patch, at),
  listAttempts: async (taskId) =>
    (await db.selectFrom('callback_attempts').selectAll().where('task_id', '=', taskId).orderBy('at').orderBy('id').execute()).map(
      (r): CallbackAttempt => ({ id: r.id, actorId: r.actor_id, channel: r.channel as CallbackAttempt['channel'], outcome: r.outcome as AttemptOutcome, note: r.note, at: r.at }),
    ),
  insertAttempt: async (taskId, a) => {
    await db.insertInto('callback_attempts').values({ task_id: taskId, actor_id: a.actorId, channel: a.channel, outcome: a.outcome, note: a.note, at: a.at }).execute();
  },
  listQueue: (filter) => listQueue(db, filter),
  findQueueItem: async (taskId) => {
    const row = await queueItemQuery(db).where('t.id', '=', taskId).executeTakeFirst();
    return row ? toQueueItem(row as QueueRow) : null;
  },
  lockOpenTaskByPhone: (n, since) => lockOpenTaskByPhone(db, n, since),
  hasRecentTaskForPhone: (n, since) => hasRecentTaskForPhone(db, n, since),
  insertSmsInbound: async (r) => {
    const row = await db
      .insertInto('callback_sms_inbound')
      .values({ provider_message_id: r.providerMessageId, from_masked: r.fromMasked, code: r.code, result: r.result, task_id: r.taskId, received_at: r.at })
      .onConflict((oc) => oc.column('provider_message_id').doNothing())
      .returning('provider_message_id')
      .executeTakeFirst();
    return row !== undefined;
  },
  updateSmsInbound: async (id, outcome) => {
    await db.updateTable('callback_sms_inbound').set({ result: outcome.result, task_id: outcome.taskId }).where('provider_message_id', '=', id).execute();
  },
  findSmsInbound: async (id) => {
    const row = await db.selectFrom('callback_sms_inbound').select(['result', 'task_id']).where('provider_message_id', '=', id).executeTakeFirst();
    return row ? { result: row.result as SmsInboundResult, taskId: row.task_id } : null;
  },
  findScriptFor: async (categoryIds, kind) => {
    const row = await db
      .selectFrom('callback_scripts')
      .selectAll()
      .where((eb) => eb.or([eb('category_id', 'is', null), ...(categoryIds.length ? [eb('category_id', 'in', categoryIds)] : [])]))
      .where((eb) => eb.or([eb('kind', 'is', null), eb('kind', '=', kind)]))
      // The own category before its parents, then a kind-specific script before a general one.
      .orderBy(sql`array_position(${sql.val(categoryIds)}::uuid[], category_id) NULLS LAST`)
      .orderBy(sql`kind IS NULL`)
      .limit(1)
      .executeTakeFirst();
    return row ? toScript(row) : null;
  },
  listScripts: async () => (await db.selectFrom('callback_scripts').selectAll().orderBy('updated_at', 'desc').execute()).map(toScript),
  saveScript: async (input) => {
    const row = await db
      .insertInto('callback_scripts')
      .values({ category_id: input.categoryId, kind: input.kind, body: JSON.stringify(input.body), updated_by: input.actorId, updated_at: input.at })
      .onConflict((oc) =>
        oc.expression(sql`coalesce(category_id::text, ''), coalesce(kind, '')`).doUpdateSet({
          body: JSON.stringify(input.body), version: sql`callback_scripts.version + 1`, updated_by: input.actorId, updated_at: input.at,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toScript(row);
  },
  categoryChainOf: async (categoryId) => {
    if (!categoryId) return [];
    const parent = await db.selectFrom('categories').select('parent_id').where('id', '=', categoryId).executeTakeFirst();
    return [categoryId, ...(parent?.parent_id ? [parent.parent_id] : [])];
  },
  questionnaireFor: (kind) => questionnaireFor(db, kind),
  listQuestionnaires: async () => (await db.selectFrom('callback_questionnaires').selectAll().orderBy('kind').execute()).map(toQuestionnaire),
  saveQuestionnaire: async (input) => {
    const row = await db
      .insertInto('callback_questionnaires')
      .values({ kind: input.kind, questions: JSON.stringify(input.questions), updated_by: input.actorId, updated_at: input.at })
      .onConflict((oc) =>
        oc.expression(sql`coalesce(kind, '')`).doUpdateSet({
          questions: JSON.stringify(input.questions), version: sql`callback_questionnaires.version + 1`, updated_by: input.actorId, updated_at: input.at,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toQuestionnaire(row);
  },
  insertAnswers: async (r) => {
    const row = await db
      .insertInto('callback_answers')
      .values({
        task_id: r.taskId, case_id: r.caseId, questionnaire_id: r.questionnaire.id, questionnaire_version: r.questionnaire.version, source: r.source,
        answers: JSON.stringify(r.answers), satisfaction: r.satisfaction, actor_id: r.actorId, at: r.at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  },
  insertLink: async (tokenHash, taskId, expiresAt, at) => {
    await db.insertInto('callback_links').values({ token_hash: tokenHash, task_id: taskId, expires_at: expiresAt, created_at: at }).execute();
  },
  lockLink: async (tokenHash) => {
    const row = await db.selectFrom('callback_links').selectAll().where('token_hash', '=', tokenHash).forUpdate().executeTakeFirst();
    return row ? { taskId: row.task_id, expiresAt: row.expires_at, usedAt: row.used_at } : null;
  },
  markLinkUsed: async (tokenHash, at) => {
    await db.updateTable('callback_links').set({ used_at: at }).where('token_hash', '=', tokenHash).execute();
  },
  closeOpenTasksOfCase: (caseId, status, reason, at) => closeOpenTasksOfCase(db, caseId, status, reason, at),
  lockFollowUpByToken: async (tokenHash) => {
    const row = await followUps(db).where('f.token_hash', '=', tokenHash).forUpdate('f').executeTakeFirst();
    return row ? toFollowUp(row as FollowUpRow) : null;
  },
  answerFollowUp: async (id, a) => {
    await db.updateTable('callback_follow_ups').set({ resolved: a.resolved, comment: a.comment, answered_at: a.at }).where('id', '=', id).execute();
  },
  listFollowUpsOfCase: async (caseId, unitPath) =>
    (await followUps(db).where('f.case_id', '=', caseId).where(sql<SqlBool>`u.path <@ ${unitPath}::ltree`).orderBy('f.sent_at', 'desc').execute()).map((r) =>
      toFollowUp(r as FollowUpRow),
    ),
  followUpSummary: (filter) => followUpSummary(db, filter),
});

/** Binds the callback use cases to PostgreSQL: the case use cases they call run inside the same transaction. */
export const createCallbackDeps = (db: Db, now: () => Date, settings: () => CallbackSettings): CallbackDeps => ({
  now,
  settings,
  transaction: (fn) =>
    db.transaction().execute((trx) => {
      const cases = createCaseStore(trx);
      const caseDeps: CaseDeps = { transaction: (inner) => inner(cases), now, reserveTrackingSequence: (day) => reserveTrackingSequence(db, day) };
      return fn({ store: createCallbackStore(trx), cases, caseDeps });
    }),
});
