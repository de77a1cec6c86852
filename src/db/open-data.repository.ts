import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { PublicationConsent } from '../core/case/case.types.js';
import { buildPublicSnapshot } from '../core/open-data/build-public-snapshot.js';
import type { OpenDataSettings, PublicationPolicy, PublicationRule, PublicationState, PublicStatus, RuleScope } from '../core/open-data/open-data.types.js';
import { afterRefresh, type ServedText } from '../core/open-data/publication-policy.js';
import type { DbOrTrx } from './database.js';
import { fieldCryptoFor } from './data-keys.js';
import { openJoinedRequester } from './requester-crypto.js';

// ---------------------------------------------------------------------------------------------- settings

/** `isForUpdate`: holds the settings row until the transaction ends, so two changes saved together are audited in turn. */
export const loadOpenDataSettings = async (db: DbOrTrx, options: { isForUpdate?: boolean } = {}): Promise<OpenDataSettings> => {
  const query = db.selectFrom('open_data_settings').selectAll().where('id', '=', 1);
  const row = await (options.isForUpdate ? query.forUpdate() : query).executeTakeFirst();
  return {
    defaultPolicy: (row?.default_policy ?? 'auto') as PublicationPolicy,
    isReviewRequired: row?.is_review_required ?? false,
    minCell: row?.min_cell ?? 3,
    gridMetres: row?.grid_metres ?? 200,
  };
};

export const saveOpenDataSettings = async (db: DbOrTrx, s: OpenDataSettings, at: Date): Promise<void> => {
  await db
    .updateTable('open_data_settings')
    .set({ default_policy: s.defaultPolicy, is_review_required: s.isReviewRequired, min_cell: s.minCell, grid_metres: s.gridMetres, updated_at: at })
    .where('id', '=', 1)
    .execute();
};

export const loadPublicationRules = async (db: DbOrTrx): Promise<PublicationRule[]> =>
  (await db.selectFrom('open_data_rules').select(['scope', 'code', 'policy']).orderBy('scope').orderBy('code').execute()).map((r) => ({
    scope: r.scope as RuleScope,
    code: r.code,
    policy: r.policy as PublicationPolicy,
  }));

export const replacePublicationRules = async (db: DbOrTrx, rules: readonly PublicationRule[], at: Date): Promise<void> => {
  await db.deleteFrom('open_data_rules').execute();
  if (rules.length > 0) await db.insertInto('open_data_rules').values(rules.map((r) => ({ ...r, updated_at: at }))).execute();
};

// ---------------------------------------------------------------------------------------------- refresh

const labelsOf = (path: string | null | undefined): string[] => (path ? path.split('.') : []);

/**
 * Recomputes the public snapshot of one case from its current state: deleted when it may never be published
 * (so a case that becomes private, or a rule that tightens, takes it off the portal at its next event or
 * refresh), else inserted or updated. Staff edits and a withdrawal survive the refresh.
 */
/**
 * `publishedAt`: the time a first publication is stamped with, when it is not `now`: a batch refreshes a case
 * once, at its latest event, but publishes it as of its first one, as event-by-event refreshes would.
 */
