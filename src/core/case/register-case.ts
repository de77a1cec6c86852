import type { Actor } from '../auth/actor.js';
import { hasPermission } from '../auth/actor.js';
import { AppError } from '../shared/app-error.js';
import { fieldError } from '../shared/field-error.js';
import { hashAccessCode, newAccessCode } from '../shared/secrets.js';
import { isProtectedAtIntake } from './identity-protection.js';
import { IDEMPOTENCY_WINDOW_MS, IdempotencyKeyTaken, type IdempotencyKey } from './idempotency.js';
import type { CaseDeps, CaseRegistration, CaseStore, NewEvent, NewRequester, RegisteredRows } from './case.ports.js';
import type { CaseRecord } from './case.record.js';
import type { RegisterCaseInput } from './case.schemas.js';
import type { Channel } from './case.types.js';
import { chinaDay, formatTrackingNo } from './tracking-number.js';

/**
 * `isReplay`: an earlier request with the same idempotency key created this case (see createOnce).
 * `created`: what the registration wrote besides the case (its first event, the requester as given), so that
 * the answer need not read them back; absent on a replay.
 */
export type RegisteredCase = {
  record: CaseRecord;
  accessCode: string;
  isReplay?: boolean;
  created?: { events: (NewEvent & { id: string; seq: number })[]; requester: NewRequester | null };
};

type Intake = Omit<RegisterCaseInput, 'channel'> & { channel: Channel };

export type IntakeContext = { actorId: string | null; actorKind: 'user' | 'requester'; intakeUnitId: string; now: Date };

/** The rows of a new case, its access code and what the answer may show without reading them back. */
const newRegistration = (intake: Intake, context: IntakeContext, trackingSequence: number) => {
  const requester = intake.requester;
  const trackingNo = formatTrackingNo(chinaDay(context.now), trackingSequence);
  const accessCode = newAccessCode();
  const isIdentityProtected = isProtectedAtIntake(intake.kind, intake.isIdentityProtected);
  const newRequester: NewRequester | null = requester
    ? {
        name: requester.name ?? null,
        phone: requester.phone ?? null,
        idNumber: requester.idNumber?.toUpperCase() ?? null,
        email: requester.email ?? null,
        language: requester.language,
      }
    : null;
  const firstEvent: NewEvent = {
    actorKind: context.actorKind,
    actorId: context.actorId,
    code: 'case.registered',
    fromStatus: null,
    toStatus: 'registered',
    isInternal: false,
    data: {
      channel: intake.channel,
      kind: intake.kind,
      publicationConsent: intake.publicationConsent ?? 'not_asked',
      ...(isIdentityProtected ? { isIdentityProtected } : {}),
    },
    at: context.now,
  };
  const registration: CaseRegistration = {
    requester: newRequester,
    case: {
      trackingNo,
      accessCodeHash: hashAccessCode(trackingNo, accessCode),
      channel: intake.channel,
      kind: intake.kind,
      title: intake.title,
      description: intake.description,
      language: requester?.language ?? 'zh-Hans',
      categoryId: intake.categoryId ?? null,
      intakeUnitId: context.intakeUnitId,
      address: intake.address ?? null,
      lat: intake.lat ?? null,
      lng: intake.lng ?? null,
      amountClaimedFen: intake.amountClaimedFen ?? null,
      publicationConsent: intake.publicationConsent ?? 'not_asked',
      isIdentityProtected,
      createdBy: context.actorId,
      at: context.now,
    },
    firstEvent,
    // Only a requester who can be reached gets the code by message; for the others it is never kept.
    stashedAccessCode: requester?.phone || requester?.email ? accessCode : null,
  };
  const registered = (written: RegisteredRows): RegisteredCase => ({
    record: written.record,
    accessCode,
    created: { events: [{ ...firstEvent, ...written.firstEvent }], requester: newRequester },
  });
  return { registration, registered };
};

const noActiveCategory = () => fieldError('categoryId', 'no active category with this id');

