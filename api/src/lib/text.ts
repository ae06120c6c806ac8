// What no text a person types may contain, in one place for mutations, query arguments and imports.

/** C0 controls except tab, line feed and carriage return, DEL and the C1 controls. NUL cannot even be stored (PostgreSQL 22021). */
// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/**
 * Invisible characters and direction controls: "张\u200B三" looks like 张三 but is another name, and
 * U+202E or U+061C turn text around on screen (a reversed phone or time). Every format character
 * (Unicode Cf: soft hyphen, bidi marks and isolates, zero-width spaces, tags, …), the line and
 * paragraph separators, and the blank-looking fillers. The zero-width joiner (U+200D) stays: emoji
 * sequences need it.
 */
export const INVISIBLE = /(?!\u200D)[\p{Cf}\p{Zl}\p{Zp}\u2060-\u206F\u034F\u115F\u1160\u3164\uFFA0\u2800]/u;

export type TextProblem = "control" | "invisible";

export function textProblem(value: string): TextProblem | null {
  if (CONTROL.test(value)) return "control";
  if (INVISIBLE.test(value)) return "invisible";
  return null;
}
