import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder, type Selectable, type Updateable } from 'kysely';
import type { CaseRegistration, CaseStore, RegisteredRows } from '../core/case/case.ports.js';
import { createMicroBatcher, type BatchOutcome } from '../core/shared/micro-batcher.js';
import type { AssignmentRecord, CasePatch, CaseRecord, CaseSla } from '../core/case/case.record.js';
import { fieldCryptoFor } from './data-keys.js';
import { appendWorkItemEvent } from './events.repository.js';
import { blindIndexOf, sealIdentity } from './requester-crypto.js';
import { enqueueJobs } from './jobs.repository.js';
import { refreshOpenDataCase } from './open-data.repository.js';
import { createThrottleCounters } from './throttle.repository.js';
import { calendarForUnit, policyForCase } from './sla.repository.js';
import type {
  AssignmentRole, AssignmentStatus, CaseStatus, Channel, Kind, Language, PublicationConsent, ReopenDecision, ReopenSource, ReplyOutcome, ResolvedAnswer, Satisfaction,
} from '../core/case/case.types.js';
import type { CategoryRef, UnitRef } from '../core/directory/directory.types.js';
import type { Db, DbOrTrx } from './database.js';
import type { CaseRow, CaseUpdate } from './schema.js';
import type { WorkflowCaseColumns, WorkflowTables } from './workflow.schema.js';

