import { builder } from "../../builder.js";
import { can, check, type MediationCaseFacts, type MediatorFacts } from "../../auth/policy.js";
import { clock } from "../../clock.js";
import type { Context } from "../../context.js";
import { prisma } from "../../db.js";
import { assertCursorInList, keyset, keysetPage, rowsAfterCursor } from "../../graphql/list-cursor.js";
import type { MediationParty as PartyRow, Mediator as MediatorRow } from "../../generated/prisma/client.js";
import { MediationStatus as MediationStatuses } from "../../generated/prisma/enums.js";
import { idArg } from "../../graphql/ids.js";
import { personalData } from "../../graphql/personal-data.js";
import { accountName, requestLoader } from "../../graphql/request-loader.js";
import { Viewer } from "../account/account.type.js";
import { maskName, maskPhone } from "../volunteer/mask.js";
import { mediationStats, mediatorRecords, SUCCESS, type MediationStats } from "./mediation.service.js";
import { E } from "../../lib/enums.js";

export const MediationField = builder.enumType(E.MediationField, {
  name: "MediationField",
  values: {
    NEIGHBOUR: { description: "邻里纠纷" },
    FAMILY: { description: "婚姻家庭" },
    LABOUR: { description: "劳资纠纷" },
    PROPERTY: { description: "物业纠纷" },
    CONSUMER: { description: "消费纠纷" },
    TRAFFIC: { description: "交通事故" },
    OTHER: { description: "其他" },
  } as const,
});
export const MediationSource = builder.enumType(E.MediationSource, {
  name: "MediationSource",
  values: {
    RESIDENT: { description: "群众来访 / 自选调解员" },
    PATROL: { description: "巡逻发现" },
    POLICE: { description: "警情转办" },
    COMMUNITY: { description: "社区网格" },
    OTHER: { description: "其他" },
  } as const,
});
export const MediationStatus = builder.enumType(E.MediationStatus, { name: "MediationStatus", values: { OPEN: { description: "调解中" }, CLOSED: { description: "已结案" } } as const });
export const MediationOutcome = builder.enumType(E.MediationOutcome, {
  name: "MediationOutcome",
  values: {
    SETTLED: { description: "调解成功" },
    FAILED: { description: "调解不成" },
    JUDICIAL_CONFIRMATION: { description: "转司法确认" },
    REFERRED: { description: "转其他部门" },
  } as const,
});
export const MediationPartyRole = builder.enumType(E.MediationPartyRole, {
  name: "MediationPartyRole",
  values: { APPLICANT: { description: "申请人" }, RESPONDENT: { description: "被申请人" }, OTHER: { description: "其他当事人" } } as const,
});
export const CaseAgeBucket = builder.enumType("CaseAgeBucket", {
  values: {
    WITHIN_7_DAYS: { description: "7天内" },
    WITHIN_30_DAYS: { description: "8–30天" },
    WITHIN_90_DAYS: { description: "31–90天" },
    OVER_90_DAYS: { description: "90天以上" },
  } as const,
});

const rate = (r: { closed: number; succeeded: number }) => (r.closed ? Math.round((r.succeeded / r.closed) * 1000) / 1000 : null);
const record = (ctx: Context, id: string) =>
  requestLoader(ctx, "mediatorRecord", mediatorRecords, { open: 0, closed: 0, succeeded: 0 }).load(id);

/** Volunteer mediators still active members of their station (batched per request; a named person always is). */
function atStationLoader(ctx: Context) {
  return requestLoader(
    ctx,
    "mediatorAtStation",
    async (ids) => {
      // As available() below, per row (a mediator's own station).
      const rows = await prisma.mediator.findMany({
        where: { id: { in: [...ids] } },
        select: { id: true, stationId: true, volunteerId: true, volunteer: { select: { status: true, teams: { where: { status: "ACTIVE" }, select: { team: { select: { stationId: true } } } } } } },
      });
      return new Map(rows.map((r) => [r.id, !r.volunteerId || (r.volunteer?.status === "ACTIVE" && r.volunteer.teams.some((t) => t.team.stationId === r.stationId))]));
    },
    false,
  );
}

