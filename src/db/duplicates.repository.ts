import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database } from './schema.js';
import type { Actor } from '../core/auth/actor.js';
import { OPEN_STATUSES, type CaseStatus } from '../core/case/case.types.js';
import { maskRequester } from '../core/case/mask.js';
import type { DuplicateDeps } from '../core/duplicates/check-duplicates.js';
import { resolveDuplicateSettings, type DuplicateSettings } from '../core/duplicates/duplicate-settings.js';
import type { CandidateWindow, DuplicateProbe, DuplicateStore } from '../core/duplicates/find-duplicates.js';
import { boundingBox, EARTH_RADIUS } from '../core/duplicates/geo.js';
import type { CaseRequesterKeys } from '../core/duplicates/list-repeats.js';
import { dropDuplicateGroups, type RepeatRequesterGroup, type SimilarityEdge } from '../core/duplicates/repeats.js';
import { keyKind, requesterKeys } from '../core/duplicates/requester-key.js';
import type { TermStats } from '../core/duplicates/text-similarity.js';
import type { UnmergeDeps, UnmergeStore } from '../core/duplicates/unmerge-case.js';
import { requestLexemes } from '../core/search/search-document.js';
import { createCaseStore } from './case.repository.js';
import { caseScope, requesterVisibleTo } from './case-query.repository.js';
import { fieldCryptoFor } from './data-keys.js';
import type { Db, DbOrTrx, Trx } from './database.js';
import { appendWorkItemEvent } from './events.repository.js';
import { isSealed, openIdentity } from './requester-crypto.js';

const OPEN = [...OPEN_STATUSES];
/**
 * The statuses of the partial index case_search_open_anchors (migration create_case_anchors), repeated as
 * literals in the query so that the planner can use that index. A case in another status older than the
 * window is not a candidate.
 */
const OPEN_ANCHOR_STATUSES = ['registered', 'dispatched', 'accepted', 'returned'] as const;
/** Merged or excluded cases among the best of the posting table are dropped after: read a few more. */
const POSTINGS_OVERFETCH = 48;

/** Open cases of any age, others if registered within the window; never a case merged away. */
const inWindow = (window: CandidateWindow) =>
  sql<SqlBool>`(s.status <> 'merged' AND (s.status IN (${sql.join(OPEN)}) OR s.created_at BETWEEN ${window.from} AND ${window.to}))`;

const notIn = (ids: readonly string[]) => (ids.length === 0 ? sql<SqlBool>`true` : sql<SqlBool>`NOT (s.case_id = ANY(${[...ids]}::uuid[]))`);

/**
 * The frequencies of common words in a large archive move by a hair in ten minutes, and looking up a
 * request's hundred-odd words is a third of a duplicate check: they are kept in memory, per database handle
 * (a transaction gets none), once the archive has TERM_CACHE_MIN_DOCUMENTS. Rare words, the ones anchors are
 * made of, are always read fresh, and so is everything in a small archive.
 */
const TERM_CACHE_MIN_DOCUMENTS = 10_000;
const TERM_CACHE_MIN_DF = 50;
const TERM_CACHE_TTL_MS = 10 * 60_000;
const TERM_CACHE_MAX = 200_000;
type TermCache = { at: number; documents: number; df: Map<string, number> };
const termCaches = new WeakMap<DbOrTrx, TermCache>();

