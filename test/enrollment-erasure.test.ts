// 登记 nobody took up keeps the legal name, phone and ID number an officer typed for 30 days after it was
// withdrawn, declined or left to expire (the sweeper's eraseStaleEnrollments); an accepted one keeps no copy
// of the ID number, which lives on in the person's own record only.
import { describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { localize } from "../api/src/i18n.js";
import { eraseStaleEnrollments } from "../api/src/modules/volunteer/volunteer.service.js";
import { gql, useApp } from "./support/client.js";
import { createStation, createVolunteer, freshPhone, gid, rawId } from "./support/fixtures.js";

let app: App;
useApp((a) => (app = a));

const DAY = 86_400_000;
const REGISTER = `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { enrollment { id } activationCode userErrors { code message field } } }`;
const ID = "11010519491231002X";

describe("registrations nobody took up", () => {
  it("are erased 30 days after they were withdrawn, declined or expired, closed for good, audited without names; a pending one within its time is kept", async () => {
    const { station, officer, team } = await createStation();
    const register = async (phone: string) => {
      const r = await gql(app, REGISTER, { input: { teamId: gid("Team", team.id), name: "王小明", phone, idNumber: ID, skills: ["急救"] } }, officer.token);
      expect(r.data!.registerVolunteer.userErrors).toEqual([]);
      codes.set(rawId(r.data!.registerVolunteer.enrollment.id), r.data!.registerVolunteer.activationCode);
      return rawId(r.data!.registerVolunteer.enrollment.id);
    };
    const codes = new Map<string, string>();
    const t0 = clock.now().getTime();
    const waiting = await register(freshPhone());
    const withdrawn = await register(freshPhone());
    const resident = await createVolunteer();
    const declined = await register(resident.phone);
    expect((await gql(app, `mutation ($input: CancelEnrollmentInput!) { cancelEnrollment(input: $input) { userErrors { code } } }`, { input: { enrollmentId: gid("Enrollment", withdrawn) } }, officer.token)).data!.cancelEnrollment.userErrors).toEqual([]);
    expect((await gql(app, `mutation ($input: DeclineEnrollmentInput!) { declineEnrollment(input: $input) { userErrors { code } } }`, { input: { enrollmentId: gid("Enrollment", declined), code: codes.get(declined) } }, resident.token)).data!.declineEnrollment.userErrors).toEqual([]);
    const row = (id: string) => prisma.enrollment.findUniqueOrThrow({ where: { id }, select: { name: true, displayName: true, phone: true, idNumber: true, skills: true, status: true, erasedAt: true } });

    // 29 days on: everything kept.
    expect(await eraseStaleEnrollments(new Date(t0 + 29 * DAY))).toBe(0);
    for (const id of [waiting, withdrawn, declined]) expect((await row(id)).idNumber).toBe(ID);
    // 31 days on: the withdrawn and the declined are erased; the waiting one (its code valid 30 days) is not yet.
    expect(await eraseStaleEnrollments(new Date(t0 + 31 * DAY))).toBe(2);
    for (const id of [withdrawn, declined]) expect(await row(id)).toEqual({ name: "", displayName: "", phone: "", idNumber: null, skills: [], status: "CANCELLED", erasedAt: expect.any(Date) });
    expect(await row(waiting)).toMatchObject({ name: "王小明", idNumber: ID, status: "PENDING", erasedAt: null });
    // 61 days on (30 after its code expired, never renewed): erased and closed, so it can no longer be renewed.
    expect(await eraseStaleEnrollments(new Date(t0 + 61 * DAY))).toBe(1);
    expect(await row(waiting)).toEqual({ name: "", displayName: "", phone: "", idNumber: null, skills: [], status: "CANCELLED", erasedAt: expect.any(Date) });
    const renew = await gql(app, `mutation ($input: RenewEnrollmentCodeInput!) { renewEnrollmentCode(input: $input) { activationCode userErrors { code } } }`, { input: { enrollmentId: gid("Enrollment", waiting) } }, officer.token);
    expect(renew.data!.renewEnrollmentCode).toEqual({ activationCode: null, userErrors: [{ code: "CONFLICT" }] });
    // Nothing again on the next run; the officers read them erased, not masked as "*".
    expect(await eraseStaleEnrollments(new Date(t0 + 62 * DAY))).toBe(0);
    const closed = await gql(app, `query ($id: ID!) { node(id: $id) { ... on Station { enrollments(first: 10, status: CANCELLED) { edges { node { name displayName phone idNumber erasedAt } } } } } }`, { id: gid("Station", station.id) }, officer.token);
    expect(closed.data!.node.enrollments.edges.map((e: { node: unknown }) => e.node)).toEqual(Array(3).fill({ name: "", displayName: "", phone: "", idNumber: null, erasedAt: expect.any(String) }));
    // The log says how many, per run, and names nobody.
    const audit = await prisma.auditEntry.findMany({ where: { stationId: station.id, action: "enrollment.erase" }, orderBy: { id: "asc" }, select: { summary: true, actorId: true } });
    expect(audit.map((a) => [localize(a.summary, "zh"), a.actorId])).toEqual([
      ["未激活的登记满30天，删除2条登记的姓名、手机号和身份证号", null],
      ["未激活的登记满30天，删除1条登记的姓名、手机号和身份证号", null],
    ]);
    expect(JSON.stringify(audit)).not.toContain("王小明");
    // The phone may be registered again.
    await register(resident.phone);
  });
});

describe("an accepted registration", () => {
  it("keeps no copy of the ID number: a new person's record has it; an existing record without one gets it; one with its own keeps it", async () => {
    const { officer, team } = await createStation();
    const register = async (phone: string, idNumber: string) => {
      const r = await gql(app, REGISTER, { input: { teamId: gid("Team", team.id), name: "李四", phone, idNumber } }, officer.token);
      expect(r.data!.registerVolunteer.userErrors).toEqual([]);
      return { id: r.data!.registerVolunteer.enrollment.id as string, code: r.data!.registerVolunteer.activationCode as string };
    };
    // A new phone activates: the volunteer record is made with the ID number, the registration keeps none.
    const phone = freshPhone();
    const fresh = await register(phone, ID);
    const activated = await gql(app, `mutation ($input: ActivateAccountInput!) { activateAccount(input: $input) { userErrors { code } } }`, { input: { phone, code: fresh.code, password: "li-si-pass-1", acceptTerms: true } });
    expect(activated.data!.activateAccount.userErrors).toEqual([]);
    expect((await prisma.volunteer.findUniqueOrThrow({ where: { phone } })).idNumber).toBe(ID);
    expect((await prisma.enrollment.findUniqueOrThrow({ where: { id: rawId(fresh.id) } })).idNumber).toBeNull();

    const ACCEPT = `mutation ($input: AcceptEnrollmentInput!) { acceptEnrollment(input: $input) { userErrors { code } } }`;
    const without = await createVolunteer();
    await prisma.volunteer.update({ where: { id: without.id }, data: { idNumber: null } });
    const a = await register(without.phone, "330602199001011231");
    expect((await gql(app, ACCEPT, { input: { enrollmentId: a.id, code: a.code } }, without.token)).data!.acceptEnrollment.userErrors).toEqual([]);
    expect((await prisma.volunteer.findUniqueOrThrow({ where: { id: without.id } })).idNumber).toBe("330602199001011231");
    expect((await prisma.enrollment.findUniqueOrThrow({ where: { id: rawId(a.id) } })).idNumber).toBeNull();

    const own = await createVolunteer();
    const before = (await prisma.volunteer.findUniqueOrThrow({ where: { id: own.id } })).idNumber;
    const b = await register(own.phone, "330602199001015670");
    expect((await gql(app, ACCEPT, { input: { enrollmentId: b.id, code: b.code } }, own.token)).data!.acceptEnrollment.userErrors).toEqual([]);
    expect((await prisma.volunteer.findUniqueOrThrow({ where: { id: own.id } })).idNumber).toBe(before);
  });
});
