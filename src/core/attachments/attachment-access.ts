import type { Actor } from '../auth/actor.js';
import { canSeeCase } from '../case/case-workflow.js';
import { toSnapshot, type CaseRecord } from '../case/case.record.js';
import { isValidTrackingNo, normaliseTrackingNo } from '../case/tracking-number.js';
import { AppError } from '../shared/app-error.js';
import { fieldError } from '../shared/field-error.js';
import { hashAccessCode, isSameHash } from '../shared/secrets.js';

/** Who is asking: a staff member (unit scope) or the requester (tracking number + access code). */
export type AttachmentCaller =
  | { kind: 'user'; actor: Actor; caseId: string }
  | { kind: 'requester'; trackingNo: string; accessCode: string };

/** The case the caller may reach; out of scope answers "not found", a wrong code answers like an unknown number. */
export const caseOfCallerOrThrow = async (
  caller: AttachmentCaller,
  find: { byId: (id: string) => Promise<CaseRecord | null>; byTrackingNo: (trackingNo: string) => Promise<CaseRecord | null> },
): Promise<CaseRecord> => {
  if (caller.kind === 'user') {
    const record = await find.byId(caller.caseId);
    if (!record || !canSeeCase(caller.actor, toSnapshot(record))) throw new AppError('case.not_found', 'no such case', { id: caller.caseId });
    return record;
  }
  const trackingNo = normaliseTrackingNo(caller.trackingNo);
  if (!isValidTrackingNo(trackingNo)) throw fieldError('trackingNo', 'the tracking number has a typo (check digit does not match)', 'params');
  const record = await find.byTrackingNo(trackingNo);
  if (!record || !isSameHash(record.accessCodeHash, hashAccessCode(trackingNo, caller.accessCode.trim()))) {
    throw new AppError('case.access_code_invalid', 'unknown tracking number or wrong access code');
  }
  return record;
};

export const actorFields = (caller: AttachmentCaller): { actorId: string | null; actorName: string | null } =>
  caller.kind === 'user' ? { actorId: caller.actor.userId, actorName: caller.actor.username } : { actorId: null, actorName: 'requester' };
