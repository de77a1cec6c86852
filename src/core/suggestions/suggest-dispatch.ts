import { predict, type RouterModel } from '../../text/router/router.js';
import type { ModelEvaluation, RouterTarget } from './retrain-router.js';
import type { SuggestionSettings } from './suggestion-settings.js';

export type LoadedModel = { id: string; version: number; model: RouterModel; evaluation: ModelEvaluation | null };

/** The active model of a target, parsed and cached by the storage side. */
export type ActiveModels = { get: (target: RouterTarget) => Promise<LoadedModel | null> };

export type DispatchSuggestion = { unitId: string; categoryId?: string; confidence: number };

export type SuggestionMode = 'auto' | 'hint' | 'none';

export type DispatchSuggestions = {
  items: DispatchSuggestion[];
  categories: { categoryId: string; confidence: number }[];
  /** What the top suggestion may do for a case of this category (see decideAutoDispatch). */
  mode: SuggestionMode;
  reason: AutoDispatchDecision['reason'];
  models: { unit: number | null; category: number | null };
};

export type AutoDispatchDecision =
  | { mode: 'auto'; unitId: string; confidence: number; reason: 'confident' }
  | { mode: 'hint'; reason: 'below_threshold' | 'category_not_enabled' | 'no_category' }
  | { mode: 'none'; reason: 'no_model' | 'no_suggestion' };

const round = (x: number): number => Math.round(x * 10000) / 10000;

/**
 * May the top suggestion dispatch by itself? Only for a category an administrator enabled, and only when
 * the model is at least as confident as the threshold. Everything else is a hint for the dispatcher.
 */
export const decideAutoDispatch = (input: {
  settings: SuggestionSettings;
  categoryId: string | null;
  top: DispatchSuggestion | null;
  hasModel: boolean;
}): AutoDispatchDecision => {
  if (!input.hasModel) return { mode: 'none', reason: 'no_model' };
  if (!input.top) return { mode: 'none', reason: 'no_suggestion' };
  // Confidences are rounded to four places, so a very sure model shows 1: a threshold of 1 means "never by itself".
  if (input.top.confidence < input.settings.autoThreshold || input.settings.autoThreshold >= 1) return { mode: 'hint', reason: 'below_threshold' };
  if (input.categoryId === null) return { mode: 'hint', reason: 'no_category' };
  if (!input.settings.autoDispatchCategoryIds.includes(input.categoryId)) return { mode: 'hint', reason: 'category_not_enabled' };
  return { mode: 'auto', unitId: input.top.unitId, confidence: input.top.confidence, reason: 'confident' };
};

/**
 * Units (and categories) for a case's text, most likely first, each with the model's confidence. A unit
 * suggestion is paired with the most likely category whose cases mostly went to that unit. `categoryId`
 * is the case's own category, if it has one: it decides whether auto-dispatch is allowed.
 */
export const suggestDispatch = async (
  deps: { models: ActiveModels; settings: SuggestionSettings },
  input: { text: string; categoryId: string | null },
): Promise<DispatchSuggestions> => {
  const [unitModel, categoryModel] = await Promise.all([deps.models.get('unit'), deps.models.get('category')]);
  const { settings } = deps;
  const categories = categoryModel
    ? predict(categoryModel.model, input.text)
        .ranked.filter((r) => r.score >= settings.minConfidence)
        .slice(0, settings.maxSuggestions)
        .map((r) => ({ categoryId: r.label, confidence: round(r.score) }))
    : [];
  const unitsOfCategories = categoryModel?.evaluation?.categoryUnits ?? {};
  const items: DispatchSuggestion[] = unitModel
    ? predict(unitModel.model, input.text)
        .ranked.filter((r) => r.score >= settings.minConfidence)
        .slice(0, settings.maxSuggestions)
        .map((r) => {
          const category = categories.find((c) => unitsOfCategories[c.categoryId] === r.label);
          return { unitId: r.label, ...(category ? { categoryId: category.categoryId } : {}), confidence: round(r.score) };
        })
    : [];
  const decision = decideAutoDispatch({ settings, categoryId: input.categoryId, top: items[0] ?? null, hasModel: unitModel !== null });
  return {
    items,
    categories,
    mode: decision.mode,
    reason: decision.reason,
    models: { unit: unitModel?.version ?? null, category: categoryModel?.version ?? null },
  };
};

/** The text a model reads: title and description, as the router was built for ("title\nbody"). */
export const caseText = (title: string, description: string): string => `${title}\n${description}`;
