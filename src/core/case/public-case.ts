import { AppError } from '../shared/app-error.js';
import { secondsUntil, windowEndOf, type WindowRule } from '../shared/throttle.js';
import { fieldError } from '../shared/field-error.js';
import { hashAccessCode, isSameHash } from '../shared/secrets.js';
import type { CaseDeps, CaseStore } from './case.ports.js';
import type { CaseRecord } from './case.record.js';
import type { PublicConsentInput, PublicInformationInput, PublicReopenInput, PublicSubmitInput, RatingInput } from './case.schemas.js';
import type { NewEvent } from './case.ports.js';
import { isNotSolved, planReopenRequest, reopenRequestRefusal } from './actions/reopen-policy.js';
import { resumeEffect } from './actions/hold.js';
import type { IdempotencyKey } from './idempotency.js';
import { canRegisterShared, createOnce, insertNewCase, registerShared, replayIdempotent, type IntakeContext } from './register-case.js';
import { isValidTrackingNo, normaliseTrackingNo } from './tracking-number.js';

/**
 * Submissions of the public form per phone number, whatever address they come from (issue 8: limits per identity).
 * The form sends each requester an SMS with the access code, so without it the form could flood a stranger's phone
 * from many addresses; and one person's eleventh complaint of a day is better taken by phone. Counted before the
 * case is registered (submissions sent all at once are counted one by one) and on the phone's blind index.
 */
export const PUBLIC_SUBMISSIONS_PER_PHONE: WindowRule = { limit: 10, windowMs: 24 * 3600_000 };

const phoneLimitError = (retryAfterSeconds: number): AppError =>
  new AppError(
    'rate_limited',
    'too many requests with this phone number in the last 24 hours: try again later, or call the hotline',
    { reason: 'phone_submissions', retryAfterSeconds },
    'errors.rate_limited.phone_submissions',
  );

/** Public submissions are taken in by the top unit of the deployment, whose dispatchers route them. */
export const submitPublicCase = async (deps: CaseDeps, body: PublicSubmitInput, idempotency?: IdempotencyKey) => {
  const now = deps.now();
  const phone = body.requester?.phone;
  const read = deps.read ?? deps.transaction;
  const counted = phone ? await read((store) => store.countPublicSubmission(phone, now, PUBLIC_SUBMISSIONS_PER_PHONE.windowMs)) : null;
  const refund = async () => {
    if (counted) await read((store) => store.refundPublicSubmission(counted));
  };
  if (counted && counted.count > PUBLIC_SUBMISSIONS_PER_PHONE.limit) {
    // A refused submission is not one; and a retry of one that was registered is still answered, even at the
    // limit: its requester may not have the tracking number yet.
    await refund();
    const replay = idempotency ? await replayIdempotent(deps, idempotency, now) : null;
    if (replay) return { trackingNo: replay.record.trackingNo, accessCode: replay.accessCode, isReplay: true };
    throw phoneLimitError(secondsUntil(windowEndOf(counted, PUBLIC_SUBMISSIONS_PER_PHONE), now));
  }
  try {
    const result = await registerPublic(deps, body, now, idempotency);
    if (result.isReplay) await refund();
    return result;
  } catch (error) {
    await refund().catch(() => undefined);
    throw error;
  }
};

const registerPublic = async (deps: CaseDeps, body: PublicSubmitInput, now: Date, idempotency: IdempotencyKey | undefined) => {
  const intake = { ...body, channel: 'web' as const, requester: body.requester ? { ...body.requester } : undefined };
  const context = (intakeUnitId: string): IntakeContext => ({ actorId: null, actorKind: 'requester', intakeUnitId, now });
  // Without a key, a submission shares the registrar's statements with the others arriving at the same time
  // (a campaign's evening rush); the top unit is read first, by a statement of its own.
  const shared =
    idempotency || !deps.read || !canRegisterShared(deps) ? null : await registerShared(deps, intake, context((await deps.read((store) => store.findRootUnit())).id));
  const { record, accessCode, isReplay } =
    shared ??
    (await createOnce(deps, idempotency, now, async (store, trackingSequence) => {
      const root = await store.findRootUnit();
      return insertNewCase(store, intake, { ...context(root.id), trackingSequence });
    }));
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
    // "Not solved" is also a request to reopen, in the requester's words, unless one is pending or too late.
    const request =
      isNotSolved(input.body) && reopenRequestRefusal(record, now) === null
        ? await planReopenRequest({ store, record, now }, { reason: input.body.comment ?? '', source: 'rating' })
        : null;
    await store.updateCase(
      record.id,
      {
        ratingResolved: input.body.resolved,
        ratingSatisfaction: input.body.satisfaction,
        ratingComment: input.body.comment ?? null,
        ratedAt: now,
        ...request?.patch,
      },
      now,
    );
    await store.appendEvent('case', record.id, requesterEvent(record.status, now, 'case.rated', {
      resolved: input.body.resolved, satisfaction: input.body.satisfaction, comment: input.body.comment ?? null,
    }));
    if (request) await appendReopenRequest(store, record, now, request);
    const updated = await store.findCase(record.id);
    if (!updated) throw new Error('case vanished inside its own transaction');
    return updated;
  });
};

