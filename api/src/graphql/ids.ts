import { decodeGlobalID } from "@pothos/plugin-relay";
import { GraphQLError } from "graphql";
import { msg } from "../i18n.js";
import { textProblem } from "../lib/text.js";
import { UUID } from "../lib/uuid.js";

/**
 * Decodes a global ID argument of a query or subscription; a bad one is a clear client error. The
 * uuid in lower case, as PostgreSQL writes it: keys made of it (the public cache's station, a
 * subscription's topic) must be the ones events name, or an upper-case id missed every invalidation.
 */
export function idArg(value: string, typename: string, argument: string): string {
  try {
    const { typename: t, id } = decodeGlobalID(value);
    if (t === typename && UUID.test(id)) return id.toLowerCase();
  } catch {
    /* fall through */
  }
  throw new GraphQLError(msg(`\`${argument}\` 不是有效的编号`, `\`${argument}\` is not a valid ${typename} ID`), { extensions: { code: "BAD_USER_INPUT", argument } });
}

/** A DateTime argument of a query: unparseable or out of range (2000–2100) is a clear client error. */
export function dateArg(value: Date, argument: string): Date {
  if (Number.isNaN(value.getTime()) || value.getUTCFullYear() < 2000 || value.getUTCFullYear() >= 2100) {
    throw new GraphQLError(msg(`\`${argument}\` 不是2000年至2100年之间的有效时间`, `\`${argument}\` is not a valid time between 2000 and 2100`), {
      extensions: { code: "BAD_USER_INPUT", argument },
    });
  }
  return value;
}

/** A text argument of a query: control characters (NUL breaks PostgreSQL text) are a clear client error. */
export function textArg<T extends string | null | undefined>(value: T, argument: string): T {
  const problem = typeof value === "string" ? textProblem(value) : null;
  if (problem === "control") {
    throw new GraphQLError(msg(`\`${argument}\` 不能包含控制字符`, `\`${argument}\` must not contain control characters`), { extensions: { code: "BAD_USER_INPUT", argument } });
  }
  if (problem === "invisible") {
    throw new GraphQLError(msg(`\`${argument}\` 不能包含不可见字符或文字方向控制符`, `\`${argument}\` must not contain invisible or text-direction characters`), { extensions: { code: "BAD_USER_INPUT", argument } });
  }
  return value;
}
