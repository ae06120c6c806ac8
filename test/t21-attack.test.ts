// Session 21's attack on the newest commits: Vary: Origin on /graphql, the notice of a removed
// application, updateShift under the shift's lock, the public board's one-JSON page. Races are ordered by a row lock held from outside.
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { failed, type App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { config } from "../api/src/config.js";
import { prisma } from "../api/src/db.js";
import { publicCacheStats } from "../api/src/graphql/public-cache.js";
import { lifecycle } from "../api/src/server/lifecycle.js";
import { withVaryOrigin } from "../api/src/server/security.js";
import { gql, startApp } from "./support/client.js";
import { holdRowLock } from "./support/locks.js";
import { createStation, createTeam, createVolunteer, gid, publishedEdition } from "./support/fixtures.js";
import { inMinutes, publishShift, teamGid } from "./support/shifts.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const UPDATE_SHIFT = `mutation ($input: UpdateShiftInput!) { updateShift(input: $input) { shifts { id startsAt endsAt } userErrors { code message field } } }`;
const REMOVE = `mutation ($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { team { name } userErrors { code message field } } }`;
const HOUR = 3_600_000;
const CHINESE_FIRST = expect.stringMatching(/^[\u4e00-\u9fff]/);
const later = (d: Date, ms: number) => new Date(d.getTime() + ms).toISOString();

async function shiftIn2h() {
  const s = await createStation();
  const { shift } = await publishShift(app, s.officer.token, { teamId: teamGid(s.team.id), startsAt: inMinutes(120).toISOString(), endsAt: inMinutes(240).toISOString() });
  const row = await prisma.shift.findFirstOrThrow({ where: { teamId: s.team.id } });
  return { s, shift, row };
}

/** Two edits queued behind a held lock on the shift, in this order. */
async function queued(shiftRowId: string, first: () => Promise<unknown>, second: () => Promise<unknown>) {
  const lock = await holdRowLock("Shift", shiftRowId);
  try {
    const a = first();
    await lock.waiters(1);
    const b = second();
    await lock.waiters(2);
    await lock.release();
    return (await Promise.all([a, b])) as Awaited<ReturnType<typeof gql<Record<string, any>>>>[];
  } finally {
    await lock.release();
  }
}

describe("updateShift: concurrent edits of the times", () => {
  it("the same move sent twice at once (the form sent twice, two officers) moves the shift once", async () => {
    const { s, shift, row } = await shiftIn2h();
    const input = { shiftId: shift.id, startsAt: later(row.startsAt, HOUR), endsAt: later(row.endsAt, HOUR) };
    const [a, b] = await queued(row.id, () => gql(app, UPDATE_SHIFT, { input }, s.officer.token), () => gql(app, UPDATE_SHIFT, { input }, s.officer.token));
    expect(a!.data!.updateShift.userErrors).toEqual([]);
    expect(b!.data!.updateShift.userErrors).toEqual([]);
    const after = await prisma.shift.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.startsAt.toISOString()).toBe(input.startsAt);
    expect(after.endsAt.toISOString()).toBe(input.endsAt);
  });

  it("a start moved later and an end moved earlier at once never make a shift that ends before it starts", async () => {
    const { s, shift, row } = await shiftIn2h();
    const start = { shiftId: shift.id, startsAt: later(row.startsAt, 90 * 60_000) }; // 3:30–4:00 alone
    const end = { shiftId: shift.id, endsAt: later(row.endsAt, -90 * 60_000) }; // 2:00–2:30 alone
    const [a, b] = await queued(row.id, () => gql(app, UPDATE_SHIFT, { input: start }, s.officer.token), () => gql(app, UPDATE_SHIFT, { input: end }, s.officer.token));
    expect(a!.data!.updateShift.userErrors).toEqual([]);
    expect(b!.data!.updateShift.userErrors).toEqual([{ code: "VALIDATION", message: CHINESE_FIRST, field: ["input", "endsAt"] }]);
    const after = await prisma.shift.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.startsAt.toISOString()).toBe(start.startsAt);
    expect(after.endsAt).toEqual(row.endsAt);
  });

  it("FUTURE_SHIFTS: an occurrence made shorter alone is checked too (VALIDATION, nothing written), not a masked error", async () => {
    const s = await createStation();
    const start = inMinutes(24 * 60);
    const res = await publishShift(app, s.officer.token, {
      teamId: teamGid(s.team.id),
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 3 * HOUR).toISOString(),
      repeat: { weekdays: [1, 2, 3, 4, 5, 6, 7], until: new Date(start.getTime() + 2 * 24 * HOUR).toISOString() },
    });
    const [first, second] = res.shifts;
    const row2 = await prisma.shift.findUniqueOrThrow({ where: { id: (await prisma.shift.findFirstOrThrow({ where: { teamId: s.team.id, startsAt: new Date(second!.startsAt) } })).id } });
    // the second occurrence alone: 1 hour long
    expect((await gql(app, UPDATE_SHIFT, { input: { shiftId: second!.id, applyTo: "THIS_SHIFT", endsAt: later(row2.endsAt, -2 * HOUR) } }, s.officer.token)).data!.updateShift.userErrors).toEqual([]);
    const row1 = await prisma.shift.findFirstOrThrow({ where: { teamId: s.team.id, startsAt: new Date(first!.startsAt) } });
    // every later one ends 90 minutes earlier: the first (3 h) could, the second (1 h) cannot
    const r = await gql(app, UPDATE_SHIFT, { input: { shiftId: first!.id, applyTo: "FUTURE_SHIFTS", endsAt: later(row1.endsAt, -90 * 60_000) } }, s.officer.token);
    expect(r.errors).toBeUndefined();
    expect(r.data!.updateShift.userErrors).toEqual([{ code: "VALIDATION", message: CHINESE_FIRST, field: ["input", "endsAt"] }]);
    expect((await prisma.shift.findUniqueOrThrow({ where: { id: row1.id } })).endsAt).toEqual(row1.endsAt);
  });

  it("the same times in another form (another offset) are no move: allowed after a check-in, no notice", async () => {
    const { s, shift, row } = await shiftIn2h();
    await prisma.shiftClaim.create({ data: { shiftId: row.id, volunteerId: (await createVolunteer({ teamId: s.team.id })).id, status: "CONFIRMED", checkedInAt: new Date() } });
    const shanghai = (d: Date) => new Date(d.getTime() + 8 * HOUR).toISOString().replace("Z", "+08:00");
    const r = await gql(app, UPDATE_SHIFT, { input: { shiftId: shift.id, startsAt: shanghai(row.startsAt), endsAt: shanghai(row.endsAt), title: "同一时间" } }, s.officer.token);
    expect(r.data!.updateShift.userErrors).toEqual([]);
    expect(await prisma.notification.count({ where: { subjectId: row.id, kind: "SHIFT_CHANGED" } })).toBe(0);
    // one millisecond is a move
    const ms = await gql(app, UPDATE_SHIFT, { input: { shiftId: shift.id, endsAt: later(row.endsAt, 1) } }, s.officer.token);
    expect(ms.data!.updateShift.userErrors).toEqual([{ code: "CONFLICT", message: CHINESE_FIRST, field: ["input", "endsAt"] }]);
  });

  it("another station's officer and another team's leader cannot edit it", async () => {
    const { s, shift, row } = await shiftIn2h();
    const other = await createStation();
    const otherTeam = await createTeam(s.station.id);
    const leader = await createVolunteer({ teamId: otherTeam.id, teamRole: "LEADER" });
    for (const token of [other.officer.token, leader.token]) {
      const r = await gql(app, UPDATE_SHIFT, { input: { shiftId: shift.id, startsAt: later(row.startsAt, HOUR) } }, token);
      expect(r.data?.updateShift.userErrors?.length ?? r.errors?.length).toBeGreaterThan(0);
    }
    expect((await prisma.shift.findUniqueOrThrow({ where: { id: row.id } })).startsAt).toEqual(row.startsAt);
  });
});

