// 警情提醒单: an officer sends a notice to an audience of the station's people (the whole station,
// teams, squads, communities by home grid, partners' volunteers and admins). Each recipient gets a
// notification in the same transaction; the officer sees who received it and who has not read it.
import { encodeGlobalID } from "@pothos/plugin-relay";
import { assert } from "../../auth/policy.js";
import type { Viewer } from "../../auth/viewer.js";
import { clock } from "../../clock.js";
import { prisma, type Tx, TX } from "../../db.js";
import type { BulletinCategory } from "../../generated/prisma/client.js";
import { notFound, UserFacingError } from "../../graphql/errors.js";
import { asWritten, msg } from "../../i18n.js";
import { oncePerKey, sameSet } from "../../lib/once-per-key.js";
import { recordAudit } from "../audit/audit.service.js";
import { delivered, notify } from "../notification/notification.service.js";
import { pubsub } from "../../pubsub.js";

export interface Audience {
  wholeStation: boolean;
  teamIds: string[];
  squadIds: string[];
  communityIds: string[];
  partnerIds: string[];
}

export interface PublishInput {
  stationId: string;
  title: string;
  body: string;
  category: BulletinCategory;
  public: boolean;
  audience: Audience;
  requestId?: string | null;
}

/** Every id must be of the station; the first one that is not is reported on its field. */
async function checkAudience(stationId: string, a: Audience) {
  const lists = [
    ["teamIds", a.teamIds, (ids: string[]) => prisma.team.findMany({ where: { id: { in: ids }, stationId }, select: { id: true } }), msg("本所队伍", "Team of this station")],
    ["squadIds", a.squadIds, (ids: string[]) => prisma.squad.findMany({ where: { id: { in: ids }, team: { stationId } }, select: { id: true } }), msg("本所小队", "Squad of this station")],
    ["communityIds", a.communityIds, (ids: string[]) => prisma.community.findMany({ where: { id: { in: ids }, stationId }, select: { id: true } }), msg("本所社区", "Community of this station")],
    ["partnerIds", a.partnerIds, (ids: string[]) => prisma.partner.findMany({ where: { id: { in: ids }, stationId }, select: { id: true } }), msg("本所共建单位", "Partner of this station")],
  ] as const;
  for (const [field, ids, find, what] of lists) {
    if (!ids.length) continue;
    const known = new Set((await find([...ids])).map((r) => r.id));
    const missing = ids.findIndex((id) => !known.has(id));
    if (missing >= 0) throw notFound(what, ["input", "audience", field, String(missing)]);
  }
  if (!a.wholeStation && !a.teamIds.length && !a.squadIds.length && !a.communityIds.length && !a.partnerIds.length) {
    throw new UserFacingError("VALIDATION", msg("请选择接收对象", "Choose who receives it"), ["input", "audience"]);
  }
}

/** Accounts of the audience: active volunteers of the station in it, and the admins of the chosen partners. */
async function recipients(stationId: string, a: Audience): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ accountId: string }[]>`
    SELECT DISTINCT a.id AS "accountId" FROM "Volunteer" v
    JOIN "Account" a ON a."volunteerId" = v.id AND NOT a.disabled
    LEFT JOIN "Grid" g ON g.id = v."homeGridId"
    WHERE v.status = 'ACTIVE'
      -- Members of the station now: not those who left, are suspended or wait for approval.
      AND EXISTS (SELECT 1 FROM "TeamMembership" tm JOIN "Team" t ON t.id = tm."teamId" WHERE tm."volunteerId" = v.id AND tm.status = 'ACTIVE' AND t."stationId" = ${stationId}::uuid)
      AND (${a.wholeStation}
        OR EXISTS (SELECT 1 FROM "TeamMembership" tm WHERE tm."volunteerId" = v.id AND tm.status = 'ACTIVE' AND tm."teamId" = ANY(${a.teamIds}::uuid[]))
        OR EXISTS (SELECT 1 FROM "SquadMembership" sm WHERE sm."volunteerId" = v.id AND sm.active AND sm."squadId" = ANY(${a.squadIds}::uuid[]))
        OR g."communityId" = ANY(${a.communityIds}::uuid[])
        OR v."partnerId" = ANY(${a.partnerIds}::uuid[]))
    UNION
    SELECT r."accountId" FROM "AccountRole" r JOIN "Account" a ON a.id = r."accountId" AND NOT a.disabled
    WHERE r.role = 'PARTNER_ADMIN' AND r."partnerId" = ANY(${a.partnerIds}::uuid[])`;
  return rows.map((r) => r.accountId);
}

