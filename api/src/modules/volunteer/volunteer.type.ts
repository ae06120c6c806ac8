import { builder } from "../../builder.js";
import type { Context } from "../../context.js";
import { can } from "../../auth/viewer.js";
import { maskIdNumber, maskName, maskPhone } from "./mask.js";

export const SPECIALTIES = ["MEDICAL_GUARD", "HIGH_RISE", "CAMPUS_SECURITY", "COMMUNITY_GRID", "ANTI_FRAUD", "MEDIATION", "NIGHT_PATROL", "TRAFFIC"] as const;

export const Specialty = builder.enumType("Specialty", {
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

export const VolunteerStatus = builder.enumType("VolunteerStatus", { values: ["ACTIVE", "INACTIVE", "SUSPENDED"] as const });
export const MemberRole = builder.enumType("MemberRole", { values: ["MEMBER", "LEADER"] as const });

/** The person, their team or squad leaders, and their station's officers see personal data. */
export async function canSeePersonalData(ctx: Context, volunteerId: string): Promise<boolean> {
  const v = ctx.viewer;
  if (!v) return false;
  if (v.isAdmin || v.volunteerId === volunteerId) return true;
  const access = await ctx.loaders.personalAccess.load(volunteerId);
  return (
    access.stationIds.some((s) => v.officerStationIds.has(s)) ||
    access.teamIds.some((t) => can.leadTeam(v, t)) ||
    access.squadIds.some((s) => can.leadSquad(v, s))
  );
}

export const Volunteer = builder.prismaNode("Volunteer", {
  id: { field: "id" },
  description: "义警: a resident who volunteers",
  authScopes: { signedIn: true },
  fields: (t) => ({
    displayName: t.exposeString("displayName", { description: "Public name, shown to everyone" }),
    name: t.string({
      description: "Legal name; masked (张*) unless the viewer may see personal data",
      resolve: async (p, _a, ctx) => ((await canSeePersonalData(ctx, p.id)) ? p.name : maskName(p.name)),
    }),
    phone: t.string({
      description: "Masked (138****0101) unless the viewer may see personal data",
      resolve: async (p, _a, ctx) => ((await canSeePersonalData(ctx, p.id)) ? p.phone : maskPhone(p.phone)),
    }),
    idNumber: t.string({
      nullable: true,
      description: "ID card number; masked unless the viewer may see personal data",
      resolve: async (p, _a, ctx) => (p.idNumber == null ? null : (await canSeePersonalData(ctx, p.id)) ? p.idNumber : maskIdNumber(p.idNumber)),
    }),
    viewerCanSeePersonalData: t.boolean({ resolve: (p, _a, ctx) => canSeePersonalData(ctx, p.id) }),
    specialties: t.field({ type: [Specialty], resolve: (p) => p.specialties }),
    skills: t.exposeStringList("skills"),
    status: t.field({ type: VolunteerStatus, resolve: (p) => p.status }),
    partner: t.relation("partner", { nullable: true }),
    teams: t.relatedConnection("teams", { cursor: "id", query: { orderBy: { id: "asc" } } }),
    squads: t.relatedConnection("squads", { cursor: "id", query: { orderBy: { id: "asc" } } }),
  }),
});
