// What an outside attack on the access policy found, each kept as a test (see the closing note of
// issue 12): reach through a weekly series, an old password after a reset, answers that were masked
// errors, a leaderboard filtered by another station's team, lax dates, a CSV cell cut by ";", and
// cursors of another station's rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { signToken } from "../api/src/auth/tokens.js";
import { prisma } from "../api/src/db.js";
import { csvCell } from "../api/src/lib/csv.js";
import { gql, signIn, startApp } from "./support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";
import { inMinutes, publishShift, teamGid } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let officer: string;
let leader: string;
beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
});
afterAll(() => app?.stop());

const masked = (r: { errors?: { message: string }[] }) => (r.errors ?? []).filter((e) => e.message === "Unexpected error.");

describe("findings of the outside attack", () => {
  it("a squad leader cannot reach shifts of other squads through a weekly series", async () => {
    const squad = demo.squads[0]!;
    const squadLeader = (await prisma.squadMembership.findFirstOrThrow({ where: { squadId: squad.id, role: "LEADER" }, include: { volunteer: true } })).volunteer;
    const first = inMinutes(60 * 24 * 3);
    const series = await publishShift(app, leader, {
      teamId: teamGid(demo.haolinshe.id),
      startsAt: first,
      endsAt: new Date(first.getTime() + 3600_000),
      repeat: { weekdays: [1, 2, 3, 4, 5, 6, 7], until: inMinutes(60 * 24 * 8) },
    });
    const ids = series.shifts.map((s) => s.id);
    // Only the first shift is in the squad leader's squad; the rest stay team-wide.
    const moved = await gql(app, `mutation ($input: UpdateShiftInput!) { updateShift(input: $input) { userErrors { code } } }`, { input: { shiftId: ids[0], squadId: gid("Squad", squad.id) } }, leader);
    expect(moved.data!.updateShift.userErrors).toEqual([]);
    const token = await signIn(app, squadLeader.phone);
    const cancel = await gql(app, `mutation ($input: CancelShiftInput!) { cancelShift(input: $input) { userErrors { code } } }`, { input: { shiftId: ids[0], reason: "越权", applyTo: "FUTURE_SHIFTS" } }, token);
    expect(cancel.data!.cancelShift.userErrors).toEqual([{ code: "FORBIDDEN" }]);
    const edit = await gql(app, `mutation ($input: UpdateShiftInput!) { updateShift(input: $input) { userErrors { code } } }`, { input: { shiftId: ids[0], title: "劫持", applyTo: "FUTURE_SHIFTS" } }, token);
    expect(edit.data!.updateShift.userErrors).toEqual([{ code: "FORBIDDEN" }]);
    const rows = await prisma.shift.findMany({ where: { id: { in: ids.map((g) => Buffer.from(g, "base64").toString().split(":")[1]!) } } });
    expect(rows.every((r) => r.status === "OPEN" && r.title !== "劫持")).toBe(true);
    // Their own shift alone they may still change.
    const own = await gql(app, `mutation ($input: UpdateShiftInput!) { updateShift(input: $input) { userErrors { code } } }`, { input: { shiftId: ids[0], title: "小队巡逻" } }, token);
    expect(own.data!.updateShift.userErrors).toEqual([]);
  });

  it("an officer's reset ends the old password at once", async () => {
    const v = await demo.volunteer("13800000161");
    const res = await gql(app, `mutation ($input: ResetVolunteerPasswordInput!) { resetVolunteerPassword(input: $input) { code userErrors { code } } }`, { input: { volunteerId: gid("Volunteer", v.id) } }, officer);
    expect(res.data!.resetVolunteerPassword.userErrors).toEqual([]);
    await expect(signIn(app, "13800000161")).rejects.toThrow();
  });

  it("answers bad cursors, dates, cursors of events and forged tokens as the caller's errors, never masked", async () => {
    const station = gid("Station", demo.fushan.id);
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    const cases: [string, Record<string, unknown>][] = [
      [`query ($s: ID!) { shifts(stationId: $s, from: "2026-13-45T00:00:00Z", first: 5) { edges { node { id } } } }`, { s: station }],
      [`query ($s: ID!, $a: String) { shifts(stationId: $s, first: 5, after: $a) { edges { node { id } } } }`, { s: station, a: b64("GPC:S:abc") }],
      [`query ($a: String) { publicStations(first: 5, after: $a) { edges { node { id } } } }`, { a: b64("OffsetConnection:-5") }],
      [`query ($a: String) { publicStations(first: 5, after: $a) { edges { node { id } } } }`, { a: b64("OffsetConnection:99999999999999999999") }],
      [`query ($s: ID!, $a: String) { commendationBoard(stationId: $s, first: 5, after: $a) { edges { node { id } } } }`, { s: station, a: "!!!" }],
      [`query ($s: ID!) { node(id: $s) { ... on Station { partnerFulfilment(at: "x", first: 5) { edges { node { percent } } } } } }`, { s: station }],
    ];
    for (const [query, variables] of cases) {
      const res = await gql(app, query, variables, officer);
      expect(masked(res), query).toEqual([]);
      expect(res.errors?.[0]?.extensions?.code, query).toBe("BAD_USER_INPUT");
    }
    // A token signed with the right key but naming no real session is simply no sign-in.
    const forged = signToken({ sub: "x", sid: "x", iat: 1, exp: 4102444800 });
    const res = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${forged}` }, body: JSON.stringify({ query: "{ viewer { phone } }" }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { viewer: null } });
  });

  it("a bad cursor of a connection inside node(id:) (the call-up responder board) is the caller's error, not a null node", async () => {
    const grid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.fushan.id } });
    const started = await gql(app, `mutation ($input: StartMobilizationInput!) { startMobilization(input: $input) { mobilization { id } userErrors { code } } }`, {
      input: { stationId: gid("Station", demo.fushan.id), reason: "游标测试", place: grid.name, latitude: grid.latitude!, longitude: grid.longitude!, radiusMeters: 300, wanted: 1, escalateAfterMinutes: 10 },
    }, officer);
    expect(started.data!.startMobilization.userErrors).toEqual([]);
    const id = started.data!.startMobilization.mobilization.id;
    const board = `query ($id: ID!, $a: String) { node(id: $id) { ... on Mobilization { responders(first: 5, after: $a) { edges { node { id } } } } } }`;
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    // The check is remembered per document and cursor (graphql/limits.ts): the same document with a
    // good cursor first must not let the bad ones after it through.
    expect((await gql(app, board, { id, a: null }, officer)).errors).toBeUndefined();
    for (const a of [b64("GPC:S:abc"), "!!!", b64("OffsetConnection:-1")]) {
      const res = await gql(app, board, { id, a }, officer);
      expect(masked(res), a).toEqual([]);
      expect(res.errors?.[0]?.extensions?.code, a).toBe("BAD_USER_INPUT");
      // Written into the document instead of a variable: the same.
      const literal = await gql(app, board.replace("$a: String", "").replace("after: $a", `after: ${JSON.stringify(a)}`), { id }, officer);
      expect(literal.errors?.[0]?.extensions?.code, a).toBe("BAD_USER_INPUT");
    }
    // A good cursor still pages.
    const ok = await gql(app, board, { id, a: null }, officer);
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.node.responders).not.toBeNull();
  });

  it("refuses dates that do not exist or have no offset", async () => {
    const base = { teamId: teamGid(demo.haolinshe.id), kind: "PATROL", title: "x", capacity: 2 };
    for (const startsAt of ["2027-02-30T01:00:00Z", "2027-03-02T09:00:00", "2027-03-02T24:30:00Z"]) {
      const res = await gql(app, `mutation ($input: CreateShiftInput!) { createShift(input: $input) { userErrors { code field } } }`, {
        input: { ...base, startsAt, endsAt: "2027-03-02T12:00:00Z" },
      }, leader);
      expect(res.data!.createShift.userErrors, startsAt).toContainEqual({ code: "VALIDATION", field: ["input", "startsAt"] });
    }
    const ok = await gql(app, `mutation ($input: CreateShiftInput!) { createShift(input: $input) { userErrors { code field } } }`, {
      input: { ...base, startsAt: "2027-03-02T09:00:00+08:00", endsAt: "2027-03-02T12:00:00+08:00" },
    }, leader);
    expect(ok.data!.createShift.userErrors).toEqual([]);
  });

  it("filters a station's leaderboard by its own teams only", async () => {
    const res = await gql(app, `query ($s: ID!, $t: ID) { pointsLeaderboard(stationId: $s, teamId: $t, period: YEAR, first: 10) { edges { node { displayName } } } }`, {
      s: gid("Station", demo.fushan.id),
      t: gid("Team", demo.committee.id),
    }, officer);
    expect(res.data!.pointsLeaderboard.edges).toEqual([]);
  });

  it("quotes every text cell of a CSV, so a ';' cannot start a new cell with a formula", () => {
    expect(csvCell("巡逻;=1+1")).toBe('"巡逻;=1+1"');
    expect(csvCell("=cmd|' /C calc'!A0")).toBe(`"'=cmd|' /C calc'!A0"`);
    expect(csvCell(60)).toBe("60");
  });

  it("lists a person's memberships and shifts only at stations the viewer sees, not even as cursors", async () => {
    const person = await demo.volunteer("13800000150");
    await prisma.teamMembership.create({ data: { teamId: demo.committee.id, volunteerId: person.id } });
    const other = await signIn(app, DEMO_PHONES.changqingOfficer);
    const q = `query ($id: ID!) { node(id: $id) { ... on Volunteer { teams(first: 10) { edges { cursor node { team { name } } } } squads(first: 10) { edges { cursor } } } } }`;
    const res = await gql(app, q, { id: gid("Volunteer", person.id) }, other);
    expect(res.errors).toBeUndefined();
    expect(res.data!.node.teams.edges.map((e: { node: { team: { name: string } } }) => e.node.team.name)).toEqual(["吴牙社区安全委员会"]);
    expect(res.data!.node.squads.edges).toEqual([]);
  });
});

describe("control characters in query arguments", () => {
  it("a NUL in the member search or the audit log's action filter is a clear client error, not a masked one", async () => {
    const station = gid("Station", demo.fushan.id);
    const members = await gql(app, `query ($s: ID!, $q: String) { node(id: $s) { ... on Station { volunteers(first: 3, search: $q) { totalCount } } } }`, { s: station, q: "\u0000" }, officer);
    expect(masked(members)).toEqual([]);
    expect(members.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const audit = await gql(app, `query ($s: ID!, $a: String) { auditLog(stationId: $s, action: $a, first: 3) { edges { node { id } } } }`, { s: station, a: "\u0000" }, officer);
    expect(masked(audit)).toEqual([]);
    expect(audit.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("invisible characters", () => {
  it("a name with a zero-width space or a right-to-left override is refused and nothing is stored; a search with one is the caller's error", async () => {
    const station = gid("Station", demo.fushan.id);
    for (const name of ["好邻舍\u200B义警队", "\u202E队警义", "义警\uFEFF队", "李\u061C八队", "赵\u00AD六队", "周\u180E九队", "\u3164队", "张\u{E0041}三队", "吴\u0085十队", "行\u2028队"]) {
      const r = await gql<{ createTeam: { team: { id: string } | null; userErrors: { code: string; field: string[] }[] } }>(
        app,
        `mutation ($i: CreateTeamInput!) { createTeam(input: $i) { team { id } userErrors { code field } } }`,
        { i: { stationId: station, name } },
        officer,
      );
      expect(r.data?.createTeam.team).toBeNull();
      expect(r.data?.createTeam.userErrors).toEqual([{ code: "VALIDATION", field: ["input", "name"] }]);
      expect(await prisma.team.count({ where: { name } })).toBe(0);
    }
    // 50,000 bad items answer a bounded list of errors, not one per item.
    const many = await gql<{ createTeam: { userErrors: unknown[] } }>(app, `mutation ($i: UpdateVolunteerInput!) { updateVolunteer(input: $i) { userErrors { code } } }`.replace("createTeam", "updateVolunteer"), { i: { stationId: station, volunteerId: "x", squadIds: Array.from({ length: 50_000 }, () => "\u200b") } }, officer);
    expect((many.data as unknown as { updateVolunteer: { userErrors: unknown[] } }).updateVolunteer.userErrors.length).toBeLessThanOrEqual(20);
    // A password is a secret, not a name: one with U+200B is checked as a password (wrong here), not refused as text.
    const signInWith = await gql<{ signIn: { userErrors: { code: string }[] } }>(app, `mutation ($i: SignInInput!) { signIn(input: $i) { userErrors { code } } }`, { i: { phone: "13800000199", password: "linshe\u200Bdemo" } });
    expect(signInWith.data?.signIn.userErrors.map((e) => e.code)).toEqual(["UNAUTHENTICATED"]);
    // An emoji joined with U+200D is still a name.
    const emoji = await gql<{ createTeam: { team: { id: string } | null } }>(app, `mutation ($i: CreateTeamInput!) { createTeam(input: $i) { team { id } } }`, { i: { stationId: station, name: "巡逻队👨\u200D👩\u200D👧" } }, officer);
    expect(emoji.data?.createTeam.team).not.toBeNull();
    const search = await gql(app, `query ($s: ID!, $q: String) { node(id: $s) { ... on Station { volunteers(first: 3, search: $q) { totalCount } } } }`, { s: station, q: "张\u200B" }, officer);
    expect(search.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("account tools called by someone who is no officer", () => {
  it("a volunteer or a leader resetting or disabling a peer is told they are not allowed, nothing about the peer", async () => {
    const peer = await prisma.volunteer.findFirstOrThrow({ where: { phone: "13800000102" } });
    const volunteer = await signIn(app, DEMO_PHONES.firstVolunteer);
    for (const token of [volunteer, leader]) {
      for (const [name, input] of [
        ["resetVolunteerPassword", { volunteerId: gid("Volunteer", peer.id) }],
        ["disableAccount", { volunteerId: gid("Volunteer", peer.id), reason: "试试" }],
      ] as const) {
        const r = await gql<Record<string, { userErrors: { code: string; message: string }[] }>>(app, `mutation ($i: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $i) { userErrors { code message } } }`, { i: input }, token);
        const errors = r.data?.[name]?.userErrors ?? [];
        // Either the peer is not visible at all, or the answer is the plain refusal.
        expect(errors).toHaveLength(1);
        if (errors[0]!.code === "FORBIDDEN") expect(errors[0]!.message).toBe("没有权限执行此操作");
        else expect(errors[0]!.code).toBe("NOT_FOUND");
      }
    }
    const account = await prisma.account.findUnique({ where: { volunteerId: peer.id } });
    expect(account?.disabled ?? false).toBe(false);
  });
});

describe("the audit log's words for anonymous attempts", () => {
  it("a locked phone's entry reads whole in each language, without the account's ID", async () => {
    const { localize } = await import("../api/src/i18n.js");
    const phone = "13800000198";
    for (let i = 0; i < 7; i++) await gql(app, `mutation { signIn(input: { phone: "${phone}", password: "wrong-password-${i}" }) { token } }`);
    const account = await prisma.account.findUniqueOrThrow({ where: { phone } });
    const locked = await prisma.auditEntry.findFirstOrThrow({ where: { action: "signIn.locked", targetId: account.id } });
    expect(localize(locked.summary, "zh")).toMatch(/^该账号：连续登录失败，锁定\d+秒$/);
    expect(localize(locked.summary, "en")).toMatch(/^This account: repeated failures, locked for \d+ s$/);
    const failed = await prisma.auditEntry.findFirstOrThrow({ where: { action: "signIn.failed", targetId: account.id } });
    expect(failed.summary).not.toContain(account.id);
  });
});

describe("an agreement binds the partner to something", () => {
  it("a draft without obligations is refused and nothing is stored", async () => {
    const partner = await prisma.partner.findFirstOrThrow({ where: { stationId: demo.fushan.id } });
    const before = await prisma.agreement.count();
    const r = await gql<{ draftAgreement: { userErrors: { code: string; field: string[] }[] } }>(app, `mutation ($i: DraftAgreementInput!) { draftAgreement(input: $i) { userErrors { code field } } }`, {
      i: { partnerId: gid("Partner", partner.id), title: "空协议", terms: "无", effectiveFrom: new Date().toISOString(), effectiveTo: new Date(Date.now() + 30 * 86_400_000).toISOString(), obligations: [] },
    }, officer);
    expect(r.data?.draftAgreement.userErrors).toEqual([{ code: "VALIDATION", field: ["input", "obligations"] }]);
    expect(await prisma.agreement.count()).toBe(before);
  });
});
