import { describe, expect, it } from 'vitest';
import { isPathWithin, type Actor } from '../auth/actor.js';
import { permissionsForRoles, ROLES, type Role } from '../auth/roles.js';
import { isAppError, type AppError, type ErrorCode } from '../shared/app-error.js';
import type { TransitionPlan } from '../workflow/engine.js';
import { allowedCaseActions, canSeeCase, planCaseTransitionOrThrow } from './case-workflow.js';
import {
  CASE_ACTIONS,
  CASE_STATUSES,
  type AssignmentRole,
  type AssignmentSnapshot,
  type AssignmentStatus,
  type CaseAction,
  type CaseSnapshot,
  type CaseStatus,
} from './case.types.js';

// ---------------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------------

const actorOf = (roles: readonly Role[], unitPath: string): Actor => ({
  kind: 'user',
  userId: `user-${roles.join('-')}-${unitPath}`,
  username: `${roles.join("-")}@${unitPath}`,
  displayName: roles.join(" "),
  roles,
  permissions: permissionsForRoles(roles),
  unitId: `unit-${unitPath}`,
  unitPath,
});

let nextAssignmentId = 1;
const assignment = (
  unitPath: string,
  role: AssignmentRole,
  status: AssignmentStatus,
): AssignmentSnapshot => ({
  id: `asg-${nextAssignmentId++}`,
  unitId: `unit-${unitPath}`,
  unitPath,
  role,
  status,
});

const INTAKE = 'r.hotline';

const caseOf = (status: CaseStatus, overrides: Partial<CaseSnapshot> = {}): CaseSnapshot => ({
  id: 'case-1',
  status,
  kind: 'complaint',
  intakeUnitPath: INTAKE,
  assignments: [],
  hasPendingExtension: false,
  isUnderSupervision: false,
  masterId: null,
  holdFromStatus: null,
  hasPendingReopen: false,
  isIdentityProtected: false,
  ...overrides,
});

type Outcome = { ok: true; plan: TransitionPlan<CaseStatus> } | { ok: false; error: AppError };

/** Runs planCaseTransitionOrThrow and reports either the returned plan or the thrown AppError. */
const attempt = (action: CaseAction, item: CaseSnapshot, actor: Actor): Outcome => {
  try {
    return { ok: true, plan: planCaseTransitionOrThrow(action, item, actor) };
  } catch (error) {
    if (isAppError(error)) return { ok: false, error };
    throw error;
  }
};

const expectTo = (action: CaseAction, item: CaseSnapshot, actor: Actor, to: CaseStatus): void => {
  const outcome = attempt(action, item, actor);
  if (!outcome.ok) throw new Error(`${action} refused: ${outcome.error.code} (${outcome.error.message})`);
  expect(outcome.plan.to).toBe(to);
  expect(outcome.plan.from).toBe(item.status);
};

const expectRefused = (action: CaseAction, item: CaseSnapshot, actor: Actor, code: ErrorCode): AppError => {
  const outcome = attempt(action, item, actor);
  if (outcome.ok) throw new Error(`${action} was allowed (to ${outcome.plan.to}), expected ${code}`);
  expect(outcome.error.code).toBe(code);
  expect(outcome.error.details).toEqual({ action, status: item.status });
  return outcome.error;
};

// ---------------------------------------------------------------------------------------------------------
// Exhaustive state × action table, written by hand from docs/API.md ("Actions"), NOT derived from caseWorkflow.
// Each cell is the status after the action by an all-powerful actor whose unit covers every assignment,
// or 'refused' when the action may not start from that status (case.invalid_transition).
// Notes on reading the docs:
// - accept: the all-powerful actor acts as the lead unit when the lead assignment is pending (dispatched →
//   accepted); in `accepted` the lead has accepted and only an assisting unit is pending, so it is unchanged.
// - return: the actor acts as the lead unit → returned.
// - note: "any but closed/rejected/merged" (a rejected case is terminal).
// - supervise: "registered … callback_done" — every not-finished status, including `returned`.
// - reopen: "dispatched (same lead unit)" — the fixture has a lead assignment that is done.
// - request-reopen: staff, for an answered case not yet closed (after closing, the requester asks on the
//   tracking page); decide-reopen: replied, callback_done or closed with a pending request; the decision itself
//   leaves the status (an approval moves it in the handler, as the input decides).
// - record-consent: every status, also closed, rejected and merged (publication outlives the case).
// - protect-identity: every status too (the archive keeps the identity), once, by the intake side only.
// - hold: registered, returned (intake desk) and accepted (lead unit) → on_hold; resume: back to where it was
//   (the fixture was put on hold from accepted).
// ---------------------------------------------------------------------------------------------------------

type Expected = CaseStatus | 'refused';
const NO = 'refused' as const;

