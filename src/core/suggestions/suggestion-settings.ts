import { z } from 'zod';

/** What an administrator may tune about dispatch suggestions (stored in text_settings). */
export const suggestionSettingsSchema = z
  .object({
    /** From this confidence a suggestion may dispatch by itself, in the categories below; under it, a hint. 1: never. */
    autoThreshold: z.number().min(0.5).max(1).default(0.9),
    /** Categories whose new cases are dispatched automatically when the suggestion is confident enough. */
    autoDispatchCategoryIds: z.array(z.uuid()).max(500).default([]),
    /**
     * Also what citizens and integrations submit, which no one at the desk has read (off: the desk reviews them
     * first, and can reject spam or a wrong channel before a unit hears of it). Their category is the
     * submitter's choice, so the category model must agree with it too.
     */
    isAutoDispatchingSubmissions: z.boolean().default(false),
    /** Suggestions less likely than this are not shown at all. */
    minConfidence: z.number().min(0).max(1).default(0.05),
    maxSuggestions: z.number().int().min(1).max(10).default(3),
    /** Fewer dispatched cases than this and there is no model: it would only guess. */
    minExamples: z.number().int().min(10).max(100_000).default(30),
    /** The newest cases are the best guide to today's organisation; older ones are left out. */
    maxExamples: z.number().int().min(100).max(200_000).default(20_000),
    /** The newest share of the history is held out to evaluate each model before it is used. */
    holdoutShare: z.number().min(0.05).max(0.5).default(0.2),
    retrainEveryDays: z.number().int().min(1).max(90).default(7),
  })
  .strict();

export type SuggestionSettings = z.infer<typeof suggestionSettingsSchema>;

export const DEFAULT_SUGGESTION_SETTINGS: SuggestionSettings = suggestionSettingsSchema.parse({});

export const resolveSuggestionSettings = (stored: Record<string, unknown> | null | undefined): SuggestionSettings =>
  suggestionSettingsSchema.parse({ ...DEFAULT_SUGGESTION_SETTINGS, ...(stored ?? {}) });
