import { describe, expect, it } from 'vitest';
import { reviewReplies, reviewRepliesPaced, type ReplyForReview } from './quality-review.js';

const reply = (n: number, text: string, extra: Partial<ReplyForReview> = {}): ReplyForReview => ({
  replyId: String(n),
  caseId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  trackingNo: `T${n}`,
  title: `第${n}件`,
  kind: 'complaint',
  channel: 'web',
  outcome: 'resolved',
  language: 'zh-Hans',
  text,
  repliedAt: new Date(Date.UTC(2026, 10, n)),
  unitId: n % 2 === 0 ? 'even' : 'odd',
  isSuperseded: false,
  ...extra,
});

const GOOD = '经调查核实，该工地确实拖欠三名工人工资共计两万元。我局已责令施工单位在五个工作日内全额支付，并将跟踪督促落实，下一步将对该单位开展专项检查，确保类似问题不再发生。';

describe('reviewing the replies of a period', () => {
  it('counts the replies it would have flagged, by finding and by unit, and lists the flagged ones newest first', () => {
    const review = reviewReplies([
      reply(1, '留言已收悉。'),
      reply(2, GOOD),
      reply(3, '已转相关部门处理。'),
      reply(4, GOOD, { kind: 'suggestion' }),
      reply(5, `${GOOD}联系人：张先生，电话13912345678。`),
    ]);
    expect(review.checked).toBe(5);
    expect(review.flagged).toBe(3);
    expect(review.items.map((i) => i.trackingNo)).toEqual(['T5', 'T3', 'T1']);
    expect(review.items[0]?.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['reply.third_party_phone']));
    expect(review.byUnit).toEqual([
      { unitId: 'odd', checked: 3, flagged: 3 },
      { unitId: 'even', checked: 2, flagged: 0 },
    ]);
    expect(review.byCode.find((c) => c.code === 'reply.too_short')?.count).toBe(2);
    // The text is not passed on: the review lists cases, the reply is read on the case page.
    expect(Object.keys(review.items[0] ?? {})).not.toContain('text');
  });

  it('filters the list by one finding, keeping the counts of all', () => {
    const review = reviewReplies([reply(1, '留言已收悉。'), reply(5, `${GOOD}电话13912345678。`)], { code: 'reply.third_party_phone' });
    expect(review.flagged).toBe(2);
    expect(review.items.map((i) => i.trackingNo)).toEqual(['T5']);
  });

  it('counts findings over flagged replies only, so that each count is what filtering by it lists', () => {
    // A notice alone (an official named in function) does not flag a reply, nor count.
    const review = reviewReplies([reply(2, `${GOOD}王局长亲自督办。`), reply(1, '留言已收悉。')]);
    expect(review.flagged).toBe(1);
    for (const { code, count } of review.byCode) {
      expect(reviewReplies([reply(2, `${GOOD}王局长亲自督办。`), reply(1, '留言已收悉。')], { code }).items).toHaveLength(count);
    }
    expect(review.byCode.map((c) => c.code)).not.toContain('reply.third_party_name');
  });

  it('paced, gives the same review and pauses between chunks', async () => {
    const replies = Array.from({ length: 7 }, (_, i) => reply(i + 1, i % 2 === 0 ? '留言已收悉。' : GOOD));
    let pauses = 0;
    const paced = await reviewRepliesPaced(replies, {}, { chunk: 3, pause: async () => { pauses += 1; } });
    expect(paced).toEqual(reviewReplies(replies));
    expect(pauses).toBe(2);
  });
});
