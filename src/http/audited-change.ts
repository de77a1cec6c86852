import type { FastifyRequest } from 'fastify';
import type { UserActor } from '../core/auth/actor.js';
import { appendAudit } from '../db/audit.repository.js';
import type { Db, Trx } from '../db/database.js';

/** What a change says about itself in the audit log; who made it, from where and when come from the request. */
export type ChangeAuditEntry = {
  /** A code of the change's own (`user.updated`, `api_token.revoked`), not the route. */
  action: string;
  subjectKind: string;
  subjectId: string;
  data: Record<string, unknown>;
};

/**
 * Runs a change and writes its audit entry in the same transaction, as the acting person with the request's
 * address and browser: the change and its entry commit together or not at all. The request hook's entry,
 * written after the answer (refusals too), is best effort and may be lost with the process; this one cannot be.
 * `entryOf` answers null when the step changed nothing (an account already enabled), so that nothing is told.
 */
export const inAuditedTransaction = <T>(
  db: Db,
  request: FastifyRequest,
  actor: UserActor,
  now: () => Date,
  change: (trx: Trx) => Promise<T>,
  entryOf: (result: T) => ChangeAuditEntry | null,
): Promise<T> =>
  db.transaction().execute(async (trx) => {
    const result = await change(trx);
    const entry = entryOf(result);
    if (entry) {
      await appendAudit(trx, {
        at: now(),
        actorId: actor.userId,
        actorName: actor.username,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        action: entry.action,
        subjectKind: entry.subjectKind,
        subjectId: entry.subjectId,
        outcome: 'done',
        // As in the request hook: a change made with an API token says which token.
        data: { ...entry.data, ...(actor.apiToken ? { apiToken: actor.apiToken.prefix } : {}) },
      });
    }
    return result;
  });
