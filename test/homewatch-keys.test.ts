// 长假照看 sent twice: a double tap or a resend after an answer lost on a weak signal makes one request (with one
// confirmation code) and one visit; and the 30-day erasure leaves no address of the form's sender in the audit log.
import { readFile } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { eraseExpiredHomeWatch, limits, resetHomeWatchLimits } from "../api/src/modules/homewatch/homewatch.service.js";
import { startApp, type GqlResponse } from "./support/client.js";
import { pngPhoto, upload } from "./support/casework.js";
import { createAccount, createStation, createVolunteer, gid, rawId } from "./support/fixtures.js";
import { holdRowLock } from "./support/locks.js";
import { CLAIM } from "./support/shifts.js";

vi.hoisted(() => {
  // The sender's address comes from X-Forwarded-For here, so that the resident and the officer differ.
  process.env.TRUST_PROXY = "1";
});

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());
beforeEach(() => resetHomeWatchLimits());
afterEach(() => clock.reset());

const REQUEST = `mutation ($input: RequestHomeWatchInput!) { requestHomeWatch(input: $input) { confirmationCode status { status stationName } userErrors { code message field } } }`;
const STATUS = `query ($code: String!) { homeWatchStatus(code: $code) { status } }`;
const APPROVE = `mutation ($input: ApproveHomeWatchRequestInput!) { approveHomeWatchRequest(input: $input) { request { id shifts { id startsAt } } userErrors { code message field } } }`;
const LOG = `mutation ($input: LogHomeWatchVisitInput!) { logHomeWatchVisit(input: $input) { visit { id result note } userErrors { code message field } } }`;

let keys = 0;
const newKey = () => `hw-${process.pid}-${Date.now()}-${++keys}`;
const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();