// prettier-ignore
const EXPECTED: Record<CaseAction, Record<CaseStatus, Expected>> = {
  dispatch: {            registered: 'dispatched', dispatched: NO,           accepted: NO,           replied: NO,              callback_done: NO,              closed: NO, returned: 'dispatched', rejected: NO,         merged: NO, on_hold: NO, },
  accept: {              registered: NO,           dispatched: 'accepted',   accepted: 'accepted',   replied: NO,              callback_done: NO,              closed: NO, returned: NO,           rejected: NO,         merged: NO, on_hold: NO, },
  return: {              registered: NO,           dispatched: 'returned',   accepted: 'returned',   replied: NO,              callback_done: NO,              closed: NO, returned: NO,           rejected: NO,         merged: NO, on_hold: NO, },
  transfer: {            registered: NO,           dispatched: 'dispatched', accepted: 'dispatched', replied: NO,              callback_done: NO,              closed: NO, returned: NO,           rejected: NO,         merged: NO, on_hold: NO, },
  note: {                registered: 'registered', dispatched: 'dispatched', accepted: 'accepted',   replied: 'replied',       callback_done: 'callback_done', closed: NO, returned: 'returned',   rejected: NO,         merged: NO, on_hold: 'on_hold', },
  contribute: {          registered: NO,           dispatched: 'dispatched', accepted: 'accepted',   replied: NO,              callback_done: NO,              closed: NO, returned: NO,           rejected: NO,         merged: NO, on_hold: NO, },
  reply: {               registered: NO,           dispatched: NO,           accepted: 'replied',    replied: NO,              callback_done: NO,              closed: NO, returned: NO,           rejected: NO,         merged: NO, on_hold: NO, },
  callback: {            registered: NO,           dispatched: NO,           accepted: NO,           replied: 'callback_done', callback_done: NO,              closed: NO, returned: NO,           rejected: NO,         merged: NO, on_hold: NO, },
  reopen: {              registered: NO,           dispatched: NO,           accepted: NO,           replied: 'dispatched',    callback_done: 'dispatched',    closed: NO, returned: NO,           rejected: NO,         merged: NO, on_hold: NO, },
  close: {               registered: NO,           dispatched: NO,           accepted: NO,           replied: 'closed',        callback_done: 'closed',        closed: NO, returned: NO,           rejected: NO,         merged: NO, on_hold: NO, },
  reject: {              registered: 'rejected',   dispatched: NO,           accepted: NO,           replied: NO,              callback_done: NO,              closed: NO, returned: 'rejected',   rejected: NO,         merged: NO, on_hold: NO, },
  'resolve-on-intake': { registered: 'replied',    dispatched: NO,           accepted: NO,           replied: NO,              callback_done: NO,              closed: NO, returned: NO,           rejected: NO,         merged: NO, on_hold: NO, },
  'request-extension': { registered: NO,           dispatched: NO,           accepted: 'accepted',   replied: NO,              callback_done: NO,              closed: NO, returned: NO,           rejected: NO,         merged: NO, on_hold: NO, },
  'decide-extension': {  registered: NO,           dispatched: NO,           accepted: 'accepted',   replied: NO,              callback_done: NO,              closed: NO, returned: NO,           rejected: NO,         merged: NO, on_hold: NO, },
  supervise: {           registered: 'registered', dispatched: 'dispatched', accepted: 'accepted',   replied: 'replied',       callback_done: 'callback_done', closed: NO, returned: 'returned',   rejected: NO,         merged: NO, on_hold: 'on_hold', },
  merge: {               registered: 'merged',     dispatched: 'merged',     accepted: 'merged',     replied: NO,              callback_done: NO,              closed: NO, returned: 'merged',     rejected: NO,         merged: NO, on_hold: NO, },
  urge: {                registered: 'registered', dispatched: 'dispatched', accepted: 'accepted',   replied: NO,              callback_done: NO,              closed: NO, returned: 'returned',   rejected: NO,         merged: NO, on_hold: NO, },
  'respond-supervision': { registered: 'registered', dispatched: 'dispatched', accepted: 'accepted', replied: 'replied',     callback_done: 'callback_done', closed: NO, returned: 'returned',   rejected: NO,         merged: NO, on_hold: 'on_hold', },
  'conclude-supervision': { registered: 'registered', dispatched: 'dispatched', accepted: 'accepted', replied: 'replied',    callback_done: 'callback_done', closed: 'closed', returned: 'returned',   rejected: NO,         merged: NO, on_hold: 'on_hold', },
  'request-reopen': {    registered: NO,           dispatched: NO,           accepted: NO,           replied: 'replied',       callback_done: 'callback_done', closed: NO,       returned: NO,     rejected: NO,         merged: NO, on_hold: NO, },
  'decide-reopen': {     registered: NO,           dispatched: NO,           accepted: NO,           replied: 'replied',       callback_done: 'callback_done', closed: 'closed', returned: NO,     rejected: NO,         merged: NO, on_hold: NO, },
  hold: {                registered: 'on_hold',    dispatched: NO,           accepted: 'on_hold',    replied: NO,              callback_done: NO,              closed: NO, returned: 'on_hold',    rejected: NO,         merged: NO, on_hold: NO, },
  resume: {              registered: NO,           dispatched: NO,           accepted: NO,           replied: NO,              callback_done: NO,              closed: NO, returned: NO,           rejected: NO,         merged: NO, on_hold: 'accepted', },
  'record-consent': {    registered: 'registered', dispatched: 'dispatched', accepted: 'accepted',   replied: 'replied',       callback_done: 'callback_done', closed: 'closed', returned: 'returned', rejected: 'rejected', merged: 'merged', on_hold: 'on_hold', },
  'protect-identity': {  registered: 'registered', dispatched: 'dispatched', accepted: 'accepted',   replied: 'replied',       callback_done: 'callback_done', closed: 'closed', returned: 'returned', rejected: 'rejected', merged: 'merged', on_hold: 'on_hold', },
};

