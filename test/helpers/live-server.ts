import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { createAuthDeps, createCaseDeps } from '../../src/db/deps.js';
import { buildApp } from '../../src/http/app.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export type LiveServer = { url: string; app: FastifyInstance; database: TestDatabase; close: () => Promise<void> };

export type LiveServerOptions = {
  /**
   * Settings the app reads from the environment while it is built (single sign-on's BIHUAN_OIDC_* are read when the
   * routes are registered), made from the address it will listen on, since the OIDC callback names it. They are set
   * for the build only; the environment is then put back as it was.
   */
  env?: (url: string) => Record<string, string> | Promise<Record<string, string>>;
};

/** A port free now, for a server whose address must be known before it listens. */
const freePort = async (): Promise<number> => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
};

/** Sets these environment variables; the function returned puts back what was there before. */
const setEnv = (env: Record<string, string>): (() => void) => {
  const before = Object.keys(env).map((key) => [key, process.env[key]] as const);
  Object.assign(process.env, env);
  return () => {
    for (const [key, value] of before) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
};

/** The real app, serving the built web app from dist/web, on a private seeded database and a free port. */
export const startLiveServer = async (options: LiveServerOptions = {}): Promise<LiveServer> => {
  const database = await createTestDatabase(inject('pgAdminUrl'), inject('templateDb'));
  const now = () => new Date();
  // Only a server whose settings name its own address picks its port before listening; the others let the system pick.
  const port = options.env ? await freePort() : 0;
  const restoreEnv = setEnv(options.env ? await options.env(`http://127.0.0.1:${port}`) : {});
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
  ).finally(restoreEnv);
  const url = await app.listen({ port, host: '127.0.0.1' });
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
