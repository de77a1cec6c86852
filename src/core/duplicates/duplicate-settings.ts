import { z } from 'zod';

/** What an administrator may tune about duplicate and repeat detection (stored in text_settings). */
export const duplicateSettingsSchema = z
  .object({
    /** The same requester counts within this many days of the earlier case. */
    requesterWindowDays: z.number().int().min(1).max(3650).default(90),
    /** Closed cases older than this are no longer compared by text; open ones always are. */
    textWindowDays: z.number().int().min(1).max(3650).default(180),
    /** Cases within this distance (metres) of each other are "nearby". */
    nearbyMetres: z.number().min(10).max(5000).default(200),
    /** … if registered within this many days of each other (or still open). */
    nearbyWindowDays: z.number().int().min(1).max(3650).default(30),
    /** Suggestions scoring below this are not shown. */
    minScore: z.number().min(0).max(1).default(0.4),
    /** Text similarity from which two cases from different requesters count as the same matter. */
    sameMatterSimilarity: z.number().min(0).max(1).default(0.5),
    maxSuggestions: z.number().int().min(1).max(50).default(10),
  })
  .strict();

export type DuplicateSettings = z.infer<typeof duplicateSettingsSchema>;

export const DEFAULT_DUPLICATE_SETTINGS: DuplicateSettings = duplicateSettingsSchema.parse({});

/** Stored settings over the defaults: a setting added later still has a value in an old row. */
export const resolveDuplicateSettings = (stored: Record<string, unknown> | null | undefined): DuplicateSettings =>
  duplicateSettingsSchema.parse({ ...DEFAULT_DUPLICATE_SETTINGS, ...(stored ?? {}) });
