import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { verifyAuditChain } from '../../src/db/audit.repository.js';
import { createAuthDeps, createCaseDeps } from '../../src/db/deps.js';
import { buildApp } from '../../src/http/app.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

let clock = Date.now();
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: () => new Date(clock), rateLimits: { public_submit: { limit: 20, windowMs: 3600_000 } } });
});
afterAll(async () => {
  await t.close();
});

const login = (username: string, password: string, remoteAddress = '10.1.1.1') =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress });

describe('security headers', () => {
  it('sends a content security policy and the usual hardening headers', async () => {
    const res = await t.call(null, 'GET', '/healthz');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });
});

describe('rate limits', () => {
  it('accepts 20 public submissions an hour from one address, then refuses with 429 and creates nothing', async () => {
    const count = async () => Number((await t.database.db.selectFrom('cases').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const submit = () => t.app.inject({ method: 'POST', url: '/api/v1/public/cases', payload: { kind: 'help', title: '限流测试', description: '限流测试' }, remoteAddress: '10.9.9.9' });
    for (let i = 0; i < 20; i += 1) expect((await submit()).statusCode).toBe(201);
    const refused = await submit();
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await count()).toBe(before + 20);
    // Another address is not affected.
    const other = await t.app.inject({ method: 'POST', url: '/api/v1/public/cases', payload: { kind: 'help', title: 'x', description: 'y' }, remoteAddress: '10.9.9.10' });
    expect(other.statusCode).toBe(201);
  });
});

describe('the open-data portal API', () => {
  it('answers 120 reads a minute from one address, then 429 with the time to wait; other addresses go on', async () => {
    const read = (remoteAddress: string) => t.app.inject({ method: 'GET', url: '/api/v1/public/open-data/meta', remoteAddress });
    for (let i = 0; i < 120; i += 1) expect((await read('10.8.8.8')).statusCode).toBe(200);
    const refused = await read('10.8.8.8');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await read('10.8.8.9')).statusCode).toBe(200);
    clock += 61_000;
    expect((await read('10.8.8.8')).statusCode).toBe(200);
  });
});

describe('rate limits across server processes', () => {
  it('counts one window per address for every process on the database, and a restart does not reset it', async () => {
    const start = () =>
      buildApp(
        {
          db: t.database.db,
          config: { sessionTtlHours: 12, trustProxy: false, rateLimits: { public_read: { limit: 4, windowMs: 60_000 } } },
          now: () => new Date(clock),
          caseDeps: createCaseDeps(t.database.db, () => new Date(clock)),
          authDeps: createAuthDeps(t.database.db, () => new Date(clock), 12, { idleMinutes: 120 }),
        },
        { logLevel: 'silent' },
      );
    const [a, b] = [await start(), await start()];
    const read = (app: FastifyInstance) => app.inject({ method: 'GET', url: '/api/v1/public/open-data/meta', remoteAddress: '10.7.7.7' });
    try {
      expect((await read(a)).statusCode).toBe(200);
      expect((await read(b)).statusCode).toBe(200);
      expect((await read(a)).statusCode).toBe(200);
      expect((await read(b)).statusCode).toBe(200);
      // Each process has seen two requests; together they have seen four.
      expect((await read(a)).statusCode).toBe(429);
      const counted = async () =>
        (await t.database.db.selectFrom('throttle_counters').select('count').where('key', '=', 'rate:public_read:10.7.7.7').executeTakeFirstOrThrow()).count;
      expect(await counted()).toBe(5);
      // Once refused, this process refuses the address again without writing to the database (a flood must not
      // queue on the counter's row); the other process still asks the database, which refuses too.
      for (let i = 0; i < 3; i += 1) expect((await read(a)).statusCode).toBe(429);
      expect(await counted()).toBe(5);
      expect((await read(b)).statusCode).toBe(429);
      expect(await counted()).toBe(6);
      await a.close();
      const restarted = await start();
      try {
        const refused = await read(restarted);
        expect(refused.statusCode).toBe(429);
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        clock += 61_000;
        expect((await read(restarted)).statusCode).toBe(200);
      } finally {
        await restarted.close();
      }
    } finally {
      await b.close();
    }
  });
});

