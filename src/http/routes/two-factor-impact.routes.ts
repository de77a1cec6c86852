import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLES } from '../../core/auth/roles.js';
import { getTwoFactorImpact } from '../../core/auth/two-factor-impact.js';
import { createTwoFactorImpactStore } from '../../db/two-factor-impact.repository.js';
import { actorOrThrow } from '../auth.plugin.js';
import type { AppDeps } from '../context.js';

const count = z.number().int().nonnegative();

const impactSchema = z.object({
  byRole: z
    .array(z.object({ role: z.enum(ROLES), activeAccounts: count, withoutTwoFactor: count }))
    .describe('every role: active accounts of people holding it, and how many of them have not turned two-factor authentication on'),
  roleSets: z
    .array(z.object({ roles: z.array(z.enum(ROLES)), activeAccounts: count, withoutTwoFactor: count }))
    .describe('the same accounts by their whole set of roles, so that a choice of roles counts each person once'),
});

/** Read-only: the counts an administrator looks at before changing the roles that must use two-factor authentication. */
export const registerTwoFactorImpactRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const store = createTwoFactorImpactStore(deps.db);

  api.get(
    '/admin/security/two-factor-roles/impact',
    {
      config: { access: 'security.manage' },
      schema: {
        tags: ['admin'],
        summary: 'Who the roles that must use two-factor authentication reach: active accounts per role, and those without it; administrators of a top-level unit (403 not_top_level_unit otherwise)',
        response: { 200: impactSchema },
      },
    },
    async (request) => getTwoFactorImpact(store, actorOrThrow(request)),
  );
};