export const refreshOpenDataCase = async (
  trx: DbOrTrx,
  caseId: string,
  now: Date,
  loaded?: { rules: PublicationRule[]; settings: OpenDataSettings },
  publishedAt: Date = now,
): Promise<'published' | 'pending' | 'withdrawn' | 'removed' | 'missing'> => {
  const c = await trx
    .selectFrom('cases as c')
    .leftJoin('requesters as q', 'q.id', 'c.requester_id')
    .leftJoin('units as iu', 'iu.id', 'c.intake_unit_id')
    .leftJoin('units as lu', 'lu.id', 'c.lead_unit_id')
    .select([
      'c.id', 'c.channel', 'c.kind', 'c.status', 'c.title', 'c.description', 'c.reply_text', 'c.address', 'c.lat', 'c.lng', 'c.category_id',
      'c.created_at', 'c.replied_at', 'c.reply_due_at', 'c.master_id', 'c.publication_consent',
      'q.name as requester_name', 'q.phone as requester_phone', 'q.email as requester_email', 'q.id_number as requester_id_number',
      'q.id as requester_ref', 'iu.path as intake_path', 'lu.path as lead_path',
    ])
    .where('c.id', '=', caseId)
    .executeTakeFirst()
    .then((row) => (row ? openJoinedRequester(fieldCryptoFor(), row, row.requester_ref) : row));
  if (!c) return 'missing';
  const { rules, settings } = loaded ?? (await loadOpenDataInputs(trx));
  const categoryCodes = c.category_id
    ? (
        await sql<{ code: string }>`
          WITH RECURSIVE up AS (
            SELECT id, parent_id, code, 0 AS depth FROM categories WHERE id = ${c.category_id}
            UNION ALL SELECT k.id, k.parent_id, k.code, up.depth + 1 FROM categories k JOIN up ON k.id = up.parent_id WHERE up.depth < 10
          ) SELECT code FROM up ORDER BY depth`.execute(trx)
      ).rows.map((r) => r.code)
    : [];
  const isPrivate = Boolean(await trx.selectFrom('open311_private_cases').select('case_id').where('case_id', '=', caseId).executeTakeFirst());
  const snapshot = buildPublicSnapshot(
    {
      channel: c.channel, kind: c.kind, status: c.status, title: c.title, description: c.description, replyText: c.reply_text,
      address: c.address, lat: c.lat, lng: c.lng, categoryCodes, unitCodes: [...new Set([...labelsOf(c.intake_path), ...labelsOf(c.lead_path)])], isPrivate,
      consent: c.publication_consent as PublicationConsent,
      requester: { names: [c.requester_name], phones: [c.requester_phone], emails: [c.requester_email], idNumbers: [c.requester_id_number] },
    },
    rules,
    settings,
  );
  const current = await trx.selectFrom('open_data_cases').selectAll().where('case_id', '=', caseId).forUpdate().executeTakeFirst();
  if (!snapshot) {
    const hasStaffDecision = current && (current.state === 'withdrawn' || current.edited_title !== null || current.edited_text !== null || current.edited_reply !== null);
    if (!hasStaffDecision) {
      await trx.deleteFrom('open_data_cases').where('case_id', '=', caseId).execute();
      return 'removed';
    }
    // Kept, unserved and uncounted, so that a withdrawal or an edit is not forgotten if the rule is relaxed again.
    await trx
      .updateTable('open_data_cases')
      .set({ policy: 'never', state: current.state === 'withdrawn' ? 'withdrawn' : 'pending', served_title: null, served_text: null, served_reply: null, has_unreviewed_changes: true, updated_at: now })
      .where('case_id', '=', caseId)
      .execute();
    return 'removed';
  }
  const candidate: ServedText = {
    title: current?.edited_title ?? snapshot.title,
    text: current?.edited_text ?? snapshot.text,
    reply: current?.edited_reply ?? snapshot.reply,
  };
  const served = current?.served_title != null && current.served_text != null ? { title: current.served_title, text: current.served_text, reply: current.served_reply } : null;
  const next = afterRefresh({ policy: snapshot.policy, isReviewRequired: settings.isReviewRequired, state: (current?.state ?? null) as PublicationState | null, candidate, served });
  const values = {
    policy: snapshot.policy, state: next.state, category_id: c.category_id, kind: c.kind, district_code: snapshot.districtCode,
    grid_lat: snapshot.gridLat, grid_lng: snapshot.gridLng, status: snapshot.status, registered_at: c.created_at, replied_at: c.replied_at,
    reply_due_at: c.reply_due_at, auto_title: snapshot.title, auto_text: snapshot.text, auto_reply: snapshot.reply,
    served_title: next.served?.title ?? null, served_text: next.served?.text ?? null, served_reply: next.served?.reply ?? null,
    has_unreviewed_changes: next.hasUnreviewedChanges, updated_at: now,
    ...(next.state === 'published' && !current?.published_at ? { published_at: publishedAt } : {}),
  };
  if (current) await trx.updateTable('open_data_cases').set(values).where('case_id', '=', caseId).execute();
  else await trx.insertInto('open_data_cases').values({ case_id: caseId, public_id: randomBytes(6).toString('hex'), ...values }).execute();
  return next.state;
};

/** How many cases one refresh transaction handles; the job continues in a new one after the last id. */
export const REFRESH_BATCH = 500;

