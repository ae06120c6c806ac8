// Reads of the same statement asked by several requests at once share one round trip (issue 20):
// the asks of one turn of the event loop go together, and while `maxInFlight` statements are out the
// next asks wait for one of them and then go together. A lone ask goes at once (at the end of its
// turn). Each ask keeps its own answer: the statement computes every ask's rows by itself (`i` says
// which ask a row answers); nothing is shared or remembered between asks.

interface Ask<A, R> {
  args: A;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

/**
 * Statements out at once for several batches together (`turnBatch`'s `shared`): the board's pages
 * are a batch per kind and size, and their bound must be the board's, or pages of many sizes take
 * every pooled connection and the viewers' lookups wait for them (session 24).
 */
export class Slots {
  inFlight = 0;
  /** Batches with asks waiting for a slot. */
  readonly waiting = new Set<() => void>();
  constructor(readonly max: number) {}
  get free() {
    return this.inFlight < this.max;
  }
}

/**
 * `run` answers a batch of asks in one statement, its results in the asks' order; if it throws,
 * every ask of the batch gets that error. With `shared`, the batch's statements count against
 * those slots too.
 */
export function turnBatch<A, R>(run: (batch: A[]) => Promise<R[]>, opts: { maxBatch: number; maxInFlight: number; shared?: Slots }): (args: A) => Promise<R> {
  const pending: Ask<A, R>[] = [];
  const shared = opts.shared;
  let inFlight = 0;
  let scheduled = false;
  const free = () => inFlight < opts.maxInFlight && (!shared || shared.free);

  async function send(batch: Ask<A, R>[]) {
    try {
      const results = await run(batch.map((b) => b.args));
      batch.forEach((b, k) => b.resolve(results[k]!));
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }

  function schedule() {
    if (scheduled || !pending.length) return;
    if (!free()) {
      // Woken when a statement of this batch, or of another sharing the slots, returns.
      if (shared && inFlight < opts.maxInFlight) shared.waiting.add(schedule);
      return;
    }
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      while (pending.length && free()) {
        inFlight++;
        if (shared) shared.inFlight++;
        void send(pending.splice(0, opts.maxBatch)).finally(() => {
          inFlight--;
          if (shared) {
            shared.inFlight--;
            const waiting = [...shared.waiting];
            shared.waiting.clear();
            for (const wake of waiting) wake();
          }
          schedule();
        });
      }
      if (pending.length && shared && inFlight < opts.maxInFlight) shared.waiting.add(schedule);
    });
  }

  return (args: A) =>
    new Promise<R>((resolve, reject) => {
      pending.push({ args, resolve, reject });
      schedule();
    });
}
