import { describe, expect, it } from 'vitest';
import { AppError, isAppError } from '../shared/app-error.js';
import {
  allowedActions,
  checkTransition,
  planTransitionOrThrow,
  type Refusal,
  type TransitionPlan,
  type WorkflowDefinition,
} from './engine.js';

/*
 * A tiny made-up workflow: a door that can be opened, closed, locked and unlocked.
 * - `lock` needs a key (guard) and may only be done by the door's owner (scope).
 * - `unlock` may only be done by the owner (scope).
 * - `slam` is allowed from open and closed; its target depends on the actor (function-valued `to`).
 * - `paint` keeps the state (function-valued `to` returning the current state).
 */
type DoorState = 'open' | 'closed' | 'locked';
type DoorAction = 'open' | 'close' | 'lock' | 'unlock' | 'slam' | 'paint';
type Door = { state: DoorState; ownerId: string; hasKey: boolean };
type Person = { id: string; permissions: ReadonlySet<string>; isStrong?: boolean };

const isOwner = (door: Door, person: Person): boolean => door.ownerId === person.id;

const doorWorkflow: WorkflowDefinition<DoorState, DoorAction, Door, Person> = {
  kind: 'door',
  states: ['open', 'closed', 'locked'],
  initial: 'closed',
  terminal: [],
  statusOf: (door) => door.state,
  permissionsOf: (person) => person.permissions,
  actions: {
    open: { from: ['closed'], to: 'open', permission: 'door.open', event: 'door.opened' },
    close: { from: ['open'], to: 'closed', permission: 'door.close', event: 'door.closed' },
    lock: {
      from: ['closed'],
      to: 'locked',
      permission: 'door.lock',
      isInScope: isOwner,
      guard: (door) => (door.hasKey ? null : 'no key at hand'),
      event: 'door.locked',
    },
    unlock: {
      from: ['locked'],
      to: 'closed',
      permission: 'door.lock',
      isInScope: isOwner,
      event: 'door.unlocked',
    },
    slam: {
      from: ['open', 'closed'],
      // A strong person slams the door so hard it locks; anyone else merely closes it.
      to: (_door, person) => (person.isStrong === true ? 'locked' : 'closed'),
      permission: 'door.close',
      event: 'door.slammed',
    },
    paint: {
      from: ['open', 'closed', 'locked'],
      to: (door) => door.state,
      permission: 'door.paint',
      event: 'door.painted',
    },
  },
};

const ALL = ['door.open', 'door.close', 'door.lock', 'door.paint'] as const;

const person = (id: string, permissions: readonly string[] = ALL, isStrong = false): Person => ({
  id,
  permissions: new Set(permissions),
  isStrong,
});
const door = (state: DoorState, overrides: Partial<Door> = {}): Door => ({
  state,
  ownerId: 'owner',
  hasKey: true,
  ...overrides,
});

const owner = person('owner');
const stranger = person('stranger');

const refusalOf = (result: TransitionPlan<DoorState> | Refusal): Refusal => {
  if (!('code' in result)) throw new Error(`expected a refusal, got a plan to ${result.to}`);
  return result;
};