export const loadTermStats = async (db: DbOrTrx, lexemes: readonly string[], clock: () => number = Date.now): Promise<TermStats> => {
  const at = clock();
  let cache = termCaches.get(db);
  if (cache && at - cache.at > TERM_CACHE_TTL_MS) {
    termCaches.delete(db);
    cache = undefined;
  }
  const df = new Map<string, number>();
  const missing: string[] = [];
  for (const lexeme of new Set(lexemes)) {
    const known = cache?.df.get(lexeme);
    if (known === undefined) missing.push(lexeme);
    else df.set(lexeme, known);
  }
  if (cache && missing.length === 0) return { documents: cache.documents, df };
  const rows = await db
    .selectFrom('search_terms')
    .select(['lexeme', 'df'])
    .where((eb) => (cache ? eb('lexeme', '=', sql<string>`ANY(${missing}::text[])`) : eb.or([eb('lexeme', '=', ''), eb('lexeme', '=', sql<string>`ANY(${missing}::text[])`)])))
    .execute();
  let documents = cache?.documents ?? 0;
  for (const r of rows) {
    if (r.lexeme === '') documents = r.df;
    else df.set(r.lexeme, r.df);
  }
  if (documents >= TERM_CACHE_MIN_DOCUMENTS) {
    if (!cache) {
      cache = { at, documents, df: new Map() };
      termCaches.set(db, cache);
    }
    for (const r of rows) if (r.lexeme !== '' && r.df >= TERM_CACHE_MIN_DF && cache.df.size < TERM_CACHE_MAX) cache.df.set(r.lexeme, r.df);
  }
  return { documents, df };
};

export const createDuplicateStore = (db: DbOrTrx): DuplicateStore => ({
  termStats: (lexemes) => loadTermStats(db, lexemes),

  textCandidates: async ({ anchors, window, excludeIds, limit }) => {
    // Two sources, best first: the cases of the window sharing the most anchor weight, summed from the
    // posting table's index alone (merged and excluded cases dropped after, hence the overfetch); and open
    // cases older than the window, which are candidates at any age, through the GIN index of open cases.
    // Lexemes are unpacked only for the rows kept (OFFSET 0 keeps the planner from reading each document
    // below the sort).
    const hashes = anchors.map((a) => a.hash);
    const weights = anchors.map((a) => a.weight);
    const open = sql.join(OPEN_ANCHOR_STATUSES.map((status) => sql.lit(status)));
    // The lexemes come joined by a control character (they never hold one): splitting a string is many
    // times cheaper for the driver than parsing a text array of a few thousand elements.
    const { rows } = await sql<{ case_id: string; created_at: Date; text_weight: number; lexemes: string }>`
      SELECT t.case_id, t.created_at, t.text_weight, array_to_string(tsvector_to_array(ts_filter(c.document, '{a,b}')), chr(31)) AS lexemes
      FROM (
        SELECT u.case_id, u.created_at, u.text_weight, u.shared FROM (
          SELECT s.case_id, s.created_at, s.text_weight, m.shared
          FROM (
            SELECT p.case_id, sum(a.weight) AS shared, max(p.created_at) AS created_at
            FROM unnest(${hashes}::integer[], ${weights}::float8[]) AS a(hash, weight)
            JOIN case_anchors p ON p.anchor = a.hash AND p.created_at BETWEEN ${window.from} AND ${window.to}
            GROUP BY p.case_id
            ORDER BY shared DESC, created_at DESC
            LIMIT ${limit + POSTINGS_OVERFETCH}
          ) m
          JOIN case_search s ON s.case_id = m.case_id
          WHERE s.status <> 'merged' AND ${notIn(excludeIds)}
          UNION ALL
          SELECT s.case_id, s.created_at, s.text_weight,
            (SELECT sum(a.weight) FROM unnest(${hashes}::integer[], ${weights}::float8[]) AS a(hash, weight) WHERE a.hash = ANY(s.anchors)) AS shared
          FROM case_search s
          WHERE s.anchors && ${hashes}::integer[] AND s.status IN (${open})
            AND NOT (s.created_at BETWEEN ${window.from} AND ${window.to}) AND ${notIn(excludeIds)}
        ) u
        ORDER BY u.shared DESC, u.created_at DESC
        LIMIT ${limit} OFFSET 0
      ) t
      JOIN case_search c ON c.case_id = t.case_id
      ORDER BY t.shared DESC, t.created_at DESC`.execute(db);
    return rows.map((r) => ({ caseId: r.case_id, createdAt: r.created_at, lexemes: r.lexemes === '' ? [] : r.lexemes.split('\u001f'), textWeight: Number(r.text_weight) }));
  },

  requesterCandidates: async ({ keys, window, excludeIds, limit, reader }) => {
    let query = db
      .selectFrom('case_search as s')
      .select(['s.case_id', 's.created_at', 's.requester_keys'])
      .where(sql<SqlBool>`s.requester_keys && ${[...keys]}::text[]`)
      .where(sql<SqlBool>`s.status <> 'merged' AND s.created_at BETWEEN ${window.from} AND ${window.to}`)
      .where(notIn(excludeIds));
    if (reader) {
      query = query.where(({ exists, selectFrom }) =>
        exists(selectFrom('cases').select('cases.id').whereRef('cases.id', '=', 's.case_id').where((c) => requesterVisibleTo(c, reader))),
      );
    }
    const rows = await query.orderBy('s.created_at', 'desc').limit(limit).execute();
    return rows.map((r) => ({ caseId: r.case_id, createdAt: r.created_at, keys: r.requester_keys }));
  },

  nearbyCandidates: async ({ lat, lng, metres, window, excludeIds, limit }) => {
    const box = boundingBox({ lat, lng }, metres);
    const distance = sql<number>`2 * ${EARTH_RADIUS}::float8 * asin(least(1, sqrt(
        power(sin(radians(s.lat - ${lat}::float8) / 2), 2)
        + cos(radians(${lat}::float8)) * cos(radians(s.lat)) * power(sin(radians(s.lng - ${lng}::float8) / 2), 2))))`;
    const { rows } = await sql<{ case_id: string; created_at: Date; distance: number }>`
      SELECT * FROM (
        SELECT s.case_id, s.created_at, ${distance} AS distance
        FROM case_search s
        WHERE s.lat IS NOT NULL
          AND point(s.lng, s.lat) <@ box(point(${box.minLng}::float8, ${box.minLat}::float8), point(${box.maxLng}::float8, ${box.maxLat}::float8))
          AND ${inWindow(window)} AND ${notIn(excludeIds)}
      ) n
      WHERE n.distance <= ${metres}::float8
      ORDER BY n.distance, n.created_at DESC
      LIMIT ${limit}`.execute(db);
    return rows.map((r) => ({ caseId: r.case_id, createdAt: r.created_at, distanceMetres: Number(r.distance) }));
  },
});

