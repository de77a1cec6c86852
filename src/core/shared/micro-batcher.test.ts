import { describe, expect, it } from 'vitest';
import { createMicroBatcher, type BatchOutcome } from './micro-batcher.js';

/** A runner whose batches finish only when the test says so. */
const controlledRunner = () => {
  const batches: { items: number[]; finish: (outcomes?: BatchOutcome<string>[]) => void; fail: (error: Error) => void }[] = [];
  const run = (items: readonly number[]) =>
    new Promise<BatchOutcome<string>[]>((resolve, reject) => {
      batches.push({
        items: [...items],
        finish: (outcomes) => resolve(outcomes ?? items.map((n) => ({ ok: true, value: `v${n}` }))),
        fail: reject,
      });
    });
  return { batches, run };
};

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Lets a finished batch's continuation run and the next batch start (it is sent on the turn after). */
const settle = async () => {
  await turn();
  await turn();
};

describe('createMicroBatcher', () => {
  it('sends a lone item at once, and what arrives while a batch runs as one batch after it', async () => {
    const { batches, run } = controlledRunner();
    const batcher = createMicroBatcher({ maxBatch: 10, maxInFlight: 1, run });
    const first = batcher.submit(1);
    await turn();
    expect(batches.map((b) => b.items)).toEqual([[1]]);
    const later = [2, 3, 4].map((n) => batcher.submit(n));
    await turn();
    expect(batches).toHaveLength(1);
    expect(batcher.waiting()).toBe(3);
    batches[0]!.finish();
    expect(await first).toBe('v1');
    await settle();
    expect(batches.map((b) => b.items)).toEqual([[1], [2, 3, 4]]);
    batches[1]!.finish();
    expect(await Promise.all(later)).toEqual(['v2', 'v3', 'v4']);
    expect(batcher.waiting()).toBe(0);
  });

  it('gathers items submitted in the same turn, cuts batches at maxBatch and runs up to maxInFlight of them', async () => {
    const { batches, run } = controlledRunner();
    const batcher = createMicroBatcher({ maxBatch: 2, maxInFlight: 2, run });
    const all = [1, 2, 3, 4, 5].map((n) => batcher.submit(n));
    await turn();
    expect(batches.map((b) => b.items)).toEqual([[1, 2], [3, 4]]);
    batches[1]!.finish();
    await settle();
    expect(batches.map((b) => b.items)).toEqual([[1, 2], [3, 4], [5]]);
    batches[0]!.finish();
    batches[2]!.finish();
    expect(await Promise.all(all)).toEqual(['v1', 'v2', 'v3', 'v4', 'v5']);
  });

  it("gives each item its own outcome, and a thrown error to every item of that batch only", async () => {
    const { batches, run } = controlledRunner();
    const batcher = createMicroBatcher({ maxBatch: 2, maxInFlight: 1, run });
    const [a, b, c] = [1, 2, 3].map((n) => batcher.submit(n).then((v) => ({ v }), (e: Error) => ({ e: e.message })));
    await turn();
    batches[0]!.finish([{ ok: true, value: 'fine' }, { ok: false, error: new Error('only this one') }]);
    await settle();
    batches[1]!.fail(new Error('the statement failed'));
    expect(await Promise.all([a, b, c])).toEqual([{ v: 'fine' }, { e: 'only this one' }, { e: 'the statement failed' }]);
  });

  it('rejects every item when the runner answers fewer items than it was given', async () => {
    const batcher = createMicroBatcher<number, string>({ maxBatch: 5, maxInFlight: 1, run: async () => [{ ok: true, value: 'one' }] });
    const results = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 'one' });
    expect(results[1]?.status).toBe('rejected');
  });
});
