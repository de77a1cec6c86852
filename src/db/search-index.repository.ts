import { sql } from 'kysely';
import { loadDuplicateSettings, createDuplicateStore, loadTermStats, openRequesterFields } from './duplicates.repository.js';
import type { Db, DbOrTrx, Trx } from './database.js';
import { requesterKeys } from '../core/duplicates/requester-key.js';
import { findDuplicates } from '../core/duplicates/find-duplicates.js';
import { storedAnchors, weighLexemes } from '../core/duplicates/text-similarity.js';
import { caseDocuments, type CaseSearchSource } from '../core/search/search-document.js';

/** Timeline events whose `data.text` is part of what a case says. */
export const TEXT_EVENT_CODES = ['case.noted', 'case.contributed', 'case.replied', 'case.resolved_on_intake', 'case.supervision_responded'] as const;
const REPLY_CODES: ReadonlySet<string> = new Set(['case.replied', 'case.resolved_on_intake']);

export type LoadedSource = Omit<CaseSearchSource, 'facets'> & { lastSeq: number };

/** The searchable text of cases: the row's fields and the texts of their timelines, internal ones marked. */
export const loadSearchSources = async (db: DbOrTrx, caseIds: readonly string[]): Promise<Map<string, LoadedSource>> => {
  type Building = { createdAt: Date; title: string; description: string; address: string | null; replies: string[]; notes: { text: string; isInternal: boolean }[]; lastSeq: number };
  const sources = new Map<string, Building>();
  if (caseIds.length === 0) return sources;
  const cases = await db
    .selectFrom('cases')
    .select(['id', 'title', 'description', 'address', 'reply_text', 'created_at'])
    .where('id', 'in', [...caseIds])
    .execute();
  for (const c of cases) {
    sources.set(c.id, { createdAt: c.created_at, title: c.title, description: c.description, address: c.address, replies: c.reply_text ? [c.reply_text] : [], notes: [], lastSeq: 0 });
  }
  const events = await db
    .selectFrom('work_item_events')
    .select(['item_id', 'seq', 'code', 'is_internal', sql<string | null>`data->>'text'`.as('text')])
    .where('item_kind', '=', 'case')
    .where('item_id', 'in', [...caseIds])
    .orderBy('item_id')
    .orderBy('seq')
    .execute();
  for (const e of events) {
    const source = sources.get(e.item_id);
    if (!source) continue;
    source.lastSeq = Math.max(source.lastSeq, e.seq);
    if (!e.text || !(TEXT_EVENT_CODES as readonly string[]).includes(e.code)) continue;
    if (REPLY_CODES.has(e.code) && !e.is_internal) {
      // The current reply is also on the row; earlier rounds (before a reopen) only in the timeline.
      if (!source.replies.includes(e.text)) source.replies.push(e.text);
    } else {
      source.notes.push({ text: e.text, isInternal: e.is_internal });
    }
  }
  return sources;
};

const sortedUnique = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** Adds one to the document frequency of each lexeme (and of the document count, for a new document). */
const countLexemes = async (trx: Trx, lexemes: readonly string[], delta: 1 | -1): Promise<void> => {
  if (lexemes.length === 0) return;
  // In one fixed order, so that two workers indexing at once lock the rows alike and never deadlock.
  const sorted = sortedUnique(lexemes);
  if (delta === 1) {
    await sql`
      INSERT INTO search_terms (lexeme, df)
      SELECT x, 1 FROM unnest(${sorted}::text[]) AS x ORDER BY x
      ON CONFLICT (lexeme) DO UPDATE SET df = search_terms.df + 1`.execute(trx);
  } else {
    await sql`
      UPDATE search_terms t SET df = greatest(0, t.df - 1)
      FROM (SELECT lexeme FROM search_terms WHERE lexeme = ANY(${sorted}::text[]) ORDER BY lexeme FOR UPDATE) l
      WHERE t.lexeme = l.lexeme`.execute(trx);
  }
};

export type IndexOutcome = 'indexed' | 'unchanged' | 'missing';

/**
 * (Re)builds the search row of one case from its current state, inside the caller's transaction (the
 * event consumer's, so the index and the consumed event commit together). Also keeps the document
 * frequencies that duplicate detection weighs words by, and, when the request text is new, links the case
 * to the most similar earlier one (for the repeat-matters list).
 */
