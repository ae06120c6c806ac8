import { createSignal } from "solid-js";

const KEY = "linshe.token";
const [token, setTokenSignal] = createSignal<string | null>(localStorage.getItem(KEY));
export { token };

export function setToken(t: string | null) {
  if (t) localStorage.setItem(KEY, t);
  else localStorage.removeItem(KEY);
  setTokenSignal(t);
}
