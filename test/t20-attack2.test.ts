// t20-attack2: main's commits 9f54c3c (Shift.checkInOpensAt), ac84b96 (roleOfferCount), 3ea4a74 (Volunteer.lastLeftAt
// and the ID-number erasure), 7edd235 (wrong 确认码 entries named by the appointment), 93b2c5c (roster 代签到)
// attacked from outside, through the GraphQL API as the web uses it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { gql, startApp } from "./support/client.js";
import { createAccount, createStation, createVolunteer, gid } from "./support/fixtures.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const DAY = 86_400_000;
const GRANT = `mutation ($input: GrantRoleInput!) { grantRole(input: $input) { offer { id displayName } confirmationNeeded userErrors { code message } } }`;
const WITHDRAW = `mutation ($input: WithdrawRoleOfferInput!) { withdrawRoleOffer(input: $input) { withdrawnId userErrors { code } } }`;
const LOG = `query ($s: ID!) { auditLog(stationId: $s, first: 100) { edges { node { action actorName actorAccountId targetType targetName targetId } } } }`;

describe("whose phone an appointment names: the station log's account ids", () => {
  it("role.offer and role.offer.withdraw do not give the account's id, which the station's other entries by that account pair with its name", async () => {
    const { station, officer, team } = await createStation();
    const partner = await prisma.partner.create({ data: { stationId: station.id, name: `配对共建${station.name}`, kind: "ENTERPRISE" } });
    // Someone who once asked to join this station through an invitation and was turned down: their request is in
    // the station's log under their account (actorAccountId, actorName), and this officer no longer sees their phone.
    const stranger = await createVolunteer();
    const invite = await gql(app, `mutation ($input: CreateTeamInviteInput!) { createTeamInvite(input: $input) { invite { code } userErrors { code } } }`, { input: { teamId: gid("Team", team.id), expiresAt: new Date(Date.now() + 7 * DAY).toISOString(), maxUses: 10 } }, officer.token);
    const applied = await gql(app, `mutation ($input: AcceptTeamInviteInput!) { acceptTeamInvite(input: $input) { membership { id } userErrors { code message } } }`, { input: { code: invite.data!.createTeamInvite.invite.code } }, stranger.token);
    expect(applied.data!.acceptTeamInvite.userErrors).toEqual([]);
    const rejected = await gql(app, `mutation ($input: RejectMembershipInput!) { rejectMembership(input: $input) { userErrors { code } } }`, { input: { membershipId: applied.data!.acceptTeamInvite.membership.id, reason: "不合适" } }, officer.token);
    expect(rejected.data!.rejectMembership.userErrors).toEqual([]);

    // The officer types a phone: an account uses it, so an appointment waits, listed by the name the officer gave.
    const granted = await gql(app, GRANT, { input: { phone: stranger.phone, role: "PARTNER_ADMIN", partnerId: gid("Partner", partner.id), displayName: "猜的名字" } }, officer.token);
    expect(granted.data!.grantRole).toMatchObject({ confirmationNeeded: true, userErrors: [] });
    expect((await gql(app, WITHDRAW, { input: { offerId: granted.data!.grantRole.offer.id } }, officer.token)).data!.withdrawRoleOffer.userErrors).toEqual([]);

    const log = (await gql(app, LOG, { s: gid("Station", station.id) }, officer.token)).data!.auditLog.edges.map((e: any) => e.node);
    const request = log.find((e: any) => e.action === "membership.request");
    expect(request).toMatchObject({ actorName: stranger.displayName, actorAccountId: stranger.accountId });
    const offers = log.filter((e: any) => e.action === "role.offer" || e.action === "role.offer.withdraw");
    expect(offers).toHaveLength(2);
    // The pair that told the officer whose phone they typed: role.offer's target is the request's actor.
    const named = offers.filter((e: any) => e.targetId === request.actorAccountId);
    expect(named).toEqual([]);
    // Entries of a wrong 确认码 written before 7edd235 (the account as target) do not give it either.
    await prisma.auditEntry.create({ data: { actorId: stranger.accountId, stationId: station.id, action: "role.offer.failed", targetType: "Account", targetId: stranger.accountId, summary: "旧记录" } });
    const old = (await gql(app, LOG, { s: gid("Station", station.id) }, officer.token)).data!.auditLog.edges.map((e: any) => e.node).find((e: any) => e.action === "role.offer.failed");
    expect(old).toMatchObject({ actorName: null, actorAccountId: null, targetName: null });
    expect(old.targetId).not.toBe(stranger.accountId);
    // Platform admins, who read the whole log, still see which account each was.
    const admin = await createAccount({ role: "ADMIN" });
    const whole = (await gql(app, LOG, { s: gid("Station", station.id) }, admin.token)).data!.auditLog.edges.map((e: any) => e.node);
    expect(whole.filter((e: any) => e.action.startsWith("role.offer")).map((e: any) => e.targetId)).toEqual([stranger.accountId, stranger.accountId, stranger.accountId]);
  });
});
