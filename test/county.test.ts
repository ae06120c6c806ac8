// A county set up without SQL: the CLI makes the platform admin, who makes a region and its admin;
// the region admin makes stations, communities and grids and appoints officers; officers appoint
// partner admins. Who may grant what, activation codes, revocation closing sockets, the audit trail.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { createSession } from "../api/src/auth/sessions.js";
import { prisma } from "../api/src/db.js";
import { repoRoot } from "../api/src/infra/migrations.js";
import { gql, signIn, startApp } from "./support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let admin: string;
beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  const a = await prisma.account.create({ data: { phone: "13700000001", passwordHash: "!", displayName: "平台管理员", roles: { create: { role: "ADMIN" } } } });
  admin = (await createSession(prisma, a.id)).token;
});
afterAll(() => app?.stop());

const CREATE_REGION = `mutation ($input: CreateRegionInput!) { createRegion(input: $input) { region { id name } userErrors { code message field } } }`;
const CREATE_STATION = `mutation ($input: CreateStationInput!) { createStation(input: $input) { station { id name regionName } userErrors { code message field } } }`;
const UPDATE_STATION = `mutation ($input: UpdateStationInput!) { updateStation(input: $input) { station { id name address latitude } userErrors { code field } } }`;
const CREATE_COMMUNITY = `mutation ($input: CreateCommunityInput!) { createCommunity(input: $input) { community { id name } userErrors { code field } } }`;
const CREATE_GRID = `mutation ($input: CreateGridInput!) { createGrid(input: $input) { grid { id name patrolPlan radiusMeters outline } userErrors { code message field } } }`;
const UPDATE_GRID = `mutation ($input: UpdateGridInput!) { updateGrid(input: $input) { grid { id patrolPlan outline latitude } userErrors { code message field } } }`;
const GRANT = `mutation ($input: GrantRoleInput!) { grantRole(input: $input) { assignment { id role phone activated } activationCode codeExpiresAt confirmationNeeded userErrors { code message field } } }`;
const REVOKE = `mutation ($input: RevokeRoleInput!) { revokeRole(input: $input) { revokedId userErrors { code message field } } }`;
const ACTIVATE = `mutation ($input: ActivateAccountInput!) { activateAccount(input: $input) { token viewer { roleNames } userErrors { code field } } }`;
const CREATE_TEAM = `mutation ($input: CreateTeamInput!) { createTeam(input: $input) { team { id } userErrors { code } } }`;

async function activate(phone: string, code: string, password = "county-pass-1") {
  const r = await gql(app, ACTIVATE, { input: { phone, code, password, acceptTerms: true } });
  expect(r.data!.activateAccount.userErrors).toEqual([]);
  return r.data!.activateAccount.token as string;
}

const state: Record<string, string> = {};

