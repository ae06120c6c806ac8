import { decodeGlobalID } from "@pothos/plugin-relay";
import { GraphQLError } from "graphql";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Decodes a global ID argument of a query or subscription; a bad one is a clear client error. */
export function idArg(value: string, typename: string, argument: string): string {
  try {
    const { typename: t, id } = decodeGlobalID(value);
    if (t === typename && UUID.test(id)) return id;
  } catch {
    /* fall through */
  }
  throw new GraphQLError(`\`${argument}\` is not a valid ${typename} ID`, { extensions: { code: "BAD_USER_INPUT", argument } });
}