/** The ids among these whose case meets the condition. */
const caseIdsWhere = async (db: DbOrTrx, ids: readonly string[], condition: (eb: ExpressionBuilder<Database, 'cases'>) => Expression<SqlBool>): Promise<Set<string>> => {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('cases').select('cases.id').where('cases.id', 'in', [...ids]).where(condition).execute();
  return new Set(rows.map((r) => r.id));
};

/** The ids among these that the actor may see: suggestions never reveal a case outside the caller's scope. */
export const visibleCaseIds = (db: DbOrTrx, actor: Actor, ids: readonly string[]): Promise<Set<string>> =>
  caseIdsWhere(db, ids, (eb) => caseScope(eb, actor));

/** The ids among these whose requester the actor may learn about (not protected, or taken in by their units). */
export const requesterVisibleCaseIds = (db: DbOrTrx, actor: Actor, ids: readonly string[]): Promise<Set<string>> =>
  caseIdsWhere(db, ids, (eb) => requesterVisibleTo(eb, actor));

export const loadTextSetting = async (db: DbOrTrx, key: 'duplicates' | 'suggestions'): Promise<Record<string, unknown> | null> => {
  const row = await db.selectFrom('text_settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value ?? null;
};

export const saveTextSetting = async (db: DbOrTrx, key: 'duplicates' | 'suggestions', value: Record<string, unknown>, userId: string | null, at: Date): Promise<void> => {
  await db
    .insertInto('text_settings')
    .values({ key, value: JSON.stringify(value), updated_by: userId, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_by: userId, updated_at: at }))
    .execute();
};

export const loadDuplicateSettings = async (db: DbOrTrx): Promise<DuplicateSettings> => resolveDuplicateSettings(await loadTextSetting(db, 'duplicates'));

// ---------------------------------------------------------------------------------------------------------
// Probes of existing cases, links, repeats, and the merge history for undoing a merge.

/**
 * A requester's phone, ID number and name in plain text, whether the row holds sealed values (requesters'
 * identity is encrypted at rest, docs/encryption.md) or plain ones written before. The keyring is only
 * loaded when a value is sealed. Requester keys are hashes of these plain values, so a phone typed at
 * intake and a sealed phone in the archive give the same key.
 */