/** Event codes per action, from the "Event codes" list in docs/API.md. */
const EXPECTED_EVENT: Record<CaseAction, string> = {
  dispatch: 'case.dispatched',
  accept: 'case.accepted',
  return: 'case.returned',
  transfer: 'case.transferred',
  note: 'case.noted',
  contribute: 'case.contributed',
  reply: 'case.replied',
  callback: 'case.callback_recorded',
  reopen: 'case.reopened',
  close: 'case.closed',
  reject: 'case.rejected',
  'resolve-on-intake': 'case.resolved_on_intake',
  'request-extension': 'case.extension_requested',
  'decide-extension': 'case.extension_decided',
  supervise: 'case.supervised',
  merge: 'case.merged',
  urge: 'case.urged',
  'respond-supervision': 'case.supervision_responded',
  'conclude-supervision': 'case.supervision_concluded',
  'request-reopen': 'case.reopen_requested',
  'decide-reopen': 'case.reopen_decided',
  hold: 'case.put_on_hold',
  resume: 'case.resumed',
  'record-consent': 'case.publication_consent_recorded',
  'protect-identity': 'case.identity_protected',
};

const admin = actorOf(['admin'], 'r');

/**
 * A case in `status` whose data makes `action` meaningful, so that only the status can refuse it:
 * a joint case with an active lead assignment at r.hrss (accepted once the case is accepted, pending before)
 * and a pending assisting assignment at r.cityman; for reopen a lead assignment that is done; a pending
 * extension only for decide-extension.
 */
const fixtureFor = (status: CaseStatus, action: CaseAction): CaseSnapshot => {
  const assignments =
    action === 'reopen'
      ? [assignment('r.hrss', 'lead', 'done'), assignment('r.cityman', 'assisting', 'done')]
      : [
          assignment('r.hrss', 'lead', status === 'accepted' ? 'accepted' : 'pending'),
          assignment('r.cityman', 'assisting', 'pending'),
        ];
  return caseOf(status, {
    assignments,
    hasPendingExtension: action === 'decide-extension',
    isUnderSupervision: action === 'respond-supervision' || action === 'conclude-supervision',
    hasPendingReopen: action === 'decide-reopen',
    holdFromStatus: status === 'on_hold' ? 'accepted' : null,
  });
};

describe('case workflow: every status × every action (table from docs/API.md)', () => {
  it('the table covers every status and every action', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...CASE_ACTIONS].sort());
    for (const action of CASE_ACTIONS)
      expect(Object.keys(EXPECTED[action]).sort()).toEqual([...CASE_STATUSES].sort());
  });

  const pairs = CASE_STATUSES.flatMap((status) =>
    CASE_ACTIONS.map((action) => ({ status, action, expected: EXPECTED[action][status] })),
  );

  for (const { status, action, expected } of pairs) {
    it(`${status} --${action}--> ${expected}`, () => {
      const item = fixtureFor(status, action);
      const outcome = attempt(action, item, admin);
      if (expected === NO) {
        expect(outcome.ok).toBe(false);
        if (outcome.ok) return;
        expect(outcome.error.code).toBe('case.invalid_transition');
        expect(outcome.error.details).toEqual({ action, status });
      } else {
        if (!outcome.ok) throw new Error(`refused: ${outcome.error.code} (${outcome.error.message})`);
        expect(outcome.plan).toEqual({ from: status, to: expected, event: EXPECTED_EVENT[action] });
      }
    });
  }

  it.each(CASE_STATUSES)(
    'allowedCaseActions for admin in %s are exactly the allowed cells of the table',
    (status) => {
      const item = caseOf(status, {
        assignments: [
          assignment('r.hrss', 'lead', status === 'accepted' ? 'accepted' : 'pending'),
          assignment('r.cityman', 'assisting', 'pending'),
        ],
        hasPendingExtension: false,
      });
      // Without a pending extension or an open supervision, their follow-up actions are refused by guards.
      const guarded: readonly string[] = ['decide-extension', 'respond-supervision', 'conclude-supervision', 'decide-reopen'];
      const expected = CASE_ACTIONS.filter((a) => EXPECTED[a][status] !== NO && !guarded.includes(a));
      expect(allowedCaseActions(item, admin)).toEqual(expected);
    },
  );
});

