import { checkOrganisationWideOrThrow } from '../auth/organisation-wide.js';
import type { UserActor } from '../auth/actor.js';
import type { Kind, Language } from '../case/case.types.js';
import { canSeeRequester } from '../case/identity-protection.js';
import { maskName } from '../case/mask.js';
import type { RevealContext, RevealEntry } from '../case/reveal-requester.js';
import { AppError } from '../shared/app-error.js';
import { DEFAULT_SCRIPT, renderCallScript, summariseReply } from './call-scripts.js';
import { isClaimLive } from './callback-rules.js';
import type { CallbackDeps, StoredScript } from './callback.ports.js';
import type { LanguageTexts } from './callback.types.js';
import { canSeeTask } from './task-access.js';

export const canManageCallbackSettings = (actor: UserActor): boolean =>
  actor.permissions.has('reply_template.manage') || actor.permissions.has('settings.manage');

export const managerOrThrow = (actor: UserActor): UserActor => {
  if (!canManageCallbackSettings(actor)) {
    throw new AppError('auth.forbidden', 'missing permission reply_template.manage or settings.manage', { permission: 'reply_template.manage' });
  }
  return actor;
};

export type RenderedScript = {
  language: Language;
  text: string;
  missing: string[];
  scriptId: string | null;
  /** Identity protection: no name at all, the script says 群众 / Sir or Madam. */
  isNameWithheld: boolean;
  /** The full name is in the text (an audited reveal); otherwise it is masked like in the queue (王**). */
  isNameRevealed: boolean;
};

export type CallScriptDeps = CallbackDeps & {
  /** Writes a reveal to the audit log as GET /cases/{id}/requester does (action `reveal personal data`). */
  audit: (entry: RevealEntry) => Promise<void>;
};

/**
 * The script of a task in the language asked for (by default the requester's), filled with the case's facts.
 * The name is masked unless `isFullNameAsked`: the agent holding the task, about to read the script aloud to the
 * requester, gets it in full as an audited reveal of the case, like the number (same permission, same identity
 * protection, the refusal of a protected name audited too). Anyone else gets no full name: a task page left open,
 * or a colleague browsing the queue, is not a call.
 */
export const getCallScript = async (
  deps: CallScriptDeps,
  input: { actor: UserActor; taskId: string; language?: Language; isFullNameAsked?: boolean; context: RevealContext },
): Promise<RenderedScript> => {
  const now = deps.now();
  const { rendered, revealed } = await deps.transaction(async ({ store }) => {
    const item = await store.findQueueItem(input.taskId);
    if (!item || !canSeeTask(input.actor, item)) throw new AppError('resource.not_found', 'no such callback task', { id: input.taskId });
    const canSeeName = canSeeRequester(input.actor, item);
    const entry = { at: now, actorId: input.actor.userId, actorName: input.actor.username, ...input.context, caseId: item.caseId };
    const where = { trackingNo: item.trackingNo, via: 'callback_script', taskId: item.id };
    if (input.isFullNameAsked) {
      if (!input.actor.permissions.has('case.view_personal_data')) {
        throw new AppError('auth.forbidden', 'missing permission case.view_personal_data', { permission: 'case.view_personal_data' });
      }
      if (!canSeeName) {
        await deps.audit({ ...entry, outcome: 'refused', data: { ...where, reason: 'identity_protected' } });
        throw new AppError('case.identity_protected', "the requester's identity is protected from this unit", { id: item.caseId });
      }
      if (item.status !== 'open' || item.claimedBy !== input.actor.userId || !isClaimLive(item, now)) {
        throw new AppError('callback.not_claimed', 'the full name is for the agent who has started this callback', { id: item.id });
      }
    }
    const script = await store.findScriptFor(await store.categoryChainOf(item.categoryId), item.kind);
    const language = input.language ?? item.language;
    const isNameRevealed = input.isFullNameAsked === true && canSeeName;
    const name = !canSeeName || !item.requesterName ? null : isNameRevealed ? item.requesterName : maskName(item.requesterName);
    const text = renderCallScript((script?.body ?? DEFAULT_SCRIPT)[language], {
      requesterName: name,
      trackingNo: item.trackingNo,
      title: item.title,
      replySummary: summariseReply(item.replyText),
      unitName: item.leadUnitName ? item.leadUnitName[language] ?? item.leadUnitName['zh-Hans'] : null,
      agentName: input.actor.displayName,
    }, language);
    return {
      rendered: { language, ...text, scriptId: script?.id ?? null, isNameWithheld: !canSeeName, isNameRevealed },
      revealed: isNameRevealed ? { ...entry, outcome: item.requesterName ? ('revealed' as const) : ('none' as const), data: { ...where, language } } : null,
    };
  });
  // Written before the text leaves: a reveal that cannot be recorded is not made.
  if (revealed) await deps.audit(revealed);
  return rendered;
};

export const listCallScripts = async (deps: CallbackDeps): Promise<StoredScript[]> => deps.transaction(({ store }) => store.listScripts());

export const saveCallScript = async (
  deps: CallbackDeps,
  input: { actor: UserActor; categoryId: string | null; kind: Kind | null; body: LanguageTexts },
): Promise<StoredScript> => {
  managerOrThrow(input.actor);
  // A script belongs to no unit: every callback desk reads it aloud, so it is changed from the top.
  checkOrganisationWideOrThrow(input.actor, 'call_scripts');
  return deps.transaction(({ store }) => store.saveScript({ categoryId: input.categoryId, kind: input.kind, body: input.body, actorId: input.actor.userId, at: deps.now() }));
};