/**
 * Refreshes the cases after `afterId` (id order), at most `limit` of them, and returns the last id handled
 * (null when none was left). Used in batches so that a big database is never refreshed in one transaction.
 */
/** The publication rules and settings a snapshot is built with, for refreshing many cases with one read. */
export const loadOpenDataInputs = async (db: DbOrTrx): Promise<{ rules: PublicationRule[]; settings: OpenDataSettings }> => ({
  rules: await loadPublicationRules(db),
  settings: await loadOpenDataSettings(db),
});

export const refreshOpenDataBatch = async (db: DbOrTrx, afterId: string | null, now: Date, limit = REFRESH_BATCH): Promise<string | null> => {
  const loaded = await loadOpenDataInputs(db);
  let q = db.selectFrom('cases').select('id').orderBy('id').limit(limit);
  if (afterId) q = q.where('id', '>', afterId);
  const ids = await q.execute();
  for (const { id } of ids) await refreshOpenDataCase(db, id, now, loaded);
  return ids.at(-1)?.id ?? null;
};

/** Every case again (after a change of rules or settings, or for cases older than the module); tests and tools. */
export const refreshAllOpenData = async (db: DbOrTrx, now: Date): Promise<number> => {
  let count = 0;
  for (let after = await refreshOpenDataBatch(db, null, now); after !== null; after = await refreshOpenDataBatch(db, after, now)) count += 1;
  return count;
};

// ---------------------------------------------------------------------------------------------- public reads

export type PublicCaseFilter = {
  from: Date | null;
  to: Date | null;
  districtCode: string | null;
  categoryId: string | null;
  status: PublicStatus | null;
  q: string | null;
};

export type PublicCaseRow = {
  public_id: string;
  title: string;
  text: string;
  reply: string | null;
  category_id: string | null;
  district_code: string | null;
  status: string;
  registered_at: Date;
  replied_at: Date | null;
  grid_lat: number | null;
  grid_lng: number | null;
};