describe("removeTeamMember of an application (PENDING)", () => {
  async function application() {
    const s = await createStation();
    const leader = await createVolunteer({ teamId: s.team.id, teamRole: "LEADER" });
    const applicant = await createVolunteer();
    await prisma.teamMembership.create({ data: { teamId: s.team.id, volunteerId: applicant.id, status: "PENDING" } });
    const input = { teamId: gid("Team", s.team.id), volunteerId: gid("Volunteer", applicant.id) };
    return { s, leader, applicant, input };
  }
  const notices = (accountId: string) => prisma.notification.findMany({ where: { accountId, kind: "MEMBERSHIP_REJECTED" } });

  it("another station's officer and another team's leader cannot remove it, and nobody is told", async () => {
    const { s, applicant, input } = await application();
    const other = await createStation();
    const otherLeader = await createVolunteer({ teamId: (await createTeam(s.station.id)).id, teamRole: "LEADER" });
    for (const token of [other.officer.token, otherLeader.token]) {
      const r = await gql(app, REMOVE, { input }, token);
      expect(r.data?.removeTeamMember.userErrors?.length ?? r.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(r)).not.toContain(s.team.name);
    }
    expect(await notices(applicant.accountId)).toEqual([]);
    expect(await prisma.teamMembership.count({ where: { volunteerId: applicant.id, status: "PENDING" } })).toBe(1);
  });

  it("the leader's removal tells the applicant once; a second removal is refused and tells nothing", async () => {
    const { s, leader, applicant, input } = await application();
    expect((await gql(app, REMOVE, { input }, leader.token)).data!.removeTeamMember.userErrors).toEqual([]);
    const again = await gql(app, REMOVE, { input }, s.officer.token);
    expect(again.data!.removeTeamMember.userErrors[0].code).toBe("NOT_FOUND");
    const told = await notices(applicant.accountId);
    expect(told).toHaveLength(1);
    expect(told[0]!.title).toMatch(/^[\u4e00-\u9fff]/);
    expect(await prisma.notification.count({ where: { accountId: leader.accountId } })).toBe(0);
  });

  it("queued behind an approval (the person's lock), the removal ends an ACTIVE membership: no rejection notice", async () => {
    const { s, leader, applicant, input } = await application();
    const m = await prisma.teamMembership.findFirstOrThrow({ where: { volunteerId: applicant.id } });
    const APPROVE = `mutation ($input: ApproveMembershipInput!) { approveMembership(input: $input) { userErrors { code } } }`;
    const lock = await holdRowLock("Volunteer", applicant.id);
    let approved, removed;
    try {
      const a = gql(app, APPROVE, { input: { membershipId: gid("TeamMembership", m.id) } }, s.officer.token);
      await lock.waiters(1);
      const r = gql(app, REMOVE, { input }, leader.token);
      await lock.waiters(2);
      await lock.release();
      [approved, removed] = await Promise.all([a, r]);
    } finally {
      await lock.release();
    }
    expect(approved!.data!.approveMembership.userErrors).toEqual([]);
    expect(removed!.data!.removeTeamMember.userErrors).toEqual([]);
    expect(await notices(applicant.accountId)).toEqual([]);
    expect(await prisma.notification.count({ where: { accountId: applicant.accountId, kind: "MEMBERSHIP_APPROVED" } })).toBe(1);
  });

  it("queued behind a rejection, the removal finds nothing (NOT_FOUND): one notice only", async () => {
    const { s, leader, applicant, input } = await application();
    const m = await prisma.teamMembership.findFirstOrThrow({ where: { volunteerId: applicant.id } });
    const REJECT = `mutation ($input: RejectMembershipInput!) { rejectMembership(input: $input) { userErrors { code } } }`;
    const lock = await holdRowLock("Volunteer", applicant.id);
    let rejected, removed;
    try {
      const a = gql(app, REJECT, { input: { membershipId: gid("TeamMembership", m.id), reason: "名额已满" } }, s.officer.token);
      await lock.waiters(1);
      const r = gql(app, REMOVE, { input }, leader.token);
      await lock.waiters(2);
      await lock.release();
      [rejected, removed] = await Promise.all([a, r]);
    } finally {
      await lock.release();
    }
    expect(rejected!.data!.rejectMembership.userErrors).toEqual([]);
    expect(removed!.data!.removeTeamMember.userErrors.map((e: { code: string }) => e.code)).toEqual(["NOT_FOUND"]);
    expect(await notices(applicant.accountId)).toHaveLength(1);
  });

  it("an ACTIVE member removed is not told their application was not approved", async () => {
    const s = await createStation();
    const member = await createVolunteer({ teamId: s.team.id });
    const r = await gql(app, REMOVE, { input: { teamId: gid("Team", s.team.id), volunteerId: gid("Volunteer", member.id) } }, s.officer.token);
    expect(r.data!.removeTeamMember.userErrors).toEqual([]);
    expect(await notices(member.accountId)).toEqual([]);
  });
});

