import { builder } from "../../builder.js";
import type { Context } from "../../context.js";
import { can, check, visibleStationFilter } from "../../auth/policy.js";
import { personalData } from "../../graphql/personal-data.js";
import { maskIdNumber, maskName, maskPhone, shownPhone } from "./mask.js";
import { E, enumValues } from "../../lib/enums.js";

export const SPECIALTIES = enumValues(E.Specialty);

export const Specialty = builder.enumType(E.Specialty, {
  name: "Specialty",
  description: "特色小队的专长",
  values: {
    MEDICAL_GUARD: { description: "医疗守护" },
    HIGH_RISE: { description: "高层楼宇" },
    CAMPUS_SECURITY: { description: "校园安保" },
    COMMUNITY_GRID: { description: "社区网格" },
    ANTI_FRAUD: { description: "反诈宣传" },
    MEDIATION: { description: "矛盾调解" },
    NIGHT_PATROL: { description: "夜巡" },
    TRAFFIC: { description: "交通" },
  } as const,
});

export const VolunteerStatus = builder.enumType(E.VolunteerStatus, { name: "VolunteerStatus" });
export const MemberRole = builder.enumType(E.MemberRole, { name: "MemberRole" });

/** The person, their team or squad leaders, and their station's officers see personal data. */
export async function canSeePersonalData(ctx: Context, volunteerId: string): Promise<boolean> {
  return can(ctx.viewer, "volunteer.readPersonal", await ctx.loaders.person.load(volunteerId));
}

export const Volunteer = builder.prismaNode("Volunteer", {
  id: { field: "id" },
  description: "义警: a resident who volunteers",
  authScopes: async (v, ctx) => ({ policy: check("volunteer.read", await ctx.loaders.person.load(v.id)) }),
  fields: (t) => ({
    displayName: t.exposeString("displayName", { description: "Public name, shown to everyone" }),
    name: t.string({
      description: "Legal name; masked (张*) unless the viewer may see personal data",
      extensions: personalData("volunteer.readPersonal"),
      resolve: async (p, _a, ctx) => ((await canSeePersonalData(ctx, p.id)) ? p.name : maskName(p.name)),
    }),
    phone: t.string({
      description: "Masked (138****0101) unless the viewer may see personal data",
      extensions: personalData("volunteer.readPersonal"),
      resolve: async (p, _a, ctx) => ((await canSeePersonalData(ctx, p.id)) ? shownPhone(p.phone) : maskPhone(p.phone)),
    }),
    idNumber: t.string({
      nullable: true,
      description: "ID card number; masked unless the viewer may see personal data",
      extensions: personalData("volunteer.readPersonal"),
      resolve: async (p, _a, ctx) => (p.idNumber == null ? null : (await canSeePersonalData(ctx, p.id)) ? p.idNumber : maskIdNumber(p.idNumber)),
    }),
    viewerCanSeePersonalData: t.boolean({ resolve: (p, _a, ctx) => canSeePersonalData(ctx, p.id) }),
    specialties: t.field({ type: [Specialty], resolve: (p) => p.specialties }),
    skills: t.exposeStringList("skills"),
    status: t.field({ type: VolunteerStatus, resolve: (p) => p.status }),
    partner: t.relation("partner", { nullable: true }),
    teams: t.relatedConnection("teams", {
      cursor: "id",
      query: (_a, ctx) => ({ where: { team: { stationId: visibleStationFilter(ctx.viewer) } }, orderBy: { id: "asc" } }),
    }),
    squads: t.relatedConnection("squads", {
      cursor: "id",
      query: (_a, ctx) => ({ where: { squad: { team: { stationId: visibleStationFilter(ctx.viewer) } } }, orderBy: { id: "asc" } }),
    }),
  }),
});

export const EnrollmentStatus = builder.enumType(E.EnrollmentStatus, {
  name: "EnrollmentStatus",
  values: { PENDING: { description: "待激活" }, ACCEPTED: { description: "已加入" }, CANCELLED: { description: "已撤销/已拒绝" } } as const,
});

