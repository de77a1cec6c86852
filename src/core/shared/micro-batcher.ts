/** What one item of a batch came to: its value, or the error that only this item's caller should see. */
export type BatchOutcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

export type MicroBatcher<I, O> = {
  /** Resolves once the batch holding the item has run: with the item's value, or rejects with its error. */
  submit: (item: I) => Promise<O>;
  /** Items waiting for a batch (not counting those being run). */
  waiting: () => number;
};

/**
 * Runs items that arrive close together as one batch, like a database's group commit: when nothing is being
 * run, an item goes out on the next turn of the event loop, with whatever arrived in the same turn; while
 * `maxInFlight` batches are running, items wait and go together in the next one. So a quiet system adds no
 * delay, and a busy one pays one statement and one commit for many requests instead of one each.
 *
 * `run` answers every item in order. If it throws, every item of that batch gets the error: a runner that can
 * tell which item was at fault should isolate it (run the items one by one) and answer per item instead.
 */
export const createMicroBatcher = <I, O>(options: {
  maxBatch: number;
  maxInFlight: number;
  run: (items: readonly I[]) => Promise<BatchOutcome<O>[]>;
}): MicroBatcher<I, O> => {
  type Waiting = { item: I; resolve: (value: O) => void; reject: (error: unknown) => void };
  let queue: Waiting[] = [];
  let inFlight = 0;
  let isScheduled = false;

  const runBatch = async (batch: Waiting[]): Promise<void> => {
    try {
      const outcomes = await options.run(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        const outcome = outcomes[i];
        if (!outcome) w.reject(new Error(`the batch runner gave ${outcomes.length} outcomes for ${batch.length} items`));
        else if (outcome.ok) w.resolve(outcome.value);
        else w.reject(outcome.error);
      });
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      inFlight -= 1;
      if (queue.length > 0) schedule();
    }
  };

  const flush = (): void => {
    isScheduled = false;
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch = queue.slice(0, options.maxBatch);
      queue = queue.slice(batch.length);
      inFlight += 1;
      void runBatch(batch);
    }
  };

  const schedule = (): void => {
    if (isScheduled || inFlight >= options.maxInFlight) return;
    isScheduled = true;
    setImmediate(flush);
  };

  return {
    submit: (item) =>
      new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      }),
    waiting: () => queue.length,
  };
};
