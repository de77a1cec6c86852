import { describe, expect, it } from 'vitest';
import type { UserActor } from '../auth/actor.js';
import { permissionsForRoles, type Role } from '../auth/roles.js';
import type { CallbackDeps, CallbackStore } from './callback.ports.js';
import type { QueueItem } from './callback.types.js';
import { getCallbackTask, listCallbackQueue } from './list-callback-queue.js';

const staff = (unitPath: string, roles: Role[]): UserActor => ({
  kind: 'user', userId: `u-${unitPath}`, username: unitPath, displayName: unitPath, roles, permissions: permissionsForRoles(roles), unitId: unitPath, unitPath,
});

const item = (id: string, isIdentityProtected: boolean): QueueItem => ({
  id, caseId: `case-${id}`, unitId: 'team', unitPath: 'lhasa.team', status: 'open', dueAt: new Date(0), claimedBy: null, claimExpiresAt: null,
  attemptCount: 0, unreachableCount: 0, nextAttemptAfter: null, smsCode: null, smsAt: null, closeReason: null, closedAt: null, createdAt: new Date(0),
  trackingNo: `2611230000${id}`, title: '回访', kind: 'complaint', categoryId: null, caseStatus: 'replied', language: 'zh-Hans',
  requesterName: '格桑旺堆', phoneMasked: '139****1234', hasPhone: true, replyText: null, replyOutcome: null, repliedAt: null,
  claimedByName: null, leadUnitName: null, isIdentityProtected, intakeUnitPath: 'lhasa',
});

const ITEMS = [item('1', true), item('2', false)];
/** Only the two queue reads are used; the rest of the store is never touched by these use cases. */
const deps = {
  transaction: (fn: (tx: { store: CallbackStore }) => Promise<unknown>) =>
    fn({ store: { listQueue: async () => ({ items: ITEMS, total: 2 }), findQueueItem: async (id: string) => ITEMS.find((i) => i.id === id) ?? null, listAttempts: async () => [] } as unknown as CallbackStore }),
  now: () => new Date(0),
} as unknown as CallbackDeps;

describe('the callback queue and identity protection', () => {
  it('shows a protected requester to the intake side, and withholds it from a team set up below the intake unit', async () => {
    const intake = await listCallbackQueue(deps, { actor: staff('lhasa', ['agent']), view: 'open', page: 1, pageSize: 20 });
    expect(intake.items.map((i) => [i.nameMasked, i.phoneMasked])).toEqual([['格***', '139****1234'], ['格***', '139****1234']]);
    const team = await listCallbackQueue(deps, { actor: staff('lhasa.team', ['agent']), view: 'open', page: 1, pageSize: 20 });
    expect(team.items.map((i) => [i.nameMasked, i.phoneMasked])).toEqual([[null, null], ['格***', '139****1234']]);
    const one = await getCallbackTask(deps, { actor: staff('lhasa.team', ['agent']), taskId: '1' });
    expect(one.item.nameMasked).toBeNull();
  });

  it('never gives the full name, in the list or on the task, whoever asks', async () => {
    const intake = await listCallbackQueue(deps, { actor: staff('lhasa', ['admin']), view: 'open', page: 1, pageSize: 20 });
    const one = await getCallbackTask(deps, { actor: staff('lhasa', ['admin']), taskId: '2' });
    expect(JSON.stringify([intake, one])).not.toContain('格桑旺堆');
    expect(Object.keys(one.item)).not.toContain('requesterName');
  });
});