/** INSERT of rows that all have the same columns: for statements Kysely's builder cannot chain (see insertRegistrations). */
const insertStatement = (table: string, rows: readonly Record<string, unknown>[]): RawBuilder<unknown> => {
  const columns = Object.keys(rows[0] ?? {});
  const tuples = rows.map((row) => {
    if (Object.keys(row).length !== columns.length) throw new Error(`rows for ${table} differ in their columns`);
    return sql`(${sql.join(columns.map((c) => sql.val(row[c])))})`;
  });
  return sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) VALUES ${sql.join(tuples)}`;
};

/** The database with the workflow module's columns on `cases` and `sla_policies` (see workflow.schema.ts). */
export const withWorkflow = (db: DbOrTrx) => (db as Db).withTables<WorkflowTables>();

const toFen = (value: string | null): number | null => (value === null ? null : Number(value));

const mapCase = (row: CaseRow & Selectable<WorkflowCaseColumns> & { intake_unit_path: string }, assignments: AssignmentRecord[]): CaseRecord => ({
  id: row.id,
  trackingNo: row.tracking_no,
  accessCodeHash: row.access_code_hash,
  status: row.status as CaseStatus,
  channel: row.channel as Channel,
  kind: row.kind as Kind,
  title: row.title,
  description: row.description,
  language: row.language as Language,
  categoryId: row.category_id,
  requesterId: row.requester_id,
  intakeUnitId: row.intake_unit_id,
  intakeUnitPath: row.intake_unit_path,
  leadUnitId: row.lead_unit_id,
  address: row.address,
  lat: row.lat,
  lng: row.lng,
  amountClaimedFen: toFen(row.amount_claimed_fen),
  amountRecoveredFen: toFen(row.amount_recovered_fen),
  publicationConsent: row.publication_consent as PublicationConsent,
  isIdentityProtected: row.is_identity_protected,
  acceptDueAt: row.accept_due_at,
  replyDueAt: row.reply_due_at,
  dispatchedAt: row.dispatched_at,
  acceptedAt: row.accepted_at,
  replyText: row.reply_text,
  replyOutcome: row.reply_outcome as ReplyOutcome | null,
  replyInternalSummary: row.reply_internal_summary,
  repliedAt: row.replied_at,
  callbackResolved: row.callback_resolved as ResolvedAnswer | null,
  callbackSatisfaction: row.callback_satisfaction as Satisfaction | null,
  callbackComment: row.callback_comment,
  callbackAt: row.callback_at,
  ratingResolved: row.rating_resolved as ResolvedAnswer | null,
  ratingSatisfaction: row.rating_satisfaction as Satisfaction | null,
  ratingComment: row.rating_comment,
  ratedAt: row.rated_at,
  supervisionDueBy: row.supervision_due_by,
  supervisionNote: row.supervision_note,
  supervisedAt: row.supervised_at,
  extensionDays: row.extension_days,
  extensionReason: row.extension_reason,
  extensionRequestedAt: row.extension_requested_at,
  rejectReason: row.reject_reason,
  rejectAdvice: row.reject_advice,
  masterId: row.master_id,
  reopenCount: row.reopen_count,
  closedAt: row.closed_at,
  slaPolicyCode: row.sla_policy_code,
  sla: row.sla as CaseSla,
  slaState: row.sla_state as CaseRecord['slaState'],
  supervisionResponse: row.supervision_response,
  supervisionOutcome: row.supervision_outcome,
  urgeCount: row.urge_count,
  holdFromStatus: row.hold_from_status as CaseStatus | null,
  holdReason: row.hold_reason,
  heldAt: row.held_at,
  holdEndsAt: row.hold_ends_at,
  reopenRequestedAt: row.reopen_requested_at,
  reopenRequestReason: row.reopen_request_reason,
  reopenRequestSource: row.reopen_request_source as ReopenSource | null,
  reopenDecision: row.reopen_decision as ReopenDecision | null,
  reopenDecisionNote: row.reopen_decision_note,
  reopenDecidedAt: row.reopen_decided_at,
  reopenWindowEndsAt: row.reopen_window_ends_at,
  createdBy: row.created_by,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  assignments,
});

type CaseUpdateWithWorkflow = CaseUpdate & Updateable<WorkflowCaseColumns>;

const PATCH_COLUMNS: { [K in keyof CasePatch]-?: keyof CaseUpdateWithWorkflow } = {
  status: 'status', channel: 'channel', kind: 'kind', title: 'title', description: 'description', language: 'language',
  categoryId: 'category_id', requesterId: 'requester_id', leadUnitId: 'lead_unit_id', address: 'address', lat: 'lat', lng: 'lng',
  amountClaimedFen: 'amount_claimed_fen', amountRecoveredFen: 'amount_recovered_fen', publicationConsent: 'publication_consent', isIdentityProtected: 'is_identity_protected', acceptDueAt: 'accept_due_at',
  replyDueAt: 'reply_due_at', dispatchedAt: 'dispatched_at', acceptedAt: 'accepted_at', replyText: 'reply_text',
  replyOutcome: 'reply_outcome', replyInternalSummary: 'reply_internal_summary', repliedAt: 'replied_at', callbackResolved: 'callback_resolved',
  callbackSatisfaction: 'callback_satisfaction', callbackComment: 'callback_comment', callbackAt: 'callback_at',
  ratingResolved: 'rating_resolved', ratingSatisfaction: 'rating_satisfaction', ratingComment: 'rating_comment',
  ratedAt: 'rated_at', supervisionDueBy: 'supervision_due_by', supervisionNote: 'supervision_note',
  supervisedAt: 'supervised_at', extensionDays: 'extension_days', extensionReason: 'extension_reason',
  extensionRequestedAt: 'extension_requested_at', rejectReason: 'reject_reason', rejectAdvice: 'reject_advice',
  masterId: 'master_id', reopenCount: 'reopen_count', closedAt: 'closed_at', slaPolicyCode: 'sla_policy_code', sla: 'sla',
  slaState: 'sla_state', supervisionResponse: 'supervision_response', supervisionOutcome: 'supervision_outcome', urgeCount: 'urge_count',
  holdFromStatus: 'hold_from_status', holdReason: 'hold_reason', heldAt: 'held_at', holdEndsAt: 'hold_ends_at', reopenRequestedAt: 'reopen_requested_at',
  reopenRequestReason: 'reopen_request_reason', reopenRequestSource: 'reopen_request_source', reopenDecision: 'reopen_decision',
  reopenDecisionNote: 'reopen_decision_note', reopenDecidedAt: 'reopen_decided_at', reopenWindowEndsAt: 'reopen_window_ends_at',
};

const toUpdate = (patch: CasePatch): CaseUpdateWithWorkflow => {
  const update: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const column = PATCH_COLUMNS[key as keyof CasePatch];
    update[column] = key === 'sla' ? JSON.stringify(value) : value;
  }
  return update as CaseUpdateWithWorkflow;
};

const selectCase = (db: DbOrTrx) =>
  withWorkflow(db)
    .selectFrom('cases')
    .innerJoin('units as intake', 'intake.id', 'cases.intake_unit_id')
    .selectAll('cases')
    .select('intake.path as intake_unit_path');

type AssignmentJson = {
  id: string; unit_id: string; path: string; role: string; status: string;
  /** Epoch milliseconds: JSON has no timestamps, and a number parses without a format to agree on. */
  assigned_at: number; accepted_at: number | null; ended_at: number | null;
};

const toAssignment = (r: AssignmentJson): AssignmentRecord => ({
  id: r.id,
  unitId: r.unit_id,
  unitPath: r.path,
  role: r.role as AssignmentRole,
  status: r.status as AssignmentStatus,
  assignedAt: new Date(r.assigned_at),
  acceptedAt: r.accepted_at === null ? null : new Date(r.accepted_at),
  endedAt: r.ended_at === null ? null : new Date(r.ended_at),
});

const epochMs = (column: string) => sql.raw(`floor(extract(epoch FROM a.${column}) * 1000)::float8`);

/** A case's assignments as one JSON array, for the case given by an SQL expression (a column or a parameter). */
const assignmentsJson = (caseId: RawBuilder<unknown>) =>
  sql<AssignmentJson[]>`(
    SELECT coalesce(json_agg(json_build_object(
      'id', a.id, 'unit_id', a.unit_id, 'path', u.path::text, 'role', a.role, 'status', a.status,
      'assigned_at', ${epochMs('assigned_at')}, 'accepted_at', ${epochMs('accepted_at')}, 'ended_at', ${epochMs('ended_at')}
    ) ORDER BY a.assigned_at, a.role), '[]'::json)
    FROM case_assignments a JOIN units u ON u.id = a.unit_id
    WHERE a.case_id = ${caseId})`;

/**
 * One case with its assignments. A plain read is one statement (every case page reads one, and each round
 * trip costs the server more than the rows it carries). A locking read takes two: under READ COMMITTED a
 * statement that waited for the row lock returns the row as committed by the holder, but its subqueries still
 * see the snapshot from before the wait, so the assignments the holder wrote would be missing. Read after the
 * lock, in a statement of their own, they are current.
 */
export const findCaseRecord = async (
  db: DbOrTrx,
  where: { id: string } | { trackingNo: string },
  options: { isForUpdate?: boolean } = {},
): Promise<CaseRecord | null> => {
  const isLocking = options.isForUpdate === true;
  const base = isLocking ? selectCase(db) : selectCase(db).select(assignmentsJson(sql.ref('cases.id')).as('assignments_json'));
  let query = 'id' in where ? base.where('cases.id', '=', where.id) : base.where('cases.tracking_no', '=', where.trackingNo);
  // NO KEY UPDATE: it still serialises the case's actions, but does not wait for transactions that merely
  // reference the case (a foreign key's KEY SHARE lock), such as an event consumer's batch inserting its
  // notices or statistics rows; FOR UPDATE made every action on a case queue behind the whole batch.
  if (isLocking) query = query.forNoKeyUpdate('cases');
  const row = await query.executeTakeFirst();
  if (!row) return null;
  const { assignments_json: read, ...caseRow } = row as typeof row & { assignments_json?: AssignmentJson[] };
  const assignments = read ?? (await sql<{ assignments: AssignmentJson[] }>`SELECT ${assignmentsJson(sql.val(row.id))} AS assignments`.execute(db)).rows[0]?.assignments ?? [];
  return mapCase(caseRow, assignments.map(toAssignment));
};

export const mapUnit = (row: { id: string; code: string; path: string; name: UnitRef['name']; is_active: boolean }): UnitRef => ({
  id: row.id,
  code: row.code,
  path: row.path,
  name: row.name,
  isActive: row.is_active,
});

export const findUnitRef = async (db: DbOrTrx, id: string): Promise<UnitRef | null> => {
  const row = await db.selectFrom('units').select(['id', 'code', 'path', 'name', 'is_active']).where('id', '=', id).executeTakeFirst();
  return row ? mapUnit(row) : null;
};

/** A category row as the directory's reference; with its parent's id, which the SLA policy look-up needs. */
export const findCategoryRow = async (db: DbOrTrx, id: string): Promise<{ ref: CategoryRef; parentId: string | null } | null> => {
  const row = await db.selectFrom('categories').selectAll().where('id', '=', id).executeTakeFirst();
  return row
    ? {
        ref: {
          id: row.id,
          code: row.code,
          name: row.name,
          defaultUnitId: row.default_unit_id,
          acceptHours: row.accept_hours,
          replyDays: row.reply_days,
          isActive: row.is_active,
        },
        parentId: row.parent_id,
      }
    : null;
};

export const findCategoryRef = async (db: DbOrTrx, id: string): Promise<CategoryRef | null> => (await findCategoryRow(db, id))?.ref ?? null;

const incrementTrackingCounter = async (trx: DbOrTrx, day: string): Promise<number> => {
  const row = await trx
    .insertInto('tracking_counters')
    .values({ day, last_value: 1 })
    .onConflict((oc) => oc.column('day').doUpdateSet({ last_value: sql`tracking_counters.last_value + 1` }))
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return row.last_value;
};

/**
 * The counter's own transaction, committed without waiting for the WAL flush: its row lock lasts one
 * statement. Crash-safe all the same: the case that uses the number commits with a flush, which writes the
 * WAL up to and past this commit, so no acknowledged case's number can be handed out again after a crash.
 */
const reserveTrackingBlock = (db: Db, day: string, size: number): Promise<number> =>
  db.transaction().execute(async (trx) => {
    // SET LOCAL and the increment in one round trip: the CTE is read by the INSERT, so it runs first.
    const result = await sql<{ last_value: number }>`
      WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true))
      INSERT INTO tracking_counters (day, last_value) SELECT ${day}, ${size}::int FROM async_commit
      ON CONFLICT (day) DO UPDATE SET last_value = tracking_counters.last_value + ${size}::int
      RETURNING last_value`.execute(trx);
    const row = result.rows[0];
    if (!row) throw new Error('tracking counter: no row returned');
    return row.last_value;
  });

/** One number, reserved on its own (for callers that register a case now and then). */
export const reserveTrackingSequence = (db: Db, day: string): Promise<number> => reserveTrackingBlock(db, day, 1);

/** The largest block of numbers one reservation takes, when intake is busy. */
export const MAX_TRACKING_BLOCK = 64;

/**
 * Hands out tracking numbers from blocks reserved in the database. Under load every intake used to update
 * the day's counter row, and on a busy machine those updates queued behind each other (a lock convoy: 60 %
 * of the statement time at 50 parallel desks). A block is one number when intake is quiet and doubles, up
 * to MAX_TRACKING_BLOCK, while reservations follow each other within a second. Crash-safe like a single
 * reservation: a case commits with a flush that carries the block's commit record with it, so no number
 * of an acknowledged case is issued again; numbers left in a block when the process stops are skipped.
 */
export const createTrackingReserver = (db: Db, options: { maxBlock?: number; clock?: () => number } = {}): ((day: string) => Promise<number>) => {
  const maxBlock = options.maxBlock ?? MAX_TRACKING_BLOCK;
  const clock = options.clock ?? Date.now;
  let block: { day: string; next: number; last: number } | null = null;
  let size = 1;
  let lastReservedAt = Number.NEGATIVE_INFINITY;
  let reserving: Promise<void> | null = null;
  const take = async (day: string): Promise<number> => {
    for (;;) {
      if (block && block.day === day && block.next <= block.last) return block.next++;
      if (reserving) {
        await reserving;
        continue;
      }
      const at = clock();
      size = at - lastReservedAt < 1000 ? Math.min(maxBlock, size * 2) : 1;
      lastReservedAt = at;
      const wanted = size;
      reserving = reserveTrackingBlock(db, day, wanted)
        .then((last) => {
          block = { day, next: last - wanted + 1, last };
        })
        .finally(() => {
          reserving = null;
        });
    }
  };
  return take;
};

/** Forgets idempotency keys (and the access codes kept with them) once their replay window is over. */
export const purgeIdempotencyKeys = async (db: DbOrTrx, createdBefore: Date): Promise<number> => {
  const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', createdBefore).executeTakeFirst();
  return Number(result.numDeletedRows);
};

/**
 * Inserts registrations with one statement (atomic on its own, so it needs no transaction) and answers them in
 * the order given. Intake is the busiest write, and each round trip and each commit costs more than the rows
 * it carries. The ids are chosen here, so the inserts need not wait for one another; foreign keys are checked
 * at the end of the statement, when all rows are there.
 */
export const insertRegistrations = async (db: DbOrTrx, registrations: readonly CaseRegistration[]): Promise<RegisteredRows[]> => {
  if (registrations.length === 0) return [];
  const requesters: Record<string, unknown>[] = [];
  const cases: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  const codes: Record<string, unknown>[] = [];
  const caseIds: string[] = [];
  for (const { requester, case: c, firstEvent: e, stashedAccessCode } of registrations) {
    const caseId = randomUUID();
    caseIds.push(caseId);
    const requesterId = requester ? randomUUID() : null;
    if (requester && requesterId) {
      // The requester's id is part of what each sealed value is bound to.
      const sealed = sealIdentity(fieldCryptoFor(), requesterId, { name: requester.name, phone: requester.phone, idNumber: requester.idNumber, email: requester.email });
      requesters.push({ id: requesterId, ...sealed, language: requester.language });
    }
    cases.push({
      id: caseId,
      tracking_no: c.trackingNo,
      access_code_hash: c.accessCodeHash,
      status: 'registered',
      channel: c.channel,
      kind: c.kind,
      title: c.title,
      description: c.description,
      language: c.language,
      category_id: c.categoryId,
      requester_id: requesterId,
      intake_unit_id: c.intakeUnitId,
      address: c.address,
      lat: c.lat,
      lng: c.lng,
      amount_claimed_fen: c.amountClaimedFen,
      publication_consent: c.publicationConsent,
      is_identity_protected: c.isIdentityProtected,
      created_by: c.createdBy,
      created_at: c.at,
      updated_at: c.at,
    });
    events.push({
      item_kind: 'case', item_id: caseId, seq: 1, at: e.at, actor_kind: e.actorKind, actor_id: e.actorId, code: e.code,
      from_status: e.fromStatus, to_status: e.toStatus, is_internal: e.isInternal, data: JSON.stringify(e.data),
    });
    if (stashedAccessCode !== null) codes.push({ case_id: caseId, access_code: stashedAccessCode });
  }
  const parts: RawBuilder<unknown>[] = [];
  if (requesters.length > 0) parts.push(sql`r AS (${insertStatement('requesters', requesters)})`);
  parts.push(sql`c AS (${insertStatement('cases', cases)} RETURNING *)`);
  parts.push(sql`e AS (${insertStatement('work_item_events', events)} RETURNING id, item_id)`);
  if (codes.length > 0) parts.push(sql`s AS (${insertStatement('notification_access_codes', codes)})`);
  const { rows } = await sql<CaseRow & Selectable<WorkflowCaseColumns> & { intake_unit_path: string; first_event_id: string }>`
    WITH ${sql.join(parts)}
    SELECT c.*, intake.path AS intake_unit_path, e.id AS first_event_id
    FROM c JOIN units intake ON intake.id = c.intake_unit_id JOIN e ON e.item_id = c.id`.execute(db);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return caseIds.map((id) => {
    const row = byId.get(id);
    if (!row) throw new Error('a new case was not returned');
    const { first_event_id: firstEventId, ...caseRow } = row;
    return { record: mapCase(caseRow, []), firstEvent: { id: String(firstEventId), seq: 1 } };
  });
};

type RegistrationOutcome = RegisteredRows | { refusal: 'category_inactive' };

/** A category deleted between the batch's check and its insert is refused like an inactive one, not a 500. */
const outcomeOfFailure = (error: unknown): BatchOutcome<RegistrationOutcome> =>
  error instanceof Error && 'code' in error && error.code === '23503' && 'constraint' in error && error.constraint === 'cases_category_id_fkey'
    ? { ok: true, value: { refusal: 'category_inactive' } }
    : { ok: false, error };

const insertOne = async (db: Db, registration: CaseRegistration): Promise<BatchOutcome<RegistrationOutcome>> => {
  try {
    const [value] = await insertRegistrations(db, [registration]);
    return value ? { ok: true, value } : { ok: false, error: new Error('the new case was not returned') };
  } catch (error) {
    return outcomeOfFailure(error);
  }
};

/** One batch of the registrar: the categories checked with one read, the rest inserted with one statement. */
const registerBatch = async (db: Db, registrations: readonly CaseRegistration[]): Promise<BatchOutcome<RegistrationOutcome>[]> => {
  const categoryIds = [...new Set(registrations.map((r) => r.case.categoryId).filter((id): id is string => id !== null))];
  const active =
    categoryIds.length === 0
      ? new Set<string>()
      : new Set((await db.selectFrom('categories').select('id').where('id', 'in', categoryIds).where('is_active', '=', true).execute()).map((r) => r.id));
  const isAccepted = (r: CaseRegistration) => r.case.categoryId === null || active.has(r.case.categoryId);
  const accepted = registrations.filter(isAccepted);
  let written: BatchOutcome<RegistrationOutcome>[];
  try {
    written = (await insertRegistrations(db, accepted)).map((value) => ({ ok: true, value }));
  } catch (error) {
    // One bad registration must not fail the others: each is tried on its own, one after the other (not all at
    // once, which would take every connection of the pool), so that only its caller gets the error.
    written = [];
    for (const r of accepted) written.push(accepted.length === 1 ? outcomeOfFailure(error) : await insertOne(db, r));
  }
  let next = 0;
  return registrations.map((r) => (isAccepted(r) ? (written[next++] ?? { ok: false, error: new Error('no outcome') }) : { ok: true, value: { refusal: 'category_inactive' } }));
};

/**
 * Registrations from concurrent requests, gathered into shared statements (see CaseDeps.registerCase). Two
 * batches may run at once: while one commits (a WAL flush), the next is parsed and inserted.
 */
export const createCaseRegistrar = (db: Db, options: { maxBatch?: number; maxInFlight?: number } = {}) =>
  createMicroBatcher<CaseRegistration, RegistrationOutcome>({
    maxBatch: options.maxBatch ?? 64,
    maxInFlight: options.maxInFlight ?? 2,
    run: (registrations) => registerBatch(db, registrations),
  }).submit;

/** The CaseStore port over one transaction. */
export const createCaseStore = (trx: DbOrTrx): CaseStore => ({
  lockCase: (id) => findCaseRecord(trx, { id }, { isForUpdate: true }),
  refreshPublication: async (caseId, now) => {
    await refreshOpenDataCase(trx, caseId, now);
  },
  findCase: (id) => findCaseRecord(trx, { id }),
  findCaseByTrackingNo: (trackingNo) => findCaseRecord(trx, { trackingNo }),
  lockCaseByTrackingNo: (trackingNo) => findCaseRecord(trx, { trackingNo }, { isForUpdate: true }),
  findUnit: (id) => findUnitRef(trx, id),
  findRootUnit: async () => {
    const row = await trx
      .selectFrom('units')
      .select(['id', 'code', 'path', 'name', 'is_active'])
      .where('parent_id', 'is', null)
      .orderBy('created_at')
      .executeTakeFirstOrThrow();
    return mapUnit(row);
  },
  findCategory: (id) => findCategoryRef(trx, id),
  countPublicSubmission: async (phone, now, windowMs) => {
    // On the blind index: the counter's key names no phone number.
    const index = blindIndexOf(fieldCryptoFor(), 'phone', phone);
    return index ? createThrottleCounters(trx).countAttempt(`submit:phone:${index}`, now, windowMs) : null;
  },
  refundPublicSubmission: (attempt) => createThrottleCounters(trx).refundAttempt(attempt),
  nextTrackingSequence: (day) => incrementTrackingCounter(trx, day),
  findIdempotencyKey: async (scope, key, since) => {
    const row = await trx
      .selectFrom('idempotency_keys')
      .select(['case_id', 'request_hash', 'access_code'])
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('created_at', '>=', since)
      .executeTakeFirst();
    return row ? { caseId: row.case_id, requestHash: row.request_hash, accessCode: row.access_code } : null;
  },
  claimIdempotencyKey: async (k) => {
    // A concurrent request with the same key makes this wait until it commits (then: taken) or rolls back.
    const row = await trx
      .insertInto('idempotency_keys')
      .values({ scope: k.scope, key: k.key, request_hash: k.requestHash, case_id: k.caseId, access_code: k.accessCode, created_at: k.at })
      .onConflict((oc) =>
        oc
          .columns(['scope', 'key'])
          .doUpdateSet({ request_hash: k.requestHash, case_id: k.caseId, access_code: k.accessCode, created_at: k.at })
          .where('idempotency_keys.created_at', '<', k.expiredBefore),
      )
      .returning('case_id')
      .executeTakeFirst();
    return row !== undefined;
  },
  createCase: async (registration) => {
    const [written] = await insertRegistrations(trx, [registration]);
    if (!written) throw new Error('the new case was not returned');
    return written;
  },
  updateCase: async (id, patch, at) => {
    await withWorkflow(trx).updateTable('cases').set({ ...toUpdate(patch), updated_at: at }).where('id', '=', id).execute();
  },
  insertAssignment: async (a) => {
    await trx
      .insertInto('case_assignments')
      .values({ case_id: a.caseId, unit_id: a.unitId, role: a.role, status: 'pending', assigned_by: a.assignedBy, assigned_at: a.at })
      .execute();
  },
  updateAssignment: async (id, patch) => {
    await trx
      .updateTable('case_assignments')
      .set({ status: patch.status, ...(patch.acceptedAt ? { accepted_at: patch.acceptedAt } : {}), ...(patch.endedAt ? { ended_at: patch.endedAt } : {}) })
      .where('id', '=', id)
      .execute();
  },
  appendEvent: (itemKind, itemId, e) => appendWorkItemEvent(trx, itemKind, itemId, e),
  policyFor: (input) => policyForCase(trx, input),
  calendarFor: (unitId) => calendarForUnit(trx, unitId),
  scheduleJobs: (jobs) => enqueueJobs(trx, jobs),
});
