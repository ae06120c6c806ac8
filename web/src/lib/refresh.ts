// A phone's page goes stale while it is offline (a lift, a tunnel) or in the background (a locked
// screen): live events sent meanwhile never arrived. Pages that list what others send ask again.
import { onCleanup } from "solid-js";

/** Calls `refresh` when the device is back online and when the app is back in the foreground. */
export function refreshOnReturn(refresh: () => void): void {
  const onOnline = () => refresh();
  const onVisible = () => {
    if (document.visibilityState === "visible") refresh();
  };
  addEventListener("online", onOnline);
  document.addEventListener("visibilitychange", onVisible);
  onCleanup(() => {
    removeEventListener("online", onOnline);
    document.removeEventListener("visibilitychange", onVisible);
  });
}