const catchAppError = (fn: () => unknown): AppError => {
  try {
    fn();
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected an AppError to be thrown, but nothing was thrown');
};

describe('checkTransition', () => {
  it('returns a plan with from, to and event when every check passes', () => {
    expect(checkTransition(doorWorkflow, 'open', door('closed'), stranger)).toEqual({
      from: 'closed',
      to: 'open',
      event: 'door.opened',
    });
    expect(checkTransition(doorWorkflow, 'lock', door('closed'), owner)).toEqual({
      from: 'closed',
      to: 'locked',
      event: 'door.locked',
    });
  });

  it('refuses with auth.forbidden when the actor lacks the permission', () => {
    const refusal = refusalOf(checkTransition(doorWorkflow, 'open', door('closed'), person('owner', [])));
    expect(refusal.code).toBe('auth.forbidden');
    expect(refusal.reason).toContain('door.open');
  });

  it('refuses with case.invalid_transition when the action does not start from the current state', () => {
    const refusal = refusalOf(checkTransition(doorWorkflow, 'open', door('open'), owner));
    expect(refusal.code).toBe('case.invalid_transition');
    expect(refusal.reason).toContain('open');
  });

  it('refuses with case.not_assigned when the actor is out of scope', () => {
    const refusal = refusalOf(checkTransition(doorWorkflow, 'unlock', door('locked'), stranger));
    expect(refusal.code).toBe('case.not_assigned');
    expect(refusal.reason).toContain('door');
  });

  it("refuses with case.invalid_transition and the guard's reason when the guard refuses", () => {
    const refusal = refusalOf(
      checkTransition(doorWorkflow, 'lock', door('closed', { hasKey: false }), owner),
    );
    expect(refusal).toEqual({ code: 'case.invalid_transition', reason: 'no key at hand' });
  });

  describe('check order: permission → state → scope → guard', () => {
    it('permission wins over state, scope and guard', () => {
      // Every check fails: no permission, wrong state (open), not the owner, no key.
      const item = door('open', { hasKey: false });
      const refusal = refusalOf(
        checkTransition(doorWorkflow, 'lock', item, person('stranger', ['door.open'])),
      );
      expect(refusal.code).toBe('auth.forbidden');
    });

    it('permission wins over state alone', () => {
      const refusal = refusalOf(checkTransition(doorWorkflow, 'close', door('closed'), person('owner', [])));
      expect(refusal.code).toBe('auth.forbidden');
    });

    it('state wins over scope and guard', () => {
      const refusal = refusalOf(
        checkTransition(doorWorkflow, 'lock', door('open', { hasKey: false }), stranger),
      );
      expect(refusal.code).toBe('case.invalid_transition');
      expect(refusal.reason).not.toBe('no key at hand');
    });

    it('scope wins over guard', () => {
      const refusal = refusalOf(
        checkTransition(doorWorkflow, 'lock', door('closed', { hasKey: false }), stranger),
      );
      expect(refusal.code).toBe('case.not_assigned');
    });

    it('evaluates scope before guard, and neither when an earlier check fails', () => {
      const calls: string[] = [];
      const traced: WorkflowDefinition<DoorState, 'lock', Door, Person> = {
        ...doorWorkflow,
        actions: {
          lock: {
            from: ['closed'],
            to: 'locked',
            permission: 'door.lock',
            isInScope: () => {
              calls.push('scope');
              return true;
            },
            guard: () => {
              calls.push('guard');
              return null;
            },
            event: 'door.locked',
          },
        },
      };
      checkTransition(traced, 'lock', door('closed'), owner);
      expect(calls).toEqual(['scope', 'guard']);

      calls.length = 0;
      checkTransition(traced, 'lock', door('open'), owner);
      checkTransition(traced, 'lock', door('closed'), person('owner', []));
      expect(calls).toEqual([]);
    });
  });

  describe('function-valued to', () => {
    it('computes the target from the actor', () => {
      expect(checkTransition(doorWorkflow, 'slam', door('open'), person('a', ALL, false))).toEqual({
        from: 'open',
        to: 'closed',
        event: 'door.slammed',
      });
      expect(checkTransition(doorWorkflow, 'slam', door('open'), person('a', ALL, true))).toEqual({
        from: 'open',
        to: 'locked',
        event: 'door.slammed',
      });
    });

    it('computes the target from the item', () => {
      for (const state of ['open', 'closed', 'locked'] as const) {
        expect(checkTransition(doorWorkflow, 'paint', door(state), stranger)).toEqual({
          from: state,
          to: state,
          event: 'door.painted',
        });
      }
    });

    it('still runs the checks before computing the target', () => {
      expect(refusalOf(checkTransition(doorWorkflow, 'slam', door('locked'), owner)).code).toBe(
        'case.invalid_transition',
      );
    });
  });
});

describe('planTransitionOrThrow', () => {
  it('returns the plan when the transition is allowed', () => {
    expect(planTransitionOrThrow(doorWorkflow, 'unlock', door('locked'), owner)).toEqual({
      from: 'locked',
      to: 'closed',
      event: 'door.unlocked',
    });
  });

  it('throws an AppError auth.forbidden with action and status in details', () => {
    const error = catchAppError(() =>
      planTransitionOrThrow(doorWorkflow, 'paint', door('open'), person('x', [])),
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('auth.forbidden');
    expect(error.details).toEqual({ action: 'paint', status: 'open' });
  });

  it('throws an AppError case.invalid_transition for a wrong state', () => {
    const error = catchAppError(() => planTransitionOrThrow(doorWorkflow, 'close', door('locked'), owner));
    expect(error.code).toBe('case.invalid_transition');
    expect(error.details).toEqual({ action: 'close', status: 'locked' });
  });

  it('throws an AppError case.not_assigned when out of scope', () => {
    const error = catchAppError(() =>
      planTransitionOrThrow(doorWorkflow, 'unlock', door('locked'), stranger),
    );
    expect(error.code).toBe('case.not_assigned');
    expect(error.details).toEqual({ action: 'unlock', status: 'locked' });
  });

  it("throws an AppError case.invalid_transition with the guard's reason as message", () => {
    const error = catchAppError(() =>
      planTransitionOrThrow(doorWorkflow, 'lock', door('closed', { hasKey: false }), owner),
    );
    expect(error.code).toBe('case.invalid_transition');
    expect(error.message).toBe('no key at hand');
    expect(error.details).toEqual({ action: 'lock', status: 'closed' });
  });
});

describe('allowedActions', () => {
  it('returns exactly the passing actions, in definition order', () => {
    // closed door, owner with a key: open, lock, slam, paint pass; close (state) and unlock (state) fail.
    expect(allowedActions(doorWorkflow, door('closed'), owner)).toEqual(['open', 'lock', 'slam', 'paint']);
    // without the key the guard removes lock
    expect(allowedActions(doorWorkflow, door('closed', { hasKey: false }), owner)).toEqual([
      'open',
      'slam',
      'paint',
    ]);
    // a stranger is out of scope for lock
    expect(allowedActions(doorWorkflow, door('closed'), stranger)).toEqual(['open', 'slam', 'paint']);
    expect(allowedActions(doorWorkflow, door('open'), owner)).toEqual(['close', 'slam', 'paint']);
    expect(allowedActions(doorWorkflow, door('locked'), owner)).toEqual(['unlock', 'paint']);
    expect(allowedActions(doorWorkflow, door('locked'), stranger)).toEqual(['paint']);
  });

  it('drops actions the actor lacks the permission for', () => {
    expect(
      allowedActions(doorWorkflow, door('closed'), person('owner', ['door.paint', 'door.lock'])),
    ).toEqual(['lock', 'paint']);
    expect(allowedActions(doorWorkflow, door('closed'), person('owner', []))).toEqual([]);
  });
});