export const openRequesterFields = (
  requesterId: string | null,
  row: { name?: string | null; phone?: string | null; id_number?: string | null },
): { name: string | null; phone: string | null; idNumber: string | null } => {
  const values = [row.name, row.phone, row.id_number];
  if (requesterId === null || !values.some((v) => typeof v === 'string' && isSealed(v))) {
    return { name: row.name ?? null, phone: row.phone ?? null, idNumber: row.id_number ?? null };
  }
  const opened = openIdentity(fieldCryptoFor(), requesterId, row);
  return { name: opened.name, phone: opened.phone, idNumber: opened.idNumber };
};

/** An existing case as a duplicate probe: from its search row, or straight from the case if not indexed yet. */
export const probeOfCase = async (db: DbOrTrx, caseId: string): Promise<DuplicateProbe | null> => {
  const indexed = await db
    .selectFrom('case_search')
    .select(['created_at', 'requester_keys', 'lat', 'lng', sql<string[]>`tsvector_to_array(ts_filter(document, '{a,b}'))`.as('lexemes')])
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  const linkedMerged = await db.selectFrom('cases').select('id').where('master_id', '=', caseId).execute();
  const excludeIds = [caseId, ...linkedMerged.map((m) => m.id)];
  if (indexed) {
    return {
      lexemes: indexed.lexemes,
      requesterKeys: indexed.requester_keys,
      location: indexed.lat !== null && indexed.lng !== null ? { lat: indexed.lat, lng: indexed.lng } : null,
      at: indexed.created_at,
      excludeIds,
    };
  }
  const row = await db
    .selectFrom('cases')
    .leftJoin('requesters as r', 'r.id', 'cases.requester_id')
    .select(['cases.title', 'cases.description', 'cases.lat', 'cases.lng', 'cases.created_at', 'r.id as requester_id', 'r.phone', 'r.id_number'])
    .where('cases.id', '=', caseId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    lexemes: requestLexemes(row.title, row.description),
    requesterKeys: requesterKeys(openRequesterFields(row.requester_id, { phone: row.phone, id_number: row.id_number })),
    location: row.lat !== null && row.lng !== null ? { lat: row.lat, lng: row.lng } : null,
    at: row.created_at,
    excludeIds,
  };
};

export const linkedCaseIds = async (db: DbOrTrx, caseId: string): Promise<Set<string>> => {
  const rows = await db
    .selectFrom('case_links')
    .select(sql<string>`CASE WHEN case_a = ${caseId} THEN case_b ELSE case_a END`.as('other'))
    .where((eb) => eb.or([eb('case_a', '=', caseId), eb('case_b', '=', caseId)]))
    .execute();
  return new Set(rows.map((r) => r.other));
};

export const createDuplicateDeps = (db: Db, now: () => Date): DuplicateDeps => ({
  store: createDuplicateStore(db),
  settings: () => loadDuplicateSettings(db),
  visibleIds: (actor, ids) => visibleCaseIds(db, actor, ids),
  requesterVisibleIds: (actor, ids) => requesterVisibleCaseIds(db, actor, ids),
  probeOfCase: (caseId) => probeOfCase(db, caseId),
  linkedIds: (caseId) => linkedCaseIds(db, caseId),
  now,
});

export type CaseLinkRow = { caseId: string; note: string | null; createdAt: Date; createdBy: string | null };

export const listCaseLinks = async (db: DbOrTrx, caseId: string): Promise<CaseLinkRow[]> => {
  const rows = await db
    .selectFrom('case_links')
    .select([sql<string>`CASE WHEN case_a = ${caseId} THEN case_b ELSE case_a END`.as('other'), 'note', 'created_at', 'created_by'])
    .where((eb) => eb.or([eb('case_a', '=', caseId), eb('case_b', '=', caseId)]))
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ caseId: r.other, note: r.note, createdAt: r.created_at, createdBy: r.created_by }));
};

const pairOf = (a: string, b: string): { case_a: string; case_b: string } => (a < b ? { case_a: a, case_b: b } : { case_a: b, case_b: a });