describe("Vary: Origin on /graphql", () => {
  it("keeps a Vary already there, `*` and any case of Origin", () => {
    expect(withVaryOrigin(undefined)).toBe("Origin");
    expect(withVaryOrigin("Accept-Encoding")).toBe("Accept-Encoding, Origin");
    expect(withVaryOrigin("ORIGIN, accept-encoding")).toBe("ORIGIN, accept-encoding");
    expect(withVaryOrigin("*")).toBe("*");
  });

  it("GET, a preflight of an unlisted origin, `null`, and a listed origin's answer all vary on Origin", async () => {
    const saved = config.corsOrigins;
    config.corsOrigins = ["https://a.linshe.example", "https://b.linshe.example"];
    try {
      const q = encodeURIComponent(`{ __typename }`);
      const get = await fetch(`${app.url}/graphql?query=${q}`, { headers: { origin: "https://b.linshe.example", "x-graphql-yoga-csrf": "1" } });
      expect(get.headers.get("access-control-allow-origin")).toBe("https://b.linshe.example");
      expect(get.headers.get("vary")).toMatch(/\borigin\b/i);
      for (const origin of ["null", "https://c.linshe.example"]) {
        const pre = await fetch(`${app.url}/graphql`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST" } });
        expect(pre.status, origin).toBe(403);
        expect(pre.headers.get("access-control-allow-origin"), origin).toBeNull();
        expect(pre.headers.get("vary"), origin).toMatch(/^origin$/i);
      }
      // a cached public answer is answered with the CORS headers of the origin asking now
      const s = await createStation();
      const BOARD = `query ($s: ID!) { commendationBoard(stationId: $s, first: 5) { edges { node { id } } } }`;
      const board = (origin: string) => fetch(`${app.url}/graphql`, { method: "POST", headers: { origin, "content-type": "application/json" }, body: JSON.stringify({ query: BOARD, variables: { s: gid("Station", s.station.id) } }) });
      await board("https://a.linshe.example");
      const hits = publicCacheStats.hits;
      const b = await board("https://b.linshe.example");
      expect(publicCacheStats.hits).toBe(hits + 1);
      expect(b.headers.get("access-control-allow-origin")).toBe("https://b.linshe.example");
      expect(b.headers.get("vary")).toMatch(/\borigin\b/i);
      // no Origin: no CORS header, still Vary (a cache must not hand it to a page)
      const none = await fetch(`${app.url}/graphql?query=${q}`, { headers: { "x-graphql-yoga-csrf": "1" } });
      expect(none.headers.get("access-control-allow-origin")).toBeNull();
      expect(none.headers.get("vary")).toMatch(/\borigin\b/i);
    } finally {
      config.corsOrigins = saved;
    }
  });
});

describe("Vary: Origin on the answers made before yoga (session 22)", () => {
  /** A raw request (fetch would not send a Host that makes no URL). */
  const raw = (head: string) =>
    new Promise<{ status: number; vary: string | undefined }>((resolve, reject) => {
      const socket = net.connect(app.port, "127.0.0.1", () => socket.end(`${head}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`));
      let text = "";
      socket.on("data", (d) => (text += d));
      socket.on("error", reject);
      socket.on("end", () => resolve({ status: Number(text.split(" ")[1]), vary: /\r\nvary: ([^\r]*)/i.exec(text)?.[1] }));
    });

  it("the 400 of a bad Host, the 503 before ready and the 500 of a handler that threw", async () => {
    const bad = await raw("POST /graphql HTTP/1.1\r\nHost: a b");
    expect(bad).toEqual({ status: 400, vary: "Origin" });
    const phase = lifecycle.phase;
    lifecycle.phase = "migrating";
    try {
      const early = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", origin: app.url }, body: "{}" });
      expect(early.status).toBe(503);
      expect(early.headers.get("vary")).toBe("Origin");
    } finally {
      lifecycle.phase = phase;
    }
    const server = http.createServer((_req, res) => failed(res, new Error("a handler's bug")));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const r = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`);
      expect(r.status).toBe(500);
      expect(r.headers.get("vary")).toBe("Origin");
      expect(await r.json()).toEqual({ errors: [{ message: "Unexpected error." }] });
    } finally {
      server.close();
    }
  });
});

describe("the public board's one-JSON page", () => {
  const BOARD = `query ($s: ID!, $first: Int = 10, $after: String, $before: String, $last: Int) { commendationBoard(stationId: $s, first: $first, after: $after, before: $before, last: $last) {
    edges { node { id displayName legalName } } pageInfo { startCursor endCursor } } }`;
  const edition = publishedEdition;

  it("legal names only with consent; withdrawn editions and other stations never; foreign cursors and odd ids", async () => {
    const [a, b] = [await createStation(), await createStation()];
    const [shy, proud] = [await createVolunteer({ teamId: a.team.id }), await createVolunteer({ teamId: a.team.id })];
    await prisma.volunteer.update({ where: { id: proud.id }, data: { showLegalNameOnBoard: true } });
    const hidden = await createVolunteer({ teamId: a.team.id });
    await edition(a, [hidden], true); // withdrawn
    await edition(a, [shy, proud]);
    const stranger = await createVolunteer({ teamId: b.team.id });
    await edition(b, [stranger]);

    const page = await gql(app, BOARD, { s: gid("Station", a.station.id) });
    expect(page.errors).toBeUndefined();
    const vols = page.data!.commendationBoard.edges.map((e: any) => ({ displayName: e.node.displayName, legalName: e.node.legalName }));
    expect(vols).toEqual([
      { displayName: shy.displayName, legalName: null },
      { displayName: proud.displayName, legalName: proud.name },
    ]);
    expect(JSON.stringify(page)).not.toContain(hidden.displayName);
    expect(JSON.stringify(page)).not.toContain(shy.name);

    // upper-case uuid: the same board; not a uuid, another type's id: a clear client error
    const upper = await gql(app, BOARD, { s: gid("Station", a.station.id.toUpperCase()) });
    expect(upper.data!.commendationBoard.edges).toEqual(page.data!.commendationBoard.edges);
    for (const s of [gid("Station", "not-a-uuid"), gid("Team", a.team.id), a.station.id, "%%"]) {
      const bad = await gql(app, BOARD, { s });
      expect(bad.errors?.[0]?.extensions?.code, s).toBe("BAD_USER_INPUT");
    }

    // a cursor of station B's entry on station A's board: the cursor error of every list, which tells
    // nothing of where B's entry sorts among A's, either way of paging; a cursor of no entry: empty
    const bPage = await gql(app, BOARD, { s: gid("Station", b.station.id) });
    const foreign = bPage.data!.commendationBoard.pageInfo.endCursor;
    expect(foreign).toBeTruthy();
    const ghost = Buffer.from(`GPC:S:${randomUUID()}`).toString("base64");
    const none = await gql(app, BOARD, { s: gid("Station", a.station.id), after: ghost });
    expect(none.errors).toBeUndefined();
    expect(none.data!.commendationBoard.edges).toEqual([]);
    for (const cursor of [foreign]) {
      for (const args of [{ after: cursor }, { first: null, before: cursor, last: 5 }]) {
        const crossed = await gql(app, BOARD, { s: gid("Station", a.station.id), ...args });
        expect(crossed.errors?.map((e) => [e.extensions?.code, e.message]), JSON.stringify(args)).toEqual([["BAD_USER_INPUT", "游标无效：不是这个列表的游标"]]);
        expect(JSON.stringify(crossed)).not.toContain(stranger.displayName);
      }
    }
    // B's cursor with its uuid in upper case is still B's entry: refused alike, never a database error
    const upperForeign = Buffer.from(Buffer.from(foreign, "base64").toString().toUpperCase().replace(/^GPC:S:/i, "GPC:S:")).toString("base64");
    const shouted = await gql(app, BOARD, { s: gid("Station", a.station.id), after: upperForeign });
    expect(shouted.errors?.map((e) => e.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
    // A's own cursor in upper case pages as the lower-case one
    const ownUpper = Buffer.from(Buffer.from(page.data!.commendationBoard.pageInfo.startCursor, "base64").toString().toUpperCase().replace(/^GPC:S:/i, "GPC:S:")).toString("base64");
    const fromUpper = await gql(app, BOARD, { s: gid("Station", a.station.id), after: ownUpper });
    expect(fromUpper.errors).toBeUndefined();
    expect(fromUpper.data!.commendationBoard.edges.map((e: any) => e.node.id)).toEqual(page.data!.commendationBoard.edges.slice(1).map((e: any) => e.node.id));
    // A's own last entry: the board's end, an empty page and no error; its first entry backwards likewise
    const { startCursor, endCursor } = page.data!.commendationBoard.pageInfo;
    const end = await gql(app, BOARD, { s: gid("Station", a.station.id), after: endCursor });
    expect(end.errors).toBeUndefined();
    expect(end.data!.commendationBoard.edges).toEqual([]);
    const top = await gql(app, BOARD, { s: gid("Station", a.station.id), first: null, before: startCursor, last: 5 });
    expect(top.errors).toBeUndefined();
    expect(top.data!.commendationBoard.edges).toEqual([]);
  });
});
