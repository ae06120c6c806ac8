// 身份证号 of a person who left every station is kept ID_NUMBER_KEEP_DAYS (180) after their last departure and
// then erased by the sweeper's eraseDepartedIdNumbers, while no membership of any team or squad is ACTIVE,
// PENDING or SUSPENDED; every path that ends a membership records when (Volunteer.lastLeftAt).
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { localize } from "../api/src/i18n.js";
import { eraseDepartedIdNumbers, ID_NUMBER_KEEP_DAYS } from "../api/src/modules/volunteer/volunteer.service.js";
import { gql, useApp } from "./support/client.js";
import { holdRowLock } from "./support/locks.js";
import { createSquad, createStation, createTeam, createVolunteer, gid } from "./support/fixtures.js";

let app: App;
useApp((a) => (app = a));

const DAY = 86_400_000;
const STATUS = `mutation ($input: SetVolunteerStatusInput!) { setVolunteerStatus(input: $input) { changed userErrors { code message } } }`;
const REMOVE = `mutation ($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { userErrors { code message } } }`;
const REMOVE_SQUAD = `mutation ($input: RemoveSquadMemberInput!) { removeSquadMember(input: $input) { userErrors { code message } } }`;
const UPDATE_VOLUNTEER = `mutation ($input: UpdateVolunteerInput!) { updateVolunteer(input: $input) { userErrors { code message } } }`;
const REJECT = `mutation ($input: RejectMembershipInput!) { rejectMembership(input: $input) { rejectedId userErrors { code message } } }`;

type Station = Awaited<ReturnType<typeof createStation>>;
const leftAt = async (volunteerId: string) => (await prisma.volunteer.findUniqueOrThrow({ where: { id: volunteerId }, select: { lastLeftAt: true } })).lastLeftAt;
const idOf = async (volunteerId: string) => (await prisma.volunteer.findUniqueOrThrow({ where: { id: volunteerId }, select: { idNumber: true } })).idNumber;

async function setStatus(s: Station, volunteerId: string, status: "ACTIVE" | "SUSPENDED" | "LEFT") {
  const r = await gql(app, STATUS, { input: { stationId: gid("Station", s.station.id), volunteerIds: [gid("Volunteer", volunteerId)], status, reason: "测试" } }, s.officer.token);
  expect(r.data!.setVolunteerStatus).toEqual({ changed: 1, userErrors: [] });
}
async function removeFromTeam(s: Station, teamId: string, volunteerId: string) {
  const r = await gql(app, REMOVE, { input: { teamId: gid("Team", teamId), volunteerId: gid("Volunteer", volunteerId) } }, s.officer.token);
  expect(r.data!.removeTeamMember.userErrors).toEqual([]);
}

