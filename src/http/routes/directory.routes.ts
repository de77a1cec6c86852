import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listCategories, listUnits } from '../../db/directory.repository.js';
import type { AppDeps } from '../context.js';
import { languageOf, localize } from '../language.js';

const langQuery = z.object({ lang: z.enum(['zh-Hans', 'bo', 'en']).optional() });

export const registerDirectoryRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  // Unit and category names are public information: the citizen form needs them without a login.
  api.get(
    '/units',
    {
      config: { access: 'public' },
      schema: {
        tags: ['directory'],
        querystring: langQuery,
        response: {
          200: z.object({
            items: z.array(z.object({ id: z.uuid(), code: z.string(), name: z.string(), parentId: z.uuid().nullable(), type: z.string(), path: z.string() })),
          }),
        },
      },
    },
    async (request) => {
      const language = languageOf(request);
      const rows = await listUnits(deps.db);
      return { items: rows.map((u) => ({ id: u.id, code: u.code, name: localize(u.name, language), parentId: u.parent_id, type: u.type, path: u.path })) };
    },
  );

  api.get(
    '/categories',
    {
      config: { access: 'public' },
      schema: {
        tags: ['directory'],
        querystring: langQuery,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.uuid(), code: z.string(), name: z.string(), parentId: z.uuid().nullable(), defaultUnitId: z.uuid().nullable(),
                acceptHours: z.number().int(), replyDays: z.number().int(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const language = languageOf(request);
      const rows = await listCategories(deps.db);
      return {
        items: rows.map((c) => ({
          id: c.id, code: c.code, name: localize(c.name, language), parentId: c.parent_id, defaultUnitId: c.default_unit_id,
          acceptHours: c.accept_hours, replyDays: c.reply_days,
        })),
      };
    },
  );
};