/** Published cases only, and only their served (reviewed or auto-anonymised) text: the one read of the public list. */
export const listPublishedCases = async (db: DbOrTrx, f: PublicCaseFilter, paging: { limit: number; offset: number }): Promise<{ rows: PublicCaseRow[]; total: number }> => {
  let q = db.selectFrom('open_data_cases').where('state', '=', 'published');
  if (f.from) q = q.where('registered_at', '>=', f.from);
  if (f.to) q = q.where('registered_at', '<', f.to);
  if (f.districtCode) q = q.where('district_code', '=', f.districtCode);
  if (f.categoryId) {
    const categoryId = f.categoryId;
    // A parent category filters on all of its children.
    q = q.where(sql<boolean>`category_id IN (WITH RECURSIVE d AS (SELECT id FROM categories WHERE id = ${categoryId} UNION ALL SELECT k.id FROM categories k JOIN d ON k.parent_id = d.id) SELECT id FROM d)`);
  }
  if (f.status) q = q.where('status', '=', f.status);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) => eb.or([eb('served_title', 'ilike', like), eb('served_text', 'ilike', like)]));
  }
  const total = Number((await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await q
    .select([
      'public_id', 'served_title as title', 'served_text as text', 'served_reply as reply', 'category_id', 'district_code', 'status',
      'registered_at', 'replied_at', 'grid_lat', 'grid_lng',
    ])
    .orderBy('registered_at', 'desc')
    .orderBy('public_id')
    .limit(paging.limit)
    .offset(paging.offset)
    .execute();
  return { rows: rows.map((r) => ({ ...r, title: r.title ?? '', text: r.text ?? '' })), total };
};

export type StatsRow = { district_code: string | null; category_id: string | null; cases: number; replied: number; replied_on_time: number };

/**
 * Counts per district and top-level category over a period, from every case that may be published (pending
 * and withdrawn ones count too: a count names no one, and leaving them out would bias the rates).
 */
export const publicStatistics = async (db: DbOrTrx, from: Date, to: Date): Promise<StatsRow[]> => {
  const result = await sql<{ district_code: string | null; category_id: string | null; cases: string; replied: string; replied_on_time: string }>`
    WITH RECURSIVE roots AS (
      SELECT id, id AS root_id FROM categories WHERE parent_id IS NULL
      UNION ALL SELECT k.id, roots.root_id FROM categories k JOIN roots ON k.parent_id = roots.id
    )
    SELECT o.district_code, r.root_id AS category_id, count(*) AS cases,
      count(*) FILTER (WHERE o.replied_at IS NOT NULL) AS replied,
      count(*) FILTER (WHERE o.replied_at IS NOT NULL AND (o.reply_due_at IS NULL OR o.replied_at <= o.reply_due_at)) AS replied_on_time
    FROM open_data_cases o LEFT JOIN roots r ON r.id = o.category_id
    WHERE o.registered_at >= ${from} AND o.registered_at < ${to} AND o.policy <> 'never'
    GROUP BY 1, 2`.execute(db);
  return result.rows.map((r) => ({ district_code: r.district_code, category_id: r.category_id, cases: Number(r.cases), replied: Number(r.replied), replied_on_time: Number(r.replied_on_time) }));
};

// ---------------------------------------------------------------------------------------------- staff

/** Snapshots of the cases taken in by, or led by, a unit at or under `unitPath` (the reviewer's scope). */
export const listForReview = (db: DbOrTrx, unitPath: string, filter: { state: PublicationState | null; hasUnreviewedChanges: boolean | null }, limit: number) => {
  let q = db
    .selectFrom('open_data_cases as o')
    .innerJoin('cases as c', 'c.id', 'o.case_id')
    .innerJoin('units as iu', 'iu.id', 'c.intake_unit_id')
    .leftJoin('units as lu', 'lu.id', 'c.lead_unit_id')
    .where(sql<boolean>`(iu.path <@ ${unitPath}::ltree OR lu.path <@ ${unitPath}::ltree)`)
    .where('o.policy', '<>', 'never')
    .select([
      'o.case_id', 'o.public_id', 'c.tracking_no', 'o.policy', 'o.state', 'o.category_id', 'o.district_code', 'o.status', 'o.registered_at',
      'o.auto_title', 'o.auto_text', 'o.auto_reply', 'o.edited_title', 'o.edited_text', 'o.edited_reply', 'o.served_title', 'o.served_text',
      'o.served_reply', 'o.has_unreviewed_changes', 'o.reviewed_at', 'o.published_at', 'c.lead_unit_id', 'c.intake_unit_id',
    ])
    .orderBy('o.registered_at', 'desc')
    .limit(limit);
  if (filter.state) q = q.where('o.state', '=', filter.state);
  if (filter.hasUnreviewedChanges !== null) q = q.where('o.has_unreviewed_changes', '=', filter.hasUnreviewedChanges);
  return q.execute();
};

export const findCaseUnitPaths = async (db: DbOrTrx, caseId: string): Promise<{ intakePath: string; leadPath: string | null } | null> => {
  const row = await db
    .selectFrom('cases as c')
    .innerJoin('units as iu', 'iu.id', 'c.intake_unit_id')
    .leftJoin('units as lu', 'lu.id', 'c.lead_unit_id')
    .select(['iu.path as intake_path', 'lu.path as lead_path'])
    .where('c.id', '=', caseId)
    .executeTakeFirst();
  return row ? { intakePath: row.intake_path, leadPath: row.lead_path } : null;
};

export const findOpenDataCaseForUpdate = async (trx: DbOrTrx, caseId: string) => {
  const row = await trx.selectFrom('open_data_cases').selectAll().where('case_id', '=', caseId).where('policy', '<>', 'never').forUpdate().executeTakeFirst();
  return row ? { ...row, state: row.state as PublicationState } : null;
};

export const updateOpenDataCase = async (
  trx: DbOrTrx,
  caseId: string,
  patch: {
    edited_title?: string | null; edited_text?: string | null; edited_reply?: string | null; state?: PublicationState;
    served_title?: string | null; served_text?: string | null; served_reply?: string | null; has_unreviewed_changes?: boolean;
    reviewed_by?: string | null; reviewed_at?: Date | null; published_at?: Date | null; updated_at: Date;
  },
): Promise<void> => {
  await trx.updateTable('open_data_cases').set(patch).where('case_id', '=', caseId).execute();
};