/**
 * Records whom the bulletin was sent to, with the station's teams they were active in and its partners
 * they came from or received it as an admin of, as they are now (in the publishing transaction).
 */
async function recordRecipients(tx: Tx, bulletinId: string, accounts: string[]) {
  await tx.$executeRaw`
    INSERT INTO "BulletinRecipient" (id, "bulletinId", "accountId", "teamIds", "partnerIds", "adminOfPartnerId")
    SELECT linshe_uuid7(), b.id, a.id,
      ARRAY(SELECT tm."teamId" FROM "TeamMembership" tm JOIN "Team" t ON t.id = tm."teamId"
            WHERE tm."volunteerId" = a."volunteerId" AND tm.status = 'ACTIVE' AND t."stationId" = b."stationId" ORDER BY tm."teamId"),
      ARRAY(SELECT p.id FROM "Partner" p WHERE p."stationId" = b."stationId"
              AND (p.id = (SELECT v."partnerId" FROM "Volunteer" v WHERE v.id = a."volunteerId")
                OR (p.id = ANY(b."partnerIds") AND EXISTS (SELECT 1 FROM "AccountRole" r WHERE r."accountId" = a.id AND r.role = 'PARTNER_ADMIN' AND r."partnerId" = p.id)))
            ORDER BY p.id),
      (SELECT r."partnerId" FROM "AccountRole" r WHERE r."accountId" = a.id AND r.role = 'PARTNER_ADMIN' AND r."partnerId" = ANY(b."partnerIds") ORDER BY r."partnerId" LIMIT 1)
    FROM "Bulletin" b JOIN "Account" a ON a.id = ANY(${accounts}::uuid[])
    WHERE b.id = ${bulletinId}::uuid`;
}

export async function publishBulletin(viewer: Viewer, input: PublishInput, clientAddress: string | null = null) {
  const station = await prisma.station.findUnique({ where: { id: input.stationId }, select: { id: true } });
  if (!station) throw notFound(msg("派出所", "Station"), ["input", "stationId"]);
  assert(viewer, "bulletin.publish", { stationId: station.id }, {
    message: msg("仅本所民警可发布警情提醒", "Only the station's officers publish bulletins"),
    hide: { what: msg("派出所", "Station"), field: ["input", "stationId"], stationId: station.id },
  });
  const a = { ...input.audience, teamIds: [...new Set(input.audience.teamIds)], squadIds: [...new Set(input.audience.squadIds)], communityIds: [...new Set(input.audience.communityIds)], partnerIds: [...new Set(input.audience.partnerIds)] };
  // A resend of the same bulletin (the answer lost on a weak signal) tells nobody twice.
  const { value: bulletin, repeated } = await oncePerKey(input.requestId, {
    find: () => prisma.bulletin.findUnique({ where: { publishedById_requestId: { publishedById: viewer.accountId, requestId: input.requestId! } } }),
    differs: (e) =>
      e.stationId !== station.id ||
      e.title !== input.title ||
      e.body !== input.body ||
      e.category !== input.category ||
      e.public !== input.public ||
      e.wholeStation !== a.wholeStation ||
      !sameSet(e.teamIds, a.teamIds) ||
      !sameSet(e.squadIds, a.squadIds) ||
      !sameSet(e.communityIds, a.communityIds) ||
      !sameSet(e.partnerIds, a.partnerIds),
    reused: msg("该请求编号已用于另一条提醒", "This request ID was used for another bulletin"),
    create: () => publish(viewer, station.id, input, a, clientAddress),
  });
  if (repeated) return bulletin;
  delivered();
  if (input.public) pubsub.publish("publicBoardChanged", { stationId: station.id });
  return bulletin;
}

