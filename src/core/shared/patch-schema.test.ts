import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { patchSchemaOf } from './patch-schema.js';

describe('patchSchemaOf', () => {
  const settings = z.object({ threshold: z.number().min(0).max(1).default(0.9), ids: z.array(z.string()).default([]), isOn: z.boolean().default(false) }).strict();

  it('leaves out what the patch does not name (partial() would fill in the defaults)', () => {
    expect(settings.partial().parse({ isOn: true })).toEqual({ threshold: 0.9, ids: [], isOn: true });
    expect(patchSchemaOf(settings).parse({ isOn: true })).toEqual({ isOn: true });
  });

  it('still checks what it names, and refuses unknown keys', () => {
    expect(patchSchemaOf(settings).safeParse({ threshold: 2 }).success).toBe(false);
    expect(patchSchemaOf(settings).safeParse({ other: 1 }).success).toBe(false);
  });
});