export async function mediatorFacts(ctx: Context, m: Pick<MediatorRow, "id" | "stationId" | "active" | "volunteerId">): Promise<MediatorFacts> {
  return { stationId: m.stationId, active: m.active, atStation: !m.volunteerId || (await atStationLoader(ctx).load(m.id)) };
}

export const Mediator = builder.prismaNode("Mediator", {
  id: { field: "id" },
  description: "调解员: a public profile residents choose from (警调超市); no personal data",
  authScopes: async (m, ctx) => ({ policy: check("mediator.read", await mediatorFacts(ctx, m)) }),
  fields: (t) => ({
    displayName: t.exposeString("displayName", { description: "The name the mediator agreed to show" }),
    title: t.exposeString("title", { description: "e.g. 退休法官, 律师, 老娘舅" }),
    years: t.exposeInt("years", { description: "Years of mediation experience" }),
    fields: t.field({ type: [MediationField], resolve: (m) => m.fields }),
    bio: t.exposeString("bio"),
    active: t.exposeBoolean("active"),
    atStation: t.boolean({
      description: "A volunteer mediator still an active member of the station (a named person always): one suspended or gone is off the public list",
      resolve: async (m, _a, ctx) => (await mediatorFacts(ctx, m)).atStation,
    }),
    isVolunteer: t.boolean({ description: "A volunteer of the station (else a named person)", resolve: (m) => !!m.volunteerId }),
    openCases: t.int({ resolve: async (m, _a, ctx) => (await record(ctx, m.id)).open }),
    closedCases: t.int({ resolve: async (m, _a, ctx) => (await record(ctx, m.id)).closed }),
    successRate: t.float({ nullable: true, description: "Share of closed cases settled (调解成功 or 转司法确认); null before the first", resolve: async (m, _a, ctx) => rate(await record(ctx, m.id)) }),
    viewerCanManage: t.boolean({ resolve: (m, _a, ctx) => can(ctx.viewer, "mediator.manage", { stationId: m.stationId }) }),
  }),
});

/** Facts of a case for the policy: the volunteers among its mediators (batched per request). */
export async function factsOfCase(ctx: Context, c: { id: string; stationId: string }): Promise<MediationCaseFacts> {
  const ids = await requestLoader(
    ctx,
    "caseMediatorVolunteers",
    async (caseIds) => {
      const rows = await prisma.mediationCaseMediator.findMany({ where: { caseId: { in: [...caseIds] } }, select: { caseId: true, mediator: { select: { volunteerId: true } } } });
      const m = new Map<string, string[]>();
      for (const r of rows) if (r.mediator.volunteerId) m.set(r.caseId, [...(m.get(r.caseId) ?? []), r.mediator.volunteerId]);
      return m;
    },
    [] as string[],
  ).load(c.id);
  return { stationId: c.stationId, mediatorVolunteerIds: ids };
}

type PartyShape = PartyRow & { full: boolean };
const MediationParty = builder.objectRef<PartyShape>("MediationParty").implement({
  description: "A party of a case: name and phone in full for the case's mediators and the station's officers, masked for anyone else",
  fields: (t) => ({
    name: t.string({ extensions: personalData("mediationCase.readParties"), description: "Empty once erased (MediationCase.erasedAt)", resolve: (p) => (p.full || !p.name ? p.name : maskName(p.name)) }),
    phone: t.string({ extensions: personalData("mediationCase.readParties"), resolve: (p) => (p.full ? p.phone : p.phone ? maskPhone(p.phone) : "") }),
    role: t.field({ type: MediationPartyRole, resolve: (p) => p.role }),
  }),
});

