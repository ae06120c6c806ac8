import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { prisma } from "../api/src/db.js";
import { gql, signIn, startApp } from "./support/client.js";
import { createSquad, createTeam, createVolunteers, DEMO_PHONES, gid, rawId, seedDemoData, type Person } from "./support/fixtures.js";
import { CLAIM, inMinutes, publishShift, teamGid } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let officer: string;
let otherOfficer: string;

beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  otherOfficer = await signIn(app, DEMO_PHONES.changqingOfficer);
});
afterAll(() => app?.stop());

const REMOVE_TEAM = `mutation ($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { team { name } userErrors { code } } }`;
const REMOVE_SQUAD = `mutation ($input: RemoveSquadMemberInput!) { removeSquadMember(input: $input) { squad { id } userErrors { code } } }`;

const claim = async (who: Person, shiftId: string) => {
  const res = await gql(app, CLAIM, { input: { shiftId } }, who.token);
  expect(res.data!.claimShift.userErrors).toEqual([]);
  return rawId(res.data!.claimShift.claim.id);
};
const statusOf = async (id: string) => (await prisma.shiftClaim.findUniqueOrThrow({ where: { id } })).status;
let slot = 0;
const shiftOn = async (teamId: string, extra: Record<string, unknown> = {}, capacity = 1) =>
  (await publishShift(app, officer, { teamId: teamGid(teamId), startsAt: inMinutes(600 + 90 * ++slot), endsAt: inMinutes(660 + 90 * slot), capacity, ...extra })).shift.id;

describe("removal from a team or squad releases the person's future seats", () => {
  it("removal from the team releases the seat and waitlist place, promoting the waitlist in claim order", async () => {
    const team = await createTeam(demo.fushan.id);
    const [leaving, first, second] = await createVolunteers(3, { teamId: team.id });
    const full = await shiftOn(team.id);
    const seat = await claim(leaving!, full);
    const a = await claim(first!, full);
    const b = await claim(second!, full);
    const other = await shiftOn(team.id);
    await claim(first!, other);
    const waiting = await claim(leaving!, other);
    expect([await statusOf(seat), await statusOf(a), await statusOf(b), await statusOf(waiting)]).toEqual(["CONFIRMED", "WAITLISTED", "WAITLISTED", "WAITLISTED"]);

    const res = await gql(app, REMOVE_TEAM, { input: { teamId: teamGid(team.id), volunteerId: gid("Volunteer", leaving!.id) } }, officer);
    expect(res.data!.removeTeamMember.userErrors).toEqual([]);
    expect([await statusOf(seat), await statusOf(a), await statusOf(b), await statusOf(waiting)]).toEqual(["CANCELLED", "CONFIRMED", "WAITLISTED", "CANCELLED"]);
    const counts = await prisma.shift.findMany({ where: { id: { in: [rawId(full), rawId(other)] } }, select: { id: true, confirmedCount: true, waitlistCount: true } });
    expect(counts.find((s) => s.id === rawId(full))).toMatchObject({ confirmedCount: 1, waitlistCount: 1 });
    expect(counts.find((s) => s.id === rawId(other))).toMatchObject({ confirmedCount: 1, waitlistCount: 0 });
    // The officer is told how many seats went, in the audit entry.
    const audit = await prisma.auditEntry.findFirst({ where: { action: "team.removeMember" }, orderBy: { id: "desc" } });
    expect(audit!.summary).toContain("释放未开始班次名额 2 个");
  });

  it("keeps seats on started and checked-in shifts", async () => {
    const team = await createTeam(demo.fushan.id);
    const [leaving] = await createVolunteers(1, { teamId: team.id });
    const started = await shiftOn(team.id, {}, 5);
    const checked = await shiftOn(team.id, {}, 5);
    const s = await claim(leaving!, started);
    const c = await claim(leaving!, checked);
    await prisma.shift.update({ where: { id: rawId(started) }, data: { startsAt: inMinutes(-10) } });
    await prisma.shiftClaim.update({ where: { id: c }, data: { checkedInAt: new Date() } });
    const res = await gql(app, REMOVE_TEAM, { input: { teamId: teamGid(team.id), volunteerId: gid("Volunteer", leaving!.id) } }, officer);
    expect(res.data!.removeTeamMember.userErrors).toEqual([]);
    expect([await statusOf(s), await statusOf(c)]).toEqual(["CONFIRMED", "CONFIRMED"]);
  });

  it("keeps seats the person may still claim: the team's open shifts when leaving a squad, other teams' shifts", async () => {
    const team = await createTeam(demo.fushan.id);
    const otherTeam = await createTeam(demo.fushan.id);
    const squad = await createSquad(team.id);
    const [leaving] = await createVolunteers(1, { teamId: team.id, squadIds: [squad.id] });
    await prisma.teamMembership.create({ data: { teamId: otherTeam.id, volunteerId: leaving!.id, role: "MEMBER" } });
    const open = await claim(leaving!, await shiftOn(team.id, {}, 5));
    const ofSquad = await claim(leaving!, await shiftOn(team.id, { squadId: gid("Squad", squad.id) }, 5));
    const elsewhere = await claim(leaving!, await shiftOn(otherTeam.id, {}, 5));
    const res = await gql(app, REMOVE_SQUAD, { input: { squadId: gid("Squad", squad.id), volunteerId: gid("Volunteer", leaving!.id) } }, officer);
    expect(res.data!.removeSquadMember.userErrors).toEqual([]);
    expect([await statusOf(open), await statusOf(ofSquad), await statusOf(elsewhere)]).toEqual(["CONFIRMED", "CANCELLED", "CONFIRMED"]);
    const res2 = await gql(app, REMOVE_TEAM, { input: { teamId: teamGid(team.id), volunteerId: gid("Volunteer", leaving!.id) } }, officer);
    expect(res2.data!.removeTeamMember.userErrors).toEqual([]);
    expect([await statusOf(open), await statusOf(elsewhere)]).toEqual(["CANCELLED", "CONFIRMED"]);
  });

  it("another station's officer cannot remove, and no seat moves", async () => {
    const team = await createTeam(demo.fushan.id);
    const [stays] = await createVolunteers(1, { teamId: team.id });
    const seat = await claim(stays!, await shiftOn(team.id));
    const res = await gql(app, REMOVE_TEAM, { input: { teamId: teamGid(team.id), volunteerId: gid("Volunteer", stays!.id) } }, otherOfficer);
    expect(res.data!.removeTeamMember.userErrors).not.toEqual([]);
    expect(await statusOf(seat)).toBe("CONFIRMED");
  });
});
