import { isPathWithin, type UserActor } from '../auth/actor.js';
import { AppError } from '../shared/app-error.js';
import { maskPersonalData } from './mask-personal-data.js';
import type { PublicationState } from './open-data.types.js';

export type ReviewAction = 'save' | 'publish' | 'withdraw';

export type ReviewInput = {
  action: ReviewAction;
  /** Undefined: unchanged; null: back to the automatic text. */
  title?: string | null;
  text?: string | null;
  reply?: string | null;
};

export type ReviewedRow = {
  state: PublicationState;
  auto_title: string;
  auto_text: string;
  auto_reply: string | null;
  edited_title: string | null;
  edited_text: string | null;
  edited_reply: string | null;
  served_title: string | null;
  served_text: string | null;
  served_reply: string | null;
};

/**
 * What a reviewer's action changes. Whatever a member of staff saves or publishes is reviewed text, so it
 * is served at once (when the case is published); withdrawing takes the case off the portal and keeps the
 * text for a later publication. Staff text goes through the same masking as automatic text: a phone number
 * pasted by mistake still never reaches the public.
 */
export const applyReview = (current: ReviewedRow, input: ReviewInput, at: Date, reviewerId: string) => {
  const pick = (given: string | null | undefined, edited: string | null): string | null =>
    given === undefined ? edited : given === null || given.trim() === '' ? null : maskPersonalData(given.trim());
  const edited = {
    edited_title: pick(input.title, current.edited_title),
    edited_text: pick(input.text, current.edited_text),
    edited_reply: pick(input.reply, current.edited_reply),
  };
  const candidate = {
    served_title: edited.edited_title ?? current.auto_title,
    served_text: edited.edited_text ?? current.auto_text,
    served_reply: edited.edited_reply ?? current.auto_reply,
  };
  const state: PublicationState = input.action === 'publish' ? 'published' : input.action === 'withdraw' ? 'withdrawn' : current.state;
  const patch = {
    ...edited,
    state,
    ...(input.action === 'withdraw' ? {} : { ...candidate, has_unreviewed_changes: false, reviewed_by: reviewerId, reviewed_at: at }),
    ...(input.action === 'publish' ? { published_at: at } : {}),
    updated_at: at,
  };
  const before = { state: current.state, title: current.served_title, text: current.served_text, reply: current.served_reply, edited: { title: current.edited_title, text: current.edited_text, reply: current.edited_reply } };
  const after = {
    state,
    title: input.action === 'withdraw' ? current.served_title : candidate.served_title,
    text: input.action === 'withdraw' ? current.served_text : candidate.served_text,
    reply: input.action === 'withdraw' ? current.served_reply : candidate.served_reply,
    edited: { title: edited.edited_title, text: edited.edited_text, reply: edited.edited_reply },
  };
  return { patch, audit: { before, after } };
};

/** What the review use case needs from storage, bound to one transaction. */
export type OpenDataReviewStore = {
  /** The paths of the case's intake and lead units; null for an unknown case. */
  findCaseUnitPaths: (caseId: string) => Promise<{ intakePath: string; leadPath: string | null } | null>;
  /** The case's snapshot, locked until the transaction ends; null when it may never be published. */
  findSnapshotForUpdate: (caseId: string) => Promise<ReviewedRow | null>;
  updateSnapshot: (caseId: string, patch: ReturnType<typeof applyReview>['patch']) => Promise<void>;
  audit: (entry: { action: string; caseId: string; data: Record<string, unknown> }) => Promise<void>;
};

/**
 * A reviewer edits, publishes or withdraws the public snapshot of a case in their units. A case out of
 * scope, unknown, or never publishable is reported alike (not found), so ids cannot be probed. The change
 * and its audit entry (before and after) are written together.
 */
export const reviewPublicCase = async (
  deps: { store: OpenDataReviewStore; now: () => Date },
  input: { actor: UserActor; caseId: string; review: ReviewInput },
): Promise<void> => {
  const paths = await deps.store.findCaseUnitPaths(input.caseId);
  const isInScope = paths !== null && (isPathWithin(input.actor.unitPath, paths.intakePath) || (paths.leadPath !== null && isPathWithin(input.actor.unitPath, paths.leadPath)));
  const current = isInScope ? await deps.store.findSnapshotForUpdate(input.caseId) : null;
  if (!current) throw new AppError('resource.not_found', 'no publishable case with this id', { caseId: input.caseId });
  const { patch, audit } = applyReview(current, input.review, deps.now(), input.actor.userId);
  await deps.store.updateSnapshot(input.caseId, patch);
  await deps.store.audit({ action: `open_data.${input.review.action}`, caseId: input.caseId, data: audit });
};
