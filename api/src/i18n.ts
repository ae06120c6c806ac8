// Messages for people are written once in both languages, Chinese first, and sent in the language
// the client asked for (Accept-Language, or `locale` in the WebSocket's connection parameters);
// Chinese when it did not say.
export type Locale = "zh" | "en";

/** Separates the two languages inside one message string until it is localized at the edge. */
const SEP = "\u241F";
/** For text that SQL builds in both languages (a call-up's 15,000 bodies): zh || MSG_SEPARATOR || en. */
export const MSG_SEPARATOR = SEP;

/**
 * Text a person reads in their language: written in both (msg, joinMsg), or people's own words
 * (asWritten). Notices take only this, so a text written in Chinese alone does not type-check.
 */
export type Msg = string & { readonly __msg: true };

/** A message in Chinese and English. */
export function msg(zh: string, en: string): Msg {
  return `${zh}${SEP}${en}` as Msg;
}

/** What people wrote themselves (a bulletin's title): the same in both languages. */
export const asWritten = (text: string) => text as Msg;

/** The message in the client's language; text written in one language only passes unchanged. */
export function localize(text: string, locale: Locale): string {
  const at = text.indexOf(SEP);
  if (at < 0) return text;
  return locale === "en" ? text.slice(at + SEP.length) : text.slice(0, at);
}

/** `en` when the client prefers English, otherwise Chinese. */
export function localeFrom(header: string | null | undefined): Locale {
  if (!header) return "zh";
  const first = header.split(",")[0]!.trim().toLowerCase();
  return first.startsWith("en") ? "en" : "zh";
}

/** Joins messages (or plain text) language by language. */
export function joinMsg(...parts: string[]): Msg {
  return msg(parts.map((p) => localize(p, "zh")).join(""), parts.map((p) => localize(p, "en")).join(""));
}
