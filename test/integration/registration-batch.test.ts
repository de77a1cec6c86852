import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseRegistration } from '../../src/core/case/case.ports.js';
import { formatTrackingNo } from '../../src/core/case/tracking-number.js';
import { createCaseRegistrar } from '../../src/db/case.repository.js';
import { createStatementLog, type StatementLog } from '../helpers/statement-log.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** Registrations arriving together share one statement and one commit; each still gets its own answer. */

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

const caseInserts = () => log.countOf(/INSERT INTO "cases"/);

describe('registrations gathered into shared statements', () => {
  it('answers each of many parallel intakes with its own case, and refuses only the one with an inactive category', async () => {
    const categories = (await t.call('agent', 'GET', '/api/v1/categories')).json() as { items: { id: string }[] };
    const [open, closed] = categories.items.map((c) => c.id);
    await t.database.db.updateTable('categories').set({ is_active: false }).where('id', '=', closed!).execute();
    const bodies = Array.from({ length: 30 }, (_, i) => ({
      channel: 'phone', kind: 'complaint', title: `并发登记 ${i}`, description: `第 ${i} 件，同时登记。`,
      categoryId: i % 10 === 7 ? closed : open,
      requester: i % 2 === 0 ? { name: `求助人${i}`, phone: `1390000${String(1000 + i)}`, language: 'zh-Hans' } : undefined,
    }));
    const answers = await Promise.all(bodies.map((body) => t.call('agent', 'POST', '/api/v1/cases', body)));
    const refused = answers.filter((a) => a.statusCode !== 201);
    expect(refused.map((a) => a.statusCode)).toEqual([400, 400, 400]);
    for (const a of refused) expect(a.json()).toMatchObject({ error: { code: 'validation.failed', details: { issues: [{ path: 'body.categoryId' }] } } });
    const created = answers.filter((a) => a.statusCode === 201).map((a) => a.json() as { id: string; trackingNo: string; title: string; requester: unknown });
    expect(created).toHaveLength(27);
    expect(new Set(created.map((c) => c.trackingNo)).size).toBe(27);
    // Each answer is its own case, as stored, with its requester and first event.
    for (const c of created) {
      const page = await t.call('agent', 'GET', `/api/v1/cases/${c.id}`);
      expect(page.json()).toMatchObject({ id: c.id, trackingNo: c.trackingNo, title: c.title, events: [{ code: 'case.registered', seq: 1 }] });
      const i = Number(c.title.split(' ')[1]);
      expect((page.json() as { requester: unknown }).requester === null).toBe(i % 2 === 1);
    }
    const stored = await t.database.db.selectFrom('cases').select(({ fn }) => fn.countAll<string>().as('n')).where('category_id', '=', closed!).executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(0);
  });

  it('takes parallel public submissions the same way: each can be tracked with its own access code', async () => {
    const submitted = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.call(null, 'POST', '/api/v1/public/cases', { kind: 'help', title: `网上求助 ${i}`, description: '同时提交的网上求助。', requester: { name: `网民${i}`, phone: `1380000${String(2000 + i)}`, language: 'bo' } }),
      ),
    );
    expect(submitted.map((s) => s.statusCode)).toEqual(Array.from({ length: 12 }, () => 201));
    const bodies = submitted.map((s) => s.json() as { trackingNo: string; accessCode: string });
    expect(new Set(bodies.map((b) => b.trackingNo)).size).toBe(12);
    for (const [i, b] of bodies.entries()) {
      const tracked = await t.call(null, 'GET', `/api/v1/public/cases/${b.trackingNo}?accessCode=${b.accessCode}`);
      expect(tracked.statusCode).toBe(200);
      expect(tracked.json()).toMatchObject({ trackingNo: b.trackingNo, title: `网上求助 ${i}` });
    }
    // Someone else's code opens nothing.
    const other = await t.call(null, 'GET', `/api/v1/public/cases/${bodies[0]!.trackingNo}?accessCode=${bodies[1]!.accessCode}`);
    expect(other.statusCode).toBe(404);
  });

  it('writes a batch with one statement, and a failing registration fails alone', async () => {
    const unit = await t.database.db.selectFrom('users').select('unit_id').where('username', '=', 'agent').executeTakeFirstOrThrow();
    const registrationOf = (n: number, intakeUnitId = unit.unit_id): CaseRegistration => {
      const trackingNo = formatTrackingNo('2031-05-06', 5000 + n);
      const at = new Date('2031-05-06T02:00:00Z');
      return {
        requester: n % 2 === 0 ? { name: `甲${n}`, phone: null, idNumber: null, email: null, language: 'zh-Hans' } : null,
        case: {
          trackingNo, accessCodeHash: `hash-${n}`, channel: 'phone', kind: 'enquiry', title: `批 ${n}`, description: '同一批登记。',
          language: 'zh-Hans', categoryId: null, intakeUnitId, address: null, lat: null, lng: null, amountClaimedFen: null,
          publicationConsent: n % 3 === 0 ? 'refused' : 'granted', isIdentityProtected: n % 4 === 0, createdBy: null, at,
        },
        firstEvent: { actorKind: 'system', actorId: null, code: 'case.registered', fromStatus: null, toStatus: 'registered', isInternal: false, data: { n }, at },
        stashedAccessCode: null,
      };
    };
    const register = createCaseRegistrar(log.db, { maxInFlight: 1 });
    const before = caseInserts();
    const written = await Promise.all(Array.from({ length: 20 }, (_, n) => register(registrationOf(n))));
    expect(caseInserts() - before).toBe(1);
    expect(written.map((w) => ('record' in w ? w.record.title : w.refusal))).toEqual(Array.from({ length: 20 }, (_, n) => `批 ${n}`));
    // Each row keeps its own answer, although one statement wrote them all.
    expect(written.map((w) => ('record' in w ? w.record.publicationConsent : w.refusal))).toEqual(
      Array.from({ length: 20 }, (_, n) => (n % 3 === 0 ? 'refused' : 'granted')),
    );
    expect(written.map((w) => ('record' in w ? w.record.isIdentityProtected : w.refusal))).toEqual(Array.from({ length: 20 }, (_, n) => n % 4 === 0));
    const events = await t.database.db
      .selectFrom('work_item_events')
      .select(['id', 'item_id'])
      .where('item_id', 'in', written.map((w) => ('record' in w ? w.record.id : '')))
      .execute();
    const eventOf = new Map(events.map((e) => [e.item_id, String(e.id)]));
    for (const w of written) if ('record' in w) expect(w.firstEvent.id).toBe(eventOf.get(w.record.id));

    // A unit that does not exist breaks the shared statement; the others are written one by one.
    const mixed = await Promise.allSettled([20, 21, 22, 23].map((n) => register(registrationOf(n, n === 22 ? randomUUID() : unit.unit_id))));
    expect(mixed.map((m) => m.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const titles = await t.database.db.selectFrom('cases').select('title').where('title', 'in', ['批 20', '批 21', '批 22', '批 23']).orderBy('title').execute();
    expect(titles.map((r) => r.title)).toEqual(['批 20', '批 21', '批 23']);
  });
});
