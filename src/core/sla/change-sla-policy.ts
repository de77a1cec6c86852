import type { Actor } from '../auth/actor.js';
import { checkOrganisationWideOrThrow } from '../auth/organisation-wide.js';
import { AppError } from '../shared/app-error.js';
import { fieldError } from '../shared/field-error.js';
import type { SlaPolicyBody, SlaPolicyView } from './sla-policy.schemas.js';

export type SlaPolicyAuditAction = 'sla.policy_created' | 'sla.policy_changed';

/** What saving a policy reads and writes; the caller binds it to one transaction, so the audit entry commits with the change. */
export type SlaPolicyStore = {
  hasCategory: (categoryId: string) => Promise<boolean>;
  /** Locks the policy row (when there is one) until the transaction ends. */
  findForUpdate: (code: string) => Promise<SlaPolicyView | null>;
  find: (code: string) => Promise<SlaPolicyView | null>;
  save: (code: string, policy: SlaPolicyBody, options: { isCreateOnly: boolean }) => Promise<'created' | 'updated' | 'exists'>;
  audit: (entry: { action: SlaPolicyAuditAction; code: string; data: { before: SlaPolicyView | null; after: SlaPolicyView } }) => Promise<void>;
};

export type ChangeSlaPolicyInput = {
  actor: Pick<Actor, 'unitPath'>;
  code: string;
  policy: SlaPolicyBody;
  /** Create only: a new policy must never silently replace one that has the same code. */
  isCreateOnly: boolean;
};

/**
 * Creates or changes a time-limit policy. Cases keep the policy they started with (pinned by code) and their
 * due dates already set, so a change applies to the steps that start after it. The permission (settings.manage)
 * is checked by the route. A policy belongs to no unit: it sets the limits of every unit's cases of its category,
 * channel and kind, so only staff of a top-level unit create or change one.
 */
export const changeSlaPolicy = async (deps: { store: SlaPolicyStore }, input: ChangeSlaPolicyInput): Promise<SlaPolicyView> => {
  const { store } = deps;
  const { code, policy } = input;
  checkOrganisationWideOrThrow(input.actor, 'sla_policies');
  if (policy.categoryId && !(await store.hasCategory(policy.categoryId))) throw fieldError('categoryId', 'no category with this id');
  const before = await store.findForUpdate(code);
  const outcome = await store.save(code, policy, { isCreateOnly: input.isCreateOnly });
  if (outcome === 'exists') throw new AppError('sla.policy_exists', `a policy with the code ${code} exists already`, { code });
  const after = await store.find(code);
  if (!after) throw new Error('a saved policy was not found');
  // Saving the form unchanged is not a change worth an audit entry.
  if (outcome === 'updated' && isSamePolicy(before, after)) return after;
  await store.audit({
    action: outcome === 'created' ? 'sla.policy_created' : 'sla.policy_changed',
    code,
    data: { before: outcome === 'created' ? null : before, after },
  });
  return after;
};

const isSamePolicy = (a: SlaPolicyView | null, b: SlaPolicyView): boolean => JSON.stringify(a) === JSON.stringify(b);