/** Locks both case rows in id order (the timeline's seq needs the lock; a fixed order cannot deadlock). */
const lockPair = async (trx: Trx, a: string, b: string): Promise<Map<string, { id: string; tracking_no: string }>> => {
  const rows = await trx.selectFrom('cases').select(['id', 'tracking_no']).where('id', 'in', [a, b]).orderBy('id').forNoKeyUpdate().execute();
  return new Map(rows.map((r) => [r.id, r]));
};

/**
 * Links two cases as related, with a timeline entry on each. Returns false when they were linked already.
 * The caller has checked that the actor may see both.
 */
export const linkCases = async (db: Db, input: { caseId: string; otherId: string; note: string | null; actorId: string; at: Date }): Promise<boolean> =>
  db.transaction().execute(async (trx) => {
    const locked = await lockPair(trx, input.caseId, input.otherId);
    const inserted = await trx
      .insertInto('case_links')
      .values({ ...pairOf(input.caseId, input.otherId), kind: 'related', note: input.note, created_by: input.actorId, created_at: input.at })
      .onConflict((oc) => oc.columns(['case_a', 'case_b']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return false;
    for (const [self, other] of [[input.caseId, input.otherId], [input.otherId, input.caseId]] as const) {
      await appendWorkItemEvent(trx, 'case', self, {
        actorKind: 'user', actorId: input.actorId, code: 'case.linked', fromStatus: null, toStatus: null, isInternal: true,
        data: { caseId: other, trackingNo: locked.get(other)?.tracking_no ?? null, note: input.note }, at: input.at,
      });
    }
    return true;
  });

export const unlinkCases = async (db: Db, input: { caseId: string; otherId: string; actorId: string; at: Date }): Promise<boolean> =>
  db.transaction().execute(async (trx) => {
    const locked = await lockPair(trx, input.caseId, input.otherId);
    const pair = pairOf(input.caseId, input.otherId);
    const deleted = await trx.deleteFrom('case_links').where('case_a', '=', pair.case_a).where('case_b', '=', pair.case_b).returning('id').executeTakeFirst();
    if (!deleted) return false;
    for (const [self, other] of [[input.caseId, input.otherId], [input.otherId, input.caseId]] as const) {
      await appendWorkItemEvent(trx, 'case', self, {
        actorKind: 'user', actorId: input.actorId, code: 'case.unlinked', fromStatus: null, toStatus: null, isInternal: true,
        data: { caseId: other, trackingNo: locked.get(other)?.tracking_no ?? null }, at: input.at,
      });
    }
    return true;
  });

/** Requester keys with at least `minCases` cases in the period, within the actor's scope. */
export const repeatRequesterGroups = async (
  db: DbOrTrx,
  actor: Actor,
  input: { from: Date; to: Date; minCases: number; limit: number },
): Promise<RepeatRequesterGroup[]> => {
  const keyed = db
    .selectFrom('cases')
    .innerJoin('case_search as s', 's.case_id', 'cases.id')
    .select(['cases.id', 'cases.status', 'cases.created_at', sql<string>`unnest(s.requester_keys)`.as('key')])
    .where('cases.created_at', '>=', input.from)
    .where('cases.created_at', '<', input.to)
    .where('cases.status', '<>', 'merged')
    .where((eb) => caseScope(eb, actor))
    // Grouping a protected report with the same person's other cases would name its author.
    .where((eb) => requesterVisibleTo(eb, actor));
  const rows = await db
    .selectFrom(keyed.as('k'))
    .select([
      'k.key',
      sql<string>`count(*)`.as('n'),
      sql<string>`count(*) FILTER (WHERE k.status IN (${sql.join(OPEN)}))`.as('open_n'),
      sql<Date>`min(k.created_at)`.as('first_at'),
      sql<Date>`max(k.created_at)`.as('last_at'),
      sql<string[]>`(array_agg(k.id ORDER BY k.created_at DESC))[1:20]`.as('ids'),
    ])
    .groupBy('k.key')
    .having(sql<SqlBool>`count(*) >= ${input.minCases}`)
    .orderBy(sql`count(*)`, 'desc')
    .orderBy(sql`max(k.created_at)`, 'desc')
    .limit(input.limit * 2)
    .execute();
  return dropDuplicateGroups(
    rows.map((r) => ({
      key: r.key,
      via: keyKind(r.key),
      caseIds: r.ids,
      caseCount: Number(r.n),
      openCount: Number(r.open_n),
      firstAt: r.first_at,
      lastAt: r.last_at,
    })),
  ).slice(0, input.limit);
};

/** "Most similar earlier case" links of the cases registered in the period, both ends within scope. */
export const similarityEdges = async (db: DbOrTrx, actor: Actor, input: { from: Date; to: Date }): Promise<SimilarityEdge[]> => {
  const rows = await db
    .selectFrom('case_search as s')
    .innerJoin('cases', 'cases.id', 's.case_id')
    .select(['s.case_id', 's.similar_to', 's.similarity'])
    .where('s.similar_to', 'is not', null)
    .where('cases.created_at', '>=', input.from)
    .where('cases.created_at', '<', input.to)
    .where((eb) => caseScope(eb, actor))
    .execute();
  const targets = await visibleCaseIds(db, actor, [...new Set(rows.flatMap((r) => (r.similar_to ? [r.similar_to] : [])))]);
  return rows.flatMap((r) => (r.similar_to && targets.has(r.similar_to) ? [{ caseId: r.case_id, similarTo: r.similar_to, similarity: Number(r.similarity ?? 0) }] : []));
};

/**
 * Requester keys of cases, for counting distinct requesters in a group, with what identity protection needs to
 * decide, per reader, whose keys may be compared at all (list-repeats.ts).
 */
export const requesterKeysOf = async (db: DbOrTrx, caseIds: readonly string[]): Promise<Map<string, CaseRequesterKeys>> => {
  if (caseIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('case_search as s')
    .innerJoin('cases', 'cases.id', 's.case_id')
    .innerJoin('units as iu', 'iu.id', 'cases.intake_unit_id')
    .select(['s.case_id', 's.requester_keys', 'cases.is_identity_protected', 'iu.path as intake_unit_path'])
    .where('s.case_id', 'in', [...caseIds])
    .execute();
  return new Map(rows.map((r) => [r.case_id, { keys: r.requester_keys, isIdentityProtected: r.is_identity_protected, intakeUnitPath: r.intake_unit_path }]));
};

/**
 * The requester of the latest case of a group, masked (138****1234) as in every list: the list holds up to 200
 * people at once, so the full values stay behind the audited reveal of one case (GET /cases/{id}/requester).
 */
export const maskedRequesterOfCase = async (db: DbOrTrx, caseId: string): Promise<{ name: string | null; phone: string | null; idNumber: string | null } | undefined> => {
  const row = await db
    .selectFrom('cases')
    .innerJoin('requesters as r', 'r.id', 'cases.requester_id')
    .select(['r.id', 'r.name', 'r.phone', 'r.id_number'])
    .where('cases.id', '=', caseId)
    .executeTakeFirst();
  if (!row) return undefined;
  const opened = openRequesterFields(row.id, row);
  const masked = maskRequester({ name: opened.name, phone: opened.phone, idNumber: opened.idNumber, email: null });
  return { name: masked.name, phone: masked.phone, idNumber: masked.idNumber };
};

export const createUnmergeDeps = (db: Db, now: () => Date): UnmergeDeps => ({
  transaction: (fn) =>
    db.transaction().execute((trx) => {
      const store: UnmergeStore = {
        ...createCaseStore(trx),
        lastMerge: async (caseId) => {
          const row = await trx
            .selectFrom('work_item_events')
            .select(['at', 'from_status', sql<string | null>`data->>'masterId'`.as('master_id')])
            .where('item_kind', '=', 'case')
            .where('item_id', '=', caseId)
            .where('code', '=', 'case.merged')
            .orderBy('seq', 'desc')
            .limit(1)
            .executeTakeFirst();
          return row && row.from_status && row.master_id ? { at: row.at, fromStatus: row.from_status as CaseStatus, masterId: row.master_id } : null;
        },
      };
      return fn(store);
    }),
  now,
});
