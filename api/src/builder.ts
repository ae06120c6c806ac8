import SchemaBuilder from "@pothos/core";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import ValidationPlugin from "@pothos/plugin-validation";
import { can } from "./auth/viewer.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./config.js";
import type { Context } from "./context.js";
import { prisma } from "./db.js";
import type PrismaTypes from "./generated/pothos-prisma-types.js";
import { getDatamodel } from "./generated/pothos-prisma-types.js";

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: {
    public: boolean;
    signedIn: boolean;
    admin: boolean;
    /** station id */
    officerOf: string;
    /** station id: officers, members of its teams, its partners' admins */
    seeStation: string;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ID: { Input: string; Output: string };
  };
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin, ValidationPlugin, DataloaderPlugin],
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      public: true,
      signedIn: !!ctx.viewer,
      admin: !!ctx.viewer?.isAdmin,
      officerOf: (stationId) => can.officerOf(ctx.viewer, stationId),
      seeStation: (stationId) => can.seeStation(ctx.viewer, stationId),
    }),
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
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

builder.scalarType("DateTime", {
  description: "An instant, ISO-8601 in UTC (shown in Asia/Shanghai by clients)",
  serialize: (d) => (d instanceof Date ? d.toISOString() : new Date(d as string).toISOString()),
  parseValue: (v) => {
    const d = new Date(v as string);
    if (typeof v !== "string" || Number.isNaN(d.getTime())) throw new TypeError("DateTime must be an ISO-8601 string");
    return d;
  },
});