// ---------------------------------------------------------------------------------------------------------
// Roles
// ---------------------------------------------------------------------------------------------------------

/** Who may perform each action, from the "who" column of docs/API.md (admin has every permission). */
const ROLES_FOR_ACTION: Record<CaseAction, readonly Role[]> = {
  dispatch: ['dispatcher', 'agent', 'admin'],
  accept: ['unit_handler', 'unit_leader', 'admin'],
  return: ['unit_handler', 'unit_leader', 'admin'],
  transfer: ['dispatcher', 'unit_leader', 'admin'],
  note: ['agent', 'dispatcher', 'unit_handler', 'unit_leader', 'supervisor', 'admin'],
  contribute: ['unit_handler', 'unit_leader', 'admin'],
  reply: ['unit_handler', 'unit_leader', 'admin'],
  callback: ['agent', 'dispatcher', 'supervisor', 'admin'],
  reopen: ['dispatcher', 'supervisor', 'admin'],
  close: ['dispatcher', 'supervisor', 'admin'],
  reject: ['agent', 'dispatcher', 'admin'],
  'resolve-on-intake': ['agent', 'dispatcher', 'admin'],
  'request-extension': ['unit_handler', 'unit_leader', 'admin'],
  'decide-extension': ['supervisor', 'admin'],
  supervise: ['supervisor', 'admin'],
  merge: ['dispatcher', 'admin'],
  urge: ['supervisor', 'admin'],
  'respond-supervision': ['unit_handler', 'unit_leader', 'admin'],
  'conclude-supervision': ['supervisor', 'admin'],
  'request-reopen': ['agent', 'dispatcher', 'supervisor', 'admin'],
  'decide-reopen': ['dispatcher', 'supervisor', 'admin'],
  hold: ['agent', 'dispatcher', 'unit_handler', 'unit_leader', 'supervisor', 'admin'],
  resume: ['agent', 'dispatcher', 'unit_handler', 'unit_leader', 'supervisor', 'admin'],
  'record-consent': ['agent', 'dispatcher', 'supervisor', 'admin'],
  'protect-identity': ['agent', 'dispatcher', 'unit_handler', 'unit_leader', 'supervisor', 'admin'],
};