/** A POST from a client address (through the trusted proxy). */
async function post(query: string, variables: Record<string, unknown>, opts: { token?: string | null; address?: string } = {}): Promise<GqlResponse> {
  const res = await fetch(`${app.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": opts.address ?? "198.51.100.20", ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GqlResponse;
}

const form = (stationId: string, over: Record<string, unknown> = {}) => ({
  stationId: gid("Station", stationId),
  name: "孙阿姨",
  phone: "13655557777",
  address: "越城区仓桥直街18号3幢201",
  awayFrom: days(1),
  awayTo: days(4),
  contactWhileAway: "儿子 13677770000",
  notes: "阳台有花",
  ...over,
});
type Answer = { confirmationCode: string | null; status: { status: string } | null; userErrors: { code: string; message: string; field: string[] }[] };
const ask = async (input: Record<string, unknown>, opts: { token?: string | null; address?: string } = {}) => (await post(REQUEST, { input }, opts)).data!.requestHomeWatch as Answer;

describe("home-watch request: the same form sent again", () => {
  it("two requests with one key at once make one request, both answered with it and its code; a later repeat too, and the limits count it once", async () => {
    const { station, officer } = await createStation();
    const input = form(station.id, { requestId: newKey() });
    // Both pass the check for an earlier request, then queue behind the station's row (the insert's key lock).
    const lock = await holdRowLock("Station", station.id);
    const both = [ask(input), ask(input)] as const;
    await lock.waiters(2);
    await lock.release();
    const [a, b] = await Promise.all(both);
    expect([a.userErrors, b.userErrors]).toEqual([[], []]);
    expect(a.confirmationCode).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(b.confirmationCode).toBe(a.confirmationCode);
    expect(b.status).toEqual({ status: "PENDING", stationName: station.name });
    const rows = await prisma.homeWatchRequest.findMany({ where: { stationId: station.id } });
    expect(rows).toHaveLength(1);
    expect(await prisma.auditEntry.count({ where: { action: "homeWatch.request", targetId: rows[0]!.id } })).toBe(1);
    expect(await prisma.notification.count({ where: { accountId: officer.accountId, kind: "HOME_WATCH_REQUESTED" } })).toBe(1);

    // The answer was lost: the same form later gets the same code, which finds the request.
    const again = await ask(input);
    expect(again.userErrors).toEqual([]);
    expect(again.confirmationCode).toBe(a.confirmationCode);
    expect((await post(STATUS, { code: a.confirmationCode })).data!.homeWatchStatus).toEqual({ status: "PENDING" });
    expect(await prisma.homeWatchRequest.count({ where: { stationId: station.id } })).toBe(1);

    // One phone may ask three times a day: the pair and the repeat were one, so two more pass and the next is refused.
    for (const notes of ["第二份", "第三份"]) expect((await ask(form(station.id, { notes, requestId: newKey() }))).userErrors).toEqual([]);
    expect((await ask(form(station.id, { notes: "第四份", requestId: newKey() }))).userErrors[0]?.code).toBe("RATE_LIMITED");
  });

  it("the key reused for another request is a CONFLICT said in Chinese; at another station it is that station's own; a malformed key is refused", async () => {
    const { station } = await createStation();
    const requestId = newKey();
    const input = form(station.id, { requestId });
    const first = await ask(input);
    expect(first.userErrors).toEqual([]);
    for (const change of [{ address: "越城区仓桥直街20号" }, { awayTo: days(5) }, { phone: "13655558888" }, { notes: null }]) {
      const reused = await ask({ ...input, ...change });
      expect(reused.userErrors, JSON.stringify(change)).toEqual([{ code: "CONFLICT", message: "该请求编号已用于另一份申请", field: ["input", "requestId"] }]);
      expect(reused.confirmationCode).toBeNull();
    }
    expect(await prisma.homeWatchRequest.count({ where: { stationId: station.id } })).toBe(1);

    const other = await createStation();
    const there = await ask(form(other.station.id, { requestId }));
    expect(there.userErrors).toEqual([]);
    expect(there.confirmationCode).not.toBe(first.confirmationCode);
    expect(await prisma.homeWatchRequest.count({ where: { stationId: other.station.id } })).toBe(1);

    // A repeat answers the code, so it counts as a status look-up: a copied key cannot be tried phone after phone.
    while (limits.lookups.consume("addr:203.0.113.90").allowed);
    expect((await ask(input, { address: "203.0.113.90" })).userErrors[0]?.code).toBe("RATE_LIMITED");
    const other91 = await ask(input, { address: "203.0.113.91" });
    expect(other91.userErrors).toEqual([]);
    expect(other91.confirmationCode).toBe(first.confirmationCode);

    const bad = await ask(form(station.id, { requestId: "短" }));
    expect(bad.userErrors[0]).toMatchObject({ code: "VALIDATION", field: ["input", "requestId"] });
  });
});

describe("home-watch visit: the same log sent again", () => {
  /** A station whose officer approved a request; `visitor` is on its first visit's shift, which has begun. */
  async function onVisit() {
    const { station, officer, team } = await createStation();
    const visitor = await createVolunteer({ teamId: team.id });
    expect((await ask(form(station.id))).userErrors).toEqual([]);
    const row = await prisma.homeWatchRequest.findFirstOrThrow({ where: { stationId: station.id } });
    const approved = await post(APPROVE, { input: { requestId: gid("HomeWatchRequest", row.id) } }, { token: officer.token });
    const shift = approved.data!.approveHomeWatchRequest.request.shifts[0] as { id: string; startsAt: string };
    expect((await post(CLAIM, { input: { shiftId: shift.id } }, { token: visitor.token })).data!.claimShift.userErrors).toEqual([]);
    clock.advance(new Date(shift.startsAt).getTime() - Date.now() + 60_000);
    return { station, officer, visitor, row, shift };
  }
  const log = async (input: Record<string, unknown>, token: string) => (await post(LOG, { input }, { token })).data!.logHomeWatchVisit as { visit: { id: string } | null; userErrors: unknown[] };

  it("two logs with one key at once make one visit and one notice of the problem, both answered with it; the key for another visit is a CONFLICT; another account's key is its own", async () => {
    const { officer, visitor, row, shift } = await onVisit();
    const input = { shiftId: shift.id, result: "PROBLEM", note: "门口有陌生人徘徊", requestId: newKey() };
    const lock = await holdRowLock("Shift", rawId(shift.id));
    const both = [log(input, visitor.token), log(input, visitor.token)] as const;
    await lock.waiters(2);
    await lock.release();
    const [a, b] = await Promise.all(both);
    expect([a.userErrors, b.userErrors]).toEqual([[], []]);
    expect(b.visit!.id).toBe(a.visit!.id);
    expect(await prisma.homeWatchVisit.count({ where: { requestId: row.id } })).toBe(1);
    expect(await prisma.notification.count({ where: { accountId: officer.accountId, kind: "HOME_WATCH_PROBLEM" } })).toBe(1);
    // Later, as after a lost answer: the same visit.
    expect((await log(input, visitor.token)).visit!.id).toBe(a.visit!.id);

    for (const change of [{ note: "门口有人徘徊，已劝离" }, { result: "ALL_FINE" }]) {
      const reused = await log({ ...input, ...change }, visitor.token);
      expect(reused.userErrors, JSON.stringify(change)).toEqual([{ code: "CONFLICT", message: "该请求编号已用于另一条照看记录", field: ["input", "requestId"] }]);
      expect(reused.visit).toBeNull();
    }
    // The officer's app made the same key by chance: the officer's own visit.
    const officers = await log(input, officer.token);
    expect(officers.userErrors).toEqual([]);
    expect(officers.visit!.id).not.toBe(a.visit!.id);
    expect(await prisma.homeWatchVisit.count({ where: { requestId: row.id } })).toBe(2);
  });

  it("a visit with a photo sent again is one visit with one photo", async () => {
    const { visitor, row, shift } = await onVisit();
    const input = { shiftId: shift.id, result: "ALL_FINE", note: "门窗完好", photo: null, requestId: newKey() };
    const photo = await pngPhoto();
    const send = async () => (await upload(app, LOG, { input }, [{ path: "variables.input.photo", data: photo, name: "ok.png", type: "image/png" }], visitor.token)).body.data!.logHomeWatchVisit;
    const first = await send();
    expect(first.userErrors).toEqual([]);
    expect((await send()).visit.id).toBe(first.visit.id);
    const visits = await prisma.homeWatchVisit.findMany({ where: { requestId: row.id }, select: { id: true } });
    expect(visits).toHaveLength(1);
    expect(await prisma.photo.count({ where: { visitId: visits[0]!.id } })).toBe(1);
  });
});

describe("home-watch erasure: the audit log", () => {
  it("after the erasure no audit entry of the request holds the sender's address or account; the officer's decision keeps the officer's", async () => {
    const { station, officer } = await createStation();
    const signedIn = await createAccount({ role: "OFFICER", stationId: (await createStation()).station.id });
    // One sender without an account, one signed in (an officer of another station asking for their own home).
    expect((await ask(form(station.id), { address: "203.0.113.77" })).userErrors).toEqual([]);
    expect((await ask(form(station.id, { phone: "13655559999" }), { address: "203.0.113.78", token: signedIn.token })).userErrors).toEqual([]);
    const rows = await prisma.homeWatchRequest.findMany({ where: { stationId: station.id }, orderBy: { phone: "asc" } });
    const approved = await post(APPROVE, { input: { requestId: gid("HomeWatchRequest", rows[0]!.id) } }, { token: officer.token, address: "198.51.100.9" });
    expect(approved.data!.approveHomeWatchRequest.userErrors).toEqual([]);
    const entries = () => prisma.auditEntry.findMany({ where: { targetType: "HomeWatchRequest", targetId: { in: rows.map((r) => r.id) } }, orderBy: { id: "asc" } });
    expect((await entries()).map((e) => [e.action, e.clientAddress])).toEqual([
      ["homeWatch.request", "203.0.113.77"],
      ["homeWatch.request", "203.0.113.78"],
      ["homeWatch.approve", "198.51.100.9"],
    ]);
    expect((await entries())[1]!.actorId).toBe(signedIn.accountId);

    await eraseExpiredHomeWatch(new Date(rows[0]!.awayTo.getTime() + 31 * 86_400_000));
    const after = await entries();
    expect(after.filter((e) => e.clientAddress === "203.0.113.77" || e.clientAddress === "203.0.113.78")).toEqual([]);
    expect(after.filter((e) => e.action === "homeWatch.request").map((e) => [e.clientAddress, e.actorId])).toEqual([
      [null, null],
      [null, null],
    ]);
    expect(after.find((e) => e.action === "homeWatch.approve")).toMatchObject({ clientAddress: "198.51.100.9", actorId: officer.accountId });
  });

  it("the migration blanks the entries of requests erased before the erasure did so itself", async () => {
    const { station } = await createStation();
    expect((await ask(form(station.id), { address: "203.0.113.79" })).userErrors).toEqual([]);
    const row = await prisma.homeWatchRequest.findFirstOrThrow({ where: { stationId: station.id } });
    const pending = await createStation();
    expect((await ask(form(pending.station.id), { address: "203.0.113.80" })).userErrors).toEqual([]);
    const kept = await prisma.homeWatchRequest.findFirstOrThrow({ where: { stationId: pending.station.id } });
    // Erased as the sweeper did before: the request's fields only.
    await prisma.homeWatchRequest.update({ where: { id: row.id }, data: { name: "", phone: "", address: "", contactWhileAway: "", notes: "", erasedAt: new Date() } });
    const sql = await readFile(new URL("../prisma/migrations/20261128045100_home_watch_erased_audit_senders/migration.sql", import.meta.url), "utf8");
    await prisma.$executeRawUnsafe(sql);
    const entry = (id: string) => prisma.auditEntry.findFirstOrThrow({ where: { action: "homeWatch.request", targetId: id } });
    expect((await entry(row.id)).clientAddress).toBeNull();
    // A request not yet erased keeps its entry whole.
    expect((await entry(kept.id)).clientAddress).toBe("203.0.113.80");
  });
});
