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

export interface TurnBatch<A, R> {
  (args: A): Promise<R>;
  /** Batches sent and asks answered since start (tests and benchmarks read deltas). */
  readonly stats: { statements: number; asks: number };
}

/**
 * `run` answers a batch of asks in one statement, its results in the asks' order; if it throws,
 * every ask of the batch gets that error.
 */
export function turnBatch<A, R>(run: (batch: A[]) => Promise<R[]>, opts: { maxBatch: number; maxInFlight: number }): TurnBatch<A, R> {
  const pending: Ask<A, R>[] = [];
  const stats = { statements: 0, asks: 0 };
  let inFlight = 0;
  let scheduled = false;

  async function send(batch: Ask<A, R>[]) {
    stats.statements++;
    stats.asks += batch.length;
    try {
      const results = await run(batch.map((b) => b.args));
      batch.forEach((b, k) => b.resolve(results[k]!));
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }

  function schedule() {
    if (scheduled || !pending.length || inFlight >= opts.maxInFlight) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      while (pending.length && inFlight < opts.maxInFlight) {
        inFlight++;
        void send(pending.splice(0, opts.maxBatch)).finally(() => {
          inFlight--;
          schedule();
        });
      }
    });
  }

  const ask = (args: A) =>
    new Promise<R>((resolve, reject) => {
      pending.push({ args, resolve, reject });
      schedule();
    });
  return Object.assign(ask, { stats });
}
