import { isPathWithin, type Actor } from '../auth/actor.js';
import type { Permission } from '../auth/roles.js';
import { allowedActions, planTransitionOrThrow, type WorkflowDefinition } from '../workflow/engine.js';
import {
  CASE_STATUSES,
  isActiveAssignment,
  type AssignmentSnapshot,
  type CaseAction,
  type CaseSnapshot,
  type CaseStatus,
} from './case.types.js';
import { isAtIntakeOf } from './identity-protection.js';

const covers = (actor: Actor, unitPath: string): boolean => isPathWithin(actor.unitPath, unitPath);

/** A case is visible to staff whose unit covers the unit that took it in, or any unit it was ever assigned to. */
export const canSeeCase = (actor: Actor, item: CaseSnapshot): boolean =>
  covers(actor, item.intakeUnitPath) || item.assignments.some((a) => covers(actor, a.unitPath));

const isVisible = (item: CaseSnapshot, actor: Actor): boolean => canSeeCase(actor, item);

/** The active assignment the actor acts for: the lead one first, so a unit covering both acts as lead. */
export const assignmentOfActor = (
  actor: Actor,
  item: CaseSnapshot,
  filter: (a: AssignmentSnapshot) => boolean = () => true,
): AssignmentSnapshot | undefined => {
  const mine = item.assignments.filter((a) => isActiveAssignment(a) && filter(a) && covers(actor, a.unitPath));
  return mine.find((a) => a.role === 'lead') ?? mine[0];
};

export const leadAssignment = (item: CaseSnapshot): AssignmentSnapshot | undefined =>
  item.assignments.find((a) => a.role === 'lead' && isActiveAssignment(a));

const isLeadActor = (item: CaseSnapshot, actor: Actor): boolean => assignmentOfActor(actor, item)?.role === 'lead';

const BEFORE_REPLY: readonly CaseStatus[] = ['registered', 'dispatched', 'accepted', 'returned'];
const NOT_FINISHED: readonly CaseStatus[] = [...BEFORE_REPLY, 'on_hold', 'replied', 'callback_done'];
/** A reply was given: a request to reopen may be pending (for a closed case, made within the window). */
const ANSWERED: readonly CaseStatus[] = ['replied', 'callback_done', 'closed'];
/** Statuses a case may be put on hold from, waiting on the requester. */
export const HOLDABLE: readonly CaseStatus[] = ['registered', 'returned', 'accepted'];

/**
 * Who may put a case on hold (and resume it): while the unit handles it, the lead unit's staff (who may
 * reply); before dispatch, the intake desk (who may dispatch, in a unit covering the intake unit). Everyone
 * with `case.note` has the permission; this is where the one who handles the case at that step is chosen.
 */
const isHoldKeeper = (item: CaseSnapshot, actor: Actor, status: CaseStatus | null): boolean =>
  status === 'accepted'
    ? actor.permissions.has('case.reply') && assignmentOfActor(actor, item, (a) => a.role === 'lead') !== undefined
    : actor.permissions.has('case.dispatch') && covers(actor, item.intakeUnitPath);

/** Back to the unit that handled it; a case answered at intake has none and goes back to dispatch. */
export const reopenTarget = (item: CaseSnapshot): CaseStatus =>
  item.assignments.some((a) => a.role === 'lead' && a.status === 'done') ? 'dispatched' : 'registered';

