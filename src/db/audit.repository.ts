import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { createMicroBatcher, type BatchOutcome } from '../core/shared/micro-batcher.js';
import type { Db, DbOrTrx } from './database.js';

export type AuditEntry = {
  at: Date;
  actorId: string | null;
  actorName: string | null;
  ip: string | null;
  userAgent: string | null;
  action: string;
  subjectKind: string | null;
  subjectId: string | null;
  outcome: string;
  data: Record<string, unknown>;
};

const auditRow = (e: AuditEntry) => ({
  at: e.at, actor_id: e.actorId, actor_name: e.actorName, ip: e.ip, user_agent: e.userAgent?.slice(0, 300) ?? null,
  action: e.action, subject_kind: e.subjectKind, subject_id: e.subjectId, outcome: e.outcome, data: JSON.stringify(e.data),
});

export const appendAudit = async (db: DbOrTrx, e: AuditEntry): Promise<void> => {
  await db.insertInto('audit_log').values(auditRow(e)).execute();
};

export type AuditWriter = {
  /** Resolves once the entry has committed, together with the entries written at the same moment. */
  append: (e: AuditEntry) => Promise<void>;
  /** Resolves when every entry appended so far has been written (or has failed). */
  settled: () => Promise<void>;
};

/**
 * The audit entries of requests that end together, written with one statement and one commit: every change
 * writes one, after its answer, and a commit each was a WAL flush each. The order of the entries is kept, and
 * an entry that cannot be written is retried alone so that it does not take the others with it.
 */
export const createAuditWriter = (db: Db): AuditWriter => {
  const pending = new Set<Promise<void>>();
  const batcher = createMicroBatcher<AuditEntry, void>({
    maxBatch: 200,
    maxInFlight: 1,
    run: async (entries) => {
      try {
        await db.insertInto('audit_log').values(entries.map(auditRow)).execute();
        return entries.map(() => ({ ok: true, value: undefined }));
      } catch (error) {
        if (entries.length === 1) return [{ ok: false, error }];
        // One after the other, so that the entries keep their order in the chain.
        const outcomes: BatchOutcome<void>[] = [];
        for (const e of entries) {
          outcomes.push(
            await appendAudit(db, e).then(
              () => ({ ok: true as const, value: undefined }),
              (entryError: unknown) => ({ ok: false as const, error: entryError }),
            ),
          );
        }
        return outcomes;
      }
    },
  });
  return {
    append: (e) => {
      const written = batcher.submit(e);
      pending.add(written);
      written.then(
        () => pending.delete(written),
        () => pending.delete(written),
      );
      return written;
    },
    settled: async () => {
      // First a turn of the event loop: a request just answered may not have reached its audit hook yet.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await Promise.allSettled([...pending]);
    },
  };
};

type AuditRow = {
  id: string; at: Date; actor_id: string | null; actor_name: string | null; ip: string | null; user_agent: string | null;
  action: string; subject_kind: string | null; subject_id: string | null; outcome: string; data: Record<string, unknown>;
};

/** The hashed content of an entry: every field that matters, in a fixed order. */
const canonical = (r: AuditRow): string =>
  JSON.stringify([r.id, r.at.toISOString(), r.actor_id, r.actor_name, r.ip, r.user_agent, r.action, r.subject_kind, r.subject_id, r.outcome, r.data]);

export const chainHash = (prevHash: string, r: AuditRow): string => createHash('sha256').update(prevHash).update('\n').update(canonical(r)).digest('hex');

export const GENESIS_HASH = '0'.repeat(64);
const CHAIN_LOCK = 7_312_002;

/**
 * Seals committed entries into the chain. One chainer at a time (transaction advisory lock), so the chain is
 * a single sequence even with several server processes; entries are sealed in the order they became visible.
 */
export const sealAuditEntries = async (db: Db, limit = 1000): Promise<number> =>
  db.transaction().execute(async (trx) => {
    const locked = await sql<{ ok: boolean }>`SELECT pg_try_advisory_xact_lock(${CHAIN_LOCK}) AS ok`.execute(trx);
    if (!locked.rows[0]?.ok) return 0;
    const head = await trx.selectFrom('audit_log').select(['chain_seq', 'hash']).where('chain_seq', 'is not', null).orderBy('chain_seq', 'desc').limit(1).executeTakeFirst();
    let seq = head ? Number(head.chain_seq) : 0;
    let prev = head?.hash ?? GENESIS_HASH;
    const rows = await trx
      .selectFrom('audit_log')
      .select(['id', 'at', 'actor_id', 'actor_name', 'ip', 'user_agent', 'action', 'subject_kind', 'subject_id', 'outcome', 'data'])
      .where('chain_seq', 'is', null)
      .orderBy('id')
      .limit(limit)
      .execute();
    for (const r of rows) {
      const row = { ...r, id: String(r.id) };
      seq += 1;
      const hash = chainHash(prev, row);
      await trx.updateTable('audit_log').set({ chain_seq: String(seq), prev_hash: prev, hash }).where('id', '=', row.id).execute();
      prev = hash;
    }
    return rows.length;
  });

export type AuditVerification = { entries: number; isIntact: boolean; firstBreak: { chainSeq: number; id: string; reason: string } | null; unsealed: number };

/** Walks the chain from the start and reports the first entry whose hash or link does not match. */
export const verifyAuditChain = async (db: DbOrTrx): Promise<AuditVerification> => {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let entries = 0;
  let lastSeq = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .select(['id', 'at', 'actor_id', 'actor_name', 'ip', 'user_agent', 'action', 'subject_kind', 'subject_id', 'outcome', 'data', 'chain_seq', 'prev_hash', 'hash'])
      .where('chain_seq', '>', String(lastSeq))
      .orderBy('chain_seq')
      .limit(5000)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      const seq = Number(r.chain_seq);
      const row = { ...r, id: String(r.id) };
      const fail = (reason: string): AuditVerification => ({ entries, isIntact: false, firstBreak: { chainSeq: seq, id: row.id, reason }, unsealed: 0 });
      if (seq !== expectedSeq) return fail(`entry ${expectedSeq} is missing`);
      if (r.prev_hash !== prev) return fail('the link to the previous entry does not match');
      if (r.hash !== chainHash(prev, row)) return fail('the entry was changed after it was sealed');
      prev = r.hash;
      expectedSeq += 1;
      entries += 1;
      lastSeq = seq;
    }
  }
  const unsealed = Number((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).where('chain_seq', 'is', null).executeTakeFirstOrThrow()).n);
  return { entries, isIntact: true, firstBreak: null, unsealed };
};
