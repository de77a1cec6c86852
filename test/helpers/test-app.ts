import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import { createAuthDeps, createCaseDeps } from '../../src/db/deps.js';
import { buildApp } from '../../src/http/app.js';
import type { AppDeps } from '../../src/http/context.js';
import { startBackground } from '../../src/jobs/background.js';
import { backgroundWorkers, eventConsumers } from '../../src/jobs/consumers.js';
import { jobHandlers } from '../../src/jobs/handlers.js';
import { createTestDatabase, TEST_PASSWORD, type TestDatabase } from './test-database.js';

const GENEROUS_LIMITS = {
  public_submit: { limit: 100_000, windowMs: 60_000 },
  public_track: { limit: 100_000, windowMs: 60_000 },
  public_read: { limit: 100_000, windowMs: 60_000 },
  login: { limit: 100_000, windowMs: 60_000 },
};

export type TestApp = {
  app: FastifyInstance;
  database: TestDatabase;
  /** Logs in as a demo user and returns its bearer token (cached per user). */
  tokenOf: (username: string) => Promise<string>;
  /** JSON request as a user (or anonymous with null). */
  call: (username: string | null, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown) => Promise<LightMyRequestResponse>;
  /** Runs due timers and every event consumer once, until nothing is left (the server does this in a loop). */
  runBackground: () => Promise<number>;
  close: () => Promise<void>;
};

export const createTestApp = async (
  options: {
    now?: () => Date;
    sessionTtlHours?: number;
    /** BIHUAN_PASSWORD_MAX_AGE_DAYS (default 0: passwords never expire by age). */
    passwordMaxAgeDays?: number;
    /** BIHUAN_REAUTH_MINUTES (default 15; 0 turns the recent sign-in check off). */
    reauthMinutes?: number;
    rateLimits?: AppDeps['config']['rateLimits'];
    /** Access-code attempts per tracking number; generous unless a test asks for the real rule. */
    accessCodeLimit?: AppDeps['config']['accessCodeLimit'];
    /** Exports and reports at once; generous unless a test asks for limits. */
    heavyWork?: AppDeps['config']['heavyWork'];
    /** The background workers `runBackground` runs (default: all); a test that drives one worker itself leaves it out. */
    workers?: typeof backgroundWorkers;
  } = {},
): Promise<TestApp> => {
  const database = await createTestDatabase(inject('pgAdminUrl'), inject('templateDb'));
  const now = options.now ?? (() => new Date());
  const app = await buildApp(
    {
      db: database.db,
      // Many requests come from one test address: generous limits unless a test asks for real ones.
      config: {
        sessionTtlHours: 12,
        trustProxy: false,
        rateLimits: options.rateLimits ?? GENEROUS_LIMITS,
        accessCodeLimit: options.accessCodeLimit ?? { limit: 100_000, windowMs: 60_000 },
        // Tests that probe access run many requests at once from one address: generous unless a test asks.
        heavyWork: options.heavyWork ?? { perUser: 1000, perAddress: 1000, staffTotal: 1000, publicTotal: 1000 },
      },
      now,
      caseDeps: createCaseDeps(database.db, now),
      authDeps: createAuthDeps(database.db, now, options.sessionTtlHours ?? 12, {
        idleMinutes: (options.sessionTtlHours ?? 2) * 60,
        passwordMaxAgeDays: options.passwordMaxAgeDays ?? 0,
        ...(options.reauthMinutes === undefined ? {} : { reauthMinutes: options.reauthMinutes }),
      }),
    },
    { logLevel: 'silent' },
  );
  await app.ready();
  const background = await startBackground(database.db, { handlers: jobHandlers, consumers: eventConsumers, workers: options.workers ?? backgroundWorkers, now, isLooping: false, log: () => {} });
  const tokens = new Map<string, string>();
  const tokenOf = async (username: string): Promise<string> => {
    const cached = tokens.get(username);
    if (cached) return cached;
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: TEST_PASSWORD } });
    if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
    const token = (res.json() as { token: string }).token;
    tokens.set(username, token);
    return token;
  };
  const call: TestApp['call'] = async (username, method, url, body) => {
    const response = await app.inject({
      method,
      url,
      headers: username ? { authorization: `Bearer ${await tokenOf(username)}` } : {},
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    // The audit entry is written after the answer, batched with others: a test reads it as soon as it is answered.
    await app.auditSettled();
    return response;
  };
  return {
    app,
    database,
    tokenOf,
    call,
    runBackground: async () => {
      await app.auditSettled();
      let total = 0;
      for (let n = await background.runOnce(); n > 0; n = await background.runOnce()) total += n;
      return total;
    },
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
};
