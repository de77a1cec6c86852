import type { Actor } from '../auth/actor.js';
import { hasPermission } from '../auth/actor.js';
import { AppError } from '../shared/app-error.js';
import { fieldError } from '../shared/field-error.js';
import { hashAccessCode, newAccessCode } from '../shared/secrets.js';
import type { CaseDeps, CaseStore } from './case.ports.js';
import type { CaseRecord } from './case.record.js';
import type { RegisterCaseInput } from './case.schemas.js';
import type { Channel } from './case.types.js';
import { chinaDay, formatTrackingNo } from './tracking-number.js';

export type RegisteredCase = { record: CaseRecord; accessCode: string };

type Intake = Omit<RegisterCaseInput, 'channel'> & { channel: Channel };

/** Shared by staff intake and the public form: one tracking number, one access code, one first event. */
export const insertNewCase = async (
  store: CaseStore,
  intake: Intake,
  context: { actorId: string | null; actorKind: 'user' | 'requester'; intakeUnitId: string; now: Date },
): Promise<RegisteredCase> => {
  if (intake.categoryId) {
    const category = await store.findCategory(intake.categoryId);
    if (!category || !category.isActive) throw fieldError('categoryId', 'no active category with this id');
  }
  const requester = intake.requester;
  const requesterId = requester
    ? await store.insertRequester({
        name: requester.name ?? null,
        phone: requester.phone ?? null,
        idNumber: requester.idNumber?.toUpperCase() ?? null,
        email: requester.email ?? null,
        language: requester.language,
      })
    : null;
  const day = chinaDay(context.now);
  const trackingNo = formatTrackingNo(day, await store.nextTrackingSequence(day));
  const accessCode = newAccessCode();
  const id = await store.insertCase({
    trackingNo,
    accessCodeHash: hashAccessCode(trackingNo, accessCode),
    channel: intake.channel,
    kind: intake.kind,
    title: intake.title,
    description: intake.description,
    language: requester?.language ?? 'zh-Hans',
    categoryId: intake.categoryId ?? null,
    requesterId,
    intakeUnitId: context.intakeUnitId,
    address: intake.address ?? null,
    lat: intake.lat ?? null,
    lng: intake.lng ?? null,
    amountClaimedFen: intake.amountClaimedFen ?? null,
    createdBy: context.actorId,
    at: context.now,
  });
  // Only a requester who can be reached gets the code by message; for the others it is never kept.
  if (requester?.phone || requester?.email) await store.stashAccessCode(id, accessCode);
  await store.appendEvent('case', id, {
    actorKind: context.actorKind,
    actorId: context.actorId,
    code: 'case.registered',
    fromStatus: null,
    toStatus: 'registered',
    isInternal: false,
    data: { channel: intake.channel, kind: intake.kind },
    at: context.now,
  });
  const record = await store.findCase(id);
  if (!record) throw new Error('case vanished inside its own transaction');
  return { record, accessCode };
};

export const registerCase = async (deps: CaseDeps, input: { actor: Actor; body: RegisterCaseInput }): Promise<RegisteredCase> => {
  if (!hasPermission(input.actor, 'case.create')) throw new AppError('auth.forbidden', 'missing permission case.create');
  const now = deps.now();
  return deps.transaction((store) =>
    insertNewCase(store, input.body, { actorId: input.actor.userId, actorKind: 'user', intakeUnitId: input.actor.unitId, now }),
  );
};
