import { encodeGlobalID } from "@pothos/plugin-relay";
import { isObjectType } from "graphql";
import { can, check } from "../../auth/policy.js";
import { builder } from "../../builder.js";
import { prisma } from "../../db.js";
import { assertCursorInList, rowsAfterCursor } from "../../graphql/list-cursor.js";
import { dateArg, idArg, textArg } from "../../graphql/ids.js";
import type { Context } from "../../context.js";
import { requestLoader } from "../../graphql/request-loader.js";
import { localize, msg } from "../../i18n.js";
import { AUDIT_ACTIONS, type AuditAction } from "./audit.service.js";
import { UUID } from "../../lib/uuid.js";

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
      description: "The acting account's public name (null: the system or an anonymous caller); for a wrong 确认码 of an appointment, the name its grantor gave it (null once it is gone), for a wrong 激活码 of a registration the name the officer gave it (null once erased), never the account's own",
      resolve: (e, _a, ctx) => {
        if (!e.actorId) return null;
        if (ANSWERED_OFFER.has(e.action)) return e.targetType === "RoleOffer" && e.targetId ? targetName(ctx, "RoleOffer", e.targetId) : null;
        if (ANSWERED_REGISTRATION.has(e.action)) return e.targetType === "Enrollment" && e.targetId ? registrationName(ctx, e.targetId) : null;
        return ctx.loaders.accountName.load(e.actorId);
      },
    }),
    actorAccountId: t.id({
      nullable: true,
      description: "The acting account; for a wrong 确认码 of an appointment or 激活码 of a registration only for those who read the whole log (the station's other entries by that account would name it)",
      resolve: (e, _a, ctx) => ((ANSWERED_OFFER.has(e.action) || ANSWERED_REGISTRATION.has(e.action)) && !can(ctx.viewer, "audit.read", { stationId: null }) ? null : e.actorId),
    }),
    station: t.prismaField({
      type: "Station",
      nullable: true,
      resolve: (query, e) => (e.stationId ? prisma.station.findUnique({ ...query, where: { id: e.stationId } }) : null),
    }),
    targetType: t.exposeString("targetType", { nullable: true }),
    targetLabel: t.string({
      nullable: true,
      description: "The kind of target in the reader's language",
      resolve: (e, _a, ctx) => (e.targetType ? localize(TARGET_LABELS[e.targetType] ?? e.targetType, ctx.locale) : null),
    }),
    targetName: t.string({
      nullable: true,
      description: "Who or what the entry is about by its public name today (a volunteer's display name, a team's name); read now, never stored in the log",
      resolve: (e, _a, ctx) => (e.targetType && e.targetId && e.targetType in TARGET_NAMES && !GUESSED_TARGET.has(e.action) && !(ANSWERED_OFFER.has(e.action) && e.targetType !== "RoleOffer") ? targetName(ctx, e.targetType, e.targetId) : null),
    }),
    targetId: t.string({
      nullable: true,
      description: "The target's global ID when it is a Node type, else its database ID; the account an appointment names only for those who read the whole log",
      resolve: (e, _a, ctx, info) => {
        if (!e.targetId || !e.targetType) return e.targetId;
        // The account a grantor's typed phone belongs to, which the station's other entries by that account pair
        // with its name (actorAccountId): as actorAccountId of a wrong 确认码, only for platform admins.
        if (e.targetType === "Account" && (GUESSED_TARGET.has(e.action) || ANSWERED_OFFER.has(e.action)) && !can(ctx.viewer, "audit.read", { stationId: null })) return null;
        const type = info.schema.getType(e.targetType);
        return isObjectType(type) && type.getInterfaces().some((i) => i.name === "Node") ? encodeGlobalID(e.targetType, e.targetId) : e.targetId;
      },
    }),
    clientAddress: t.string({
      nullable: true,
      description: "From where; for a wrong 确认码 of an appointment or 激活码 of a registration only for those who read the whole log (the station's other entries from the same address would name the account)",
      resolve: (e, _a, ctx) => ((ANSWERED_OFFER.has(e.action) || ANSWERED_REGISTRATION.has(e.action)) && !can(ctx.viewer, "audit.read", { stationId: null }) ? null : e.clientAddress),
    }),
  }),
});

const TARGET_LABELS: Record<string, string> = {
  Account: msg("账号", "Account"),
  Agreement: msg("共建协议", "Agreement"),
  Bulletin: msg("通知", "Bulletin"),
  Community: msg("社区", "Community"),
  Enrollment: msg("登记", "Registration"),
  Grid: msg("网格", "Grid"),
  HomeWatchRequest: msg("长假照看", "Home watch"),
  MediationCase: msg("调解案件", "Mediation case"),
  Mediator: msg("调解员", "Mediator"),
  Mobilization: msg("一键召集", "Call-up"),
  PatrolReport: msg("巡逻隐患", "Finding"),
  PointsEntry: msg("积分记录", "Points entry"),
  Region: msg("区域", "Region"),
  RoleOffer: msg("待确认的任命", "Pending appointment"),
  Squad: msg("小队", "Squad"),
  SquadMembership: msg("小队成员", "Squad member"),
  Station: msg("派出所", "Station"),
  Team: msg("队伍", "Team"),
  TeamInvite: msg("入队邀请", "Invitation"),
  TeamMembership: msg("队员", "Team member"),
  Volunteer: msg("义警", "Volunteer"),
  Shift: msg("班次", "Shift"),
  Reward: msg("兑换奖品", "Reward"),
  Redemption: msg("兑换记录", "Redemption"),
  GoodDeed: msg("好人好事", "Good deed"),
  Partner: msg("共建单位", "Partner"),
};

