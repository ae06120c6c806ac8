// zh-CN first, English second. `tr("认领", "Claim")` picks by the chosen language.
import { createSignal } from "solid-js";

export type Lang = "zh" | "en";
const stored = (typeof localStorage !== "undefined" && localStorage.getItem("linshe.lang")) as Lang | null;
const [lang, setLangSignal] = createSignal<Lang>(stored === "en" ? "en" : "zh");
export { lang };

/** The BCP 47 tag: <html lang>, Accept-Language and the socket's `locale`. */
export const locale = () => (lang() === "zh" ? "zh-CN" : "en");

export function setLang(l: Lang) {
  localStorage.setItem("linshe.lang", l);
  setLangSignal(l);
  document.documentElement.lang = locale();
}

export const tr = (zh: string, en: string) => (lang() === "zh" ? zh : en);

/** Parts of a line joined by " · ", leaving out the empty ones (no "· ·" when a shift has no place). */
export const dotted = (...parts: (string | null | undefined | false)[]) => parts.filter((p): p is string => !!p && !!p.trim()).join(" · ");