describe('addresses behind a proxy', () => {
  it('believes the proxy in front, not what the client wrote into X-Forwarded-For, and counts an IPv6 /64 as one', async () => {
    const app = await buildApp(
      {
        db: t.database.db,
        config: { sessionTtlHours: 12, trustProxy: 1, rateLimits: { public_read: { limit: 2, windowMs: 60_000 } } },
        now: () => new Date(clock),
        caseDeps: createCaseDeps(t.database.db, () => new Date(clock)),
        authDeps: createAuthDeps(t.database.db, () => new Date(clock), 12, { idleMinutes: 120 }),
      },
      { logLevel: 'silent' },
    );
    try {
      const read = (forwardedFor: string) =>
        app.inject({ method: 'GET', url: '/api/v1/public/open-data/meta', remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': forwardedFor } });
      // The proxy appends the address it saw; the client cannot choose a new one for each request.
      for (const forged of ['6.6.6.1', '6.6.6.2']) expect((await read(`${forged}, 203.0.113.9`)).statusCode).toBe(200);
      expect((await read('6.6.6.3, 203.0.113.9')).statusCode).toBe(429);
      const keys = (await t.database.db.selectFrom('throttle_counters').select('key').where('key', 'like', 'rate:public_read:%').execute()).map((r) => r.key);
      expect(keys).toContain('rate:public_read:203.0.113.9');
      expect(keys.some((k) => k.includes('6.6.6.'))).toBe(false);
      // Addresses of one IPv6 /64 share their window.
      expect((await read('2001:db8:5:6::1')).statusCode).toBe(200);
      expect((await read('2001:db8:5:6::2')).statusCode).toBe(200);
      expect((await read('2001:db8:5:6:ffff::3')).statusCode).toBe(429);
      expect((await read('2001:db8:5:7::1')).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('login throttling', () => {
  it('locks a username after 5 failures, even for the right password, and answers the same for an unknown one', async () => {
    for (let i = 0; i < 5; i += 1) expect((await login('dispatcher', 'wrong-password')).statusCode).toBe(401);
    const locked = await login('dispatcher', TEST_PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ error: { code: 'auth.locked' } });
    for (let i = 0; i < 5; i += 1) expect((await login('nobody-here', 'wrong-password', '10.1.1.2')).statusCode).toBe(401);
    expect((await login('nobody-here', 'wrong-password', '10.1.1.2')).json()).toMatchObject({ error: { code: 'auth.locked' } });
    clock += 16 * 60_000;
    expect((await login('dispatcher', TEST_PASSWORD)).statusCode).toBe(200);
  });
});

describe('sessions', () => {
  it('end after the idle timeout, on log out everywhere, and on a password change', async () => {
    const token = (await login('leader', TEST_PASSWORD, '10.2.2.2')).json().token as string;
    const me = (tok: string) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${tok}` } });
    expect((await me(token)).statusCode).toBe(200);
    clock += 121 * 60_000;
    expect((await me(token)).statusCode).toBe(401);

    const a = (await login('leader', TEST_PASSWORD, '10.2.2.2')).json().token as string;
    const b = (await login('leader', TEST_PASSWORD, '10.2.2.3')).json().token as string;
    expect(a).not.toBe(b);
    const all = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout-all', headers: { authorization: `Bearer ${a}` } });
    expect(all.json()).toEqual({ endedSessions: 2 });
    expect((await me(a)).statusCode).toBe(401);
    expect((await me(b)).statusCode).toBe(401);

    const c = (await login('leader', TEST_PASSWORD, '10.2.2.2')).json().token as string;
    const change = (newPassword: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: { authorization: `Bearer ${c}` }, payload: { currentPassword: TEST_PASSWORD, newPassword } });
    const weak = await change('leader12345');
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.details.issues.map((i: { message: string }) => i.message)).toContain('contains_username');
    expect((await change('short')).json().error.details.issues.map((i: { message: string }) => i.message)).toContain('too_short');
    expect((await change('雪域高原-Lhasa-2026')).statusCode).toBe(204);
    expect((await me(c)).statusCode).toBe(401);
    expect((await login('leader', TEST_PASSWORD, '10.2.2.4')).statusCode).toBe(401);
    expect((await login('leader', '雪域高原-Lhasa-2026', '10.2.2.4')).statusCode).toBe(200);
  });

  it('refuses a state change from another site with the session cookie', async () => {
    const res = await login('agent', TEST_PASSWORD, '10.3.3.3');
    const cookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
    const post = (origin: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/cases', headers: { cookie, origin, host: 'bihuan.example' }, payload: { channel: 'phone', kind: 'help', title: '跨站', description: '跨站' } });
    const evil = await post('https://evil.example');
    expect(evil.statusCode).toBe(403);
    expect((await post('https://bihuan.example')).statusCode).toBe(201);
  });
});

describe('audit log', () => {
  it('records changes with actor, address and browser, seals them into a hash chain, and detects tampering', async () => {
    const created = await t.app.inject({
      method: 'POST', url: '/api/v1/cases', remoteAddress: '10.4.4.4',
      headers: { authorization: `Bearer ${await t.tokenOf('agent')}`, 'user-agent': 'AuditTest/1.0' },
      payload: { channel: 'phone', kind: 'help', title: '审计', description: '审计' },
    });
    expect(created.statusCode).toBe(201);
    await t.runBackground();
    const entry = await t.database.db.selectFrom('audit_log').selectAll().where('user_agent', '=', 'AuditTest/1.0').executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ actor_name: 'agent', ip: '10.4.4.4', action: 'POST /api/v1/cases', outcome: '201' });
    expect(entry.chain_seq).not.toBeNull();
    expect(await verifyAuditChain(t.database.db)).toMatchObject({ isIntact: true, unsealed: 0 });

    await expect(sql`UPDATE audit_log SET outcome = '200' WHERE id = ${entry.id}`.execute(t.database.db)).rejects.toThrow(/cannot be changed/);
    await expect(sql`DELETE FROM audit_log WHERE id = ${entry.id}`.execute(t.database.db)).rejects.toThrow(/append-only/);

    // A superuser can switch the guard off; the chain still tells.
    await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_guard`.execute(t.database.db);
    await sql`UPDATE audit_log SET ip = '10.0.0.1' WHERE id = ${entry.id}`.execute(t.database.db);
    await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_guard`.execute(t.database.db);
    const report = await verifyAuditChain(t.database.db);
    expect(report.isIntact).toBe(false);
    expect(report.firstBreak).toMatchObject({ chainSeq: Number(entry.chain_seq), reason: 'the entry was changed after it was sealed' });
  });

  it('records a change sent to a percent-encoded path, which the router decodes to the same route', async () => {
    const agent = await t.tokenOf('agent');
    for (const path of ['/%61pi/v1/cases', '/ap%69/v1/cases']) {
      const userAgent = `EncodedPath/${path}`;
      const created = await t.app.inject({
        method: 'POST', url: path, remoteAddress: '10.4.4.5',
        headers: { authorization: `Bearer ${agent}`, 'user-agent': userAgent },
        payload: { channel: 'phone', kind: 'help', title: '编码路径', description: '编码路径' },
      });
      expect(created.statusCode, created.body).toBe(201);
      await t.app.auditSettled();
      const entry = await t.database.db.selectFrom('audit_log').select(['action', 'outcome', 'actor_name']).where('user_agent', '=', userAgent).executeTakeFirst();
      expect(entry, path).toEqual({ action: 'POST /api/v1/cases', outcome: '201', actor_name: 'agent' });
    }
    // Failed sign-ins too: guessing passwords on such a path leaves its trace like any other.
    const failed = await t.app.inject({
      method: 'POST', url: '/%61pi/v1/auth/login', remoteAddress: '10.4.4.6', headers: { 'user-agent': 'EncodedLogin/1' },
      payload: { username: 'dispatcher', password: 'not-the-password' },
    });
    expect(failed.statusCode).toBe(401);
    await t.app.auditSettled();
    expect(await t.database.db.selectFrom('audit_log').select(['action', 'outcome', 'actor_name']).where('user_agent', '=', 'EncodedLogin/1').execute()).toEqual([
      { action: 'POST /api/v1/auth/login', outcome: '401', actor_name: 'dispatcher' },
    ]);
  });
});