describe("regions and stations", () => {
  it("lets only a platform admin create a region", async () => {
    const officer = await signIn(app, DEMO_PHONES.fushanOfficer);
    const denied = await gql(app, CREATE_REGION, { input: { name: "诸暨市公安局" } }, officer);
    expect(denied.data!.createRegion.userErrors[0].code).toBe("FORBIDDEN");
    const ok = await gql(app, CREATE_REGION, { input: { name: "诸暨市公安局", city: "绍兴市" } }, admin);
    expect(ok.data!.createRegion.userErrors).toEqual([]);
    state.region = ok.data!.createRegion.region.id;
    const other = await gql(app, CREATE_REGION, { input: { name: "金华市公安局", city: "金华市" } }, admin);
    state.otherRegion = other.data!.createRegion.region.id;
    const dup = await gql(app, CREATE_REGION, { input: { name: "诸暨市公安局" } }, admin);
    expect(dup.data!.createRegion.userErrors[0].code).toBe("CONFLICT");
  });

  it("grants a region admin by phone: a new account with a one-time code, audited and notified", async () => {
    const officer = await signIn(app, DEMO_PHONES.fushanOfficer);
    const denied = await gql(app, GRANT, { input: { phone: "13700000101", role: "REGION_ADMIN", regionId: state.region, displayName: "诸暨管理员" } }, officer);
    expect(denied.data!.grantRole.userErrors[0].code).toBe("NOT_FOUND"); // an officer cannot even see the region
    const r = await gql(app, GRANT, { input: { phone: "13700000101", role: "REGION_ADMIN", regionId: state.region, displayName: "诸暨管理员" } }, admin);
    expect(r.data!.grantRole.userErrors).toEqual([]);
    expect(r.data!.grantRole.assignment).toMatchObject({ role: "REGION_ADMIN", phone: "13700000101", activated: false });
    const code = r.data!.grantRole.activationCode as string;
    expect(code).toMatch(/^[A-Z0-9]{10}$/);
    const account = await prisma.account.findUniqueOrThrow({ where: { phone: "13700000101" } });
    expect(account.passwordSet).toBe(false);
    expect(account.codeHash).not.toContain(code);
    expect(await prisma.auditEntry.count({ where: { action: "role.grant", targetId: account.id } })).toBe(1);
    expect(await prisma.notification.count({ where: { accountId: account.id } })).toBe(1);
    const audit = await prisma.auditEntry.findFirstOrThrow({ where: { action: "role.grant", targetId: account.id } });
    expect(audit.summary).not.toContain("13700000101");
    // Signing in before activating fails; activating signs in as a region admin.
    const before = await gql(app, `mutation { signIn(input: { phone: "13700000101", password: "county-pass-1" }) { token userErrors { code } } }`);
    expect(before.data!.signIn.userErrors[0].code).toBe("UNAUTHENTICATED");
    state.regionAdmin = await activate("13700000101", code);
    const me = await gql(app, `{ viewer { roleNames } regions(first: 5) { totalCount edges { node { name viewerCanCreateStation viewerCanGrantAdmin } } } viewerCanCreateRegion }`, {}, state.regionAdmin);
    expect(me.data!.viewer.roleNames).toContain("REGION_ADMIN");
    expect(me.data!.regions.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(["诸暨市公安局"]);
    expect(me.data!.regions.edges[0].node).toMatchObject({ viewerCanCreateStation: true, viewerCanGrantAdmin: false });
    expect(me.data!.viewerCanCreateRegion).toBe(false);
  });

  it("lets a region admin create stations in their region only", async () => {
    const ok = await gql(app, CREATE_STATION, { input: { regionId: state.region, name: "暨阳派出所", city: "绍兴市", district: "诸暨市", address: "暨阳街道", latitude: 29.71, longitude: 120.24 } }, state.regionAdmin);
    expect(ok.data!.createStation.userErrors).toEqual([]);
    expect(ok.data!.createStation.station).toMatchObject({ name: "暨阳派出所", regionName: "诸暨市公安局" });
    state.station = ok.data!.createStation.station.id;
    const elsewhere = await gql(app, CREATE_STATION, { input: { regionId: state.otherRegion, name: "越界派出所", city: "金华市", district: "婺城区" } }, state.regionAdmin);
    expect(elsewhere.data!.createStation.userErrors[0].code).toBe("NOT_FOUND");
    const badLat = await gql(app, CREATE_STATION, { input: { regionId: state.region, name: "x所", city: "x", district: "x", latitude: 91 } }, state.regionAdmin);
    expect(badLat.data!.createStation.userErrors[0].field).toEqual(["input", "latitude"]);
    // Another station of the platform (府山, no region) is not theirs to edit.
    const fushan = await gql(app, UPDATE_STATION, { input: { stationId: gid("Station", demo.fushan.id), name: "改名" } }, state.regionAdmin);
    expect(fushan.data!.updateStation.userErrors[0].code).toBe("NOT_FOUND");
    const upd = await gql(app, UPDATE_STATION, { input: { stationId: state.station, address: "暨阳街道人民路1号", latitude: null } }, state.regionAdmin);
    expect(upd.data!.updateStation.station).toMatchObject({ address: "暨阳街道人民路1号", latitude: null });
    expect(await prisma.auditEntry.count({ where: { action: { in: ["station.create", "station.update"] } } })).toBe(2);
  });

  it("lets a region admin add communities and grids with patrol plans and outlines", async () => {
    const c = await gql(app, CREATE_COMMUNITY, { input: { stationId: state.station, name: "城南社区" } }, state.regionAdmin);
    expect(c.data!.createCommunity.userErrors).toEqual([]);
    state.community = c.data!.createCommunity.community.id;
    const outline = JSON.stringify({ type: "Polygon", coordinates: [[[120.24, 29.71], [120.25, 29.71], [120.25, 29.72], [120.24, 29.71]]] });
    const g = await gql(app, CREATE_GRID, { input: { communityId: state.community, name: "城南第一网格", latitude: 29.715, longitude: 120.245, radiusMeters: 400, patrolPlan: "夜间重点：农贸市场、学校周边", outline } }, state.regionAdmin);
    expect(g.data!.createGrid.userErrors).toEqual([]);
    expect(g.data!.createGrid.grid).toMatchObject({ patrolPlan: "夜间重点：农贸市场、学校周边", radiusMeters: 400 });
    expect(JSON.parse(g.data!.createGrid.grid.outline)).toEqual(JSON.parse(outline));
    state.grid = g.data!.createGrid.grid.id;
    const open = JSON.stringify({ type: "Polygon", coordinates: [[[120.24, 29.71], [120.25, 29.71], [120.25, 29.72], [120.26, 29.73]]] });
    const bad = await gql(app, UPDATE_GRID, { input: { gridId: state.grid, outline: open } }, state.regionAdmin);
    expect(bad.data!.updateGrid.userErrors[0]).toMatchObject({ code: "VALIDATION", field: ["input", "outline"] });
    const cleared = await gql(app, UPDATE_GRID, { input: { gridId: state.grid, patrolPlan: "全天候巡防", outline: null } }, state.regionAdmin);
    expect(cleared.data!.updateGrid.grid).toMatchObject({ patrolPlan: "全天候巡防", outline: null, latitude: 29.715 });
    // Another station's officer cannot touch it.
    const other = await signIn(app, DEMO_PHONES.changqingOfficer);
    const denied = await gql(app, UPDATE_GRID, { input: { gridId: state.grid, patrolPlan: "越界" } }, other);
    expect(denied.data!.updateGrid.userErrors[0].code).toBe("NOT_FOUND");
  });

  it("shows a region admin the station's structure but not its people", async () => {
    const q = `query ($id: ID!) { node(id: $id) { ... on Station { name communities(first: 5) { edges { node { name grids(first: 5) { edges { node { name patrolPlan } } } } } } viewerCanManageGrids viewerCanListVolunteers } } }`;
    const r = await gql(app, q, { id: state.station }, state.regionAdmin);
    expect(r.data!.node).toMatchObject({ name: "暨阳派出所", viewerCanManageGrids: true, viewerCanListVolunteers: false });
    const list = await gql(app, `query ($id: ID!) { node(id: $id) { ... on Station { volunteers(first: 5) { totalCount } } } }`, { id: state.station }, state.regionAdmin);
    expect(list.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

describe("granting and revoking roles", () => {
  it("lets a region admin appoint officers of their stations only; the officer activates and runs the station", async () => {
    const r = await gql(app, GRANT, { input: { phone: "13700000201", role: "OFFICER", stationId: state.station, displayName: "钱警官" } }, state.regionAdmin);
    expect(r.data!.grantRole.userErrors).toEqual([]);
    state.officerRole = r.data!.grantRole.assignment.id;
    state.officer = await activate("13700000201", r.data!.grantRole.activationCode);
    const team = await gql(app, CREATE_TEAM, { input: { stationId: state.station, name: "暨阳义警" } }, state.officer);
    expect(team.data!.createTeam.userErrors).toEqual([]);
    const fushan = await gql(app, GRANT, { input: { phone: "13700000202", role: "OFFICER", stationId: gid("Station", demo.fushan.id), displayName: "越界" } }, state.regionAdmin);
    expect(fushan.data!.grantRole.userErrors[0].code).toBe("NOT_FOUND");
    // Officers do not appoint officers; no one appoints a platform admin through the API.
    const byOfficer = await gql(app, GRANT, { input: { phone: "13700000203", role: "OFFICER", stationId: state.station, displayName: "x" } }, state.officer);
    expect(byOfficer.data!.grantRole.userErrors[0].code).toBe("FORBIDDEN");
    const toAdmin = await gql(app, GRANT, { input: { phone: "13700000204", role: "ADMIN", displayName: "x" } }, admin);
    expect(toAdmin.data!.grantRole.userErrors[0]).toMatchObject({ code: "VALIDATION", field: ["input", "role"] });
    expect(await prisma.account.count({ where: { phone: { in: ["13700000202", "13700000203", "13700000204"] } } })).toBe(0);
    // The officers list shows them to the region admin.
    const list = await gql(app, `query ($id: ID!) { node(id: $id) { ... on Station { officers(first: 5) { totalCount edges { node { displayName phone activated viewerCanRevoke } } } } } }`, { id: state.station }, state.regionAdmin);
    expect(list.data!.node.officers.edges[0].node).toMatchObject({ displayName: "钱警官", phone: "13700000201", activated: true, viewerCanRevoke: true });
  });

  it("lets officers appoint admins of their own partners only", async () => {
    const partner = await prisma.partner.create({ data: { stationId: (await prisma.station.findUniqueOrThrow({ where: { name: "暨阳派出所" } })).id, name: "暨阳商会", kind: "ENTERPRISE" } });
    const ok = await gql(app, GRANT, { input: { phone: "13700000301", role: "PARTNER_ADMIN", partnerId: gid("Partner", partner.id), displayName: "商会联络人" } }, state.officer);
    expect(ok.data!.grantRole.userErrors).toEqual([]);
    const foreign = await prisma.partner.findFirstOrThrow({ where: { stationId: demo.fushan.id } });
    const denied = await gql(app, GRANT, { input: { phone: "13700000302", role: "PARTNER_ADMIN", partnerId: gid("Partner", foreign.id), displayName: "x" } }, state.officer);
    expect(denied.data!.grantRole.userErrors[0].code).toBe("NOT_FOUND");
    // The region admin sees the station's partners but does not appoint their admins.
    const byRegion = await gql(app, GRANT, { input: { phone: "13700000303", role: "PARTNER_ADMIN", partnerId: gid("Partner", partner.id), displayName: "x" } }, state.regionAdmin);
    expect(byRegion.data!.grantRole.userErrors[0].code).not.toBeUndefined();
  });

  it("grants to an account in use only with the person's confirmation code, and never hands out a code for someone else's account", async () => {
    // A volunteer of 府山 becomes an officer of 暨阳. Nothing proves the account's phone is the person meant (anyone may
    // open an account on a join page): the role waits for the 确认码 the region admin hands over; the password stays.
    const phone = "13800000160";
    const r = await gql(app, `mutation ($input: GrantRoleInput!) { grantRole(input: $input) { assignment { id } activationCode confirmationNeeded userErrors { code message field } } }`, { input: { phone, role: "OFFICER", stationId: state.station, displayName: "ignored" } }, state.regionAdmin);
    expect(r.data!.grantRole).toMatchObject({ assignment: null, confirmationNeeded: true, userErrors: [] });
    const code = r.data!.grantRole.activationCode as string;
    expect(code).toBeTruthy();
    const token = await signIn(app, phone);
    const roles = async (t: string) => (await gql(app, `{ viewer { roleNames } }`, {}, t)).data!.viewer.roleNames as string[];
    expect(await roles(token)).not.toContain("OFFICER");
    // The code is not the account's: it neither activates nor resets it.
    expect((await gql(app, ACTIVATE, { input: { phone, code, password: "take-over-99", acceptTerms: true } })).data!.activateAccount.userErrors[0].code).not.toBeUndefined();

    const OFFERS = `{ viewer { pendingRoleOffers { id role placeName } } }`;
    const offers = (await gql(app, OFFERS, {}, token)).data!.viewer.pendingRoleOffers;
    expect(offers).toEqual([{ id: expect.any(String), role: "OFFICER", placeName: "暨阳派出所" }]);
    const CONFIRM = `mutation ($input: ConfirmRoleOfferInput!) { confirmRoleOffer(input: $input) { assignment { role station { name } } userErrors { code message field } } }`;
    // Another account cannot take it up, even with the code.
    const other = await signIn(app, "13800000161");
    expect((await gql(app, CONFIRM, { input: { offerId: offers[0].id, code } }, other)).data!.confirmRoleOffer.userErrors).toEqual([{ code: "NOT_FOUND", message: expect.any(String), field: ["input", "offerId"] }]);
    expect((await gql(app, OFFERS, {}, other)).data!.viewer.pendingRoleOffers).toEqual([]);
    // A wrong code is refused on its field; the right one, as typed, makes the role.
    expect((await gql(app, CONFIRM, { input: { offerId: offers[0].id, code: "WRONG-CODE" } }, token)).data!.confirmRoleOffer.userErrors).toEqual([{ code: "VALIDATION", message: "确认码不正确：请核对任命人交给您的确认码", field: ["input", "code"] }]);
    expect(await roles(token)).not.toContain("OFFICER");
    const ok = await gql(app, CONFIRM, { input: { offerId: offers[0].id, code: ` ${code.toLowerCase()} ` } }, token);
    expect(ok.data!.confirmRoleOffer).toEqual({ assignment: { role: "OFFICER", station: { name: "暨阳派出所" } }, userErrors: [] });
    expect(await roles(token)).toEqual(expect.arrayContaining(["OFFICER", "VOLUNTEER"]));
    expect((await gql(app, OFFERS, {}, token)).data!.viewer.pendingRoleOffers).toEqual([]);
    expect((await gql(app, CONFIRM, { input: { offerId: offers[0].id, code } }, token)).data!.confirmRoleOffer.userErrors[0].code).toBe("NOT_FOUND");
    // Granting it again answers the role in effect, with no code.
    expect((await gql(app, GRANT, { input: { phone, role: "OFFICER", stationId: state.station, displayName: "ignored" } }, state.regionAdmin)).data!.grantRole).toMatchObject({ activationCode: null, assignment: { activated: true } });
    // The offer names the account as its target; a miss is the account's act about the offer (targetType RoleOffer).
    const accountId = (await prisma.account.findUniqueOrThrow({ where: { phone } })).id;
    const audit = await prisma.auditEntry.findMany({ where: { action: { in: ["role.offer", "role.offer.failed", "role.confirm"] }, OR: [{ targetId: accountId }, { actorId: accountId }] }, orderBy: { id: "asc" }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual(["role.offer", "role.offer.failed", "role.confirm"]);

    // An account waiting for activation that holds a partner's role: the region admin granting it an officer's
    // role again gets no code for it (that would hand them a partner admin's account).
    const pending = await gql(app, GRANT, { input: { phone: "13700000401", role: "OFFICER", stationId: state.station, displayName: "待激活" } }, state.regionAdmin);
    expect(pending.data!.grantRole.activationCode).toBeTruthy();
    const partner = await prisma.partner.findFirstOrThrow({ where: { name: "暨阳商会" } });
    await prisma.accountRole.create({ data: { accountId: (await prisma.account.findUniqueOrThrow({ where: { phone: "13700000401" } })).id, role: "PARTNER_ADMIN", partnerId: partner.id } });
    const renewed = await gql(app, GRANT, { input: { phone: "13700000401", role: "OFFICER", stationId: state.station, displayName: "待激活" } }, state.regionAdmin);
    expect(renewed.data!.grantRole).toMatchObject({ activationCode: null, confirmationNeeded: false });
    const old = await gql(app, ACTIVATE, { input: { phone: "13700000401", code: pending.data!.grantRole.activationCode, password: "county-pass-1", acceptTerms: true } });
    expect(old.data!.activateAccount.userErrors).toEqual([]);
  });

  it("revokes: the rights end on the next request, open sockets reconnect, audited; nobody revokes their own role", async () => {
    let closed!: (code: number) => void;
    const closeCode = new Promise<number>((r) => (closed = r));
    const team = await prisma.team.findFirstOrThrow({ where: { name: "暨阳义警" } });
    const client = createClient({
      url: `${app.url.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${state.officer}` },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {},
      on: { closed: (e) => closed((e as { code: number }).code) },
    });
    const connected = new Promise<void>((r) => client.on("connected", () => r()));
    client.subscribe({ query: `subscription ($t: ID!) { teamUpdated(teamId: $t) { name } }`, variables: { t: gid("Team", team.id) } }, { next: () => {}, error: () => {}, complete: () => {} });
    await connected;
    const own = await gql(app, REVOKE, { input: { assignmentId: state.officerRole } }, state.officer);
    expect(own.data!.revokeRole.userErrors[0].code).toBe("FORBIDDEN"); // officers do not revoke officers
    const other = await signIn(app, DEMO_PHONES.changqingOfficer);
    expect((await gql(app, REVOKE, { input: { assignmentId: state.officerRole } }, other)).data!.revokeRole.userErrors[0].code).toBe("NOT_FOUND");
    const r = await gql(app, REVOKE, { input: { assignmentId: state.officerRole } }, state.regionAdmin);
    expect(r.data!.revokeRole.userErrors).toEqual([]);
    expect(await Promise.race([closeCode, new Promise((r) => setTimeout(() => r("open"), 5000))])).toBe(1012);
    client.dispose();
    const after = await gql(app, CREATE_TEAM, { input: { stationId: state.station, name: "撤销后" } }, state.officer);
    expect(after.data!.createTeam.userErrors[0].code).toMatch(/FORBIDDEN|NOT_FOUND/);
    const account = await prisma.account.findUniqueOrThrow({ where: { phone: "13700000201" } });
    expect(await prisma.auditEntry.count({ where: { action: "role.revoke", targetId: account.id } })).toBe(1);
    const mine = await prisma.accountRole.findFirstOrThrow({ where: { account: { phone: "13700000101" } } });
    const self = await gql(app, REVOKE, { input: { assignmentId: gid("RoleAssignment", mine.id) } }, state.regionAdmin);
    expect(self.data!.revokeRole.userErrors[0].code).toBe("FORBIDDEN"); // a region admin's role is the platform admin's to revoke
    const adminAccount = await prisma.account.findUniqueOrThrow({ where: { phone: "13700000001" } });
    const adminRole = await prisma.accountRole.findFirstOrThrow({ where: { accountId: adminAccount.id } });
    const selfAdmin = await gql(app, REVOKE, { input: { assignmentId: gid("RoleAssignment", adminRole.id) } }, admin);
    expect(selfAdmin.data!.revokeRole.userErrors[0].code).toMatch(/FORBIDDEN|CONFLICT/);
    const byAdmin = await gql(app, REVOKE, { input: { assignmentId: gid("RoleAssignment", mine.id) } }, admin);
    expect(byAdmin.data!.revokeRole.userErrors).toEqual([]);
    expect((await gql(app, `{ regions(first: 5) { totalCount } }`, {}, state.regionAdmin)).data!.regions.totalCount).toBe(0);
  });
});

describe("the CLI", () => {
  it("creates the first platform admin from a password file, and refuses bad input", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "linshe-cli-"));
    const file = path.join(dir, "pw");
    writeFileSync(file, "first-admin-pw\n");
    // Asynchronously: a blocked event loop would stall this process's own test server.
    const run = (...args: string[]) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ["--import", "tsx", path.join(repoRoot, "api/src/cli/linshe.ts"), ...args], { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: "silent" }, timeout: 60_000 }, (e, stdout, stderr) =>
          resolve({ status: e ? Number((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const ok = await run("admin", "create", "--phone", "13700009001", "--name", "首位管理员", "--password-file", file);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("已创建平台管理员");
    const token = await signIn(app, "13700009001", "first-admin-pw");
    expect((await gql(app, `{ viewer { roleNames displayName } viewerCanCreateRegion }`, {}, token)).data).toMatchObject({
      viewer: { roleNames: ["ADMIN"], displayName: "首位管理员" },
      viewerCanCreateRegion: true,
    });
    expect((await run("admin", "create", "--phone", "13700009001", "--name", "首位管理员", "--password-file", file)).stdout).toContain("已是平台管理员");
    writeFileSync(file, "short\n");
    const weak = await run("admin", "create", "--phone", "13700009002", "--name", "x", "--password-file", file);
    expect(weak.status).toBe(2);
    expect(weak.stderr).toContain("密码至少8位");
    expect((await run("admin", "create", "--phone", "123", "--name", "x", "--password-file", file)).status).toBe(2);
    expect((await run("admin", "delete")).status).toBe(2);
    expect(await prisma.account.count({ where: { phone: "13700009002" } })).toBe(0);
  }, 240_000); // each run of the CLI starts tsx: slow on a loaded machine
});

describe("grid outlines", () => {
  it("refuses whatever is not a closed GeoJSON Polygon of at most 2000 positions, and changes nothing", async () => {
    const officer = await signIn(app, DEMO_PHONES.fushanOfficer);
    const grid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.fushan.id }, orderBy: { name: "asc" } });
    const square = [[120.5, 30], [120.6, 30], [120.6, 30.1], [120.5, 30]];
    const many = Array.from({ length: 2001 }, (_, i) => [120 + i / 10_000, 30]);
    many[2000] = many[0]!;
    const bad: [string, string][] = [
      ["not JSON", "{Polygon"],
      ["a point", JSON.stringify({ type: "Point", coordinates: [120.5, 30] })],
      ["no rings", JSON.stringify({ type: "Polygon", coordinates: [] })],
      ["a ring of three", JSON.stringify({ type: "Polygon", coordinates: [square.slice(1)] })],
      ["a position of one number", JSON.stringify({ type: "Polygon", coordinates: [[[120.5], ...square.slice(1)]] })],
      ["a position as text", JSON.stringify({ type: "Polygon", coordinates: [[["120.5", "30"], ...square.slice(1)]] })],
      ["latitude first", JSON.stringify({ type: "Polygon", coordinates: [square.map(([lng, lat]) => [lng, lat! + 80])] })],
      ["2001 positions", JSON.stringify({ type: "Polygon", coordinates: [many] })],
    ];
    for (const [what, outline] of bad) {
      const r = await gql(app, UPDATE_GRID, { input: { gridId: gid("Grid", grid.id), outline } }, officer);
      expect(r.data!.updateGrid.userErrors, what).toEqual([{ code: "VALIDATION", message: "轮廓须为 GeoJSON Polygon（经度在前，首尾闭合）", field: ["input", "outline"] }]);
    }
    expect((await prisma.grid.findUniqueOrThrow({ where: { id: grid.id } })).outline).toEqual(grid.outline);
    // 2000 positions are fine.
    const most = many.slice(0, 1999).concat([many[0]!]);
    const ok = await gql(app, UPDATE_GRID, { input: { gridId: gid("Grid", grid.id), outline: JSON.stringify({ type: "Polygon", coordinates: [most] }) } }, officer);
    expect(ok.data!.updateGrid.userErrors).toEqual([]);
    const restored = await gql(app, UPDATE_GRID, { input: { gridId: gid("Grid", grid.id), outline: grid.outline ? JSON.stringify(grid.outline) : null } }, officer);
    expect(restored.data!.updateGrid.userErrors).toEqual([]);
  });
});
