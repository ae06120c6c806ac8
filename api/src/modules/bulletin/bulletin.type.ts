import type { Viewer } from "../../auth/viewer.js";
import { builder } from "../../builder.js";
import { can, check } from "../../auth/policy.js";
import { prisma } from "../../db.js";
import { idArg } from "../../graphql/ids.js";
import { assertCursorInList, pageById, rowsAfterCursor } from "../../graphql/list-cursor.js";
import { readStats, type ReadStats } from "./bulletin.service.js";
import { E } from "../../lib/enums.js";

export const BulletinCategory = builder.enumType(E.BulletinCategory, {
  name: "BulletinCategory",
  values: {
    CASE_ALERT: { description: "警情提醒" },
    FRAUD_WARNING: { description: "反诈预警" },
    WEATHER: { description: "天气灾害" },
    TRAFFIC: { description: "交通出行" },
    EVENT: { description: "活动通知" },
    NOTICE: { description: "一般通知" },
  } as const,
});

const GroupStats = builder.objectRef<{ id: string; name: string; recipients: number; read: number }>("BulletinGroupStats").implement({
  fields: (t) => ({
    id: t.exposeID("id", { description: "Global ID of the team or partner" }),
    name: t.exposeString("name"),
    recipients: t.exposeInt("recipients"),
    read: t.exposeInt("read"),
  }),
});

// Reached only through readStats (bulletin.readStats), so not a Node of its own.
const BulletinRecipient = builder.prismaObject("BulletinRecipient", {
  description: "Someone a bulletin was sent to",
  fields: (t) => ({
    displayName: t.string({
      description: "The volunteer's display name, or the name of a partner's admin's account",
      select: { account: { select: { displayName: true, volunteer: { select: { displayName: true } } } } },
      resolve: (r) => r.account.volunteer?.displayName || r.account.displayName,
    }),
    adminOf: t.relation("adminOfPartner", { nullable: true, description: "The partner they received it as an admin of (null: as a volunteer)" }),
  }),
});

const BulletinStats = builder.objectRef<ReadStats & { bulletinId: string }>("BulletinReadStats").implement({
  description: "Who received a bulletin and who read it (officers)",
  fields: (t) => ({
    recipients: t.exposeInt("recipients"),
    read: t.exposeInt("read"),
    unread: t.int({ resolve: (s) => s.recipients - s.read }),
    byTeam: t.field({ type: [GroupStats], resolve: (s) => s.byTeam.map((g) => ({ id: Buffer.from(`Team:${g.teamId}`).toString("base64"), name: g.name, recipients: g.recipients, read: g.read })) }),
    byPartner: t.field({ type: [GroupStats], resolve: (s) => s.byPartner.map((g) => ({ id: Buffer.from(`Partner:${g.partnerId}`).toString("base64"), name: g.name, recipients: g.recipients, read: g.read })) }),
    notReadBy: t.prismaConnection({
      type: BulletinRecipient,
      cursor: "id",
      description: "Everyone it was sent to who has not read it yet (as many as `unread`): volunteers and partners' admins",
      resolve: async (query, s) => {
        // A recipient of this bulletin, read or not: the last one shown may read it before the next page.
        await assertCursorInList(query, (id) => prisma.bulletinRecipient.count({ where: { id, bulletinId: s.bulletinId } }));
        const page = pageById(query);
        return prisma.bulletinRecipient.findMany({
          ...page.query,
          where: { bulletinId: s.bulletinId, ...(page.id ? { id: page.id } : {}), account: { notifications: { none: { subjectId: s.bulletinId, kind: "BULLETIN", readAt: { not: null } } } } },
          orderBy: { id: "asc" },
        });
      },
    }),
  }),
});

