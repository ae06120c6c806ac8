// The sign-in token, and what happens when the API no longer accepts it.
import { createSignal } from "solid-js";
import { closeDialogs } from "../components/Dialog";
import { toast } from "../components/Toast";
import { forgetBoardStation } from "./early-board";
import { forgetOfflineAnswers, tokenOwner } from "./offline";

const KEY = "linshe.token";
const read = () => (typeof localStorage !== "undefined" ? localStorage.getItem(KEY) : null);
const [token, setTokenSignal] = createSignal<string | null>(read());
/** Set when a held token was refused: /login says so once. */
const [expired, setExpired] = createSignal(false);
export { token, expired };

export function setToken(t: string | null) {
  // Offline copies belong to one person: any change of token drops everyone else's.
  // Messages and an open question outlive the pages (they sit beside the router): the next person
  // must not see the previous one's "认领成功" or "确定取消认领？ <shift>".
  if (t !== token()) {
    forgetOfflineAnswers(tokenOwner(t)?.sub ?? null);
    toast.clear();
    closeDialogs();
  }
  if (!t) forgetBoardStation();
  if (t) localStorage.setItem(KEY, t);
  else localStorage.removeItem(KEY);
  if (t) setExpired(false);
  setTokenSignal(t);
}

/** The API refused the token (expired, revoked, or not ours): forget it and say so on /login. */
export function expireSession() {
  if (!token()) return;
  setExpired(true);
  setToken(null);
}

export function signOut() {
  setExpired(false);
  setToken(null);
}

/** Where to go after signing in: a same-origin path only (never another site). */
export function safeNext(next: string | null | undefined): string | null {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/login")) return null;
  return next;
}