describe("the ID number of a person who left every station", () => {
  it(`is kept ${ID_NUMBER_KEEP_DAYS} days after the departure, then erased once, with one audit entry per batch that names nobody`, async () => {
    expect(ID_NUMBER_KEEP_DAYS).toBe(180);
    const s = await createStation();
    const [a, b] = [await createVolunteer({ teamId: s.team.id }), await createVolunteer({ teamId: s.team.id })];
    const t0 = clock.now().getTime();
    await setStatus(s, a.id, "LEFT");
    await setStatus(s, b.id, "LEFT");
    const stay = await createVolunteer({ teamId: s.team.id }); // never left
    // Someone registered without an ID number leaves: nothing to erase, no date to keep in the erasure's index.
    const noId = await createVolunteer({ teamId: s.team.id });
    await prisma.volunteer.update({ where: { id: noId.id }, data: { idNumber: null } });
    await setStatus(s, noId.id, "LEFT");
    expect([await leftAt(a.id), await leftAt(noId.id), await leftAt(stay.id)]).toEqual([expect.any(Date), null, null]);
    // 下载我的数据 says when they left, from which the erasure counts.
    const exported = JSON.parse((await gql(app, `{ viewer { dataExport } }`, {}, a.token)).data!.viewer.dataExport);
    expect(exported.volunteer).toMatchObject({ idNumber: a.idNumber, lastLeftAt: (await leftAt(a.id))!.toISOString() });

    expect(await eraseDepartedIdNumbers(new Date(t0 + 179 * DAY))).toBe(0);
    expect([await idOf(a.id), await idOf(b.id)]).toEqual([a.idNumber, b.idNumber]);
    expect(await eraseDepartedIdNumbers(new Date(t0 + 181 * DAY))).toBe(2);
    expect([await idOf(a.id), await idOf(b.id), await idOf(stay.id)]).toEqual([null, null, stay.idNumber]);
    expect([await leftAt(a.id), await leftAt(b.id)]).toEqual([null, null]); // out of the index the sweep walks
    // Name, phone and the account stay: the person still has them.
    expect(await prisma.volunteer.findUniqueOrThrow({ where: { id: a.id }, select: { name: true, phone: true, closedAt: true } })).toEqual({ name: a.name, phone: a.phone, closedAt: null });

    const audit = () => prisma.auditEntry.findMany({ where: { action: "volunteer.eraseIdNumber" }, select: { stationId: true, actorId: true, targetType: true, targetId: true, summary: true } });
    expect((await audit()).map((e) => ({ ...e, summary: localize(e.summary, "zh") }))).toEqual([
      { stationId: null, actorId: null, targetType: "Volunteer", targetId: null, summary: "离开所有派出所满180天，删除2名义警的身份证号" },
    ]);
    const text = JSON.stringify(await audit());
    for (const p of [a, b]) for (const v of [p.name, p.phone, p.idNumber, p.id]) expect(text).not.toContain(v);

    // Idempotent: nothing more to erase, no new entry, even for a row that still had a date.
    expect(await eraseDepartedIdNumbers(new Date(t0 + 182 * DAY))).toBe(0);
    await prisma.volunteer.update({ where: { id: a.id }, data: { lastLeftAt: new Date(t0) } });
    expect(await eraseDepartedIdNumbers(new Date(t0 + 183 * DAY))).toBe(0);
    expect(await audit()).toHaveLength(1);
  });

  it("counts from the last departure: someone who left one station and is still active at another keeps it until they leave there too", async () => {
    const [s1, s2] = [await createStation(), await createStation()];
    const p = await createVolunteer({ teamId: s1.team.id });
    await prisma.teamMembership.create({ data: { teamId: s2.team.id, volunteerId: p.id } });
    const t0 = clock.now().getTime();
    await setStatus(s1, p.id, "LEFT");
    expect(await leftAt(p.id)).toBeNull(); // still in a team: not departed
    await eraseDepartedIdNumbers(new Date(t0 + 400 * DAY));
    expect(await idOf(p.id)).toBe(p.idNumber);

    clock.advance(300 * DAY);
    await setStatus(s2, p.id, "LEFT");
    await eraseDepartedIdNumbers(new Date(t0 + 479 * DAY)); // 179 days after leaving the second station
    expect(await idOf(p.id)).toBe(p.idNumber);
    await eraseDepartedIdNumbers(new Date(t0 + 481 * DAY));
    expect(await idOf(p.id)).toBeNull();
  });

  it("is kept while any membership is ACTIVE, PENDING or SUSPENDED, or any squad place is left, even when others ended", async () => {
    const [s1, s2] = [await createStation(), await createStation()];
    const team2 = await createTeam(s1.station.id);
    const t0 = clock.now().getTime();
    // Removed from one team of a station, still active in another of the same station.
    const active = await createVolunteer({ teamId: s1.team.id });
    await prisma.teamMembership.create({ data: { teamId: team2.id, volunteerId: active.id } });
    await removeFromTeam(s1, s1.team.id, active.id);
    // Left one station, suspended at the other.
    const suspended = await createVolunteer({ teamId: s1.team.id });
    await prisma.teamMembership.create({ data: { teamId: s2.team.id, volunteerId: suspended.id } });
    await setStatus(s1, suspended.id, "LEFT");
    await setStatus(s2, suspended.id, "SUSPENDED");
    // Left one station, asked to join another (waiting for approval).
    const pending = await createVolunteer({ teamId: s1.team.id });
    await setStatus(s1, pending.id, "LEFT");
    await prisma.teamMembership.create({ data: { teamId: s2.team.id, volunteerId: pending.id, status: "PENDING" } });
    // Left the team, a squad place still on record.
    const squad = await createSquad(s2.team.id);
    const squadOnly = await createVolunteer({ teamId: s2.team.id });
    await setStatus(s2, squadOnly.id, "LEFT");
    await prisma.squadMembership.create({ data: { squadId: squad.id, volunteerId: squadOnly.id, active: false } });
    // The control: left everything the same day.
    const gone = await createVolunteer({ teamId: s2.team.id });
    await setStatus(s2, gone.id, "LEFT");

    await eraseDepartedIdNumbers(new Date(t0 + 365 * DAY));
    expect(await idOf(gone.id)).toBeNull();
    for (const p of [active, suspended, pending, squadOnly]) expect(await idOf(p.id)).toBe(p.idNumber);
  });

  it("counts from a removal from the team or a rejected application too", async () => {
    const s = await createStation();
    const t0 = clock.now().getTime();
    const removed = await createVolunteer({ teamId: s.team.id });
    await removeFromTeam(s, s.team.id, removed.id); // the membership row is deleted: only lastLeftAt says when
    const rejected = await createVolunteer({ teamId: s.team.id });
    await setStatus(s, rejected.id, "LEFT");
    clock.advance(100 * DAY);
    await prisma.teamMembership.update({ where: { teamId_volunteerId: { teamId: s.team.id, volunteerId: rejected.id } }, data: { status: "PENDING", appliedAt: clock.now() } });
    const m = await prisma.teamMembership.findUniqueOrThrow({ where: { teamId_volunteerId: { teamId: s.team.id, volunteerId: rejected.id } } });
    const r = await gql(app, REJECT, { input: { membershipId: gid("TeamMembership", m.id), reason: "不符合条件" } }, s.officer.token);
    expect(r.data!.rejectMembership.userErrors).toEqual([]);

    await eraseDepartedIdNumbers(new Date(t0 + 181 * DAY));
    expect(await idOf(removed.id)).toBeNull();
    expect(await idOf(rejected.id)).toBe(rejected.idNumber); // 81 days after the rejection
    await eraseDepartedIdNumbers(new Date(t0 + 281 * DAY));
    expect(await idOf(rejected.id)).toBeNull();
  });

  it("counts from a removal from a squad, their last place, too", async () => {
    const s = await createStation();
    const squad = await createSquad(s.team.id);
    const t0 = clock.now().getTime();
    // Left the team; a squad place still on record (as in the test above), which an officer removes 100 days later.
    const p = await createVolunteer({ teamId: s.team.id });
    await setStatus(s, p.id, "LEFT");
    await prisma.squadMembership.create({ data: { squadId: squad.id, volunteerId: p.id, active: false } });
    clock.advance(100 * DAY);
    const before = clock.now();
    const r = await gql(app, REMOVE_SQUAD, { input: { squadId: gid("Squad", squad.id), volunteerId: gid("Volunteer", p.id) } }, s.officer.token);
    expect(r.data!.removeSquadMember.userErrors).toEqual([]);
    expect((await leftAt(p.id))!.getTime()).toBeGreaterThanOrEqual(before.getTime());

    await eraseDepartedIdNumbers(new Date(t0 + 181 * DAY));
    expect(await idOf(p.id)).toBe(p.idNumber); // 81 days after the removal
    await eraseDepartedIdNumbers(new Date(t0 + 281 * DAY));
    expect(await idOf(p.id)).toBeNull();
  });

  it("gives no date to someone a squad removal or updateVolunteer leaves in a team: they have not left", async () => {
    const s = await createStation();
    const [kept, dropped, removed] = [await createSquad(s.team.id), await createSquad(s.team.id), await createSquad(s.team.id)];
    const p = await createVolunteer({ teamId: s.team.id });
    await prisma.squadMembership.createMany({ data: [kept, dropped, removed].map((q) => ({ squadId: q.id, volunteerId: p.id })) });
    clock.advance(10 * DAY);
    const update = async (squads: { id: string }[]) => {
      const r = await gql(app, UPDATE_VOLUNTEER, { input: { stationId: gid("Station", s.station.id), volunteerId: gid("Volunteer", p.id), squadIds: squads.map((q) => gid("Squad", q.id)) } }, s.officer.token);
      expect(r.data!.updateVolunteer.userErrors).toEqual([]);
    };
    await update([kept, dropped, removed]); // nothing dropped
    await update([kept, removed]);
    expect(await leftAt(p.id)).toBeNull();
    const r = await gql(app, REMOVE_SQUAD, { input: { squadId: gid("Squad", removed.id), volunteerId: gid("Volunteer", p.id) } }, s.officer.token);
    expect(r.data!.removeSquadMember.userErrors).toEqual([]);
    expect(await leftAt(p.id)).toBeNull();
    expect(JSON.parse((await gql(app, `{ viewer { dataExport } }`, {}, p.token)).data!.viewer.dataExport).volunteer.lastLeftAt).toBeNull();
  });

  it("a person who comes back has no departure date in 下载我的数据; the end of the return (a rejected application) records a new one", async () => {
    const s = await createStation();
    const [byInvitation, byRegistration] = [await createVolunteer({ teamId: s.team.id }), await createVolunteer({ teamId: s.team.id })];
    const t0 = clock.now().getTime();
    await setStatus(s, byInvitation.id, "LEFT");
    await setStatus(s, byRegistration.id, "LEFT");
    const exported = async (p: { token: string }) => JSON.parse((await gql(app, `{ viewer { dataExport } }`, {}, p.token)).data!.viewer.dataExport).volunteer.lastLeftAt;
    expect(await exported(byInvitation)).toBe((await leftAt(byInvitation.id))!.toISOString());

    clock.advance(30 * DAY);
    // Back by an invitation (an application waiting for approval) and by a registration they accept.
    const inv = await gql(app, `mutation ($input: CreateTeamInviteInput!) { createTeamInvite(input: $input) { invite { code } userErrors { code } } }`, { input: { teamId: gid("Team", s.team.id), expiresAt: new Date(clock.now().getTime() + 7 * DAY).toISOString(), maxUses: 5 } }, s.officer.token);
    const applied = await gql(app, `mutation ($input: AcceptTeamInviteInput!) { acceptTeamInvite(input: $input) { membership { id status } userErrors { code } } }`, { input: { code: inv.data!.createTeamInvite.invite.code } }, byInvitation.token);
    expect(applied.data!.acceptTeamInvite).toMatchObject({ membership: { status: "PENDING" }, userErrors: [] });
    const reg = await gql(app, `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { enrollment { id } activationCode userErrors { code } } }`, { input: { teamId: gid("Team", s.team.id), name: byRegistration.name, phone: byRegistration.phone } }, s.officer.token);
    const { enrollment, activationCode } = reg.data!.registerVolunteer;
    const accepted = await gql(app, `mutation ($input: AcceptEnrollmentInput!) { acceptEnrollment(input: $input) { userErrors { code } } }`, { input: { enrollmentId: enrollment.id, code: activationCode } }, byRegistration.token);
    expect(accepted.data!.acceptEnrollment.userErrors).toEqual([]);
    expect([await leftAt(byInvitation.id), await leftAt(byRegistration.id)]).toEqual([null, null]);
    expect([await exported(byInvitation), await exported(byRegistration)]).toEqual([null, null]);

    // The application is rejected 100 days after the first departure: the retention counts from the rejection.
    clock.advance(70 * DAY);
    const before = clock.now();
    const r = await gql(app, REJECT, { input: { membershipId: applied.data!.acceptTeamInvite.membership.id, reason: "不符合条件" } }, s.officer.token);
    expect(r.data!.rejectMembership.userErrors).toEqual([]);
    expect((await leftAt(byInvitation.id))!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    await eraseDepartedIdNumbers(new Date(t0 + 181 * DAY));
    expect([await idOf(byInvitation.id), await idOf(byRegistration.id)]).toEqual([byInvitation.idNumber, byRegistration.idNumber]);
    await eraseDepartedIdNumbers(new Date(t0 + 281 * DAY));
    expect([await idOf(byInvitation.id), await idOf(byRegistration.id)]).toEqual([null, byRegistration.idNumber]);
  });

  it("migration 20261128140000 takes the old date from people already back in a station, and keeps it for those who are not", async () => {
    const s = await createStation();
    const squad = await createSquad(s.team.id);
    const [back, inSquadOnly, gone] = [await createVolunteer({ teamId: s.team.id }), await createVolunteer({ teamId: s.team.id }), await createVolunteer({ teamId: s.team.id })];
    await setStatus(s, inSquadOnly.id, "LEFT");
    await prisma.squadMembership.create({ data: { squadId: squad.id, volunteerId: inSquadOnly.id, active: false } });
    await setStatus(s, gone.id, "LEFT");
    // As rows stood before: a date of an earlier departure kept by someone back in a team.
    const old = new Date(clock.now().getTime() - 90 * DAY);
    await prisma.volunteer.updateMany({ where: { id: { in: [back.id, inSquadOnly.id, gone.id] } }, data: { lastLeftAt: old } });
    const sql = await readFile(new URL("../prisma/migrations/20261128140000_volunteer_back_in_station/migration.sql", import.meta.url), "utf8");
    await prisma.$executeRawUnsafe(sql);
    expect([await leftAt(back.id), await leftAt(inSquadOnly.id), await leftAt(gone.id)]).toEqual([null, null, old]);
  });

  it("leaves the person's pages working, and a registration they accept on coming back asks for it again", async () => {
    const s = await createStation();
    const p = await createVolunteer({ teamId: s.team.id });
    const t0 = clock.now().getTime();
    await setStatus(s, p.id, "LEFT");
    await eraseDepartedIdNumbers(new Date(t0 + 181 * DAY));
    expect(await idOf(p.id)).toBeNull();

    const own = await gql(
      app,
      `query ($s: ID!, $from: DateTime!, $to: DateTime!) { viewer { dataExport volunteer { idNumber hoursCertificate(stationId: $s, from: $from, to: $to) { volunteerName csv } } } }`,
      { s: gid("Station", s.station.id), from: new Date(t0 - 30 * DAY).toISOString(), to: new Date(t0 + DAY).toISOString() },
      p.token,
    );
    expect(own.errors).toBeUndefined();
    expect(own.data!.viewer.volunteer.idNumber).toBeNull();
    expect(JSON.parse(own.data!.viewer.dataExport).volunteer.idNumber).toBeNull();

    const ID = "11010519491231002X";
    const reg = await gql(
      app,
      `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { enrollment { id } activationCode userErrors { code message } } }`,
      { input: { teamId: gid("Team", s.team.id), name: p.name, phone: p.phone, idNumber: ID } },
      s.officer.token,
    );
    expect(reg.data!.registerVolunteer.userErrors).toEqual([]);
    const { enrollment, activationCode } = reg.data!.registerVolunteer;
    const acc = await gql(app, `mutation ($input: AcceptEnrollmentInput!) { acceptEnrollment(input: $input) { userErrors { code } } }`, { input: { enrollmentId: enrollment.id, code: activationCode } }, p.token);
    expect(acc.data!.acceptEnrollment.userErrors).toEqual([]);
    expect(await idOf(p.id)).toBe(ID);
    const detail = await gql(app, `query ($id: ID!) { node(id: $id) { ... on Volunteer { idNumber } } }`, { id: gid("Volunteer", p.id) }, s.officer.token);
    expect(detail.data!.node.idNumber).toBe(ID);
    // Back in a team: not erased again, however long ago they had left.
    await eraseDepartedIdNumbers(new Date(t0 + 1000 * DAY));
    expect(await idOf(p.id)).toBe(ID);
  });

  it("is not erased under a join in progress: the sweep passes over a person whose joining transaction holds their row", async () => {
    const s = await createStation();
    const [byRegistration, byInvitation] = [await createVolunteer({ teamId: s.team.id }), await createVolunteer({ teamId: s.team.id })];
    const t0 = clock.now().getTime();
    await setStatus(s, byRegistration.id, "LEFT");
    await setStatus(s, byInvitation.id, "LEFT");
    // Coming back, long after: a registration the person accepts, an invitation they use.
    const reg = await gql(
      app,
      `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { enrollment { id } activationCode userErrors { code } } }`,
      { input: { teamId: gid("Team", s.team.id), name: byRegistration.name, phone: byRegistration.phone } },
      s.officer.token,
    );
    const { enrollment, activationCode } = reg.data!.registerVolunteer;
    const inv = await gql(
      app,
      `mutation ($input: CreateTeamInviteInput!) { createTeamInvite(input: $input) { invite { code } userErrors { code } } }`,
      { input: { teamId: gid("Team", s.team.id), expiresAt: new Date(Date.now() + 7 * DAY).toISOString(), maxUses: 5 } },
      s.officer.token,
    );
    const code = inv.data!.createTeamInvite.invite.code;
    // Each join waits on its (LEFT) membership row after deciding the record keeps its ID number...
    const rowOf = async (volunteerId: string) => (await prisma.teamMembership.findUniqueOrThrow({ where: { teamId_volunteerId: { teamId: s.team.id, volunteerId } } })).id;
    const locks = [await holdRowLock("TeamMembership", await rowOf(byRegistration.id)), await holdRowLock("TeamMembership", await rowOf(byInvitation.id))];
    try {
      const joins = Promise.all([
        gql(app, `mutation ($input: AcceptEnrollmentInput!) { acceptEnrollment(input: $input) { userErrors { code } } }`, { input: { enrollmentId: enrollment.id, code: activationCode } }, byRegistration.token),
        gql(app, `mutation ($input: AcceptTeamInviteInput!) { acceptTeamInvite(input: $input) { membership { status } userErrors { code } } }`, { input: { code } }, byInvitation.token),
      ]);
      await locks[0]!.waiters(2);
      // ...while the sweep runs, long after the departure.
      expect(await eraseDepartedIdNumbers(new Date(t0 + 181 * DAY))).toBe(0);
      for (const l of locks) await l.release();
      const [accepted, applied] = await joins;
      expect(accepted.data!.acceptEnrollment.userErrors).toEqual([]);
      expect(applied.data!.acceptTeamInvite).toEqual({ membership: { status: "PENDING" }, userErrors: [] });
    } finally {
      for (const l of locks) await l.release();
    }
    expect([await idOf(byRegistration.id), await idOf(byInvitation.id)]).toEqual([byRegistration.idNumber, byInvitation.idNumber]);
    // Members again: nothing due.
    expect(await eraseDepartedIdNumbers(new Date(t0 + 400 * DAY))).toBe(0);
  });
});
