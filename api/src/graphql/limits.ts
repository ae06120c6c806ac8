// Request limits that apply to every operation, whatever module defined the field.
import {
  GraphQLError,
  GraphQLObjectType,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";
import { MAX_PAGE_SIZE } from "../config.js";
import { msg } from "../i18n.js";

/** Every connection's `first`/`last` must be within 0..MAX_PAGE_SIZE: a clear error, not a silent clamp. */
export function enforcePageSizeLimit(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const limited = field.args.filter((a) => a.name === "first" || a.name === "last").map((a) => a.name);
      const cursors = field.args.filter((a) => a.name === "after" || a.name === "before").map((a) => a.name);
      if (!limited.length && !cursors.length) continue;
      const resolve = field.resolve;
      const subscribe = field.subscribe;
      const check = (args: Record<string, unknown>) => {
        for (const name of cursors) {
          const v = args[name];
          if (typeof v === "string" && !validCursor(v)) {
            throw new GraphQLError(msg(`\`${name}\` 不是有效的游标`, `\`${name}\` is not a valid cursor`), { extensions: { code: "BAD_USER_INPUT", argument: name } });
          }
        }
        for (const name of limited) {
          const v = args[name];
          if (typeof v === "number" && (v < 0 || v > MAX_PAGE_SIZE)) {
            throw new GraphQLError(`\`${name}\` must be between 0 and ${MAX_PAGE_SIZE}, got ${v}`, {
              extensions: { code: "BAD_USER_INPUT", argument: name },
            });
          }
        }
      };
      if (resolve) field.resolve = (src, args, ctx, info) => (check(args), resolve(src, args, ctx, info));
      if (subscribe) field.subscribe = (src, args, ctx, info) => (check(args), subscribe(src, args, ctx, info));
    }
  }
  return schema;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Cursors this API hands out: a row id (Pothos prisma, "GPC:S:<uuid>", "GPC:N:<bigint>") or an offset
 * ("OffsetConnection:<n>"). Anything else is the caller's mistake, not a database error.
 */
export function validCursor(cursor: string): boolean {
  if (cursor.length > 200) return false;
  const raw = Buffer.from(cursor, "base64").toString("utf8");
  if (raw.startsWith("GPC:S:")) return UUID.test(raw.slice(6));
  if (raw.startsWith("GPC:N:")) return /^\d{1,18}$/.test(raw.slice(6));
  const offset = /^OffsetConnection:(\d{1,7})$/.exec(raw);
  return !!offset;
}

/** Rejects operations nested deeper than `max` fields (fragments followed, introspection too). */
export function depthLimitRule(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!set) return 0;
      let deepest = 0;
      for (const sel of set.selections) {
        let d = 0;
        if (sel.kind === Kind.FIELD) d = sel.selectionSet ? 1 + depthOf(sel.selectionSet, seen) : 1;
        else if (sel.kind === Kind.INLINE_FRAGMENT) d = depthOf(sel.selectionSet, seen);
        else {
          const name = sel.name.value;
          const frag = fragments.get(name);
          if (frag && !seen.has(name)) d = depthOf(frag.selectionSet, new Set(seen).add(name));
        }
        deepest = Math.max(deepest, d);
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set());
        if (depth > max) {
          context.reportError(
            new GraphQLError(`Query is nested ${depth} levels deep; the limit is ${max}`, {
              nodes: [node],
              extensions: { code: "DEPTH_LIMIT" },
            }),
          );
        }
      },
    };
  };
}
