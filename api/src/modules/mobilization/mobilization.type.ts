import { GraphQLError } from "graphql";
import { builder } from "../../builder.js";
import { can, check, mobilizationListFilter } from "../../auth/policy.js";
import { prisma } from "../../db.js";
import { encodeCursor } from "../../events/stored-stream.js";
import { idArg } from "../../graphql/ids.js";
import { assertCursorInList, rowsAfterCursor } from "../../graphql/list-cursor.js";
import { personalData } from "../../graphql/personal-data.js";
import { msg } from "../../i18n.js";
import { canSeePersonalData, Specialty } from "../volunteer/volunteer.type.js";
import { maskPhone } from "../volunteer/mask.js";
import { GoodDeedCategory } from "../commendation/commendation.type.js";
import { mobilizationFacts } from "./mobilization.service.js";
import { E } from "../../lib/enums.js";

export const MobilizationStatus = builder.enumType(E.MobilizationStatus, { name: "MobilizationStatus", values: { OPEN: { description: "召集中" }, CLOSED: { description: "已结束" } } as const });
export const MobilizationOutcome = builder.enumType(E.MobilizationOutcome, {
  name: "MobilizationOutcome",
  values: { RESOLVED: { description: "已处置（如已找到走失老人）" }, STOOD_DOWN: { description: "解除召集" }, CANCELLED: { description: "误发、撤销（不计时长）" } } as const,
});
export const MobilizationResponse = builder.enumType(E.MobilizationResponse, {
  name: "MobilizationResponse",
  values: { PENDING: { description: "未回复" }, ACCEPTED: { description: "前往" }, DECLINED: { description: "无法前往" } } as const,
});

/** Facts for a call-up row and its station's setting (loaded with the row where needed). */
async function factsOf(m: { stationId: string; startedById: string }, stationSetting?: { leadersMayMobilize: boolean }) {
  const station = stationSetting ?? (await prisma.station.findUniqueOrThrow({ where: { id: m.stationId }, select: { leadersMayMobilize: true } }));
  return mobilizationFacts(m, station);
}

const MobilizationWave = builder.prismaObject("MobilizationWave", {
  description: "一波通知: who was called when",
  fields: (t) => ({
    number: t.exposeInt("number"),
    radiusMeters: t.exposeInt("radiusMeters", { nullable: true, description: "null: the whole station" }),
    calledCount: t.exposeInt("calledCount"),
    calledAt: t.expose("calledAt", { type: "DateTime" }),
    escalation: t.boolean({ description: "Called by the sweeper because too few accepted in time", resolve: (w) => w.trigger === "ESCALATION" }),
  }),
});

const MobilizationCounts = builder.objectRef<{ wanted: number; called: number; accepted: number; declined: number; pending: number }>("MobilizationCounts").implement({
  fields: (t) => ({
    wanted: t.exposeInt("wanted"),
    called: t.exposeInt("called"),
    accepted: t.exposeInt("accepted"),
    declined: t.exposeInt("declined"),
    pending: t.exposeInt("pending", { description: "Called, no answer yet" }),
  }),
});

const GoodDeedDraft = builder
  .objectRef<{ teamId: string | null; category: "OTHER"; title: string; story: string; occurredAt: Date; place: string; volunteerIds: string[] }>("GoodDeedDraft")
  .implement({
    description: "A 好人好事 the officer may submit for the responders (submitGoodDeed)",
    fields: (t) => ({
      teamId: t.id({ nullable: true, resolve: (d) => (d.teamId ? Buffer.from(`Team:${d.teamId}`).toString("base64") : null) }),
      category: t.field({ type: GoodDeedCategory, resolve: (d) => d.category }),
      title: t.exposeString("title"),
      story: t.exposeString("story"),
      occurredAt: t.expose("occurredAt", { type: "DateTime" }),
      place: t.exposeString("place"),
      volunteerIds: t.idList({ resolve: (d) => d.volunteerIds.map((id) => Buffer.from(`Volunteer:${id}`).toString("base64")) }),
    }),
  });
export { GoodDeedDraft };

