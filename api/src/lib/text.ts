// What no text a person types may contain, in one place for mutations, query arguments and imports.

/** C0 controls except tab, line feed and carriage return, and DEL. NUL cannot even be stored (PostgreSQL 22021). */
// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * Invisible characters and direction overrides: "张\u200B三" looks like 张三 but is another name, and
 * U+202E turns text around on screen (a reversed phone or name). The zero-width joiner (U+200D) and
 * variation selectors stay: emoji sequences need them.
 */
export const INVISIBLE = /[\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;

export type TextProblem = "control" | "invisible";

export function textProblem(value: string): TextProblem | null {
  if (CONTROL.test(value)) return "control";
  if (INVISIBLE.test(value)) return "invisible";
  return null;
}
