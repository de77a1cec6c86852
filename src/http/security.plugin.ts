import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance, FastifyRequest, onErrorAsyncHookHandler, onRequestAsyncHookHandler, onSendAsyncHookHandler } from 'fastify';
import { AppError } from '../core/shared/app-error.js';
import { clientNetworkOf } from '../core/shared/client-network.js';
import { createAuditWriter } from '../db/audit.repository.js';
import { createThrottleCounters } from '../db/throttle.repository.js';
import { appendHook } from './route-hooks.js';
import { ACCESS_CODE_LIMIT, accessCodeLockedError, checkedTrackingNo, countAccessCodeAttempt } from '../core/case/access-code-throttle.js';
import type { CountedAttempt } from '../core/shared/throttle.js';
import { DEVICE_COOKIE_NAME, verifiedDeviceNonce } from '../core/case/device-cookie.js';
import { deviceMac, setDeviceCookie } from './device-cookie.js';
import type { AppDeps } from './context.js';
import { createOverLimitMemo, DEFAULT_RATE_LIMITS, rateLimitKey, retryAfterSeconds, secondsUntil, type RateLimitName } from './rate-limiter.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimit?: RateLimitName;
  }
  interface FastifyInstance {
    /** Resolves when the audit entries of the requests answered so far are written (tests, shutdown). */
    auditSettled: () => Promise<void>;
  }
  interface FastifyRequest {
    /**
     * What the change was, for the audit entry every change gets: set by a route whose method and URL alone do
     * not say it (a permission change records the roles before and after).
     */
    auditDetails: Record<string, unknown> | null;
    /** Who acted, for a request that signs someone in (no session yet when it started). */
    auditActor: { id: string; username: string } | null;
    /** What a request that makes something acted on (its route has no `:id` to name it by). */
    auditSubject: { kind: string; id: string } | null;
  }
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Whether a request is one of the API's: by its route's pattern, or by its decoded path when it matched none. */
export const isApiRequest = (routeUrl: string | undefined, rawUrl: string): boolean => {
  if (routeUrl !== undefined) return routeUrl.startsWith('/api/');
  const path = rawUrl.split('?')[0] ?? '';
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Malformed percent-encoding: the router refused it; judge the text as it came.
  }
  return decoded.replace(/^\/+/, '/').toLowerCase().startsWith('/api/');
};

// NUL cannot be stored by PostgreSQL and lone surrogates are not text at all: both are refused up front, with
// a field path, instead of failing deep in the database.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const BAD_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const findBadText = (value: unknown, path: string, depth = 0): string | null => {
  if (depth > 64) return path;
  if (typeof value === 'string') return BAD_TEXT.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = findBadText(v, `${path}.${i}`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (BAD_TEXT.test(k)) return `${path}.${k}`;
      const found = findBadText(v, `${path}.${k}`, depth + 1);
      if (found) return found;
    }
  }
  return null;
};

const subjectOf = (request: FastifyRequest): { kind: string | null; id: string | null } => {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const url = request.routeOptions.url ?? '';
  // The segment before `:id` names what it is: `/cases/:id/accept` a case, `/admin/users/:id` and
  // `/admin/security/users/:id/totp` a user, `/api-tokens/service-accounts/:id` a service account.
  if (typeof params.id === 'string') {
    const segments = url.split('/');
    const at = segments.indexOf(':id');
    return { kind: (at > 0 ? segments[at - 1] : segments[3]) ?? null, id: params.id };
  }
  if (typeof params.trackingNo === 'string') return { kind: 'cases', id: params.trackingNo };
  return { kind: null, id: null };
};

/** The tracking number of a route that checks an access code. */
const checkedTrackingNoOf = (request: FastifyRequest): string | null => {
  const raw = (request.params as Record<string, unknown> | undefined)?.trackingNo;
  return typeof raw === 'string' ? checkedTrackingNo(raw) : null;
};