/** The person an accepted registration became (its personal data follows them); null before that. */
async function acceptedPerson(e: { status: string; volunteerId: string | null }, ctx: Context) {
  if (e.status !== "ACCEPTED" || !e.volunteerId) return null;
  return (await ctx.loaders.person.load(e.volunteerId)) ?? { volunteerId: e.volunteerId, stationIds: [], teamIds: [], squadIds: [], partnerId: null };
}
const readsEnrollment = async (e: { stationId: string; status: string; volunteerId: string | null }, ctx: Context) =>
  can(ctx.viewer, "enrollment.readPersonal", { stationId: e.stationId, person: await acceptedPerson(e, ctx) });

export const Enrollment = builder.prismaNode("Enrollment", {
  id: { field: "id" },
  description: "登记: a resident registered by a station, waiting for their consent (activation or acceptance)",
  authScopes: (e) => ({ policy: check("enrollment.read", { stationId: e.stationId, phone: e.phone }) }),
  fields: (t) => ({
    name: t.string({
      description: "Legal name as the officer entered it: in full for the station's officers (once accepted, while they see the person's personal data); masked (张*) for the phone's account",
      extensions: personalData("enrollment.readPersonal"),
      resolve: async (e, _a, ctx) => ((await readsEnrollment(e, ctx)) ? e.name : maskName(e.name)),
    }),
    displayName: t.string({
      description: "The name the station will show (the legal name unless the officer typed another): as the legal name, masked for the phone's account",
      extensions: personalData("enrollment.readPersonal"),
      resolve: async (e, _a, ctx) => ((await readsEnrollment(e, ctx)) ? e.displayName : maskName(e.displayName)),
    }),
    phone: t.string({
      description: "The registered phone: in full for the phone's account, and as the name for others",
      extensions: personalData("enrollment.readPhone"),
      resolve: async (e, _a, ctx) => (can(ctx.viewer, "enrollment.readPhone", { stationId: e.stationId, phone: e.phone, person: await acceptedPerson(e, ctx) }) ? e.phone : maskPhone(e.phone)),
    }),
    idNumber: t.string({
      nullable: true,
      description: "ID number as the officer entered it; in full as the name",
      extensions: personalData("enrollment.readPersonal"),
      resolve: async (e, _a, ctx) => (e.idNumber == null ? null : (await readsEnrollment(e, ctx)) ? e.idNumber : maskIdNumber(e.idNumber)),
    }),
    specialties: t.field({ type: [Specialty], resolve: (e) => e.specialties }),
    status: t.field({ type: EnrollmentStatus, resolve: (e) => e.status }),
    expiresAt: t.expose("expiresAt", { type: "DateTime" }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    acceptedAt: t.expose("acceptedAt", { type: "DateTime", nullable: true }),
    closedAt: t.expose("closedAt", { type: "DateTime", nullable: true, description: "When it was withdrawn or declined" }),
    erasedAt: t.expose("erasedAt", { type: "DateTime", nullable: true, description: "When the name, phone and ID number were erased (30 days after it was withdrawn, declined or expired)" }),
    team: t.relation("team"),
    stationName: t.string({ select: { team: { select: { station: { select: { name: true } } } } }, resolve: (e) => e.team.station.name }),
  }),
});

builder.prismaObjectField("Station", "enrollments", (t) =>
  t.relatedConnection("enrollments", {
    description: "登记 waiting for their owners (and, with `status`, closed ones), newest first (officers)",
    cursor: "id",
    nullable: true,
    args: { status: t.arg({ type: EnrollmentStatus }) },
    authScopes: (s) => ({ policy: check("volunteer.register", { stationId: s.id }) }),
    query: (args) => ({ where: { status: args.status ?? "PENDING" }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }),
    totalCount: true,
  }),
);
