import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTermStats } from '../../src/db/duplicates.repository.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** The anchor postings behind the duplicate check: kept in step with the search rows, and the window rule. */

let t: TestApp;
const ids = new Map<string, string>();
const WELL = '林廓北路12号小区门口的污水井连续三天冒水，臭味很大，行人只能绕行，希望市政尽快疏通。';

const check = async (): Promise<string[]> => {
  const res = await t.call('agent', 'POST', '/api/v1/duplicates/check', { title: '林廓北路污水井冒水', description: '小区门口污水井一直在冒水，味道很臭，行人绕行。' });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: { id: string }[] }).items.map((i) => [...ids].find(([, v]) => v === i.id)?.[0] ?? i.id);
};
const postings = async (caseId: string): Promise<{ anchors: number[]; posted: number[]; createdAt: string[] }> => {
  const row = await t.database.db.selectFrom('case_search').select(['anchors', 'created_at']).where('case_id', '=', caseId).executeTakeFirstOrThrow();
  const posted = await t.database.db.selectFrom('case_anchors').select(['anchor', 'created_at']).where('case_id', '=', caseId).execute();
  return { anchors: [...row.anchors].sort((a, b) => a - b), posted: posted.map((p) => p.anchor).sort((a, b) => a - b), createdAt: [...new Set(posted.map((p) => p.created_at.toISOString()))] };
};

beforeAll(async () => {
  t = await createTestApp();
  for (const name of ['open-old', 'closed-old']) {
    const res = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'complaint', title: `林廓北路小区门口污水井冒水 ${name}`, description: WELL });
    expect(res.statusCode, res.body).toBe(201);
    ids.set(name, (res.json() as { id: string }).id);
  }
  await t.runBackground();
});
afterAll(async () => {
  await t.close();
});

describe('anchor postings', () => {
  it('hold every stored anchor of each indexed case, and follow its changes and its removal', async () => {
    const id = ids.get('open-old') ?? '';
    const first = await postings(id);
    expect(first.anchors.length).toBeGreaterThan(3);
    expect(first.posted).toEqual(first.anchors);
    await sql`UPDATE case_search SET anchors = ${[first.anchors[0] ?? 0, 12345]}::integer[] WHERE case_id = ${id}`.execute(t.database.db);
    expect((await postings(id)).posted).toEqual([first.anchors[0] ?? 0, 12345].sort((a, b) => a - b));
    await sql`UPDATE case_search SET anchors = ${first.anchors}::integer[] WHERE case_id = ${id}`.execute(t.database.db);
    const other = ids.get('closed-old') ?? '';
    const before = await t.database.db.selectFrom('case_search').selectAll().where('case_id', '=', other).executeTakeFirstOrThrow();
    await t.database.db.deleteFrom('case_search').where('case_id', '=', other).execute();
    expect((await postings(id)).posted).toEqual(first.anchors);
    expect(await t.database.db.selectFrom('case_anchors').select('anchor').where('case_id', '=', other).execute()).toEqual([]);
    await t.database.db.insertInto('case_search').values(before).execute();
    expect((await postings(other)).posted.length).toBe(before.anchors.length);
  });

  it('finds an open case older than the text window, never a closed one', async () => {
    expect(await check()).toEqual(expect.arrayContaining(['open-old', 'closed-old']));
    const res = await t.call('admin', 'PUT', '/api/v1/duplicates/settings', { textWindowDays: 30 });
    expect(res.statusCode, res.body).toBe(200);
    // Both registered 400 days ago; one of them closed since.
    await sql`UPDATE case_search SET created_at = created_at - interval '400 days' WHERE case_id = ANY(${[...ids.values()]}::uuid[])`.execute(t.database.db);
    await sql`UPDATE case_search SET status = 'closed' WHERE case_id = ${ids.get('closed-old') ?? ''}`.execute(t.database.db);
    expect((await postings(ids.get('closed-old') ?? '')).createdAt).toHaveLength(1);
    const found = await check();
    expect(found).toContain('open-old');
    expect(found).not.toContain('closed-old');
  });
});

describe('word statistics of a large archive', () => {
  it('keeps common words for ten minutes, reads rare words and small archives fresh', async () => {
    const db = t.database.db;
    await sql`INSERT INTO search_terms (lexeme, df) VALUES ('测试常用词', 5000), ('测试罕见词', 3) ON CONFLICT (lexeme) DO UPDATE SET df = excluded.df`.execute(db);
    const words = ['测试常用词', '测试罕见词'];
    let clock = 1_000_000;
    // A small archive: nothing is kept.
    expect((await loadTermStats(db, words, () => clock)).df.get('测试常用词')).toBe(5000);
    await sql`UPDATE search_terms SET df = 5001 WHERE lexeme = '测试常用词'`.execute(db);
    expect((await loadTermStats(db, words, () => clock)).df.get('测试常用词')).toBe(5001);
    const { rows } = await sql<{ df: number }>`SELECT df FROM search_terms WHERE lexeme = ''`.execute(db);
    const documents = rows[0]?.df ?? 0;
    try {
      await sql`UPDATE search_terms SET df = 20000 WHERE lexeme = ''`.execute(db);
      expect((await loadTermStats(db, words, () => clock)).documents).toBe(20000);
      await sql`UPDATE search_terms SET df = df + 1 WHERE lexeme IN ('测试常用词', '测试罕见词')`.execute(db);
      clock += 60_000;
      const kept = await loadTermStats(db, words, () => clock);
      expect(kept.df.get('测试常用词')).toBe(5001);
      expect(kept.df.get('测试罕见词')).toBe(4);
      clock += 10 * 60_000;
      expect((await loadTermStats(db, words, () => clock)).df.get('测试常用词')).toBe(5002);
    } finally {
      await sql`UPDATE search_terms SET df = ${documents} WHERE lexeme = ''`.execute(db);
      await sql`DELETE FROM search_terms WHERE lexeme IN ('测试常用词', '测试罕见词')`.execute(db);
      // Forget what this test put in memory: the next call after ten minutes reads everything again.
      await loadTermStats(db, words, () => clock + 20 * 60_000);
    }
  });
});
