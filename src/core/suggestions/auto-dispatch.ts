import type { Actor } from '../auth/actor.js';
import { hasPermission } from '../auth/actor.js';
import type { CaseDeps } from '../case/case.ports.js';
import type { CaseRecord } from '../case/case.record.js';
import { performCaseAction } from '../case/perform-case-action.js';
import { isAppError } from '../shared/app-error.js';
import { caseText, suggestDispatch, type ActiveModels, type DispatchSuggestions } from './suggest-dispatch.js';
import type { SuggestionSettings } from './suggestion-settings.js';

export type AutoDispatchDeps = { caseDeps: CaseDeps; models: ActiveModels; settings: () => Promise<SuggestionSettings> };

export type AutoDispatchResult = {
  isDispatched: boolean;
  suggestions: DispatchSuggestions | null;
  /** The case after dispatch, or null when nothing was done. */
  record: CaseRecord | null;
  /** Why nothing was done, when the decision said auto but the dispatch itself was refused. */
  refusal: string | null;
};

/**
 * Called right after a case is registered: when an administrator has enabled auto-dispatch for the case's
 * category and the model is confident enough, dispatches it to the suggested unit in the registering
 * user's name (the timeline says it was automatic and with what confidence). Otherwise does nothing; the
 * suggestion remains a hint on the case page. A refused dispatch (the unit was deactivated since training)
 * never fails the registration.
 */
export const autoDispatchIfConfident = async (
  deps: AutoDispatchDeps,
  input: { caseId: string; actor: Actor; isSubmission?: boolean },
): Promise<AutoDispatchResult> => {
  const nothing = (suggestions: DispatchSuggestions | null, refusal: string | null = null): AutoDispatchResult => ({ isDispatched: false, suggestions, record: null, refusal });
  if (!hasPermission(input.actor, 'case.dispatch')) return nothing(null);
  const record = await deps.caseDeps.transaction((store) => store.findCase(input.caseId));
  // Imported cases are history: they are routed by whoever imports them, never by a model.
  if (!record || record.status !== 'registered' || record.channel === 'import') return nothing(null);
  const settings = await deps.settings();
  if (record.categoryId === null || !settings.autoDispatchCategoryIds.includes(record.categoryId)) return nothing(null);
  const suggestions = await suggestDispatch({ models: deps.models, settings }, { text: caseText(record.title, record.description), categoryId: record.categoryId });
  const top = suggestions.items[0];
  if (suggestions.mode !== 'auto' || !top) return nothing(suggestions);
  // A submitter chose the category: the text must say the same, or the desk reads it first.
  if (input.isSubmission && suggestions.categories[0]?.categoryId !== record.categoryId) return nothing(suggestions);
  try {
    const dispatched = await performCaseAction(deps.caseDeps, {
      caseId: record.id,
      action: 'dispatch',
      actor: input.actor,
      body: { unitId: top.unitId, note: `自动派单：派单建议模型 v${suggestions.models.unit ?? '?'}，置信度 ${top.confidence.toFixed(2)}` },
    });
    return { isDispatched: true, suggestions, record: dispatched, refusal: null };
  } catch (error) {
    if (isAppError(error)) return nothing(suggestions, `${error.code}: ${error.message}`);
    throw error;
  }
};