builder.prismaNode("MediationSession", {
  id: { field: "id" },
  description: "A mediation session of a case, with its notes",
  select: { case: { select: { id: true, stationId: true } } },
  authScopes: async (s, ctx) => ({ policy: check("mediationCase.read", await factsOfCase(ctx, s.case)) }),
  fields: (t) => ({
    heldAt: t.expose("heldAt", { type: "DateTime" }),
    place: t.exposeString("place"),
    notes: t.exposeString("notes"),
    recordedByName: t.string({ select: { recordedById: true }, resolve: (s, _a, ctx) => accountName(ctx, s.recordedById) }),
  }),
});

builder.prismaNode("MediationCase", {
  id: { field: "id" },
  description: "警民联调 case: visible to the station's officers and the case's own mediators",
  authScopes: async (c, ctx) => ({ policy: check("mediationCase.read", await factsOfCase(ctx, c)) }),
  fields: (t) => ({
    category: t.field({ type: MediationField, resolve: (c) => c.category }),
    summary: t.exposeString("summary"),
    source: t.field({ type: MediationSource, resolve: (c) => c.source }),
    status: t.field({ type: MediationStatus, resolve: (c) => c.status }),
    outcome: t.field({ type: MediationOutcome, nullable: true, resolve: (c) => c.outcome }),
    succeeded: t.boolean({ resolve: (c) => !!c.outcome && SUCCESS.includes(c.outcome) }),
    agreementText: t.exposeString("agreementText", { nullable: true, description: "调解协议 of a settled case" }),
    referredTo: t.exposeString("referredTo", { nullable: true }),
    openedAt: t.expose("openedAt", { type: "DateTime" }),
    closedAt: t.expose("closedAt", { type: "DateTime", nullable: true }),
    erasedAt: t.expose("erasedAt", {
      type: "DateTime",
      nullable: true,
      description: "When the parties' names and phones, the summary, the agreement's words and the sessions' notes and places were erased (the station's mediationRetentionDays after closing)",
    }),
    ageDays: t.int({ description: "Days open (until closed)", resolve: (c) => Math.floor(((c.closedAt ?? clock.now()).getTime() - c.openedAt.getTime()) / 86_400_000) }),
    parties: t.field({
      type: [MediationParty],
      select: { parties: { orderBy: { position: "asc" } } },
      resolve: async (c, _a, ctx) => {
        const full = can(ctx.viewer, "mediationCase.readParties", await factsOfCase(ctx, c));
        return c.parties.map((p) => ({ ...p, full }));
      },
    }),
    mediators: t.field({
      type: [Mediator],
      select: { mediators: { select: { mediator: true } } },
      resolve: (c) => c.mediators.map((m) => m.mediator),
    }),
    sessions: t.relation("sessions", { query: { orderBy: [{ heldAt: "asc" }, { id: "asc" }] } }),
    viewerCanWork: t.boolean({ resolve: async (c, _a, ctx) => c.status === "OPEN" && can(ctx.viewer, "mediationCase.work", await factsOfCase(ctx, c)) }),
  }),
});

/** A volunteer mediator is offered while they are an active member of the station (a named person always). */
function available(stationId: string) {
  return {
    OR: [{ volunteerId: null }, { volunteer: { status: "ACTIVE" as const, teams: { some: { status: "ACTIVE" as const, team: { stationId } } } } }],
  };
}

builder.queryField("mediators", (t) =>
  t.prismaConnection({
    type: "Mediator",
    cursor: "id",
    description: "警调超市 (public, no sign-in): a station's mediators to choose from; officers may include inactive ones",
    args: { stationId: t.arg.id({ required: true }), field: t.arg({ type: MediationField }), includeInactive: t.arg.boolean() },
    authScopes: { policy: check("public.read", null) },
    resolve: async (query, _r, args, ctx) => {
      const stationId = idArg(String(args.stationId), "Station", "stationId");
      const all = !!args.includeInactive && can(ctx.viewer, "mediator.manage", { stationId });
      // The station's, active or not: one made inactive between two pages keeps its place (it was public).
      await assertCursorInList(query, (id) => prisma.mediator.count({ where: { id, stationId } }));
      const rows = await rowsAfterCursor(query, (q) => prisma.mediator.findMany({
        ...q,
        where: { stationId, ...(all ? {} : { active: true, ...available(stationId) }), ...(args.field ? { fields: { has: args.field } } : {}) },
        orderBy: [{ years: "desc" }, { id: "asc" }],
      }));
      // The public list's rows are at the station by its filter: no second look-up for their access check.
      if (!all) for (const r of rows) atStationLoader(ctx).prime(r.id, true);
      return rows;
    },
  }),
);