export const Bulletin = builder.prismaNode("Bulletin", {
  id: { field: "id" },
  description: "警情提醒单: a notice from the station to its people",
  authScopes: async (b, ctx) => ({
    policy: check("bulletin.read", { stationId: b.stationId, public: b.public, received: !b.public && (await ctx.loaders.bulletinReceived.load(b.id)) }),
  }),
  fields: (t) => ({
    title: t.exposeString("title"),
    body: t.exposeString("body"),
    category: t.field({ type: BulletinCategory, resolve: (b) => b.category }),
    public: t.exposeBoolean("public"),
    publishedAt: t.expose("publishedAt", { type: "DateTime" }),
    station: t.relation("station"),
    recipientCount: t.exposeInt("recipientCount"),
    audience: t.string({
      description: "Who it was sent to, in words",
      resolve: (b) => (b.wholeStation ? "全所" : [b.teamIds.length && `${b.teamIds.length}支队伍`, b.squadIds.length && `${b.squadIds.length}支小队`, b.communityIds.length && `${b.communityIds.length}个社区`, b.partnerIds.length && `${b.partnerIds.length}家共建单位`].filter(Boolean).join("、")),
    }),
    readStats: t.field({
      type: BulletinStats,
      nullable: true,
      authScopes: (b) => ({ policy: check("bulletin.readStats", { stationId: b.stationId }) }),
      resolve: async (b) => ({ ...(await readStats(b)), bulletinId: b.id }),
    }),
    viewerHasRead: t.boolean({
      nullable: true,
      description: "Whether the viewer read it (null: it was not sent to them)",
      resolve: async (b, _a, ctx) => {
        if (!ctx.viewer) return null;
        const n = await prisma.notification.findFirst({ where: { accountId: ctx.viewer.accountId, subjectId: b.id, kind: "BULLETIN" }, select: { readAt: true } });
        return n ? n.readAt !== null : null;
      },
    }),
    viewerNotification: t.prismaField({
      type: "Notification",
      nullable: true,
      description: "The viewer's notification of it (null: it was not sent to them); marked read when they read the bulletin",
      resolve: (q, b, _a, ctx) =>
        ctx.viewer ? prisma.notification.findFirst({ ...q, where: { accountId: ctx.viewer.accountId, subjectId: b.id, kind: "BULLETIN" } }) : null,
    }),
    viewerCanSeeStats: t.boolean({ resolve: (b, _a, ctx) => can(ctx.viewer, "bulletin.readStats", { stationId: b.stationId }) }),
  }),
});

/**
 * Narrows a list to the bulletins `bulletin.read` can allow (public, sent to the viewer, of a station
 * they are an officer of), so that a page is not full of refused rows; each row is still checked.
 */
async function listable(viewer: Viewer | null) {
  if (viewer?.isAdmin) return undefined;
  const sent = viewer
    ? (await prisma.notification.findMany({ where: { accountId: viewer.accountId, kind: "BULLETIN", subjectId: { not: null } }, select: { subjectId: true } })).map((n) => n.subjectId!)
    : [];
  return { OR: [{ public: true }, { id: { in: sent } }, { stationId: { in: [...(viewer?.officerStationIds ?? [])] } }] };
}

builder.prismaObjectField("Station", "bulletins", (t) =>
  t.prismaConnection({
    type: "Bulletin",
    cursor: "id",
    description: "警情提醒, newest first: all for the station's officers; for others the public ones and those sent to them",
    resolve: async (query, station, _args, ctx) => {
      const only = await listable(ctx.viewer);
      const where = { stationId: station.id, ...(only ? { AND: [only] } : {}) };
      await assertCursorInList(query, async (id) => (await prisma.bulletin.count({ where: { ...where, id } })) > 0);
      return rowsAfterCursor(query, (q) => prisma.bulletin.findMany({ ...q, where, orderBy: [{ publishedAt: "desc" }, { id: "desc" }] }));
    },
  }),
);

builder.queryField("publicBulletins", (t) =>
  t.prismaConnection({
    type: "Bulletin",
    cursor: "id",
    description: "A station's public bulletins, for its public board page (anyone)",
    args: { stationId: t.arg.id({ required: true }) },
    authScopes: { public: true },
    resolve: async (query, _r, args) => {
      const where = { stationId: idArg(String(args.stationId), "Station", "stationId"), public: true };
      await assertCursorInList(query, async (id) => (await prisma.bulletin.count({ where: { ...where, id } })) > 0);
      return rowsAfterCursor(query, (q) => prisma.bulletin.findMany({ ...q, where, orderBy: [{ publishedAt: "desc" }, { id: "desc" }] }));
    },
  }),
);
