import type { UserActor } from '../core/auth/actor.js';
import type { Permission } from '../core/auth/roles.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { CaseDeps } from '../core/case/case.ports.js';
import type { AuthDeps } from '../core/auth/auth.ports.js';
import type { WindowRule } from '../core/shared/throttle.js';
import type { HeavyWorkLimits } from './heavy-work.js';
import type { RateLimitName, RateLimitRule } from './rate-limiter.js';

/** What every route declares: the permission it needs, or that it is public, or needs only a login. */
export type RouteAccess = Permission | 'public' | 'authenticated';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /**
     * The step changes who can do what, or reaches a person's data across cases: a session must have signed in
     * or confirmed its password within BIHUAN_REAUTH_MINUTES (core/auth/recent-auth.ts). API tokens are exempt:
     * they are scoped, and tokens never manage accounts or tokens.
     */
    isReauthRequired?: boolean;
  }
  interface FastifyRequest {
    actor: UserActor | null;
  }
}

export type AppDeps = {
  db: Db;
  config: Pick<Config, 'sessionTtlHours' | 'trustProxy'> & {
    rateLimits?: Partial<Record<RateLimitName, RateLimitRule>>;
    /** Access-code attempts per tracking number (default ACCESS_CODE_LIMIT); tests that probe access set it high. */
    accessCodeLimit?: WindowRule;
    /** Exports and reports running at once (default DEFAULT_HEAVY_WORK_LIMITS). */
    heavyWork?: HeavyWorkLimits;
  };
  now: () => Date;
  caseDeps: CaseDeps;
  authDeps: AuthDeps;
  /** Directory of the built web app, served at `/` when present. */
  webRoot?: string;
};
