import type { Actor, UserActor } from '../auth/actor.js';
import { AppError } from '../shared/app-error.js';
import { canSeeCase, planCaseTransitionOrThrow } from './case-workflow.js';
import type { CaseDeps } from './case.ports.js';
import { toSnapshot, type CaseRecord } from './case.record.js';
import type { ActionInput, ActionSchemas } from './case.schemas.js';
import type { CaseAction } from './case.types.js';
import type { ActionHandler } from './actions/action-context.js';
import { acceptCase } from './actions/accept.js';
import { dispatchCase } from './actions/dispatch.js';
import { returnCase } from './actions/return.js';
import { transferCase } from './actions/transfer.js';
import {
  closeCase, contributeToCase, decideExtension, mergeCase, noteCase, recordCallback, recordConsent, rejectCase, protectIdentity,
  replyToCase, requestExtension, resolveOnIntake, superviseCase, urgeCase, respondToSupervision, concludeSupervision,
} from './actions/simple-actions.js';
import { decideReopen, reopenCase, requestReopen } from './actions/reopen-policy.js';
import { holdCase, resumeCase } from './actions/hold.js';

type Handlers = { [A in CaseAction]: ActionHandler<A> };

const HANDLERS: Handlers = {
  dispatch: dispatchCase,
  accept: acceptCase,
  return: returnCase,
  transfer: transferCase,
  note: noteCase,
  contribute: contributeToCase,
  reply: replyToCase,
  callback: recordCallback,
  reopen: reopenCase,
  close: closeCase,
  reject: rejectCase,
  'resolve-on-intake': resolveOnIntake,
  'request-extension': requestExtension,
  'decide-extension': decideExtension,
  supervise: superviseCase,
  merge: mergeCase,
  urge: urgeCase,
  'respond-supervision': respondToSupervision,
  'conclude-supervision': concludeSupervision,
  'request-reopen': requestReopen,
  'decide-reopen': decideReopen,
  hold: holdCase,
  resume: resumeCase,
  'record-consent': recordConsent,
  'protect-identity': protectIdentity,
};

/**
 * Who may take an action: the system acts only to dispatch (auto-dispatch); every other step is a person's, with
 * a name on the timeline.
 */
export type ActorOf<A extends CaseAction> = A extends 'dispatch' ? Actor : UserActor;

/**
 * Performs one action on one case: lock the row, check the workflow, apply the action's effect and append
 * the timeline event, all in one transaction. A refusal at any step rolls everything back.
 */
export const performCaseAction = async <A extends CaseAction & keyof ActionSchemas>(
  deps: CaseDeps,
  input: { caseId: string; action: A; actor: ActorOf<A>; body: ActionInput<A> },
): Promise<CaseRecord> => {
  const now = deps.now();
  const actor: Actor = input.actor;
  // The type already allows the system only to dispatch; this guards callers that widen it.
  if (actor.kind === 'system' && input.action !== 'dispatch') throw new Error(`the system may not ${input.action} a case`);
  const { kind: actorKind, userId: actorId } = actor;
  return deps.transaction(async (store) => {
    const record = await store.lockCase(input.caseId);
    // A case outside the caller's scope is reported as missing, so that ids cannot be probed.
    if (!record || !canSeeCase(input.actor, toSnapshot(record))) {
      throw new AppError('case.not_found', 'no such case', { id: input.caseId });
    }
    const plan = planCaseTransitionOrThrow(input.action, toSnapshot(record), input.actor);
    const handler = HANDLERS[input.action] as ActionHandler<A>;
    const effect = await handler({ store, record, actor: input.actor, input: input.body, now, plan });
    if (effect.isUnchanged) return record;
    await store.updateCase(record.id, { ...effect.patch, status: effect.to ?? plan.to }, now);
    if (effect.patch.publicationConsent !== undefined) await store.refreshPublication(record.id, now);
    await store.appendEvent('case', record.id, {
      actorKind,
      actorId,
      code: plan.event,
      fromStatus: plan.from,
      toStatus: plan.to,
      isInternal: effect.isInternal ?? false,
      data: effect.eventData,
      at: now,
    });
    for (const followUp of effect.followUps ?? []) {
      await store.appendEvent('case', record.id, {
        actorKind: followUp.actorKind ?? actorKind,
        actorId: (followUp.actorKind ?? actorKind) === 'user' ? actorId : null,
        code: followUp.code,
        fromStatus: followUp.fromStatus,
        toStatus: followUp.toStatus,
        isInternal: followUp.isInternal ?? false,
        data: followUp.data,
        at: now,
      });
    }
    const updated = await store.findCase(record.id);
    if (!updated) throw new Error('case vanished inside its own transaction');
    return updated;
  });
};