export const Mobilization = builder.prismaNode("Mobilization", {
  id: { field: "id" },
  description: "一键召集: a call-up of the station's volunteers",
  authScopes: async (m, ctx) => ({ policy: check("mobilization.read", { mobilization: await factsOf(m), called: await ctx.loaders.mobilizationCalled.load(m.id) }) }),
  fields: (t) => ({
    reason: t.exposeString("reason"),
    description: t.exposeString("description"),
    place: t.exposeString("place"),
    latitude: t.exposeFloat("latitude"),
    longitude: t.exposeFloat("longitude"),
    specialties: t.field({ type: [Specialty], resolve: (m) => m.specialties }),
    squads: t.prismaField({ type: ["Squad"], resolve: (q, m) => prisma.squad.findMany({ ...q, where: { id: { in: m.squadIds } } }) }),
    radiusMeters: t.exposeInt("radiusMeters"),
    wanted: t.exposeInt("wanted"),
    escalateAfterMinutes: t.exposeInt("escalateAfterMinutes"),
    status: t.field({ type: MobilizationStatus, resolve: (m) => m.status }),
    wave: t.exposeInt("wave", { description: "The wave called last (1 radius, 2 three times the radius, 3 the whole station)" }),
    escalateAt: t.expose("escalateAt", { type: "DateTime", nullable: true, description: "When the next wave is called unless enough accepted" }),
    outcome: t.field({ type: MobilizationOutcome, nullable: true, resolve: (m) => m.outcome }),
    closeNote: t.exposeString("closeNote", { nullable: true }),
    startedAt: t.expose("startedAt", { type: "DateTime" }),
    closedAt: t.expose("closedAt", { type: "DateTime", nullable: true }),
    station: t.relation("station"),
    waves: t.relation("waves", { query: { orderBy: { number: "asc" } } }),
    counts: t.field({
      type: MobilizationCounts,
      resolve: async (m) => {
        // One statement, so one snapshot: a batch moving people from the queue (called, still being told:
        // no answer yet either) to the responders commits between two statements, and they were counted
        // in neither (186 called of 200 seen under load).
        const [c] = await prisma.$queryRaw<{ accepted: number; declined: number; pending: number }[]>`
          SELECT count(*) FILTER (WHERE response::text = 'ACCEPTED')::int AS accepted,
                 count(*) FILTER (WHERE response::text = 'DECLINED')::int AS declined,
                 count(*) FILTER (WHERE response::text = 'PENDING')::int
                   + (SELECT coalesce(sum(cardinality("volunteerIds")), 0)::int FROM "MobilizationCallQueue" WHERE "mobilizationId" = ${m.id}::uuid) AS pending
          FROM "MobilizationResponder" WHERE "mobilizationId" = ${m.id}::uuid`;
        const { accepted = 0, declined = 0, pending = 0 } = c ?? {};
        return { wanted: m.wanted, called: pending + accepted + declined, accepted, declined, pending };
      },
    }),
    responders: t.relatedConnection("responders", {
      cursor: "id",
      description: "Who was called and their answers: accepted first (by ETA), then no answer (nearest first), then declined (officers, and the leader who started it)",
      args: { response: t.arg({ type: MobilizationResponse }) },
      nullable: true,
      authScopes: async (m) => ({ policy: check("mobilization.manage", await factsOf(m)) }),
      query: (args) => ({
        where: args.response ? { response: args.response } : undefined,
        orderBy: [{ response: "asc" }, { etaMinutes: { sort: "asc", nulls: "last" } }, { distanceMeters: { sort: "asc", nulls: "last" } }, { id: "asc" }],
      }),
    }),
    viewerResponse: t.prismaField({
      type: "MobilizationResponder",
      nullable: true,
      description: "The viewer's own call and answer, when they were called",
      resolve: (q, m, _a, ctx) =>
        ctx.viewer?.volunteerId ? prisma.mobilizationResponder.findUnique({ ...q, where: { mobilizationId_volunteerId: { mobilizationId: m.id, volunteerId: ctx.viewer.volunteerId } } }) : null,
    }),
    viewerCanManage: t.boolean({ resolve: async (m, _a, ctx) => can(ctx.viewer, "mobilization.manage", await factsOf(m)) }),
  }),
});

