import type { UserActor } from '../auth/actor.js';
import type { Kind, Language } from '../case/case.types.js';
import { canSeeRequester } from '../case/identity-protection.js';
import { AppError } from '../shared/app-error.js';
import { DEFAULT_SCRIPT, renderCallScript, summariseReply } from './call-scripts.js';
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

export type RenderedScript = { language: Language; text: string; missing: string[]; scriptId: string | null; isNameWithheld: boolean };

/** The script of a task in the language asked for (by default the requester's), filled with the case's facts. */
export const getCallScript = async (deps: CallbackDeps, input: { actor: UserActor; taskId: string; language?: Language }): Promise<RenderedScript> =>
  deps.transaction(async ({ store }) => {
    const item = await store.findQueueItem(input.taskId);
    if (!item || !canSeeTask(input.actor, item)) throw new AppError('resource.not_found', 'no such callback task', { id: input.taskId });
    const script = await store.findScriptFor(await store.categoryChainOf(item.categoryId), item.kind);
    const language = input.language ?? item.language;
    const canSeeName = canSeeRequester(input.actor, item);
    const rendered = renderCallScript((script?.body ?? DEFAULT_SCRIPT)[language], {
      requesterName: canSeeName ? item.requesterName : null,
      trackingNo: item.trackingNo,
      title: item.title,
      replySummary: summariseReply(item.replyText),
      unitName: item.leadUnitName ? item.leadUnitName[language] ?? item.leadUnitName['zh-Hans'] : null,
      agentName: input.actor.displayName,
    }, language);
    return { language, ...rendered, scriptId: script?.id ?? null, isNameWithheld: !canSeeName };
  });

export const listCallScripts = async (deps: CallbackDeps): Promise<StoredScript[]> => deps.transaction(({ store }) => store.listScripts());

export const saveCallScript = async (
  deps: CallbackDeps,
  input: { actor: UserActor; categoryId: string | null; kind: Kind | null; body: LanguageTexts },
): Promise<StoredScript> => {
  managerOrThrow(input.actor);
  return deps.transaction(({ store }) => store.saveScript({ categoryId: input.categoryId, kind: input.kind, body: input.body, actorId: input.actor.userId, at: deps.now() }));
};
