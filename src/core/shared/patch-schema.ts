import { z } from 'zod';

/**
 * The body of a partial update (PUT of some settings): every field optional, and, unlike `.partial()`, without
 * the fields' defaults. zod fills a missing field that has a default, so `schema.partial()` would turn
 * `{isX: true}` into "isX, and every other setting back to its default".
 */
export const patchSchemaOf = <Shape extends z.ZodRawShape>(schema: z.ZodObject<Shape>) =>
  z
    .object(
      Object.fromEntries(
        Object.entries(schema.shape).map(([key, field]) => [key, z.optional(field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType))]),
        // The entries are rebuilt key by key, which TypeScript cannot follow: the mapped type says what they are.
      ) as unknown as { [K in keyof Shape]: z.ZodOptional<Shape[K] extends z.ZodDefault<infer Inner> ? Inner : Shape[K]> },
    )
    .strict();
