import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/app-error.js';
import { changeSlaPolicy, type SlaPolicyStore } from './change-sla-policy.js';
import type { SlaPolicyBody, SlaPolicyView } from './sla-policy.schemas.js';

const CATEGORY = '00000000-0000-4000-8000-000000000001';
const TOP = { unitPath: 'lhasa' };

const body = (over: Partial<SlaPolicyBody> = {}): SlaPolicyBody => ({
  name: { 'zh-Hans': '欠薪投诉' },
  targets: { reply: { amount: 5, mode: 'working_days' } },
  replyClock: 'registration',
  warnAtShare: 0.8,
  maxExtensionDays: 15,
  categoryId: CATEGORY,
  channel: null,
  kind: null,
  priority: 10,
  isActive: true,
  pausedStatuses: ['on_hold'],
  maxReopenRounds: 2,
  reopenWindowDays: 30,
  holdReminderDays: 3,
  holdLimitDays: 15,
  ...over,
});

/** A store over a map, recording what was written, so each rule of the use case can be seen to hold. */
const memoryStore = (initial: Record<string, SlaPolicyBody> = {}) => {
  const policies = new Map(Object.entries(initial));
  const audits: Parameters<SlaPolicyStore['audit']>[0][] = [];
  const locked: string[] = [];
  const view = (code: string): SlaPolicyView | null => {
    const p = policies.get(code);
    return p ? { code, ...p, targets: { ...p.targets } } : null;
  };
  const store: SlaPolicyStore = {
    hasCategory: async (id) => id === CATEGORY,
    findForUpdate: async (code) => {
      locked.push(code);
      return view(code);
    },
    find: async (code) => view(code),
    save: async (code, policy, { isCreateOnly }) => {
      const exists = policies.has(code);
      if (exists && isCreateOnly) return 'exists';
      policies.set(code, policy);
      return exists ? 'updated' : 'created';
    },
    audit: async (entry) => {
      audits.push(entry);
    },
  };
  return { store, policies, audits, locked };
};

describe('changeSlaPolicy', () => {
  it('creates a policy and audits it with no "before"', async () => {
    const m = memoryStore();
    const saved = await changeSlaPolicy({ store: m.store }, { actor: TOP, code: 'wages', policy: body(), isCreateOnly: true });
    expect(saved).toMatchObject({ code: 'wages', priority: 10 });
    expect(m.audits).toEqual([{ action: 'sla.policy_created', code: 'wages', data: { before: null, after: saved } }]);
  });

  it('a change is audited with before and after, read under the lock', async () => {
    const m = memoryStore({ wages: body() });
    const saved = await changeSlaPolicy({ store: m.store }, { actor: TOP, code: 'wages', policy: body({ priority: 20 }), isCreateOnly: false });
    expect(m.locked).toEqual(['wages']);
    expect(m.audits).toHaveLength(1);
    expect(m.audits[0]).toMatchObject({ action: 'sla.policy_changed', data: { before: { priority: 10 }, after: { priority: 20 } } });
    expect(saved.priority).toBe(20);
  });

  it('saving the form unchanged writes no audit entry', async () => {
    const m = memoryStore({ wages: body() });
    await changeSlaPolicy({ store: m.store }, { actor: TOP, code: 'wages', policy: body(), isCreateOnly: false });
    expect(m.audits).toEqual([]);
  });

  it('create-only never replaces a policy with the same code', async () => {
    const m = memoryStore({ wages: body() });
    const attempt = changeSlaPolicy({ store: m.store }, { actor: TOP, code: 'wages', policy: body({ priority: 99 }), isCreateOnly: true });
    await expect(attempt).rejects.toMatchObject({ code: 'sla.policy_exists' });
    expect(m.policies.get('wages')?.priority).toBe(10);
    expect(m.audits).toEqual([]);
  });

  it('an unknown category is a field error, and nothing is saved', async () => {
    const m = memoryStore();
    const attempt = changeSlaPolicy({ store: m.store }, { actor: TOP, code: 'wages', policy: body({ categoryId: '00000000-0000-4000-8000-000000000009' }), isCreateOnly: false });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: 'validation.failed', details: { issues: [{ path: 'body.categoryId' }] } });
    expect(m.policies.size).toBe(0);
  });

  it('staff below a top-level unit neither create nor change a policy, and nothing is read or written', async () => {
    for (const [code, isCreateOnly] of [['wages', false], ['new_one', true]] as const) {
      const m = memoryStore({ wages: body() });
      const attempt = changeSlaPolicy({ store: m.store }, { actor: { unitPath: 'lhasa.hrss' }, code, policy: body({ priority: 99 }), isCreateOnly });
      await expect(attempt).rejects.toMatchObject({ code: 'auth.forbidden', details: { reason: 'not_top_level_unit' } });
      expect(m.locked).toEqual([]);
      expect([...m.policies.keys()]).toEqual(['wages']);
      expect(m.policies.get('wages')?.priority).toBe(10);
      expect(m.audits).toEqual([]);
    }
  });
});
