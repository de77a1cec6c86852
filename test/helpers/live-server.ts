import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { createAuthDeps, createCaseDeps } from '../../src/db/deps.js';
import { buildApp } from '../../src/http/app.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export type LiveServer = { url: string; app: FastifyInstance; database: TestDatabase; close: () => Promise<void> };

/** The real app, serving the built web app from dist/web, on a private seeded database and a free port. */
export const startLiveServer = async (): Promise<LiveServer> => {
  const database = await createTestDatabase(inject('pgAdminUrl'), inject('templateDb'));
  const now = () => new Date();
  const app = await buildApp(
    {
      db: database.db,
      config: { sessionTtlHours: 12, trustProxy: false, rateLimits: { public_submit: { limit: 10_000, windowMs: 60_000 } } },
      now,
      caseDeps: createCaseDeps(database.db, now),
      authDeps: createAuthDeps(database.db, now, 12),
      webRoot: path.resolve('dist/web'),
    },
    { logLevel: 'silent' },
  );
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    app,
    database,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
};
