import { z } from "zod";
import type { Squad as SquadRow, SquadMembership as SquadMembershipRow, Team as TeamRow, TeamMembership as TeamMembershipRow } from "../../generated/prisma/client.js";
import { defineMutation, globalId, nonEmpty, type PayloadFieldBuilder } from "../../graphql/mutation.js";
import { MemberRole, SPECIALTIES, Specialty } from "../volunteer/volunteer.type.js";
import { Squad, Team } from "./team.type.js";
import * as teams from "./team.service.js";
import { E } from "../../lib/enums.js";

const description = z.string().trim().max(2000).nullish();

const teamPayload = (t: PayloadFieldBuilder<{ team: TeamRow }>) => ({
  team: t.field({ type: Team, nullable: true, resolve: (p) => p.team ?? null }),
});

defineMutation("createTeam", {
  description: "Create a volunteer team in a station (officers)",
  inputFields: (t) => ({
    stationId: t.id({ required: true }),
    name: t.string({ required: true }),
    description: t.string(),
  }),
  schema: z.object({ stationId: globalId("Station"), name: nonEmpty(60), description }),
  resolve: async (input, ctx) => ({ team: await teams.createTeam(ctx.viewer!, input) }),
  payloadFields: teamPayload,
});

defineMutation("updateTeam", {
  description: "Rename or describe a team (officers, team leaders)",
  inputFields: (t) => ({
    teamId: t.id({ required: true }),
    name: t.string(),
    description: t.string(),
  }),
  schema: z.object({ teamId: globalId("Team"), name: nonEmpty(60).nullish(), description }),
  resolve: async (input, ctx) => ({ team: await teams.updateTeam(ctx.viewer!, input) }),
  payloadFields: teamPayload,
});

const squadPayload = (t: PayloadFieldBuilder<{ squad: SquadRow }>) => ({
  squad: t.field({ type: Squad, nullable: true, resolve: (p) => p.squad ?? null }),
});

defineMutation("createSquad", {
  description: "Create a specialty squad in a team (officers, team leaders)",
  inputFields: (t) => ({
    teamId: t.id({ required: true }),
    name: t.string({ required: true }),
    specialty: t.field({ type: Specialty, required: true }),
    description: t.string(),
  }),
  schema: z.object({ teamId: globalId("Team"), name: nonEmpty(60), specialty: z.enum(SPECIALTIES), description }),
  resolve: async (input, ctx) => ({ squad: await teams.createSquad(ctx.viewer!, input) }),
  payloadFields: squadPayload,
});

defineMutation("updateSquad", {
  description: "Edit a squad (officers, team leaders, the squad's leader)",
  inputFields: (t) => ({
    squadId: t.id({ required: true }),
    name: t.string(),
    specialty: t.field({ type: Specialty }),
    description: t.string(),
  }),
  schema: z.object({ squadId: globalId("Squad"), name: nonEmpty(60).nullish(), specialty: z.enum(SPECIALTIES).nullish(), description }),
  resolve: async (input, ctx) => ({ squad: await teams.updateSquad(ctx.viewer!, input) }),
  payloadFields: squadPayload,
});

defineMutation("addTeamMember", {
  description: "Add a volunteer to a team, or change their role (leaders only by officers)",
  inputFields: (t) => ({
    teamId: t.id({ required: true }),
    volunteerId: t.id({ required: true }),
    role: t.field({ type: MemberRole, defaultValue: "MEMBER" }),
  }),
  schema: z.object({ teamId: globalId("Team"), volunteerId: globalId("Volunteer"), role: z.enum(E.MemberRole).default("MEMBER") }),
  resolve: async (input, ctx) => ({ membership: await teams.addTeamMember(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: (t) => ({
    membership: t.prismaField({ type: "TeamMembership", nullable: true, resolve: (_q, p) => p.membership ?? null }),
  }),
});

defineMutation("removeTeamMember", {
  description: "Remove a volunteer from a team and its squads",
  inputFields: (t) => ({ teamId: t.id({ required: true }), volunteerId: t.id({ required: true }) }),
  schema: z.object({ teamId: globalId("Team"), volunteerId: globalId("Volunteer") }),
  resolve: async (input, ctx) => ({ team: await teams.removeTeamMember(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: teamPayload,
});

type SquadMembershipResult = { membership: SquadMembershipRow };
const squadMembershipPayload = (t: PayloadFieldBuilder<SquadMembershipResult>) => ({
  membership: t.prismaField({ type: "SquadMembership", nullable: true, resolve: (_q, p) => p.membership ?? null }),
});

defineMutation("addSquadMember", {
  description: "Add a member of the team to one of its squads",
  inputFields: (t) => ({ squadId: t.id({ required: true }), volunteerId: t.id({ required: true }) }),
  schema: z.object({ squadId: globalId("Squad"), volunteerId: globalId("Volunteer") }),
  resolve: async (input, ctx) => ({ membership: await teams.addSquadMember(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: squadMembershipPayload,
});

defineMutation("removeSquadMember", {
  description: "Remove a volunteer from a squad (they stay in the team)",
  inputFields: (t) => ({ squadId: t.id({ required: true }), volunteerId: t.id({ required: true }) }),
  schema: z.object({ squadId: globalId("Squad"), volunteerId: globalId("Volunteer") }),
  resolve: async (input, ctx) => ({ squad: await teams.removeSquadMember(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: squadPayload,
});

defineMutation("setSquadLeader", {
  description: "Make a team member the leader of a squad (officers, team leaders)",
  inputFields: (t) => ({ squadId: t.id({ required: true }), volunteerId: t.id({ required: true }) }),
  schema: z.object({ squadId: globalId("Squad"), volunteerId: globalId("Volunteer") }),
  resolve: async (input, ctx) => ({ membership: await teams.setSquadLeader(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: squadMembershipPayload,
});

