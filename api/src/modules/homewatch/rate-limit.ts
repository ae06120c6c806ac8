// Limits for the public home-watch form and the status look-up by code. A fixed window per key, in
// this process's memory, behind a small interface: with several API processes each counts its own
// (a shared store, e.g. rate-limiter-flexible on Redis as issue 13 brings, can implement it instead).
export interface RateLimiter {
  /** Counts one attempt for `key`; `allowed: false` with the seconds to wait once the window is full. */
  consume(key: string, now?: number): { allowed: boolean; retryAfterSeconds: number };
  /** Gives back one attempt counted for `key` (a repeat that wrote nothing). */
  refund(key: string): void;
  reset(): void;
}

export function fixedWindowLimiter(limit: number, windowMs: number): RateLimiter {
  const windows = new Map<string, { count: number; endsAt: number }>();
  return {
    consume(key, now = Date.now()) {
      if (windows.size > 10_000) for (const [k, w] of windows) if (w.endsAt <= now) windows.delete(k);
      let w = windows.get(key);
      if (!w || w.endsAt <= now) windows.set(key, (w = { count: 0, endsAt: now + windowMs }));
      if (w.count >= limit) return { allowed: false, retryAfterSeconds: Math.ceil((w.endsAt - now) / 1000) };
      w.count++;
      return { allowed: true, retryAfterSeconds: 0 };
    },
    refund(key) {
      const w = windows.get(key);
      if (w && w.count > 0) w.count--;
    },
    reset() {
      windows.clear();
    },
  };
}
