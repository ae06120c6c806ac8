// The async iterator behind every subscription source: values are pushed synchronously (the same
// object to every listener of one event, which shared-subscriptions relies on), `return()` ends it at
// once even while a `next()` waits, and a consumer that falls too far behind is ended rather than
// buffered without bound (a stored stream's client resumes from its cursor).

export const MAX_QUEUED = 10_000;

export interface EventQueue<T> extends AsyncIterableIterator<T> {
  push(value: T): void;
  /** Ends the iterator after what is queued; with an error, `next()` rejects with it. */
  end(error?: unknown): void;
  readonly ended: boolean;
}

export function eventQueue<T>(onClose: () => void): EventQueue<T> {
  const values: T[] = [];
  let waiting: ((r: IteratorResult<T>) => void) | null = null;
  let failing: ((e: unknown) => void) | null = null;
  let ended = false;
  let error: unknown = undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    onClose();
  };
  const done = (): IteratorResult<T> => ({ value: undefined, done: true });
  const q: EventQueue<T> = {
    get ended() {
      return ended;
    },
    push(value) {
      if (ended) return;
      if (waiting) {
        const w = waiting;
        waiting = failing = null;
        w({ value, done: false });
        return;
      }
      values.push(value);
      if (values.length > MAX_QUEUED) q.end();
    },
    end(e) {
      if (ended) return;
      ended = true;
      error = e;
      close();
      if (waiting) {
        const [w, f] = [waiting, failing];
        waiting = failing = null;
        if (e !== undefined) f!(e);
        else w(done());
      }
    },
    next() {
      if (values.length) return Promise.resolve({ value: values.shift()!, done: false });
      if (ended) {
        if (error !== undefined) {
          const e = error;
          error = undefined;
          return Promise.reject(e);
        }
        return Promise.resolve(done());
      }
      return new Promise((resolve, reject) => {
        waiting = resolve;
        failing = reject;
      });
    },
    return() {
      values.length = 0;
      q.end();
      return Promise.resolve(done());
    },
    throw(e) {
      values.length = 0;
      q.end();
      return Promise.reject(e);
    },
    [Symbol.asyncIterator]() {
      return q;
    },
  };
  return q;
}