async function publish(viewer: Viewer, stationId: string, input: PublishInput, a: Audience, clientAddress: string | null) {
  await checkAudience(stationId, a);
  const accounts = await recipients(stationId, a);
  // An internal bulletin to nobody would be stored and counted as sent; a public one still shows on the board page.
  if (!accounts.length && !input.public) {
    throw new UserFacingError("VALIDATION", msg("所选接收对象中没有可通知的人，请换一个接收范围（公开的提醒也会显示在公示页）", "Nobody in this audience can be told: choose another (a public bulletin also shows on the board page)"), ["input", "audience"]);
  }
  return prisma.$transaction(async (tx) => {
    const b = await tx.bulletin.create({
      data: { stationId, title: input.title, body: input.body, category: input.category, public: input.public, ...a, recipientCount: accounts.length, publishedById: viewer.accountId, publishedAt: clock.now(), requestId: input.requestId ?? null },
    });
    await recordRecipients(tx, b.id, accounts);
    await notify(
      tx,
      accounts.map((accountId) => ({
        accountId,
        stationId,
        kind: "BULLETIN" as const,
        title: asWritten(input.title),
        body: asWritten(input.body.length > 140 ? `${input.body.slice(0, 140)}…` : input.body),
        link: `/bulletins/${encodeGlobalID("Bulletin", b.id)}`,
        subject: { type: "Bulletin", id: b.id },
      })),
    );
    await recordAudit(tx, { actor: viewer, stationId: stationId, action: "bulletin.publish", targetType: "Bulletin", targetId: b.id, summary: msg(`发送给 ${accounts.length} 人${input.public ? "，公开" : ""}`, `sent to ${accounts.length} people${input.public ? ", public" : ""}`), clientAddress });
    return b;
  }, { ...TX, timeout: Math.max(TX.timeout ?? 0, 60_000) });
}

export interface ReadStats {
  recipients: number;
  read: number;
  byTeam: { teamId: string; name: string; recipients: number; read: number }[];
  byPartner: { partnerId: string; name: string; recipients: number; read: number }[];
}

/**
 * Recipients and reads, in total and per team and partner of the station, as recorded when it was
 * published (a person counts in each team they were in); read is their notification's readAt.
 */
export async function readStats(bulletin: { id: string; stationId: string }): Promise<ReadStats> {
  const [total] = await prisma.$queryRaw<{ recipients: number; read: number }[]>`
    SELECT count(*)::int AS recipients, count(n."readAt")::int AS read
    FROM "BulletinRecipient" r
    LEFT JOIN "Notification" n ON n."subjectId" = r."bulletinId" AND n."accountId" = r."accountId" AND n.kind = 'BULLETIN'
    WHERE r."bulletinId" = ${bulletin.id}::uuid`;
  const byTeam = await prisma.$queryRaw<ReadStats["byTeam"]>`
    SELECT t.id AS "teamId", t.name, count(*)::int AS recipients, count(n."readAt")::int AS read
    FROM "BulletinRecipient" r CROSS JOIN LATERAL unnest(r."teamIds") AS rt(id) JOIN "Team" t ON t.id = rt.id
    LEFT JOIN "Notification" n ON n."subjectId" = r."bulletinId" AND n."accountId" = r."accountId" AND n.kind = 'BULLETIN'
    WHERE r."bulletinId" = ${bulletin.id}::uuid
    GROUP BY t.id, t.name ORDER BY t.name`;
  const byPartner = await prisma.$queryRaw<ReadStats["byPartner"]>`
    SELECT p.id AS "partnerId", p.name, count(*)::int AS recipients, count(n."readAt")::int AS read
    FROM "BulletinRecipient" r CROSS JOIN LATERAL unnest(r."partnerIds") AS rp(id) JOIN "Partner" p ON p.id = rp.id
    LEFT JOIN "Notification" n ON n."subjectId" = r."bulletinId" AND n."accountId" = r."accountId" AND n.kind = 'BULLETIN'
    WHERE r."bulletinId" = ${bulletin.id}::uuid
    GROUP BY p.id, p.name ORDER BY p.name`;
  return { recipients: total?.recipients ?? 0, read: total?.read ?? 0, byTeam, byPartner };
}
