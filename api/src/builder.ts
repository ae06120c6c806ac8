import SchemaBuilder, { isThenable, RootFieldBuilder } from "@pothos/core";
import { GraphQLError, Kind } from "graphql";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin, { encodeGlobalID } from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import ValidationPlugin from "@pothos/plugin-validation";
import { decide, seesStation, type Check } from "./auth/policy.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./config.js";
import type { Context } from "./context.js";
import { msg } from "./i18n.js";
import { prisma } from "./db.js";
import type PrismaTypes from "./generated/pothos-prisma-types.js";
import { getDatamodel } from "./generated/pothos-prisma-types.js";

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: {
    public: boolean;
    signedIn: boolean;
    /** A decision of the access policy (api/src/auth/policy.ts): `{ policy: check(action, facts) }`. */
    policy: Check;
    /** station id: officers, members of its teams, its partners' admins */
    seeStation: string;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    /** An uploaded file (GraphQL multipart request); input only. */
    File: { Input: File; Output: never };
    ID: { Input: string; Output: string };
    /** A multipart file (api/src/media/upload.ts); input only. */
    Upload: { Input: import("./media/upload.js").UploadFile; Output: never };
  };
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin, ValidationPlugin, DataloaderPlugin],
  scopeAuth: {
    authorizeOnSubscribe: true,
    // Made once per request: methods, not arrow properties, since tsx (esbuild's keepNames) names each
    // arrow property with an Object.defineProperty call where it is created (0.2% of the board's CPU).
    authScopes: (ctx) => ({
      public: true,
      signedIn: !!ctx.viewer,
      policy(c) {
        return decide(ctx.viewer, c);
      },
      seeStation(stationId) {
        return seesStation(ctx.viewer, stationId);
      },
    }),
    // A denied read is a FORBIDDEN error in the client's language (yoga's error plugin localizes it).
    unauthorizedError: () => new GraphQLError(msg("没有权限查看", "Not allowed to see this"), { extensions: { code: "FORBIDDEN" } }),
  },
  prisma: {
    client: prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    maxConnectionSize: MAX_PAGE_SIZE,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    onUnusedQuery: null,
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    // graphql/node.ts defines node/nodes: null alike for malformed, missing and foreign IDs.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
});

// Relay's `globalID` field (every Node's `id`) awaits even an id at hand: a promise per object, and
// so a promise-tracking object per row in the executor (issue 20: 150 per shift board page). The same
// encoding (no custom `encodeGlobalID` is configured), with a promise only when the id comes as one.
type GlobalIdOptions = { resolve: (...a: unknown[]) => unknown } & Record<string, unknown>;
type IdFieldBuilder = { builder: typeof builder; field: (o: Record<string, unknown>) => unknown };
(RootFieldBuilder.prototype as unknown as { globalID: (this: IdFieldBuilder, o: GlobalIdOptions) => unknown }).globalID = function globalID({ resolve, ...options }) {
  const encode = (item: unknown) =>
    !item || typeof item !== "object" ? item : encodeGlobalID(this.builder.configStore.getTypeConfig((item as { type: never }).type).name, String((item as { id: unknown }).id));
  return this.field({
    ...options,
    type: "ID",
    resolve: (...a: unknown[]) => {
      const result = resolve(...a);
      return isThenable(result) ? Promise.resolve(result).then(encode) : encode(result);
    },
  });
};

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

builder.scalarType("DateTime", {
  description: "An instant, ISO-8601 in UTC (shown in Asia/Shanghai by clients)",
  // A hand-written read may hand over the text already in this form (board-page.ts): passed as is.
  serialize: (d) => (d instanceof Date ? d.toISOString() : typeof d === "string" && ISO_UTC.test(d) ? d : new Date(d as string).toISOString()),
  // An unparseable value becomes an invalid Date rather than an error here: mutations report it as a
  // VALIDATION userError on its field (dateTime() in graphql/mutation.ts), queries with dateArg().
  parseValue: (v) => parseDateTime(v),
  parseLiteral: (node) => parseDateTime(node.kind === Kind.STRING ? node.value : null),
});

builder.scalarType("File", {
  description: "A file sent with a GraphQL multipart request (input only)",
  serialize: () => {
    throw new GraphQLError("File is an input type");
  },
  parseValue: (v) => {
    if (typeof v === "object" && v !== null && typeof (v as File).arrayBuffer === "function") return v as File;
    throw new GraphQLError(msg("请上传文件", "Upload a file"), { extensions: { code: "BAD_USER_INPUT" } });
  },
  parseLiteral: () => {
    throw new GraphQLError(msg("请上传文件", "Upload a file"), { extensions: { code: "BAD_USER_INPUT" } });
  },
});

/** What `Date.prototype.toISOString` writes for the years 0–9999. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ISO = /^([+-]?\d{4,6})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * ISO-8601 with an explicit offset (Z or ±hh:mm) and a date that exists: 2027-02-30 is refused, not
 * rolled over into March, and a time without an offset is not read in the server's own zone.
 */
function parseDateTime(v: unknown): Date {
  const m = typeof v === "string" ? ISO.exec(v) : null;
  if (!m) return new Date(Number.NaN);
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? "0"].map(Number) as [number, number, number, number, number, number];
  const wall = new Date(0);
  wall.setUTCFullYear(y, mo - 1, d);
  wall.setUTCHours(h, mi, sec);
  if (wall.getUTCFullYear() !== y || wall.getUTCMonth() !== mo - 1 || wall.getUTCDate() !== d || h > 23 || mi > 59 || sec > 59) return new Date(Number.NaN);
  return new Date(v as string);
}