/** Shared by staff intake and the public form: one tracking number, one access code, one first event. */
export const insertNewCase = async (store: CaseStore, intake: Intake, context: IntakeContext & { trackingSequence?: number }): Promise<RegisteredCase> => {
  if (intake.categoryId) {
    const category = await store.findCategory(intake.categoryId);
    if (!category || !category.isActive) throw noActiveCategory();
  }
  const sequence = context.trackingSequence ?? (await store.nextTrackingSequence(chinaDay(context.now)));
  const { registration, registered } = newRegistration(intake, context, sequence);
  return registered(await store.createCase(registration));
};

/**
 * A registration without an idempotency key needs no transaction of its own: it is one statement, which the
 * storage may share with the registrations arriving at the same moment (see CaseDeps.registerCase). Null when
 * the storage offers no such statement.
 */
export const canRegisterShared = (deps: CaseDeps): boolean => deps.registerCase !== undefined && deps.reserveTrackingSequence !== undefined;

export const registerShared = async (deps: CaseDeps, intake: Intake, context: IntakeContext): Promise<RegisteredCase | null> => {
  if (!deps.registerCase || !deps.reserveTrackingSequence) return null;
  const sequence = await deps.reserveTrackingSequence(chinaDay(context.now));
  const { registration, registered } = newRegistration(intake, context, sequence);
  const outcome = await deps.registerCase(registration);
  if ('refusal' in outcome) throw noActiveCategory();
  return registered(outcome);
};

/** Answers a retried request with the case its key created (as it is now) and the access code first given. */
export const replayIdempotent = (deps: CaseDeps, idempotency: IdempotencyKey, now: Date): Promise<RegisteredCase | null> =>
  deps.transaction(async (store) => {
    const found = await store.findIdempotencyKey(idempotency.scope, idempotency.key, new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS));
    if (!found) return null;
    if (found.requestHash !== idempotency.requestHash) {
      throw new AppError('validation.failed', 'this Idempotency-Key was already used for a different request', {
        issues: [{ path: 'headers.idempotency-key', message: 'already used for a different request' }],
      });
    }
    const record = await store.findCase(found.caseId);
    return record ? { record, accessCode: found.accessCode, isReplay: true } : null;
  });

/**
 * Creates a case at most once per idempotency key. The case is inserted and the key recorded in the same
 * transaction, so that they commit together or not at all. If the key is already taken (an earlier attempt
 * committed, or a concurrent one does: the claim waits for it), the transaction rolls back and the answer is
 * the earlier case. Retries are rare, so the first attempt pays one statement, not a look-up beforehand.
 */
export const createOnce = async (
  deps: CaseDeps,
  idempotency: IdempotencyKey | undefined,
  now: Date,
  insert: (store: CaseStore, trackingSequence: number | undefined) => Promise<RegisteredCase>,
): Promise<RegisteredCase> => {
  const trackingSequence = await deps.reserveTrackingSequence?.(chinaDay(now));
  try {
    return await deps.transaction(async (store) => {
      const created = await insert(store, trackingSequence);
      if (!idempotency) return created;
      const expiredBefore = new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS);
      const isClaimed = await store.claimIdempotencyKey({ ...idempotency, caseId: created.record.id, accessCode: created.accessCode, at: now, expiredBefore });
      if (!isClaimed) throw new IdempotencyKeyTaken();
      return created;
    });
  } catch (error) {
    if (!(error instanceof IdempotencyKeyTaken) || !idempotency) throw error;
    const replay = await replayIdempotent(deps, idempotency, now);
    if (!replay) throw error;
    return replay;
  }
};

export const registerCase = async (
  deps: CaseDeps,
  input: { actor: Actor; body: RegisterCaseInput; idempotency?: IdempotencyKey },
): Promise<RegisteredCase> => {
  if (!hasPermission(input.actor, 'case.create')) throw new AppError('auth.forbidden', 'missing permission case.create');
  const now = deps.now();
  const context: IntakeContext = { actorId: input.actor.userId, actorKind: 'user', intakeUnitId: input.actor.unitId, now };
  const shared = input.idempotency ? null : await registerShared(deps, input.body, context);
  return shared ?? createOnce(deps, input.idempotency, now, (store, trackingSequence) => insertNewCase(store, input.body, { ...context, trackingSequence }));
};
