// `node(id:)` and `nodes(ids:)`: an ID that is malformed, of an unknown type, of nothing, or of
// something the viewer may not see all answer `null`, without an error, so the answers are no oracle.
// The type's own authScopes (its policy rule) decide visibility.
import { decodeGlobalID, resolveNodes } from "@pothos/plugin-relay";
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { decide, type Check } from "../auth/policy.js";
import { builder } from "../builder.js";
import { MAX_PAGE_SIZE } from "../config.js";
import type { Context } from "../context.js";
import { msg } from "../i18n.js";
import { UUID } from "../lib/uuid.js";

/** Append-only rows (the audit log, stored notifications) are numbered instead. */
const SERIAL = /^[1-9][0-9]{0,17}$/;
const SERIAL_TYPES = new Set(["AuditEntry", "Notification"]);

type ScopeMap = { public?: boolean; signedIn?: boolean; policy?: Check };
type AuthScopes = boolean | ScopeMap | ((parent: unknown, ctx: Context) => unknown);

function parse(raw: string): { typename: string; id: string } | null {
  try {
    const { typename, id } = decodeGlobalID(raw);
    if (!(SERIAL_TYPES.has(typename) ? SERIAL : UUID).test(id)) return null;
    const config = builder.configStore.getTypeConfig(typename);
    return config.kind === "Object" && config.interfaces.some((i) => builder.configStore.getTypeConfig(i).name === "Node") ? { typename, id } : null;
  } catch {
    return null;
  }
}

/** Evaluates a Node type's authScopes the way scope-auth does for the scopes this schema uses. */
async function visible(typename: string, row: unknown, ctx: Context): Promise<boolean> {
  const scopes = (builder.configStore.getTypeConfig(typename).pothosOptions as { authScopes?: AuthScopes }).authScopes;
  if (scopes === undefined) return false; // deny by default (test/policy.test.ts fails on such a type)
  const value = (typeof scopes === "function" ? await scopes(row, ctx) : scopes) as boolean | ScopeMap;
  if (typeof value === "boolean") return value;
  if (value.public) return true;
  if (value.signedIn && ctx.viewer) return true;
  return !!value.policy && decide(ctx.viewer, value.policy);
}

async function load(ids: readonly string[], ctx: Context, info: GraphQLResolveInfo): Promise<unknown[]> {
  const parsed = ids.map(parse);
  const valid = parsed.filter((p): p is { typename: string; id: string } => !!p);
  // Each id on its own (Prisma batches the lookups), so that one id of nothing is null without taking the
  // others with it: the node loader's findUniqueOrThrow says "not found" as P2025. Whatever else the load
  // throws is not about the id (a cursor of another kind of list in the selection, the database gone): it
  // goes to maskError like any field's error.
  const rows = await Promise.all(
    valid.map((p) =>
      (resolveNodes(builder as never, ctx, info, [p] as never) as Promise<unknown[]>).then(
        (r) => r[0] ?? null,
        (e: unknown) => {
          if ((e as { code?: unknown } | null)?.code === "P2025") return null;
          throw e;
        },
      ),
    ),
  );
  const byIndex = new Map(valid.map((p, i) => [p, rows[i] ?? null]));
  return Promise.all(
    parsed.map(async (p) => {
      const row = p ? byIndex.get(p) : null;
      if (!p || !row) return null;
      return (await visible(p.typename, row, ctx)) ? row : null;
    }),
  );
}

builder.queryField("node", (t) =>
  t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description: "Any object by its global ID; null when it does not exist or you may not see it",
    args: { id: t.arg.id({ required: true }) },
    authScopes: { public: true },
    resolve: async (_r, args, ctx, info) => (await load([String(args.id)], ctx, info))[0] as never,
  }),
);

builder.queryField("nodes", (t) =>
  t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description: `Objects by global ID (at most ${MAX_PAGE_SIZE}); null for each that does not exist or you may not see`,
    args: { ids: t.arg.idList({ required: true }) },
    authScopes: { public: true },
    resolve: async (_r, args, ctx, info) => {
      if (args.ids.length > MAX_PAGE_SIZE) {
        throw new GraphQLError(msg(`\`ids\` 最多${MAX_PAGE_SIZE}个`, `\`ids\` takes at most ${MAX_PAGE_SIZE} IDs`), { extensions: { code: "BAD_USER_INPUT", argument: "ids" } });
      }
      return (await load(args.ids.map(String), ctx, info)) as never;
    },
  }),
);