/** Cases of a station the viewer may list: all for its officers, else those they mediate. */
function casesWhere(ctx: Context, stationId: string) {
  if (can(ctx.viewer, "mediation.stats", { stationId })) return { stationId };
  return { stationId, mediators: { some: { mediator: { volunteerId: ctx.viewer?.volunteerId ?? "00000000-0000-0000-0000-000000000000" } } } };
}

/** Open first (the enum's order: OPEN, CLOSED), then newest. */
const CASES = keyset("stationId_status_openedAt_id", ["stationId"], [
  { field: "status", type: Object.values(MediationStatuses) },
  { field: "openedAt", desc: true, type: "date" },
  { field: "id", desc: true, type: "uuid" },
]);

builder.prismaObjectField("Station", "mediationCases", (t) =>
  t.prismaConnection({
    type: "MediationCase",
    cursor: CASES.cursor,
    extensions: CASES.extensions,
    description: "调解案件, open first then newest: all for officers, a mediator's own for a mediator",
    args: { status: t.arg({ type: MediationStatus }) },
    resolve: (query, s, args, ctx) => {
      // Keyset: a case closed at a page's end moves among the closed ones, the next page starts where it was.
      const page = keysetPage(query, CASES, { stationId: s.id });
      return prisma.mediationCase.findMany({ ...page.query, where: page.where({ ...casesWhere(ctx, s.id), status: args.status ?? undefined }), orderBy: CASES.orderBy });
    },
  }),
);

builder.objectFields(Viewer, (t) => ({
  isMediator: t.boolean({
    description: "The viewer is an active mediator somewhere (shows the mediation tab)",
    resolve: async (v) => !!v.volunteerId && (await prisma.mediator.count({ where: { volunteerId: v.volunteerId, active: true } })) > 0,
  }),
}));

const OutcomeCount = builder.objectRef<MediationStats["byOutcome"][number]>("MediationOutcomeCount").implement({
  fields: (t) => ({ outcome: t.field({ type: MediationOutcome, resolve: (o) => o.outcome }), count: t.exposeInt("count") }),
});
const AgeCount = builder.objectRef<MediationStats["openByAge"][number]>("CaseAgeCount").implement({
  fields: (t) => ({ bucket: t.field({ type: CaseAgeBucket, resolve: (a) => a.bucket }), count: t.exposeInt("count") }),
});
const Stats = builder.objectRef<MediationStats>("MediationStats").implement({
  description: "A station's mediation record",
  fields: (t) => ({
    open: t.exposeInt("open"),
    closed: t.exposeInt("closed"),
    succeeded: t.exposeInt("succeeded", { description: "调解成功 or 转司法确认" }),
    successRate: t.exposeFloat("successRate", { nullable: true, description: "succeeded / closed (0–1); null before the first closed case" }),
    byOutcome: t.field({ type: [OutcomeCount], resolve: (s) => s.byOutcome }),
    openByAge: t.field({ type: [AgeCount], resolve: (s) => s.openByAge }),
  }),
});

builder.prismaObjectFields("Station", (t) => ({
  mediationStats: t.field({
    type: Stats,
    nullable: true,
    description: "Officers: success rate and open cases by age",
    authScopes: (s) => ({ policy: check("mediation.stats", { stationId: s.id }) }),
    resolve: (s) => mediationStats(s.id),
  }),
  viewerCanOpenMediationCase: t.boolean({ resolve: (s, _a, ctx) => can(ctx.viewer, "mediationCase.open", { stationId: s.id }) }),
}));