export const caseWorkflow: WorkflowDefinition<CaseStatus, CaseAction, CaseSnapshot, Actor> = {
  kind: 'case',
  states: CASE_STATUSES,
  initial: 'registered',
  terminal: ['closed', 'rejected', 'merged'],
  statusOf: (item) => item.status,
  permissionsOf: (actor) => actor.permissions as ReadonlySet<string>,
  actions: {
    dispatch: {
      from: ['registered', 'returned'],
      to: 'dispatched',
      permission: 'case.dispatch' satisfies Permission,
      isInScope: isVisible,
      event: 'case.dispatched',
    },
    accept: {
      from: ['dispatched', 'accepted'],
      // The lead unit's acceptance starts the handling; an assisting unit's only marks its own part.
      to: (item, actor) => (assignmentOfActor(actor, item, (a) => a.status === 'pending')?.role === 'lead' ? 'accepted' : item.status),
      permission: 'case.accept',
      isInScope: (item, actor) => assignmentOfActor(actor, item) !== undefined,
      guard: (item, actor) =>
        assignmentOfActor(actor, item, (a) => a.status === 'pending') ? null : 'your unit has already accepted this case',
      event: 'case.accepted',
    },
    return: {
      from: ['dispatched', 'accepted'],
      to: (item, actor) => (isLeadActor(item, actor) ? 'returned' : item.status),
      permission: 'case.return',
      isInScope: (item, actor) => assignmentOfActor(actor, item) !== undefined,
      event: 'case.returned',
    },
    transfer: {
      from: ['dispatched', 'accepted'],
      to: 'dispatched',
      permission: 'case.transfer',
      // Dispatchers transfer anything they took in; a unit leader only what its unit leads.
      isInScope: (item, actor) =>
        covers(actor, item.intakeUnitPath) || assignmentOfActor(actor, item, (a) => a.role === 'lead') !== undefined,
      event: 'case.transferred',
    },
    note: {
      from: NOT_FINISHED,
      to: (item) => item.status,
      permission: 'case.note',
      isInScope: isVisible,
      event: 'case.noted',
    },
    contribute: {
      from: ['dispatched', 'accepted'],
      to: (item) => item.status,
      permission: 'case.contribute',
      isInScope: (item, actor) => assignmentOfActor(actor, item, (a) => a.role === 'assisting') !== undefined,
      event: 'case.contributed',
    },
    reply: {
      from: ['accepted'],
      to: 'replied',
      permission: 'case.reply',
      isInScope: (item, actor) => assignmentOfActor(actor, item, (a) => a.role === 'lead') !== undefined,
      event: 'case.replied',
    },
    callback: {
      from: ['replied'],
      to: 'callback_done',
      permission: 'case.callback',
      isInScope: isVisible,
      event: 'case.callback_recorded',
    },
    reopen: {
      // Staff's own decision (a supervisor finds the reply inadequate); the round limit applies as well.
      from: ['replied', 'callback_done'],
      to: reopenTarget,
      permission: 'case.reopen',
      isInScope: isVisible,
      event: 'case.reopened',
    },
    close: {
      from: ['replied', 'callback_done'],
      to: 'closed',
      permission: 'case.close',
      isInScope: isVisible,
      // The requester asked to reopen: that is decided first, closing does not answer it.
      guard: (item) => (item.hasPendingReopen ? 'a request to reopen is pending: decide it first' : null),
      event: 'case.closed',
    },
    reject: {
      from: ['registered', 'returned'],
      to: 'rejected',
      permission: 'case.reject',
      isInScope: isVisible,
      event: 'case.rejected',
    },
    'resolve-on-intake': {
      from: ['registered'],
      to: 'replied',
      permission: 'case.resolve_on_intake',
      isInScope: isVisible,
      event: 'case.resolved_on_intake',
    },
    'request-extension': {
      from: ['accepted'],
      to: 'accepted',
      permission: 'case.request_extension',
      isInScope: (item, actor) => assignmentOfActor(actor, item, (a) => a.role === 'lead') !== undefined,
      guard: (item) => (item.hasPendingExtension ? 'an extension request is already pending' : null),
      event: 'case.extension_requested',
    },
    'decide-extension': {
      from: ['accepted'],
      to: 'accepted',
      permission: 'case.decide_extension',
      isInScope: isVisible,
      guard: (item) => (item.hasPendingExtension ? null : 'there is no pending extension request'),
      event: 'case.extension_decided',
    },
    supervise: {
      // Until the case is finished: a supervisor may also flag a reply that does not answer the request.
      from: NOT_FINISHED,
      to: (item) => item.status,
      permission: 'case.supervise',
      isInScope: isVisible,
      event: 'case.supervised',
    },
    merge: {
      from: BEFORE_REPLY,
      to: 'merged',
      permission: 'case.merge',
      isInScope: isVisible,
      event: 'case.merged',
    },
    urge: {
      from: BEFORE_REPLY,
      to: (item) => item.status,
      permission: 'case.supervise',
      isInScope: isVisible,
      event: 'case.urged',
    },
    'respond-supervision': {
      from: NOT_FINISHED,
      to: (item) => item.status,
      // The unit answers in writing what it did about the supervision.
      permission: 'case.reply',
      isInScope: (item, actor) => assignmentOfActor(actor, item, (a) => a.role === 'lead') !== undefined,
      guard: (item) => (item.isUnderSupervision ? null : 'the case is not under supervision'),
      event: 'case.supervision_responded',
    },
    'conclude-supervision': {
      // A supervision may be opened on a closed case (a reopen request beyond the rounds allowed).
      from: [...NOT_FINISHED, 'closed'],
      to: (item) => item.status,
      permission: 'case.supervise',
      isInScope: isVisible,
      guard: (item) => (item.isUnderSupervision ? null : 'the case is not under supervision'),
      event: 'case.supervision_concluded',
    },
    'request-reopen': {
      // Staff record it on the requester's behalf (phone, visit) until the case is closed; after closing, the
      // requester asks on the tracking page with the access code, within the policy's window (public-case.ts).
      from: ['replied', 'callback_done'],
      to: (item) => item.status,
      permission: 'case.callback',
      isInScope: isVisible,
      guard: (item) => (item.hasPendingReopen ? 'a request to reopen is already pending' : null),
      event: 'case.reopen_requested',
    },
    'decide-reopen': {
      from: ANSWERED,
      // Declined: nothing moves. Approved: the handler moves the case to reopenTarget (the input decides).
      to: (item) => item.status,
      permission: 'case.reopen',
      isInScope: isVisible,
      guard: (item) => (item.hasPendingReopen ? null : 'there is no pending request to reopen'),
      event: 'case.reopen_decided',
    },
    hold: {
      from: HOLDABLE,
      to: 'on_hold',
      permission: 'case.note',
      isInScope: (item, actor) => isHoldKeeper(item, actor, item.status),
      event: 'case.put_on_hold',
    },
    resume: {
      from: ['on_hold'],
      to: (item) => item.holdFromStatus ?? 'registered',
      permission: 'case.note',
      isInScope: (item, actor) => isHoldKeeper(item, actor, item.holdFromStatus),
      event: 'case.resumed',
    },
    'record-consent': {
      // The requester may change their mind at any time, also after closing: publication outlives the case.
      from: CASE_STATUSES,
      to: (item) => item.status,
      // Those who speak with requesters (intake desks, callbacks) record what they say.
      permission: 'case.callback',
      isInScope: isVisible,
      event: 'case.publication_consent_recorded',
    },
    'protect-identity': {
      // Whenever the requester asks, also after closing: the archive keeps the identity as long as the case.
      from: CASE_STATUSES,
      to: (item) => item.status,
      // The people the requester gave their identity to (intake unit and above), and only once: never lifted, since
      // showing the identity to a unit it was withheld from would be the disclosure protection prevents.
      permission: 'case.view_personal_data',
      isInScope: (item, actor) => isAtIntakeOf(actor, item),
      guard: (item) => (item.isIdentityProtected ? "the requester's identity is already protected" : null),
      event: 'case.identity_protected',
    },
  },
};

export const planCaseTransitionOrThrow = (action: CaseAction, item: CaseSnapshot, actor: Actor) =>
  planTransitionOrThrow(caseWorkflow, action, item, actor);

export const allowedCaseActions = (item: CaseSnapshot, actor: Actor): CaseAction[] =>
  allowedActions(caseWorkflow, item, actor);