/** Security headers, rate limits, a cross-site check for cookie sessions, and the audit of every change. */
export const registerSecurity = async (app: FastifyInstance, deps: AppDeps): Promise<void> => {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // React sets style attributes (e.g. widths of chart bars); no inline scripts are allowed.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    // Served over plain HTTP inside a government network as often as over TLS; HSTS is the proxy's job.
    hsts: false,
  });

  const rules = { ...DEFAULT_RATE_LIMITS, ...(deps.config.rateLimits ?? {}) };
  const counters = createThrottleCounters(deps.db);
  const overLimit = createOverLimitMemo();
  const accessCodeRule = deps.config.accessCodeLimit ?? ACCESS_CODE_LIMIT;
  /** The access-code attempt each request was counted for, and the requests whose code was wrong. */
  const attempts = new WeakMap<FastifyRequest, CountedAttempt & { trackingNo: string; hasDeviceCookie: boolean }>();
  const wrongCodes = new WeakSet<FastifyRequest>();
  const audit = createAuditWriter(deps.db);
  app.addHook('onRequest', async (request) => {
    const name = request.routeOptions.config.rateLimit;
    if (name) {
      const now = deps.now();
      const key = rateLimitKey(name, clientNetworkOf(request.ip));
      // An address this process has already seen over its limit is refused without a word to the database:
      // a flood must not queue on the counter's row and take the pool from the desks.
      const refusedUntil = overLimit.refusedUntil(key, now);
      if (refusedUntil !== null) {
        throw new AppError('rate_limited', 'too many requests from this address: try again later', { retryAfterSeconds: secondsUntil(refusedUntil, now) });
      }
      // Counted in PostgreSQL, so that several server processes behind one balancer share each address's
      // window, and a restart does not hand out a fresh one.
      const counted = await counters.countAttempt(key, now, rules[name].windowMs);
      if (counted.count > rules[name].limit) {
        const windowEnd = new Date(counted.windowStartedAt.getTime() + rules[name].windowMs);
        overLimit.refuse(key, windowEnd, now);
        throw new AppError('rate_limited', 'too many requests from this address: try again later', {
          retryAfterSeconds: retryAfterSeconds(counted.windowStartedAt, rules[name].windowMs, now),
        });
      }
    }
    // Cookie sessions ride along on cross-site requests: a write from another origin is refused. (JSON-only
    // bodies and SameSite=Lax already stop forms; this also covers fetch from a hostile page.)
    if (STATE_CHANGING.has(request.method) && !request.headers.authorization && request.headers.cookie) {
      const origin = request.headers.origin;
      if (origin && origin !== 'null') {
        let originHost = '';
        try {
          originHost = new URL(origin).host;
        } catch {
          originHost = '';
        }
        if (originHost !== request.headers.host) throw new AppError('auth.forbidden', 'cross-site request refused', { origin });
      }
    }
  });

  app.addHook('preValidation', async (request) => {
    const found =
      findBadText(request.body, 'body') ?? findBadText(request.query, 'querystring') ?? findBadText(request.params, 'params');
    if (found) {
      throw new AppError('validation.failed', `${found}: contains a NUL character or broken Unicode`, {
        issues: [{ path: found, message: 'contains a NUL character or broken Unicode (a lone surrogate)' }],
      });
    }
  });

  // Per tracking number, counted before the case is even looked up: a refused number answers alike whether it
  // exists, and attempts sent all at once are counted one by one.
  const countAttempt: onRequestAsyncHookHandler = async (request) => {
    const trackingNo = checkedTrackingNoOf(request);
    if (!trackingNo) return;
    const now = deps.now();
    const deviceNonce = verifiedDeviceNonce(deviceMac, trackingNo, request.cookies[DEVICE_COOKIE_NAME]);
    const counted = await countAccessCodeAttempt(counters, trackingNo, now, accessCodeRule, deviceNonce);
    if (counted.outcome === 'admitted') {
      attempts.set(request, { ...counted.attempt, trackingNo, hasDeviceCookie: deviceNonce !== null });
      return;
    }
    if (counted.isLockStart) {
      // Audited once per window, so that staff can tell a requester why the page refuses, and see who guessed.
      request.log.warn({ trackingNo, ip: request.ip }, 'too many access-code attempts: tracking number refused for now');
      await audit.append({
        at: now,
        actorId: null,
        actorName: null,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        action: 'access_code.locked',
        subjectKind: 'cases',
        subjectId: trackingNo,
        outcome: '429',
        // `device`: a browser's own window (its cookie stolen, or its owner's typos), not the number's.
        data: {
          attempts: accessCodeRule.limit, windowMinutes: accessCodeRule.windowMs / 60_000, retryAfterSeconds: counted.retryAfterSeconds,
          window: deviceNonce === null ? 'shared' : 'device',
        },
      });
    }
    throw accessCodeLockedError(counted.retryAfterSeconds);
  };
  // Only a wrong code (or an unknown number) keeps its count; every other answer gives the attempt back, before
  // it is sent, so that the requester's next request finds it given back.
  const noteWrongCode: onErrorAsyncHookHandler = async (request, _reply, error) => {
    if (error instanceof AppError && error.code === 'case.access_code_invalid') wrongCodes.add(request);
  };
  const giveBackAttempt: onSendAsyncHookHandler = async (request, reply, payload) => {
    const attempt = attempts.get(request);
    if (!attempt || wrongCodes.has(request)) return payload;
    attempts.delete(request);
    // The right code was given: this browser gets a window of its own for this case from now on.
    if (!attempt.hasDeviceCookie && reply.statusCode < 400) setDeviceCookie(app, request, reply, attempt.trackingNo);
    try {
      await counters.refundAttempt(attempt);
    } catch (error) {
      request.log.error({ err: error }, 'could not give back an access-code attempt');
    }
    return payload;
  };
  // On the hook lists of the routes that check an access code (every route with a `:trackingNo` parameter
  // does) and only theirs: the desks' requests pay nothing for it.
  app.addHook('onRoute', (route) => {
    if (!route.url.includes('/:trackingNo')) return;
    route.onRequest = appendHook(route.onRequest, countAttempt);
    route.onError = appendHook(route.onError, noteWrongCode);
    route.onSend = appendHook(route.onSend, giveBackAttempt);
  });

  app.decorate('auditSettled', audit.settled);
  app.decorateRequest('auditDetails', null);
  app.decorateRequest('auditActor', null);
  app.decorateRequest('auditSubject', null);
  // Entries of the last answers are written before the database handle is closed.
  app.addHook('onClose', audit.settled);

  app.addHook('onResponse', async (request, reply) => {
    // The route's pattern, not the raw URL: the router decodes `/%61pi/v1/…` to an `/api` route, and a check on the
    // raw text would let such a request change things unrecorded. A request that matched no route has no pattern.
    if (!STATE_CHANGING.has(request.method) || !isApiRequest(request.routeOptions.url, request.url)) return;
    const subject = request.auditSubject ?? subjectOf(request);
    const body = request.body as Record<string, unknown> | undefined;
    const isLogin = request.routeOptions.url?.endsWith('/auth/login') ?? false;
    try {
      await audit.append({
        at: deps.now(),
        actorId: request.actor?.userId ?? request.auditActor?.id ?? null,
        actorName: request.actor?.username ?? request.auditActor?.username ?? (isLogin && typeof body?.username === 'string' ? body.username.slice(0, 64) : null),
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        action: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`,
        subjectKind: subject.kind,
        subjectId: subject.id,
        outcome: String(reply.statusCode),
        // A change made with an API token is the token's, within its owner's rights: say which token.
        data: { ...request.auditDetails, ...(request.actor?.apiToken ? { apiToken: request.actor.apiToken.prefix } : {}) },
      });
    } catch (error) {
      request.log.error({ err: error }, 'audit write failed');
    }
  });
};
