// Work that can wait: split the start of a page into tasks short enough for a phone (a task over 50 ms
// blocks taps), or put it off until the browser is idle.
import { createSignal, onCleanup, type Accessor } from "solid-js";

/** False until the browser is first idle after the call: the page's own queries and drawing go first. */
export function afterIdle(): Accessor<boolean> {
  const [idle, setIdle] = createSignal(false);
  // Safari before 18 has no requestIdleCallback.
  if (typeof requestIdleCallback === "function") {
    const h = requestIdleCallback(() => setIdle(true), { timeout: 1000 });
    onCleanup(() => cancelIdleCallback(h));
  } else {
    const t = setTimeout(() => setIdle(true), 50);
    onCleanup(() => clearTimeout(t));
  }
  return idle;
}

/** False until a task after the current one: what is drawn under it starts in a task of its own. */
export function afterTask(): Accessor<boolean> {
  const [ready, setReady] = createSignal(false);
  const t = setTimeout(() => setReady(true));
  onCleanup(() => clearTimeout(t));
  return ready;
}
