import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditWriter, type AuditEntry } from '../../src/db/audit.repository.js';
import { createAuthStore, createSessionFinder } from '../../src/db/auth.repository.js';
import { createStatementLog, type StatementLog } from '../helpers/statement-log.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** Session look-ups and audit entries of requests arriving together share statements; each keeps its own answer. */

let t: TestApp;
let log: StatementLog;
beforeAll(async () => {
  t = await createTestApp();
  log = createStatementLog(t.database.url);
});
afterAll(async () => {
  await log.destroy();
  await t.close();
});

const countOf = (pattern: RegExp) => log.countOf(pattern);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('session look-ups', () => {
  it('finds the users of parallel requests with one statement, each against its own clock', async () => {
    const users = await t.database.db.selectFrom('users').select(['id', 'username']).where('username', 'in', ['agent', 'handler', 'leader']).orderBy('username').execute();
    const store = createAuthStore(t.database.db);
    const now = new Date();
    const later = new Date(now.getTime() + 2 * 3600_000);
    const tokens = users.map((u) => ({ user: u, token: randomBytes(16).toString('hex') }));
    for (const [i, { user, token }] of tokens.entries()) {
      // The last session ends in an hour: alive now, expired for a request whose clock says two hours later.
      const expiresAt = new Date(now.getTime() + (i === tokens.length - 1 ? 1 : 12) * 3600_000);
      await store.createSession({ userId: user.id, tokenHash: sha256(token), expiresAt, ip: null, userAgent: null, at: now });
    }
    const find = createSessionFinder(log.db);
    const before = countOf(/from "sessions"/);
    const lookups = [
      ...tokens.map(({ token }) => find(sha256(token), now)),
      find(sha256('no such token'), now),
      find(sha256(tokens[tokens.length - 1]!.token), later),
      find(sha256(tokens[0]!.token), later),
    ];
    const found = await Promise.all(lookups);
    expect(countOf(/from "sessions"/) - before).toBe(1);
    expect(found.map((f) => f?.username ?? null)).toEqual([...users.map((u) => u.username), null, null, users[0]!.username]);
    expect(found[0]).toMatchObject({ id: users[0]!.id, twoFactor: { isEnabled: false } });
  });
});

describe('audit entries', () => {
  const entry = (n: number, actorId: string | null = null): AuditEntry => ({
    at: new Date(), actorId, actorName: `batch-${n}`, ip: '10.9.9.9', userAgent: 'BatchTest/1.0', action: 'POST /api/v1/test',
    subjectKind: null, subjectId: null, outcome: '200', data: { n },
  });

  it('writes entries of the same moment with one statement, in order, and a broken entry fails alone', async () => {
    const writer = createAuditWriter(log.db);
    const before = countOf(/insert into "audit_log"/);
    await Promise.all(Array.from({ length: 12 }, (_, n) => writer.append(entry(n))));
    expect(countOf(/insert into "audit_log"/) - before).toBe(1);
    const results = await Promise.allSettled([12, 13, 14].map((n) => writer.append(entry(n, n === 13 ? 'not-a-uuid' : null))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await writer.settled();
    const rows = await t.database.db.selectFrom('audit_log').select('actor_name').where('user_agent', '=', 'BatchTest/1.0').orderBy('id').execute();
    expect(rows.map((r) => r.actor_name)).toEqual([...Array.from({ length: 13 }, (_, n) => `batch-${n}`).filter((n) => n !== 'batch-13'), 'batch-14']);
  });

  it('has written the entries of requests already answered when the app says they are settled', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.app.inject({
          method: 'POST', url: '/api/v1/cases', headers: { authorization: `Bearer ${'x'.repeat(i)}`, 'user-agent': 'SettledTest/1.0' },
          payload: {},
        }),
      ),
    );
    expect(answers.every((a) => a.statusCode === 401)).toBe(true);
    await t.app.auditSettled();
    const rows = await t.database.db.selectFrom('audit_log').select('outcome').where('user_agent', '=', 'SettledTest/1.0').execute();
    expect(rows.map((r) => r.outcome)).toEqual(Array.from({ length: 8 }, () => '401'));
  });
});
