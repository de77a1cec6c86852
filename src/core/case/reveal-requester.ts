import type { UserActor } from '../auth/actor.js';
import { AppError } from '../shared/app-error.js';
import { getCase } from './get-case.js';
import type { CaseDeps } from './case.ports.js';

export type RevealedRequester = { name: string | null; phone: string | null; idNumber: string | null; email: string | null; language: string };

/** Who asked, from where: every reveal and every refused one is in the audit log (issue 8). */
export type RevealContext = { ip: string; userAgent: string | null };

export type RevealEntry = {
  at: Date;
  actorId: string;
  actorName: string;
  ip: string;
  userAgent: string | null;
  caseId: string;
  outcome: 'revealed' | 'none' | 'refused';
  data: Record<string, unknown>;
};

export type RevealDeps = {
  caseDeps: CaseDeps;
  findRequester: (requesterId: string) => Promise<RevealedRequester | undefined>;
  audit: (entry: RevealEntry) => Promise<void>;
  now: () => Date;
};

/**
 * The requester's full personal data for one case, for staff allowed to see it (case pages show it masked).
 * A case out of scope is "not found"; a protected requester outside the intake line is refused, and the attempt
 * audited too: a try from the unit a report accuses is itself worth knowing about (SECURITY.md).
 */
export const revealRequesterOrThrow = async (
  deps: RevealDeps,
  input: { caseId: string; actor: UserActor; context: RevealContext },
): Promise<RevealedRequester | null> => {
  const { record, canSeePersonalData } = await getCase(deps.caseDeps, { caseId: input.caseId, actor: input.actor });
  const entry = { at: deps.now(), actorId: input.actor.userId, actorName: input.actor.username, ...input.context, caseId: record.id };
  if (!canSeePersonalData) {
    await deps.audit({ ...entry, outcome: 'refused', data: { trackingNo: record.trackingNo, reason: 'identity_protected' } });
    throw new AppError('case.identity_protected', "the requester's identity is protected from this unit", { id: record.id });
  }
  const requester = record.requesterId ? await deps.findRequester(record.requesterId) : undefined;
  await deps.audit({ ...entry, outcome: requester ? 'revealed' : 'none', data: { trackingNo: record.trackingNo } });
  return requester ?? null;
};
