import { AppError } from '../shared/app-error.js';
import { fieldError } from '../shared/field-error.js';
import { hashAccessCode, isSameHash } from '../shared/secrets.js';
import type { CaseDeps, CaseStore } from './case.ports.js';
import type { CaseRecord } from './case.record.js';
import type { PublicSubmitInput, RatingInput } from './case.schemas.js';
import type { IdempotencyKey } from './idempotency.js';
import { createOnce, insertNewCase } from './register-case.js';
import { isValidTrackingNo, normaliseTrackingNo } from './tracking-number.js';

/** Public submissions are taken in by the top unit of the deployment, whose dispatchers route them. */
export const submitPublicCase = async (deps: CaseDeps, body: PublicSubmitInput, idempotency?: IdempotencyKey) => {
  const now = deps.now();
  const { record, accessCode, isReplay } = await createOnce(deps, idempotency, now, async (store, trackingSequence) => {
    const root = await store.findRootUnit();
    return insertNewCase(
      store,
      { ...body, channel: 'web', requester: body.requester ? { ...body.requester } : undefined },
      { actorId: null, actorKind: 'requester', intakeUnitId: root.id, now, trackingSequence },
    );
  });
  return { trackingNo: record.trackingNo, accessCode, isReplay: isReplay === true };
};

const findWithAccessCodeOrThrow = async (
  find: (trackingNo: string) => Promise<CaseRecord | null>,
  rawTrackingNo: string,
  accessCode: string,
): Promise<CaseRecord> => {
  const trackingNo = normaliseTrackingNo(rawTrackingNo);
  if (!isValidTrackingNo(trackingNo)) {
    throw fieldError('trackingNo', 'the tracking number has a typo (check digit does not match)', 'params');
  }
  const record = await find(trackingNo);
  // Wrong code and unknown number answer alike, so neither can be probed.
  if (!record || !isSameHash(record.accessCodeHash, hashAccessCode(trackingNo, accessCode.trim()))) {
    throw new AppError('case.access_code_invalid', 'unknown tracking number or wrong access code');
  }
  return record;
};

export const RATEABLE_STATUSES = ['replied', 'callback_done', 'closed'] as const;

export const canRate = (record: CaseRecord): boolean =>
  (RATEABLE_STATUSES as readonly string[]).includes(record.status) && record.ratedAt === null && record.replyText !== null;

export const trackPublicCase = async (
  deps: CaseDeps,
  input: { trackingNo: string; accessCode: string },
): Promise<CaseRecord> =>
  deps.transaction((store: CaseStore) =>
    findWithAccessCodeOrThrow(store.findCaseByTrackingNo, input.trackingNo, input.accessCode),
  );

export const rateCase = async (deps: CaseDeps, input: { trackingNo: string; body: RatingInput }): Promise<CaseRecord> => {
  const now = deps.now();
  return deps.transaction(async (store) => {
    const record = await findWithAccessCodeOrThrow(store.lockCaseByTrackingNo, input.trackingNo, input.body.accessCode);
    if (!canRate(record)) {
      throw new AppError('case.rating_not_allowed', 'this case cannot be rated now', { status: record.status, isRated: record.ratedAt !== null });
    }
    await store.updateCase(
      record.id,
      {
        ratingResolved: input.body.resolved,
        ratingSatisfaction: input.body.satisfaction,
        ratingComment: input.body.comment ?? null,
        ratedAt: now,
      },
      now,
    );
    await store.appendEvent('case', record.id, {
      actorKind: 'requester',
      actorId: null,
      code: 'case.rated',
      fromStatus: record.status,
      toStatus: record.status,
      isInternal: false,
      data: { resolved: input.body.resolved, satisfaction: input.body.satisfaction, comment: input.body.comment ?? null },
      at: now,
    });
    const updated = await store.findCase(record.id);
    if (!updated) throw new Error('case vanished inside its own transaction');
    return updated;
  });
};