/**
 * Entries whose target is only the account a grantor's phone found, not someone shown to be the person meant: an
 * appointment waiting for its 确认码, and its withdrawal. Naming that account would tell the grantor whose phone they
 * typed (the pending lists show the name the grantor gave for that reason).
 */
const GUESSED_TARGET = new Set<string>(["role.offer", "role.offer.withdraw"]);

/**
 * Entries the account an appointment names makes by answering its 确认码 wrong (a miss, a lock): in the grantor's
 * station log, the account's own name would tell whose phone the grantor typed, as above. They name the appointment
 * (targetType RoleOffer) by the name the grantor gave it, as actor and target; entries written before they did
 * (targetType Account) name nobody.
 */
const ANSWERED_OFFER = new Set<string>(["role.offer.failed", "role.offer.locked"]);

/**
 * The same for a registration (登记): a wrong 激活码 typed by the account of the phone the officer registered, who
 * may be anyone (an account opened with the phone on a join page), is named by the name the officer gave the
 * registration, never the account's own, which told the station's log whose phone it was.
 */
const ANSWERED_REGISTRATION = new Set<string>(["enrollment.accept.failed", "enrollment.accept.locked", "enrollment.decline.failed", "enrollment.decline.locked"]);

/** The public name an officer gave a registration (none once erased). */
function registrationName(ctx: Context, id: string): Promise<string | null> {
  if (!UUID.test(id)) return Promise.resolve(null);
  return requestLoader<string | null>(
    ctx,
    "auditRegistrationName",
    async (ids) => new Map((await prisma.enrollment.findMany({ where: { id: { in: [...ids] } }, select: { id: true, displayName: true } })).map((r) => [r.id, r.displayName || null])),
    null,
  ).load(id);
}

const byVolunteer = (rows: { id: string; volunteer: { displayName: string } | null }[]) => new Map(rows.map((r) => [r.id, r.volunteer?.displayName ?? null]));
const byName = (rows: { id: string; name: string }[]) => new Map(rows.map((r) => [r.id, r.name]));

/** Public names only (display names, not legal names), one statement per kind of target on the page. */
const TARGET_NAMES: Record<string, (ids: string[]) => Promise<Map<string, string | null>>> = {
  Volunteer: async (ids) => new Map((await prisma.volunteer.findMany({ where: { id: { in: ids } }, select: { id: true, displayName: true } })).map((v) => [v.id, v.displayName])),
  Account: async (ids) => new Map((await prisma.account.findMany({ where: { id: { in: ids } }, select: { id: true, displayName: true, volunteer: { select: { displayName: true } } } })).map((a) => [a.id, a.volunteer?.displayName || a.displayName || null])),
  TeamMembership: async (ids) => byVolunteer(await prisma.teamMembership.findMany({ where: { id: { in: ids } }, select: { id: true, volunteer: { select: { displayName: true } } } })),
  SquadMembership: async (ids) => byVolunteer(await prisma.squadMembership.findMany({ where: { id: { in: ids } }, select: { id: true, volunteer: { select: { displayName: true } } } })),
  PointsEntry: async (ids) => byVolunteer(await prisma.pointsEntry.findMany({ where: { id: { in: ids } }, select: { id: true, volunteer: { select: { displayName: true } } } })),
  Mediator: async (ids) => new Map((await prisma.mediator.findMany({ where: { id: { in: ids } }, select: { id: true, displayName: true } })).map((m) => [m.id, m.displayName])),
  Team: async (ids) => byName(await prisma.team.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
  Squad: async (ids) => byName(await prisma.squad.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
  Station: async (ids) => byName(await prisma.station.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
  Grid: async (ids) => byName(await prisma.grid.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
  Community: async (ids) => byName(await prisma.community.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
  Region: async (ids) => byName(await prisma.region.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
  Partner: async (ids) => byName(await prisma.partner.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
  Reward: async (ids) => byName(await prisma.reward.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
  Redemption: async (ids) => byVolunteer(await prisma.redemption.findMany({ where: { id: { in: ids } }, select: { id: true, volunteer: { select: { displayName: true } } } })),
  GoodDeed: async (ids) => byVolunteer(await prisma.goodDeed.findMany({ where: { id: { in: ids } }, select: { id: true, volunteer: { select: { displayName: true } } } })),
  // The name the grantor gave (null for an offer made before names were kept, or once it is gone), never the account's.
  RoleOffer: async (ids) => new Map((await prisma.roleOffer.findMany({ where: { id: { in: ids } }, select: { id: true, displayName: true } })).map((o) => [o.id, o.displayName])),
  Shift: async (ids) => new Map((await prisma.shift.findMany({ where: { id: { in: ids } }, select: { id: true, title: true } })).map((s) => [s.id, s.title])),
};

function targetName(ctx: Context, type: string, id: string): Promise<string | null> {
  if (!UUID.test(id)) return Promise.resolve(null);
  return requestLoader<string | null>(ctx, `auditTarget:${type}`, (ids) => TARGET_NAMES[type]!([...ids]), null).load(id);
}

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
    resolve: async (query, _r, args) => {
      const station = args.stationId ? { stationId: idArg(String(args.stationId), "Station", "stationId") } : {};
      await assertCursorInList<bigint>(query, (id) => prisma.auditEntry.count({ where: { id, ...station } }), "bigint");
      return rowsAfterCursor(query, (q) => prisma.auditEntry.findMany({
        ...q,
        where: {
          ...station,
          ...(args.action ? { action: textArg(args.action, "action") } : {}),
          ...(args.from || args.to ? { at: { ...(args.from ? { gte: dateArg(args.from, "from") } : {}), ...(args.to ? { lt: dateArg(args.to, "to") } : {}) } } : {}),
        },
        orderBy: { id: "desc" },
      }));
    },
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
