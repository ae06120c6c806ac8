// t20-rest2: three remainders of the membership endings and of check-in, through the GraphQL API; races ordered by a
// row lock held from outside (test/support/locks.ts), not by timing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { localize } from "../api/src/i18n.js";
import { gql, startApp } from "./support/client.js";
import { holdRowLock } from "./support/locks.js";
import { createStation, createTeam, createVolunteer, gid } from "./support/fixtures.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const DAY = 86_400_000;
const STATUS = `mutation ($input: SetVolunteerStatusInput!) { setVolunteerStatus(input: $input) { changed userErrors { code message } } }`;
const REMOVE = `mutation ($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { userErrors { code message field } } }`;

type Station = Awaited<ReturnType<typeof createStation>>;
const leftAt = async (volunteerId: string) => (await prisma.volunteer.findUniqueOrThrow({ where: { id: volunteerId }, select: { lastLeftAt: true } })).lastLeftAt;
const membershipOf = (teamId: string, volunteerId: string) => prisma.teamMembership.findUnique({ where: { teamId_volunteerId: { teamId, volunteerId } }, select: { status: true, statusReason: true } });
const setStatus = (s: Station, volunteerId: string, status: "ACTIVE" | "SUSPENDED" | "LEFT", reason = "离开本所") =>
  gql(app, STATUS, { input: { stationId: gid("Station", s.station.id), volunteerIds: [gid("Volunteer", volunteerId)], status, reason } }, s.officer.token);
const remove = (s: Station, teamId: string, volunteerId: string) => gql(app, REMOVE, { input: { teamId: gid("Team", teamId), volunteerId: gid("Volunteer", volunteerId) } }, s.officer.token);

describe("removeTeamMember on a membership that has ended", () => {
  it("is refused (CONFLICT, Chinese first) and moves neither the departure date nor the LEFT row", async () => {
    const s = await createStation();
    const p = await createVolunteer({ teamId: s.team.id });
    expect((await setStatus(s, p.id, "LEFT")).data!.setVolunteerStatus).toEqual({ changed: 1, userErrors: [] });
    const left = await leftAt(p.id);
    expect(left).toEqual(expect.any(Date));
    clock.advance(100 * DAY);
    const r = await remove(s, s.team.id, p.id);
    expect(r.data!.removeTeamMember.userErrors).toEqual([{ code: "CONFLICT", message: expect.stringContaining("已退出本队"), field: ["input", "volunteerId"] }]);
    expect(await leftAt(p.id)).toEqual(left); // the 180 days still count from the leaving
    expect(await membershipOf(s.team.id, p.id)).toEqual({ status: "LEFT", statusReason: "离开本所" });
    expect(await prisma.auditEntry.count({ where: { stationId: s.station.id, action: "team.removeMember" } })).toBe(0);
  });

  it("a removal queued behind a 状态 LEFT of the same moment reads the membership as it stands under the person's lock", async () => {
    const s = await createStation();
    const p = await createVolunteer({ teamId: s.team.id });
    const lock = await holdRowLock("Volunteer", p.id);
    try {
      const leaving = setStatus(s, p.id, "LEFT");
      await lock.waiters(1);
      const removing = remove(s, s.team.id, p.id); // read the membership ACTIVE before its transaction
      await lock.waiters(2);
      await lock.release();
      const [l, r] = await Promise.all([leaving, removing]);
      expect(l.data!.setVolunteerStatus).toEqual({ changed: 1, userErrors: [] });
      expect(r.data!.removeTeamMember.userErrors).toEqual([{ code: "CONFLICT", message: expect.any(String), field: ["input", "volunteerId"] }]);
    } finally {
      await lock.release();
    }
    expect(await membershipOf(s.team.id, p.id)).toEqual({ status: "LEFT", statusReason: "离开本所" });
    expect(await prisma.auditEntry.count({ where: { stationId: s.station.id, action: "team.removeMember" } })).toBe(0);
  });
});
