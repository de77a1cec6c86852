import { describe, expect, it } from 'vitest';
import { createOverLimitMemo, rateLimitKey, retryAfterSeconds, secondsUntil } from './rate-limiter.js';

const at = (ms: number) => new Date(ms);

describe('rate limits', () => {
  it('remembers an address over its limit until its window ends', () => {
    const memo = createOverLimitMemo();
    expect(memo.refusedUntil('rate:login:10.0.0.1', at(1000))).toBeNull();
    memo.refuse('rate:login:10.0.0.1', at(61_000), at(1000));
    expect(memo.refusedUntil('rate:login:10.0.0.1', at(30_000))).toEqual(at(61_000));
    expect(memo.refusedUntil('rate:login:10.0.0.2', at(30_000))).toBeNull();
    expect(memo.refusedUntil('rate:login:10.0.0.1', at(61_000))).toBeNull();
  });

  it('stays within its size, dropping ended windows first', () => {
    const memo = createOverLimitMemo(3);
    memo.refuse('a', at(10), at(0));
    memo.refuse('b', at(1000), at(0));
    memo.refuse('c', at(1000), at(0));
    // Full: 'a' has ended by now and makes room.
    memo.refuse('d', at(1000), at(20));
    expect(memo.refusedUntil('b', at(20))).not.toBeNull();
    expect(memo.refusedUntil('d', at(20))).not.toBeNull();
    // Full of live refusals: the oldest is forgotten (the database still counts it).
    memo.refuse('e', at(1000), at(20));
    expect(memo.refusedUntil('b', at(20))).toBeNull();
    expect(memo.refusedUntil('e', at(20))).not.toBeNull();
  });

  it('tells how long to wait, never zero', () => {
    expect(retryAfterSeconds(at(0), 60_000, at(59_500))).toBe(1);
    expect(retryAfterSeconds(at(0), 60_000, at(60_000))).toBe(1);
    expect(retryAfterSeconds(at(0), 60_000, at(1_000))).toBe(59);
    expect(secondsUntil(at(5_000), at(1_000))).toBe(4);
    expect(rateLimitKey('public_submit', '::1')).toBe('rate:public_submit:::1');
  });
});