export const MobilizationUpdate = builder.prismaObject("MobilizationEvent", {
  name: "MobilizationUpdate",
  description: "A step of a call-up: started, a wave called, an answer, the close",
  fields: (t) => ({
    cursor: t.string({ description: "Pass as `since` to stationMobilizationUpdated to replay what came after (commit order)", resolve: (e) => encodeCursor(e) }),
    kind: t.exposeString("kind", { description: "STARTED, WAVE, RESPONSE or CLOSED" }),
    at: t.expose("createdAt", { type: "DateTime" }),
    mobilization: t.relation("mobilization"),
  }),
});

export const MobilizationResponder = builder.prismaNode("MobilizationResponder", {
  id: { field: "id" },
  description: "A volunteer called up and their answer",
  authScopes: async (r) => {
    const m = await prisma.mobilization.findUniqueOrThrow({ where: { id: r.mobilizationId }, select: { stationId: true, startedById: true } });
    return { policy: check("responder.read", { volunteerId: r.volunteerId, mobilization: await factsOf(m) }) };
  },
  fields: (t) => ({
    volunteer: t.relation("volunteer"),
    displayName: t.string({ select: { volunteer: { select: { displayName: true } } }, resolve: (r) => r.volunteer.displayName }),
    phone: t.string({
      description: "To call them back; masked unless the viewer may see the person's personal data",
      extensions: personalData("volunteer.readPersonal"),
      select: { volunteer: { select: { phone: true } } },
      resolve: async (r, _a, ctx) => ((await canSeePersonalData(ctx, r.volunteerId)) ? r.volunteer.phone : maskPhone(r.volunteer.phone)),
    }),
    wave: t.exposeInt("wave"),
    distanceMeters: t.exposeInt("distanceMeters", { nullable: true, description: "From their base when called (null: unknown)" }),
    response: t.field({ type: MobilizationResponse, resolve: (r) => r.response }),
    etaMinutes: t.exposeInt("etaMinutes", { nullable: true }),
    respondedAt: t.expose("respondedAt", { type: "DateTime", nullable: true }),
    notifiedAt: t.expose("notifiedAt", { type: "DateTime" }),
    minutesServed: t.exposeInt("minutesServed", { nullable: true }),
    mobilization: t.relation("mobilization"),
  }),
});

builder.queryField("mobilizations", (t) =>
  t.prismaConnection({
    type: "Mobilization",
    cursor: "id",
    description: "The station's call-ups, newest first: all of them for its officers and leaders, to a volunteer those that called them",
    nullable: true,
    args: { stationId: t.arg.id({ required: true }), status: t.arg({ type: MobilizationStatus }) },
    authScopes: (_r, args) => ({ seeStation: idArg(String(args.stationId), "Station", "stationId") }),
    resolve: async (query, _r, args, ctx) => {
      const stationId = idArg(String(args.stationId), "Station", "stationId");
      // Those the viewer may read (mobilization.read): all for the command view, else the ones that called them.
      const visible = mobilizationListFilter(ctx.viewer, stationId);
      // A cursor names one of those (whatever the status: a call-up closing between two pages keeps its place).
      await assertCursorInList(query, async (id) => !!visible && (await prisma.mobilization.count({ where: { id, stationId, ...visible } })) > 0);
      if (!visible) return [];
      return rowsAfterCursor(query, (q) =>
        prisma.mobilization.findMany({
          ...q,
          where: { stationId, status: args.status ?? undefined, ...visible },
          orderBy: [{ startedAt: "desc" }, { id: "desc" }],
        }),
      );
    },
  }),
);

builder.prismaObjectFields("Station", (t) => ({
  viewerCanMobilize: t.boolean({
    description: "Whether the viewer may start a call-up here (officers; leaders where the station allows it)",
    select: { leadersMayMobilize: true },
    resolve: (s, _a, ctx) => can(ctx.viewer, "mobilization.start", { stationId: s.id, leadersMayMobilize: s.leadersMayMobilize }),
  }),
}));

builder.prismaObjectField("Volunteer", "homeGrid", (t) =>
  t.relation("homeGrid", {
    nullable: true,
    description: "常驻网格: call-ups measure distance from its point (the person, their leaders and officers)",
    authScopes: async (v, _a, ctx) => ({ policy: check("volunteer.readPersonal", await ctx.loaders.person.load(v.id)) }),
  }),
);

export function forbiddenBoard(): never {
  throw new GraphQLError(msg("仅本所民警或发起的队长可查看召集看板", "Only the station's officers or the leader who started it follow the board"), { extensions: { code: "FORBIDDEN" } });
}
