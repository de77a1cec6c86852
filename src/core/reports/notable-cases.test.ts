import { describe, expect, it } from 'vitest';
import { selectNotableCases, type NotableCandidate, type NotableReason } from './notable-cases.js';

const candidate = (reason: NotableReason, id: string, amountRecoveredFen: number | null = null): NotableCandidate => ({
  reason,
  id,
  trackingNo: `T-${id}`,
  title: `title ${id}`,
  status: 'accepted',
  categoryId: null,
  amountRecoveredFen,
});

describe('selectNotableCases', () => {
  it('takes the reasons in turn, in order of weight, keeping each reason\'s ranking', () => {
    const picked = selectNotableCases(
      [
        candidate('longest_open', 'l1'),
        candidate('overdue_reply', 'o1'),
        candidate('overdue_reply', 'o2'),
        candidate('overdue_reply', 'o3'),
        candidate('largest_recovery', 'm1', 90_000),
        candidate('supervised', 's1'),
        candidate('reopened', 'r1'),
      ],
      5,
    );
    expect(picked.map((c) => c.id)).toEqual(['o1', 'r1', 's1', 'm1', 'l1']);
  });

  it('lists a case once with every reason it has, and fills up to the limit', () => {
    const picked = selectNotableCases([
      candidate('overdue_reply', 'a'),
      candidate('supervised', 'a'),
      candidate('longest_open', 'a'),
      candidate('supervised', 'b'),
      candidate('overdue_reply', 'c'),
    ]);
    expect(picked.map((c) => [c.id, c.reasons])).toEqual([
      ['a', ['overdue_reply', 'supervised', 'longest_open']],
      ['c', ['overdue_reply']],
      ['b', ['supervised']],
    ]);
    expect(picked[0]).not.toHaveProperty('reason');
  });

  it('never exceeds the limit and copes with nothing', () => {
    const many = Array.from({ length: 30 }, (_, i) => candidate('overdue_reply', `o${i}`));
    expect(selectNotableCases(many)).toHaveLength(10);
    expect(selectNotableCases(many, 3).map((c) => c.id)).toEqual(['o0', 'o1', 'o2']);
    expect(selectNotableCases([])).toEqual([]);
  });
});