export const indexCase = async (trx: Trx, caseId: string, options: { now: Date; isForced?: boolean }): Promise<IndexOutcome> => {
  // Two workers may get two events of one case at once; the second waits and then sees the first's row.
  await sql`SELECT pg_advisory_xact_lock(hashtext('case_search'), hashtext(${caseId}))`.execute(trx);
  const row = await trx
    .selectFrom('cases')
    .leftJoin('requesters as r', 'r.id', 'cases.requester_id')
    .select([
      'cases.id', 'cases.status', 'cases.created_at', 'cases.lat', 'cases.lng', 'cases.category_id', 'cases.channel', 'cases.kind',
      'cases.intake_unit_id', 'r.id as requester_id', 'r.phone', 'r.id_number',
    ])
    .where('cases.id', '=', caseId)
    .executeTakeFirst();
  if (!row) {
    await trx.deleteFrom('case_search').where('case_id', '=', caseId).execute();
    return 'missing';
  }
  const source = (await loadSearchSources(trx, [caseId])).get(caseId);
  if (!source) return 'missing';
  const previous = await trx
    .selectFrom('case_search')
    .select(['indexed_seq', 'status', sql<string[]>`tsvector_to_array(ts_filter(document, '{a,b}'))`.as('lexemes'), 'similar_to', 'similarity'])
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  if (previous && previous.indexed_seq >= source.lastSeq && previous.status === row.status && !options.isForced) return 'unchanged';

  const assigned = await trx.selectFrom('case_assignments').select('unit_id').where('case_id', '=', caseId).execute();
  const unitIds = [...new Set([row.intake_unit_id, ...assigned.map((a) => a.unit_id)])];
  const documents = caseDocuments({
    ...source,
    facets: { status: row.status, categoryId: row.category_id, channel: row.channel, kind: row.kind, unitIds },
  });
  const lexemes = documents.requestLexemes;
  let similarTo = previous?.similar_to ?? null;
  let similarity = previous?.similarity ?? null;
  let isTextChanged = true;
  if (previous) {
    const before = new Set(previous.lexemes);
    const now = new Set(lexemes);
    const added = lexemes.filter((l) => !before.has(l));
    const removed = previous.lexemes.filter((l) => !now.has(l));
    isTextChanged = added.length > 0 || removed.length > 0;
    await countLexemes(trx, added, 1);
    await countLexemes(trx, removed, -1);
  } else {
    await countLexemes(trx, [...lexemes, ''], 1);
  }
  const stats = await loadTermStats(trx, lexemes);
  const textWeight = weighLexemes(lexemes, stats).norm;

  if (isTextChanged) {
    const settings = await loadDuplicateSettings(trx);
    const [best] = await findDuplicates(
      createDuplicateStore(trx),
      { lexemes, requesterKeys: [], location: null, at: row.created_at, excludeIds: [caseId], isEarlierOnly: true },
      settings,
      { minScore: 0, limit: 1 },
    );
    const bestSimilarity = best?.reasons.find((r) => r.kind === 'similar_text');
    const isSameMatter = best !== undefined && bestSimilarity?.kind === 'similar_text' && bestSimilarity.similarity >= settings.sameMatterSimilarity;
    similarTo = isSameMatter ? best.caseId : null;
    similarity = isSameMatter ? bestSimilarity.similarity : null;
  }

  const values = {
    document: documents.document,
    document_with_internal: documents.documentWithInternal,
    created_at: row.created_at,
    status: row.status,
    category_id: row.category_id,
    channel: row.channel,
    kind: row.kind,
    unit_ids: unitIds,
    requester_keys: requesterKeys(openRequesterFields(row.requester_id, { phone: row.phone, id_number: row.id_number })),
    anchors: storedAnchors(lexemes, stats),
    lat: row.lat,
    lng: row.lng,
    text_weight: textWeight,
    similar_to: similarTo,
    similarity,
    indexed_seq: source.lastSeq,
    indexed_at: options.now,
  };
  await trx
    .insertInto('case_search')
    .values({
      ...values,
      case_id: caseId,
      document: sql<string>`${values.document}::tsvector`,
      document_with_internal: values.document_with_internal === null ? null : sql<string>`${values.document_with_internal}::tsvector`,
    })
    .onConflict((oc) =>
      oc.column('case_id').doUpdateSet({
        ...values,
        document: sql<string>`excluded.document`,
        document_with_internal: sql<string | null>`excluded.document_with_internal`,
      }),
    )
    .execute();
  return 'indexed';
};

/**
 * Rebuilds the whole index, oldest case first (so that each finds its earlier look-alikes), one transaction
 * per case. For operators after a change of tokeniser or user dictionary: `isForced` rewrites unchanged rows.
 */
export const reindexAllCases = async (db: Db, options: { now: () => Date; isForced?: boolean; log?: (message: string) => void }): Promise<number> => {
  let done = 0;
  let after: { createdAt: Date; id: string } | null = null;
  for (;;) {
    let query = db.selectFrom('cases').select(['id', 'created_at']).orderBy('created_at').orderBy('id').limit(500);
    if (after) {
      const a: { createdAt: Date; id: string } = after;
      query = query.where((eb) => eb.or([eb('created_at', '>', a.createdAt), eb.and([eb('created_at', '=', a.createdAt), eb('id', '>', a.id)])]));
    }
    const batch = await query.execute();
    if (batch.length === 0) break;
    for (const c of batch) {
      await db.transaction().execute((trx) => indexCase(trx, c.id, { now: options.now(), isForced: options.isForced }));
      done += 1;
    }
    const last = batch[batch.length - 1];
    if (last) after = { createdAt: last.created_at, id: last.id };
    options.log?.(`reindexed ${done} cases`);
  }
  return done;
};