describe('case workflow: role permissions', () => {
  const dispatchedJoint = (): CaseSnapshot =>
    caseOf('dispatched', {
      assignments: [assignment('r.hrss', 'lead', 'pending'), assignment('r.cityman', 'assisting', 'pending')],
    });

  it('unit_handler cannot dispatch', () => {
    expectRefused(
      'dispatch',
      caseOf('registered', { intakeUnitPath: 'r.hrss' }),
      actorOf(['unit_handler'], 'r.hrss'),
      'auth.forbidden',
    );
  });

  it('agent cannot reply', () => {
    const item = caseOf('accepted', { assignments: [assignment('r.hotline', 'lead', 'accepted')] });
    expectRefused('reply', item, actorOf(['agent'], INTAKE), 'auth.forbidden');
  });

  it('supervisor cannot accept', () => {
    expectRefused('accept', dispatchedJoint(), actorOf(['supervisor'], 'r'), 'auth.forbidden');
  });

  it('a unit_handler cannot transfer, a unit_leader of the lead unit can', () => {
    expectRefused('transfer', dispatchedJoint(), actorOf(['unit_handler'], 'r.hrss'), 'auth.forbidden');
    expectTo('transfer', dispatchedJoint(), actorOf(['unit_leader'], 'r.hrss'), 'dispatched');
  });

  it("a unit_leader of an assisting unit cannot transfer (not the lead unit's leader)", () => {
    expectRefused('transfer', dispatchedJoint(), actorOf(['unit_leader'], 'r.cityman'), 'case.not_assigned');
  });

  it('a dispatcher transfers a case taken in by their unit', () => {
    expectTo('transfer', dispatchedJoint(), actorOf(['dispatcher'], INTAKE), 'dispatched');
  });

  it('citizen can do nothing, in any status', () => {
    const citizen = actorOf(['citizen'], 'r');
    for (const status of CASE_STATUSES) {
      for (const action of CASE_ACTIONS) {
        expectRefused(action, fixtureFor(status, action), citizen, 'auth.forbidden');
      }
      expect(allowedCaseActions(fixtureFor(status, 'note'), citizen)).toEqual([]);
    }
  });

  const roleActionPairs = ROLES.flatMap((role) => CASE_ACTIONS.map((action) => ({ role, action })));
  it.each(roleActionPairs)('$role: permission for $action matches docs/API.md', ({ role, action }) => {
    const actor = actorOf([role], 'r');
    const mayAct = ROLES_FOR_ACTION[action].includes(role);
    // The permission is checked first, so any status shows whether the role is forbidden.
    for (const status of CASE_STATUSES) {
      const outcome = attempt(action, fixtureFor(status, action), actor);
      const forbidden = !outcome.ok && outcome.error.code === 'auth.forbidden';
      expect(forbidden).toBe(!mayAct);
    }
  });

  it('admin is never refused for permission or scope, only ever by the status or a guard', () => {
    // Which cells admin may act in is asserted cell by cell above; here: the refusals are all about state.
    for (const status of CASE_STATUSES) {
      for (const action of CASE_ACTIONS) {
        const outcome = attempt(action, fixtureFor(status, action), admin);
        if (!outcome.ok) expect(outcome.error.code).toBe('case.invalid_transition');
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Unit scope
// ---------------------------------------------------------------------------------------------------------

describe('case workflow: unit scope', () => {
  const pendingLeadAt = (unitPath: string): CaseSnapshot =>
    caseOf('dispatched', { assignments: [assignment(unitPath, 'lead', 'pending')] });
  const handlerAtHrss = actorOf(['unit_handler'], 'r.hrss');

  it('isPathWithin follows ltree semantics, with no prefix trap', () => {
    expect(isPathWithin('r.hrss', 'r.hrss')).toBe(true);
    expect(isPathWithin('r.hrss', 'r.hrss.sub')).toBe(true);
    expect(isPathWithin('r', 'r.hrss.sub')).toBe(true);
    expect(isPathWithin('r.hrss', 'r.hrss2')).toBe(false);
    expect(isPathWithin('r.hrss.sub', 'r.hrss')).toBe(false);
    expect(isPathWithin('r.hrss', 'r.cityman')).toBe(false);
  });

  it('a handler at r.hrss can accept a case whose pending lead assignment is at r.hrss', () => {
    expectTo('accept', pendingLeadAt('r.hrss'), handlerAtHrss, 'accepted');
  });

  it('a handler at r.hrss can accept a case whose pending lead assignment is at r.hrss.sub', () => {
    expectTo('accept', pendingLeadAt('r.hrss.sub'), handlerAtHrss, 'accepted');
  });

  it('a handler at r.hrss gets case.not_assigned for a case assigned to r.cityman', () => {
    expectRefused('accept', pendingLeadAt('r.cityman'), handlerAtHrss, 'case.not_assigned');
  });

  it('a handler at r.hrss2 does not match r.hrss (prefix trap)', () => {
    expectRefused(
      'accept',
      pendingLeadAt('r.hrss'),
      actorOf(['unit_handler'], 'r.hrss2'),
      'case.not_assigned',
    );
  });

  it('a handler at r.hrss.sub cannot act for its parent unit r.hrss', () => {
    expectRefused(
      'accept',
      pendingLeadAt('r.hrss'),
      actorOf(['unit_handler'], 'r.hrss.sub'),
      'case.not_assigned',
    );
  });

  it('a handler cannot act on an assignment that is no longer active (returned)', () => {
    const item = caseOf('dispatched', {
      assignments: [assignment('r.hrss', 'lead', 'returned'), assignment('r.cityman', 'lead', 'pending')],
    });
    expectRefused('accept', item, handlerAtHrss, 'case.not_assigned');
    expectRefused('return', item, handlerAtHrss, 'case.not_assigned');
  });

  it('a dispatcher outside the intake unit and the assignments gets case.not_assigned', () => {
    const item = caseOf('registered', { intakeUnitPath: 'r.hotline' });
    expectRefused('dispatch', item, actorOf(['dispatcher'], 'r.hotline2'), 'case.not_assigned');
    expectTo('dispatch', item, actorOf(['dispatcher'], 'r.hotline'), 'dispatched');
    expectTo('dispatch', item, actorOf(['dispatcher'], 'r'), 'dispatched');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Joint handling
// ---------------------------------------------------------------------------------------------------------

describe('case workflow: joint handling (lead r.hrss, assisting r.cityman)', () => {
  const lead = actorOf(['unit_handler'], 'r.hrss');
  const assisting = actorOf(['unit_handler'], 'r.cityman');
  const joint = (
    status: CaseStatus,
    leadStatus: AssignmentStatus = 'pending',
    assistingStatus: AssignmentStatus = 'pending',
  ): CaseSnapshot =>
    caseOf(status, {
      assignments: [
        assignment('r.hrss', 'lead', leadStatus),
        assignment('r.cityman', 'assisting', assistingStatus),
      ],
    });

  it("the assisting unit's accept keeps the status dispatched", () => {
    expectTo('accept', joint('dispatched'), assisting, 'dispatched');
  });

  it("the lead unit's accept → accepted", () => {
    expectTo('accept', joint('dispatched'), lead, 'accepted');
  });

  it('the assisting unit can still accept after the lead has (status accepted, unchanged)', () => {
    expectTo('accept', joint('accepted', 'accepted', 'pending'), assisting, 'accepted');
  });

  it('the lead unit accepts after the assisting unit has', () => {
    expectTo('accept', joint('dispatched', 'pending', 'accepted'), lead, 'accepted');
  });

  it('the assisting unit cannot reply (case.not_assigned); the lead can', () => {
    expectRefused('reply', joint('accepted', 'accepted', 'accepted'), assisting, 'case.not_assigned');
    expectTo('reply', joint('accepted', 'accepted', 'accepted'), lead, 'replied');
  });

  it('the assisting unit can contribute; the lead cannot (case.not_assigned)', () => {
    expectTo('contribute', joint('dispatched'), assisting, 'dispatched');
    expectTo('contribute', joint('accepted', 'accepted', 'accepted'), assisting, 'accepted');
    expectRefused('contribute', joint('dispatched'), lead, 'case.not_assigned');
    expectRefused('contribute', joint('accepted', 'accepted', 'accepted'), lead, 'case.not_assigned');
  });

  it("the assisting unit's return keeps the status; the lead's return → returned", () => {
    expectTo('return', joint('dispatched'), assisting, 'dispatched');
    expectTo('return', joint('accepted', 'accepted', 'accepted'), assisting, 'accepted');
    expectTo('return', joint('dispatched'), lead, 'returned');
    expectTo('return', joint('accepted', 'accepted', 'accepted'), lead, 'returned');
  });

  it('only the lead unit may request an extension', () => {
    expectRefused(
      'request-extension',
      joint('accepted', 'accepted', 'accepted'),
      assisting,
      'case.not_assigned',
    );
    expectTo('request-extension', joint('accepted', 'accepted', 'accepted'), lead, 'accepted');
  });

  it('a unit covering both the lead and the assisting unit acts as the lead', () => {
    expectTo('accept', joint('dispatched'), actorOf(['unit_handler'], 'r'), 'accepted');
    expectTo('return', joint('dispatched'), actorOf(['unit_handler'], 'r'), 'returned');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Specific guards and targets
// ---------------------------------------------------------------------------------------------------------

describe('case workflow: reopen target', () => {
  const dispatcher = actorOf(['dispatcher'], INTAKE);

  it.each(['replied', 'callback_done'] as const)(
    '%s → dispatched when the lead assignment is done',
    (status) => {
      const item = caseOf(status, { assignments: [assignment('r.hrss', 'lead', 'done')] });
      expectTo('reopen', item, dispatcher, 'dispatched');
    },
  );

  it.each(['replied', 'callback_done'] as const)(
    '%s → registered without assignments (resolved on intake)',
    (status) => {
      expectTo('reopen', caseOf(status), dispatcher, 'registered');
    },
  );

  it('→ registered when only an assisting assignment or a non-done lead exists', () => {
    const item = caseOf('replied', {
      assignments: [
        assignment('r.hrss', 'lead', 'transferred'),
        assignment('r.cityman', 'assisting', 'done'),
      ],
    });
    expectTo('reopen', item, dispatcher, 'registered');
  });

  it('a supervisor reopens too', () => {
    const item = caseOf('callback_done', { assignments: [assignment('r.hrss', 'lead', 'done')] });
    expectTo('reopen', item, actorOf(['supervisor'], 'r'), 'dispatched');
  });
});

describe('case workflow: guards', () => {
  const handler = actorOf(['unit_handler'], 'r.hrss');

  it("accept when the actor's assignment is already accepted → case.invalid_transition", () => {
    const item = caseOf('accepted', { assignments: [assignment('r.hrss', 'lead', 'accepted')] });
    expectRefused('accept', item, handler, 'case.invalid_transition');
  });

  it('accept by an assisting unit that has already accepted → case.invalid_transition', () => {
    const item = caseOf('dispatched', {
      assignments: [
        assignment('r.cityman', 'lead', 'pending'),
        assignment('r.hrss', 'assisting', 'accepted'),
      ],
    });
    expectRefused('accept', item, handler, 'case.invalid_transition');
  });

  it('request-extension with a pending extension → case.invalid_transition', () => {
    const item = caseOf('accepted', {
      assignments: [assignment('r.hrss', 'lead', 'accepted')],
      hasPendingExtension: true,
    });
    expectRefused('request-extension', item, handler, 'case.invalid_transition');
    expectTo('request-extension', { ...item, hasPendingExtension: false }, handler, 'accepted');
  });

  it('decide-extension without a pending extension → case.invalid_transition', () => {
    const supervisor = actorOf(['supervisor'], 'r');
    const item = caseOf('accepted', {
      assignments: [assignment('r.hrss', 'lead', 'accepted')],
      hasPendingExtension: false,
    });
    expectRefused('decide-extension', item, supervisor, 'case.invalid_transition');
    expectTo('decide-extension', { ...item, hasPendingExtension: true }, supervisor, 'accepted');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Visibility
// ---------------------------------------------------------------------------------------------------------

describe('canSeeCase', () => {
  const dispatcher = (unitPath: string): Actor => actorOf(['dispatcher'], unitPath);
  const handler = (unitPath: string): Actor => actorOf(['unit_handler'], unitPath);

  it('staff whose unit covers the intake unit see the case', () => {
    const item = caseOf('registered', { intakeUnitPath: 'r.hotline' });
    expect(canSeeCase(dispatcher('r.hotline'), item)).toBe(true);
    expect(canSeeCase(dispatcher('r'), item)).toBe(true);
    expect(canSeeCase(dispatcher('r.hotline.night'), item)).toBe(false);
    expect(canSeeCase(dispatcher('r.hotline2'), item)).toBe(false);
  });

  it('staff whose unit covers any assignment see the case, also historical assignments', () => {
    for (const status of ['pending', 'accepted', 'returned', 'transferred', 'done'] as const) {
      const item = caseOf('dispatched', { assignments: [assignment('r.hrss.sub', 'lead', status)] });
      expect(canSeeCase(handler('r.hrss.sub'), item)).toBe(true);
      expect(canSeeCase(handler('r.hrss'), item)).toBe(true);
    }
    const item = caseOf('dispatched', {
      assignments: [assignment('r.hrss', 'lead', 'returned'), assignment('r.cityman', 'lead', 'pending')],
    });
    expect(canSeeCase(handler('r.hrss'), item)).toBe(true);
    expect(canSeeCase(handler('r.cityman'), item)).toBe(true);
  });

  it('an assisting unit sees the case', () => {
    const item = caseOf('dispatched', {
      assignments: [assignment('r.hrss', 'lead', 'pending'), assignment('r.cityman', 'assisting', 'pending')],
    });
    expect(canSeeCase(handler('r.cityman'), item)).toBe(true);
  });

  it('nobody else sees it', () => {
    const item = caseOf('dispatched', {
      intakeUnitPath: 'r.hotline',
      assignments: [assignment('r.hrss', 'lead', 'pending')],
    });
    expect(canSeeCase(handler('r.cityman'), item)).toBe(false);
    expect(canSeeCase(handler('r.hrss2'), item)).toBe(false);
    expect(canSeeCase(handler('r.hrss.sub'), item)).toBe(false);
    expect(canSeeCase(dispatcher('r.hotline2'), item)).toBe(false);
  });

  it('an actor who cannot see the case gets case.not_assigned for note', () => {
    const item = caseOf('dispatched', { assignments: [assignment('r.hrss', 'lead', 'pending')] });
    expectRefused('note', item, handler('r.cityman'), 'case.not_assigned');
    expectTo('note', item, handler('r.hrss'), 'dispatched');
  });
});

// ---------------------------------------------------------------------------------------------------------
// allowedCaseActions
// ---------------------------------------------------------------------------------------------------------

describe('allowedCaseActions', () => {
  it('a handler on a freshly dispatched case assigned to their unit: accept, return, note', () => {
    const item = caseOf('dispatched', { assignments: [assignment('r.hrss', 'lead', 'pending')] });
    expect(allowedCaseActions(item, actorOf(['unit_handler'], 'r.hrss'))).toEqual([
      'accept',
      'return',
      'note',
    ]);
  });

  it('a handler of another unit: nothing', () => {
    const item = caseOf('dispatched', { assignments: [assignment('r.hrss', 'lead', 'pending')] });
    expect(allowedCaseActions(item, actorOf(['unit_handler'], 'r.cityman'))).toEqual([]);
  });

  it('a dispatcher on a registered case in their intake scope', () => {
    const item = caseOf('registered', { intakeUnitPath: INTAKE });
    const actions = allowedCaseActions(item, actorOf(['dispatcher'], INTAKE));
    for (const action of ['dispatch', 'reject', 'merge', 'note', 'resolve-on-intake'] as const) {
      expect(actions).toContain(action);
    }
    expect(actions).not.toContain('reply');
    expect(actions).toEqual(['dispatch', 'note', 'reject', 'resolve-on-intake', 'merge', 'hold', 'record-consent', 'protect-identity']);
    // Protection is added once and never lifted.
    expect(allowedCaseActions({ ...item, isIdentityProtected: true }, actorOf(['dispatcher'], INTAKE))).not.toContain('protect-identity');
  });

  it('a handler of the lead unit on an accepted case', () => {
    const item = caseOf('accepted', { assignments: [assignment('r.hrss', 'lead', 'accepted')] });
    expect(allowedCaseActions(item, actorOf(['unit_handler'], 'r.hrss'))).toEqual([
      'return',
      'note',
      'reply',
      'request-extension',
      'hold',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Reopen policy and holds (guards and scope)
// ---------------------------------------------------------------------------------------------------------

describe('case workflow: reopen requests', () => {
  const answered = (status: CaseStatus, overrides: Partial<CaseSnapshot> = {}): CaseSnapshot =>
    caseOf(status, { assignments: [assignment('r.hrss', 'lead', 'done')], ...overrides });
  const agent = actorOf(['agent'], INTAKE);
  const dispatcher = actorOf(['dispatcher'], INTAKE);

  it('one pending request at a time', () => {
    expectTo('request-reopen', answered('replied'), agent, 'replied');
    expectRefused('request-reopen', answered('replied', { hasPendingReopen: true }), agent, 'case.invalid_transition');
  });

  it('staff record no request on a closed case (the requester asks on the tracking page), but decide one', () => {
    expectRefused('request-reopen', answered('closed'), agent, 'case.invalid_transition');
    expectTo('decide-reopen', answered('closed', { hasPendingReopen: true }), dispatcher, 'closed');
  });

  it('a decision needs a pending request, and a unit handler cannot decide', () => {
    expectRefused('decide-reopen', answered('callback_done'), dispatcher, 'case.invalid_transition');
    expectTo('decide-reopen', answered('callback_done', { hasPendingReopen: true }), dispatcher, 'callback_done');
    expectRefused('decide-reopen', answered('callback_done', { hasPendingReopen: true }), actorOf(['unit_handler'], 'r.hrss'), 'auth.forbidden');
  });

  it('a case with a pending request cannot be closed before the request is decided', () => {
    expectRefused('close', answered('callback_done', { hasPendingReopen: true }), dispatcher, 'case.invalid_transition');
    expectTo('close', answered('callback_done'), dispatcher, 'closed');
  });

  it('a dispatcher of another branch does not see the case', () => {
    expectRefused('decide-reopen', answered('replied', { hasPendingReopen: true }), actorOf(['dispatcher'], 'r.other'), 'case.not_assigned');
  });
});

describe('case workflow: hold waiting on the requester', () => {
  const accepted = (): CaseSnapshot => caseOf('accepted', { assignments: [assignment('r.hrss', 'lead', 'accepted')] });

  it('the lead unit holds a case it handles; the intake desk a case before dispatch', () => {
    expectTo('hold', accepted(), actorOf(['unit_handler'], 'r.hrss'), 'on_hold');
    expectRefused('hold', accepted(), actorOf(['unit_handler'], 'r.cityman'), 'case.not_assigned');
    expectTo('hold', caseOf('registered'), actorOf(['agent'], INTAKE), 'on_hold');
    expectRefused('hold', caseOf('registered'), actorOf(['unit_handler'], 'r.hrss'), 'case.not_assigned');
    // A supervisor above everything watches, but handles neither step.
    expectRefused('hold', accepted(), actorOf(['supervisor'], 'r'), 'case.not_assigned');
    expectRefused('hold', caseOf('registered'), actorOf(['supervisor'], 'r'), 'case.not_assigned');
  });

  it('resume goes back to where the case was, by whoever could hold it there', () => {
    const held = caseOf('on_hold', { holdFromStatus: 'accepted', assignments: [assignment('r.hrss', 'lead', 'accepted')] });
    expectTo('resume', held, actorOf(['unit_leader'], 'r.hrss'), 'accepted');
    expectRefused('resume', held, actorOf(['unit_handler'], 'r.cityman'), 'case.not_assigned');
    expectTo('resume', caseOf('on_hold', { holdFromStatus: 'returned' }), actorOf(['dispatcher'], INTAKE), 'returned');
  });

  it('on hold, the unit cannot reply or be urged, and the case cannot be held twice', () => {
    const held = caseOf('on_hold', { holdFromStatus: 'accepted', assignments: [assignment('r.hrss', 'lead', 'accepted')] });
    expectRefused('reply', held, actorOf(['unit_handler'], 'r.hrss'), 'case.invalid_transition');
    expectRefused('urge', held, actorOf(['supervisor'], 'r'), 'case.invalid_transition');
    expectRefused('hold', held, actorOf(['unit_handler'], 'r.hrss'), 'case.invalid_transition');
  });
});
