import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { SUCCESS_OUTCOME_WORDS, type AuditLogQuery, type AuditReadScope } from '../core/audit/audit-log-rules.js';
import type { AuditChainState, AuditLogEntryView, AuditLogStore, AuditRecord } from '../core/audit/audit-log.ports.js';
import { appendAudit, verifyAuditChain } from './audit.repository.js';
import type { Db, DbOrTrx } from './database.js';

/** PostgreSQL side of the audit log's reader (docs/audit.md). */

/** `%` and `_` typed by a reader are letters, not patterns. */
const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A 2xx or 3xx status, or a word of done work: the SQL twin of outcomeClassOf (audit-log-rules.ts). */
const isSuccess = sql<SqlBool>`(a.outcome ~ '^[23][0-9][0-9]$' OR a.outcome IN (${sql.join(SUCCESS_OUTCOME_WORDS.map((w) => sql.lit(w)))}))`;

/** The users whose unit lies within the path now. */
const userIdsWithin = async (db: DbOrTrx, unitPath: string): Promise<string[]> =>
  (await db.selectFrom('users as u').innerJoin('units as un', 'un.id', 'u.unit_id').select('u.id').where(sql<SqlBool>`un.path <@ ${unitPath}::ltree`).execute()).map(
    (r) => r.id,
  );

/**
 * The scope of canReadAuditEntry: the actor's unit now within the reader's, or, for a top-level reader, also no
 * known actor (no actor id, or an id that names no user). A sub-unit's entries are asked for by the ids of its
 * users, given as values: the planner then sees how few entries a small unit has and takes them from the
 * (actor_id, id) index, where a join on the unit path would walk the whole log backwards to find none.
 */
const withinScope = async (db: DbOrTrx, scope: AuditReadScope): Promise<RawBuilder<SqlBool> | null> => {
  if (scope.canSeeActorless) return sql<SqlBool>`(un.path IS NULL OR un.path <@ ${scope.unitPath}::ltree)`;
  const ids = await userIdsWithin(db, scope.unitPath);
  if (ids.length === 0) return null;
  // Also the steps of no actor about these users' accounts (canReadAuditEntry), found by the subject_id index.
  return sql<SqlBool>`(a.actor_id = ANY(${ids}::uuid[]) OR (a.actor_id IS NULL AND a.subject_kind = 'users' AND a.subject_id = ANY(${ids}::text[])))`;
};

/**
 * Entries of the users whose name starts with the text, and entries of no user whose typed name does (failed
 * sign-ins). Users are matched by id, so that the (actor_id, id) index finds their entries, also those that
 * recorded no name (API token refusals).
 */
const actorMatching = async (db: DbOrTrx, text: string): Promise<RawBuilder<SqlBool>> => {
  const pattern = `${escapeLike(text.toLowerCase())}%`;
  const ids = (await db.selectFrom('users').select('id').where(sql<SqlBool>`lower(username) LIKE ${pattern}`).execute()).map((r) => r.id);
  const claimed = sql<SqlBool>`(a.actor_id IS NULL AND lower(a.actor_name) LIKE ${pattern})`;
  return ids.length === 0 ? claimed : sql<SqlBool>`(a.actor_id = ANY(${ids}::uuid[]) OR ${claimed})`;
};

export const searchAuditEntries = async (
  db: DbOrTrx,
  query: AuditLogQuery & { scope: AuditReadScope; take: number },
): Promise<AuditLogEntryView[]> => {
  const { filter } = query;
  const scope = await withinScope(db, query.scope);
  if (scope === null) return [];
  const actorCondition = filter.actor === undefined ? null : await actorMatching(db, filter.actor);
  const rows = await db
    .selectFrom('audit_log as a')
    .leftJoin('users as u', 'u.id', 'a.actor_id')
    .leftJoin('units as un', 'un.id', 'u.unit_id')
    .leftJoin('users as su', (join) =>
      join.on(sql<SqlBool>`a.actor_id IS NULL AND a.subject_kind = 'users' AND su.id::text = a.subject_id`))
    .leftJoin('units as sun', 'sun.id', 'su.unit_id')
    .select([
      'a.id', 'a.at', 'a.actor_id', 'a.actor_name', 'a.ip', 'a.user_agent', 'a.action', 'a.subject_kind', 'a.subject_id', 'a.outcome', 'a.data',
      'a.chain_seq', 'u.username', 'u.display_name', 'un.path as unit_path', 'sun.path as subject_user_unit_path',
    ])
    .where(scope)
    .$if(query.before !== null, (q) => q.where('a.id', '<', query.before ?? '0'))
    .$if(filter.from !== undefined, (q) => q.where('a.at', '>=', filter.from ?? new Date(0)))
    .$if(filter.to !== undefined, (q) => q.where('a.at', '<=', filter.to ?? new Date(0)))
    .$if(actorCondition !== null, (q) => q.where(actorCondition ?? sql<SqlBool>`false`))
    .$if(filter.action !== undefined, (q) => q.where(sql<SqlBool>`lower(a.action) LIKE ${`%${escapeLike((filter.action ?? '').toLowerCase())}%`}`))
    .$if(filter.subjectKind !== undefined, (q) => q.where('a.subject_kind', '=', filter.subjectKind ?? ''))
    .$if(filter.subjectId !== undefined, (q) => q.where('a.subject_id', 'in', [filter.subjectId ?? '', ...(filter.subjectIdAliases ?? [])]))
    .$if(filter.ip !== undefined, (q) => q.where('a.ip', '=', filter.ip ?? ''))
    .$if(filter.outcome === 'success', (q) => q.where(isSuccess))
    .$if(filter.outcome === 'refused', (q) => q.where(sql<SqlBool>`NOT ${isSuccess}`))
    .orderBy('a.id', 'desc')
    .limit(query.take)
    .execute();
  return rows.map((r) => ({
    id: String(r.id),
    at: r.at,
    actor: r.actor_id ? { id: r.actor_id, username: r.actor_name ?? r.username ?? '', displayName: r.display_name ?? null } : null,
    claimedUsername: r.actor_id ? null : r.actor_name,
    actorUnitPath: r.unit_path ?? null,
    subjectUserUnitPath: r.subject_user_unit_path ?? null,
    ip: r.ip,
    userAgent: r.user_agent,
    action: r.action,
    subjectKind: r.subject_kind,
    subjectId: r.subject_id,
    outcome: r.outcome,
    data: r.data,
    chainSeq: r.chain_seq === null ? null : Number(r.chain_seq),
  }));
};

export const countUnsealedAuditEntries = async (db: DbOrTrx): Promise<number> =>
  Number((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).where('chain_seq', 'is', null).executeTakeFirstOrThrow()).n);

/** The chain as verifyAuditChain walks it, with the unsealed entries counted also when it is broken. */
export const auditChainState = async (db: DbOrTrx): Promise<AuditChainState> => {
  const verified = await verifyAuditChain(db);
  return { ...verified, unsealed: verified.isIntact ? verified.unsealed : await countUnsealedAuditEntries(db) };
};

export const createAuditLogStore = (db: Db): AuditLogStore => ({
  search: (query) => searchAuditEntries(db, query),
  verifyChain: () => auditChainState(db),
  record: (entry: AuditRecord) => appendAudit(db, entry),
});
