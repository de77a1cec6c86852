import { describe, expect, it } from 'vitest';
import { systemDispatcherOf, type Actor } from '../auth/actor.js';
import { permissionsForRoles } from '../auth/roles.js';
import type { CaseDeps } from './case.ports.js';
import { performCaseAction } from './perform-case-action.js';

const desk = systemDispatcherOf({ id: 'unit-1', path: 'lhasa' }, permissionsForRoles(['dispatcher']));

/** Deps whose transaction must never be entered: the guard stops the call before a store is touched. */
const untouchable: CaseDeps = {
  transaction: () => Promise.reject(new Error('the store was touched')),
  now: () => new Date('2026-11-23T00:00:00Z'),
} as unknown as CaseDeps;

describe('the system actor', () => {
  it('has no user id that anything could record', () => {
    expect(desk).toMatchObject({ kind: 'system', userId: null, unitId: 'unit-1' });
  });

  it('may only dispatch: the compiler refuses every other action, and so does the use case', async () => {
    // @ts-expect-error the system may not reply: only a person answers the requester.
    const typed = performCaseAction(untouchable, { caseId: 'c1', action: 'reply', actor: desk, body: { text: '已办结', outcome: 'resolved' } });
    await expect(typed).rejects.toThrow('the system may not reply a case');
    const widened: Actor = desk;
    const close = performCaseAction(untouchable, { caseId: 'c1', action: 'close', actor: widened as never, body: {} });
    await expect(close).rejects.toThrow('the system may not close a case');
    // Dispatch is allowed through the type, and reaches the store.
    const dispatch = performCaseAction(untouchable, { caseId: 'c1', action: 'dispatch', actor: desk, body: { unitId: '00000000-0000-4000-8000-000000000001', note: undefined } });
    await expect(dispatch).rejects.toThrow('the store was touched');
  });
});