const requesterEvent = (status: string, at: Date, code: string, data: Record<string, unknown>, toStatus = status): NewEvent => ({
  actorKind: 'requester', actorId: null, code, fromStatus: status, toStatus, isInternal: false, data, at,
});

const appendReopenRequest = async (
  store: CaseStore,
  record: CaseRecord,
  now: Date,
  request: Awaited<ReturnType<typeof planReopenRequest>>,
): Promise<void> => {
  await store.appendEvent('case', record.id, requesterEvent(record.status, now, 'case.reopen_requested', request.eventData));
  for (const f of request.followUps) {
    await store.appendEvent('case', record.id, { ...requesterEvent(f.fromStatus, now, f.code, f.data, f.toStatus), actorKind: f.actorKind ?? 'system' });
  }
};

const reloadOrThrow = async (store: CaseStore, id: string): Promise<CaseRecord> => {
  const updated = await store.findCase(id);
  if (!updated) throw new Error('case vanished inside its own transaction');
  return updated;
};

/** Can the requester ask to reopen now? For the tracking page's form. */
export const canRequestReopen = (record: CaseRecord, now: Date): boolean => reopenRequestRefusal(record, now) === null;

/**
 * The requester says the reply did not solve it and asks to reopen (重办), on the tracking page. The request
 * waits for a dispatcher's or supervisor's decision; beyond the rounds the policy allows, it goes to supervision.
 */
export const requestReopenPublic = async (deps: CaseDeps, input: { trackingNo: string; body: PublicReopenInput }): Promise<CaseRecord> => {
  const now = deps.now();
  return deps.transaction(async (store) => {
    const record = await findWithAccessCodeOrThrow(store.lockCaseByTrackingNo, input.trackingNo, input.body.accessCode);
    const refusal = reopenRequestRefusal(record, now);
    if (refusal !== null) {
      throw new AppError('case.reopen_not_allowed', `a request to reopen cannot be made now (${refusal})`, { reason: refusal, status: record.status });
    }
    const request = await planReopenRequest({ store, record, now }, { reason: input.body.reason, source: 'requester' });
    await store.updateCase(record.id, request.patch, now);
    await appendReopenRequest(store, record, now, request);
    return reloadOrThrow(store, record.id);
  });
};

/** Statuses in which the requester can still add to the case (until it is finished). */
const OPEN_TO_INFORMATION: readonly string[] = ['registered', 'dispatched', 'accepted', 'returned', 'on_hold', 'replied', 'callback_done'];
export const isOpenToInformation = (status: string): boolean => OPEN_TO_INFORMATION.includes(status);

/**
 * The requester adds information (补充材料) on the tracking page. Kept on the timeline for the staff; a case on
 * hold waiting for it resumes at once, its clocks running again.
 */
export const addInformationPublic = async (deps: CaseDeps, input: { trackingNo: string; body: PublicInformationInput }): Promise<CaseRecord> => {
  const now = deps.now();
  return deps.transaction(async (store) => {
    const record = await findWithAccessCodeOrThrow(store.lockCaseByTrackingNo, input.trackingNo, input.body.accessCode);
    if (!isOpenToInformation(record.status)) {
      throw new AppError('case.information_not_allowed', 'this case is finished: information can no longer be added', { status: record.status });
    }
    await store.appendEvent('case', record.id, requesterEvent(record.status, now, 'case.information_added', { text: input.body.text, wasOnHold: record.status === 'on_hold' }));
    if (record.status === 'on_hold') {
      const effect = await resumeEffect({ store, record, now }, 'requester');
      await store.updateCase(record.id, { ...effect.patch, status: effect.to }, now);
      await store.appendEvent('case', record.id, requesterEvent(record.status, now, 'case.resumed', effect.data, effect.to));
    } else {
      await store.updateCase(record.id, {}, now);
    }
    return reloadOrThrow(store, record.id);
  });
};

/**
 * The requester grants or withdraws consent to publication on the tracking page, at any time (also after the
 * case is closed). The public snapshot is rebuilt in the same transaction, so a withdrawn case is off the
 * open-data portal when the change commits; an unchanged answer writes nothing.
 */
export const setPublicationConsentPublic = async (deps: CaseDeps, input: { trackingNo: string; body: PublicConsentInput }): Promise<CaseRecord> => {
  const now = deps.now();
  return deps.transaction(async (store) => {
    const record = await findWithAccessCodeOrThrow(store.lockCaseByTrackingNo, input.trackingNo, input.body.accessCode);
    if (record.publicationConsent === input.body.consent) return record;
    await store.updateCase(record.id, { publicationConsent: input.body.consent }, now);
    // Off the portal when this commits; the background refresh of the event would come later.
    await store.refreshPublication(record.id, now);
    await store.appendEvent('case', record.id, requesterEvent(record.status, now, 'case.publication_consent_recorded', {
      consent: input.body.consent, previous: record.publicationConsent,
    }));
    return reloadOrThrow(store, record.id);
  });
};
