import type { Actor } from '../auth/actor.js';
import { AppError } from '../shared/app-error.js';
import { allowedCaseActions, canSeeCase } from './case-workflow.js';
import type { CaseDeps } from './case.ports.js';
import { toSnapshot, type CaseRecord } from './case.record.js';
import type { CaseAction } from './case.types.js';
import { canSeeRequester } from './identity-protection.js';

/** Reads one case for staff: out-of-scope cases are "not found", so their existence is not disclosed. */
export const getCase = async (
  deps: CaseDeps,
  input: { caseId: string; actor: Actor },
): Promise<{ record: CaseRecord; allowedActions: CaseAction[]; canSeePersonalData: boolean }> => {
  // One statement: it needs no BEGIN and COMMIT around it (two round trips on every case page).
  const record = await (deps.read ?? deps.transaction)((store) => store.findCase(input.caseId));
  if (!record || !canSeeCase(input.actor, toSnapshot(record))) {
    throw new AppError('case.not_found', 'no such case', { id: input.caseId });
  }
  return {
    record,
    allowedActions: allowedCaseActions(toSnapshot(record), input.actor),
    // A protected requester is withheld from the handling units even from those allowed personal data.
    canSeePersonalData: canSeeRequester(input.actor, record),
  };
};
