import { encodeGlobalID } from "@pothos/plugin-relay";
import { isObjectType } from "graphql";
import { check } from "../../auth/policy.js";
import { builder } from "../../builder.js";
import { prisma } from "../../db.js";
import { dateArg, idArg, textArg } from "../../graphql/ids.js";
import { localize } from "../../i18n.js";
import { AUDIT_ACTIONS, type AuditAction } from "./audit.service.js";

builder.prismaNode("AuditEntry", {
  id: { field: "id" },
  description: "审计日志: who changed what, when and from where (append-only)",
  authScopes: (e) => ({ policy: check("audit.read", { stationId: e.stationId }) }),
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime" }),
    action: t.exposeString("action", { description: "e.g. `team.setRole`, `points.adjust`, `signIn.failed`" }),
    actionLabel: t.string({
      description: "The action in the reader's language",
      resolve: (e, _a, ctx) => localize(AUDIT_ACTIONS[e.action as AuditAction] ?? e.action, ctx.locale),
    }),
    summary: t.string({ description: "What changed, in the reader's language; never personal data", resolve: (e, _a, ctx) => localize(e.summary, ctx.locale) }),
    actorName: t.string({
      nullable: true,
      description: "The acting account's public name (null: the system or an anonymous caller)",
      resolve: (e, _a, ctx) => (e.actorId ? ctx.loaders.accountName.load(e.actorId) : null),
    }),
    actorAccountId: t.id({ nullable: true, resolve: (e) => e.actorId }),
    station: t.prismaField({
      type: "Station",
      nullable: true,
      resolve: (query, e) => (e.stationId ? prisma.station.findUnique({ ...query, where: { id: e.stationId } }) : null),
    }),
    targetType: t.exposeString("targetType", { nullable: true }),
    targetId: t.string({
      nullable: true,
      description: "The target's global ID when it is a Node type, else its database ID",
      resolve: (e, _a, _c, info) => {
        if (!e.targetId || !e.targetType) return e.targetId;
        const type = info.schema.getType(e.targetType);
        return isObjectType(type) && type.getInterfaces().some((i) => i.name === "Node") ? encodeGlobalID(e.targetType, e.targetId) : e.targetId;
      },
    }),
    clientAddress: t.exposeString("clientAddress", { nullable: true }),
  }),
});

builder.queryField("auditLog", (t) =>
  t.prismaConnection({
    type: "AuditEntry",
    cursor: "id",
    nullable: true,
    description: "审计日志, newest first: a station's entries for its officers; without `stationId` every entry (administrators)",
    args: {
      stationId: t.arg.id(),
      action: t.arg.string({ description: "Only this action, e.g. `points.adjust`" }),
      from: t.arg({ type: "DateTime", description: "Entries at or after this time" }),
      to: t.arg({ type: "DateTime", description: "Entries before this time" }),
    },
    authScopes: (_r, args) => ({ policy: check("audit.read", { stationId: args.stationId ? idArg(String(args.stationId), "Station", "stationId") : null }) }),
    resolve: (query, _r, args) =>
      prisma.auditEntry.findMany({
        ...query,
        where: {
          ...(args.stationId ? { stationId: idArg(String(args.stationId), "Station", "stationId") } : {}),
          ...(args.action ? { action: textArg(args.action, "action") } : {}),
          ...(args.from || args.to ? { at: { ...(args.from ? { gte: dateArg(args.from, "from") } : {}), ...(args.to ? { lt: dateArg(args.to, "to") } : {}) } } : {}),
        },
        orderBy: { id: "desc" },
      }),
  }),
);

const AuditActionOption = builder.objectRef<{ action: string }>("AuditAction").implement({
  description: "An action the audit log records, with its name (the log's one list of them)",
  fields: (t) => ({
    action: t.exposeString("action"),
    label: t.string({ description: "In the reader's language", resolve: (a, _a, ctx) => localize(AUDIT_ACTIONS[a.action as AuditAction], ctx.locale) }),
  }),
});

builder.queryField("auditActions", (t) =>
  t.field({
    type: [AuditActionOption],
    description: "Every action the audit log records, for a filter (the names are public, the entries are not)",
    authScopes: { signedIn: true },
    resolve: () => Object.keys(AUDIT_ACTIONS).map((action) => ({ action })),
  }),
);
