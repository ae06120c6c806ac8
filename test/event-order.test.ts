// The patrol log follows commit order, and every wait on the database is bounded.
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";

vi.hoisted(() => {
  // Read by api/src/config.ts when the app is imported below.
  process.env.DATABASE_LOCK_TIMEOUT_MS = "2000";
  process.env.DATABASE_POOL_SIZE = "4";
  process.env.DATABASE_POOL_TIMEOUT_MS = "1000";
});

import pg from "pg";
import type { App } from "../api/src/app.js";
import { dropDatabase, ensureDatabase, withDatabase } from "../api/src/infra/postgres.js";
import { metrics } from "../api/src/metrics.js";
import { installCommitGate, type CommitGate } from "./support/commit-gate.js";
import { gql, signIn, startApp, subscribe, wsClient } from "./support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";
import { CHECK_IN, CLAIM, inMinutes, publishShift, teamGid, tokensFor } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let leader: string;
let officer: string;
let gate: CommitGate;

beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  gate = await installCommitGate(process.env.DATABASE_URL!);
});
afterAll(async () => {
  await gate?.close();
  await app?.stop();
});

const WATCH = `subscription ($stationId: ID!, $since: String) { patrolCheckIns(stationId: $stationId, since: $since) { cursor kind claim { id } } }`;
const LOG = `query ($id: ID!) { node(id: $id) { ... on Station { patrolLog(first: 1) { edges { node { cursor } } } } } }`;
const claimOf = (r: { data?: Record<string, any> }) => r.data!.patrolCheckIns.claim.id as string;
/** The database id inside a Relay global ID. */
const dbId = (globalId: string) => Buffer.from(globalId, "base64").toString().split(":")[1]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A shift starting soon with one claim per phone; returns the claim ids. */
async function claims(phones: string[], minutes: number): Promise<string[]> {
  const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(minutes), endsAt: inMinutes(minutes + 60), capacity: 5 });
  const tokens = await tokensFor(phones);
  const ids: string[] = [];
  for (const p of phones) {
    const r = await gql(app, CLAIM, { input: { shiftId: shift.id } }, tokens.get(p));
    ids.push(r.data!.claimShift.claim.id);
  }
  return ids;
}

describe("patrol log in commit order", () => {
  it("a check-in whose commit is delayed reaches a dashboard that reconnected in between, and one that stayed, once each", async () => {
    // Two shifts: a check-in holds its shift's row lock until it commits.
    const [slowClaim] = await claims(["13800000150"], 10);
    const [fastClaim] = await claims(["13800000151"], 15);
    const stationId = gid("Station", demo.fushan.id);

    // Dashboards open as the web app does: the log's newest cursor, then the live feed from it.
    const log = await gql(app, LOG, { id: stationId }, officer);
    let last: string = log.data!.node.patrolLog.edges[0]?.node.cursor ?? "0";
    const stayingWs = wsClient(app, officer);
    const staying = subscribe(stayingWs, WATCH, { stationId, since: last });
    const ws1 = wsClient(app, officer);
    const first = subscribe(ws1, WATCH, { stationId, since: last });
    await Promise.all([staying.ready, first.ready]); // both listen before the check-ins

    await gate.hold([dbId(slowClaim!)]);
    const slow = gql(app, CHECK_IN, { input: { claimId: slowClaim, method: "LEADER" } }, leader);
    await gate.waiting(1); // inserted its event, holds its transaction open at the commit
    const fast = await gql(app, CHECK_IN, { input: { claimId: fastClaim, method: "LEADER" } }, leader);
    expect(fast.data!.checkIn.userErrors).toEqual([]);
    // An id-ordered feed hands out the later id at once; give it the time to.
    await sleep(500);
    for (const r of first.results) last = r.data!.patrolCheckIns.cursor;
    const seenBefore = first.results.map(claimOf);
    await ws1.dispose(); // the dashboard drops off …

    await gate.release();
    expect((await slow).data!.checkIn.userErrors).toEqual([]);

    const ws2 = wsClient(app, officer); // … and comes back with its last cursor
    const resumed = subscribe(ws2, WATCH, { stationId, since: last });
    await resumed.waitFor(2 - seenBefore.length, 10_000);
    await staying.waitFor(2, 10_000);
    await sleep(300); // nothing more arrives
    expect([...seenBefore, ...resumed.results.map(claimOf)].sort()).toEqual([slowClaim, fastClaim].sort());
    expect(staying.results.map(claimOf).sort()).toEqual([slowClaim, fastClaim].sort());
    await Promise.all([ws2.dispose(), stayingWs.dispose()]);
  });

  it("still accepts a plain numeric cursor (issued before positions): everything after that event id", async () => {
    const [a, b] = await claims(["13800000152", "13800000153"], 20);
    await gql(app, CHECK_IN, { input: { claimId: a, method: "LEADER" } }, leader);
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    const { rows } = await client.query<{ id: string }>(`SELECT id::text FROM "PatrolEvent" WHERE "claimId" = $1`, [dbId(a!)]).finally(() => client.end());
    await gql(app, CHECK_IN, { input: { claimId: b, method: "LEADER" } }, leader);
    const ws = wsClient(app, officer);
    const feed = subscribe(ws, WATCH, { stationId: gid("Station", demo.fushan.id), since: rows[0]!.id });
    await feed.waitFor(1, 10_000);
    await sleep(300);
    expect(feed.results.map(claimOf)).toEqual([b]);
    await ws.dispose();
  });

  it("refuses a malformed cursor", async () => {
    const ws = wsClient(app, officer);
    const feed = subscribe(ws, WATCH, { stationId: gid("Station", demo.fushan.id), since: "not a cursor" });
    const [r] = await feed.waitFor(1);
    expect(r!.errors![0]!.extensions!.code).toBe("BAD_USER_INPUT");
    await ws.dispose();
  });

  it("a transaction left open in another database of the same server holds nothing back here: live, log and inbox", async () => {
    // xids are cluster-wide; only this database's transactions can still commit rows of these tables.
    const other = `${new URL(process.env.DATABASE_URL!).pathname.slice(1)}_other`;
    await ensureDatabase(inject("adminUrl"), other);
    const elsewhere = new pg.Client({ connectionString: withDatabase(inject("adminUrl"), other) });
    await elsewhere.connect();
    try {
      await elsewhere.query("BEGIN");
      await elsewhere.query("SELECT pg_current_xact_id()"); // holds an xid until the end of this test
      const [claim] = await claims(["13800000154"], 25);
      const stationId = gid("Station", demo.fushan.id);
      const ws = wsClient(app, officer);
      const feed = subscribe(ws, WATCH, { stationId });
      await feed.ready;
      expect((await gql(app, CHECK_IN, { input: { claimId: claim, method: "LEADER" } }, leader)).data!.checkIn.userErrors).toEqual([]);
      await feed.waitFor(1, 10_000);
      expect(feed.results.map(claimOf)).toEqual([claim]);
      const log = await gql(app, LOG, { id: stationId }, officer);
      expect(log.data!.node.patrolLog.edges[0].node.cursor).toBe(feed.results[0]!.data!.patrolCheckIns.cursor);
      const bulletin = await gql(app, `mutation ($input: PublishBulletinInput!) { publishBulletin(input: $input) { bulletin { id } userErrors { code } } }`, { input: { stationId, title: "跨库事务不挡通知", body: "……", category: "CASE_ALERT", audience: { wholeStation: true } } }, officer);
      expect(bulletin.data!.publishBulletin.userErrors).toEqual([]);
      const inbox = await gql(app, `{ viewer { notifications(first: 5) { edges { node { subjectId } } } } }`, {}, leader);
      expect(inbox.data!.viewer.notifications.edges.map((e: any) => e.node.subjectId)).toContain(bulletin.data!.publishBulletin.bulletin.id);
      await ws.dispose();
    } finally {
      await elsewhere.end();
      await dropDatabase(inject("adminUrl"), other);
    }
  });
});

const unavailableCount = async (reason: string) => (await metrics.unavailable.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;

describe("bounded waits", () => {
  it("a claim behind a row lock held from outside answers a clean retryable 503 after lock_timeout; /livez answers meanwhile", async () => {
    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(300), endsAt: inMinutes(360), capacity: 20 });
    const phones = Array.from({ length: 3 }, (_, i) => String(13800000160 + i));
    const tokens = await tokensFor(phones);
    const before = await unavailableCount("lock_timeout");
    const outside = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await outside.connect();
    await outside.query("BEGIN");
    await outside.query(`SELECT id FROM "Shift" WHERE id = $1 FOR UPDATE`, [dbId(shift.id)]);
    try {
      let settled = 0;
      const claimsInFlight = phones.map(async (p) => {
        const res = await fetch(`${app.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${tokens.get(p)}` },
          body: JSON.stringify({ query: CLAIM, variables: { input: { shiftId: shift.id } } }),
        });
        settled++;
        return { status: res.status, retryAfter: res.headers.get("retry-after"), body: (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] } };
      });
      const live = await fetch(`${app.url}/livez`);
      expect(live.status).toBe(200);
      expect(settled).toBe(0); // answered while every claim still waits for the lock
      for (const r of await Promise.all(claimsInFlight)) {
        expect(r.status).toBe(503);
        expect(r.retryAfter).toBe("5");
        expect(r.body.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([["SERVICE_UNAVAILABLE", "服务繁忙，请稍后重试"]]);
      }
      expect((await unavailableCount("lock_timeout")) - before).toBe(phones.length); // lock_timeout ended each wait, not a later timeout
    } finally {
      await outside.query("ROLLBACK");
      await outside.end();
    }
    const after = await gql(app, CLAIM, { input: { shiftId: shift.id } }, tokens.get(phones[0]!));
    expect(after.data!.claimShift.claim.status).toBe("CONFIRMED");
  });
  it("a saturated pool answers 503 after the pool timeout, while /livez and /readyz (own connection) answer", async () => {
    // Every connection of the pool (4 here) held by a check-in waiting at its commit.
    const phones = ["13800000180", "13800000181", "13800000182", "13800000183"];
    const held: string[] = [];
    for (const [i, p] of phones.entries()) held.push(...(await claims([p], 25 + i)));
    await gate.hold(held.map(dbId));
    const checkIns = held.map((claimId) => gql(app, CHECK_IN, { input: { claimId, method: "LEADER" } }, leader));
    try {
      await gate.waiting(held.length);
      const before = await unavailableCount("pool_timeout");
      const res = await fetch(`${app.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${officer}` },
        body: JSON.stringify({ query: "query { viewer { accountId } }" }),
        signal: AbortSignal.timeout(20_000), // an unbounded wait fails here, not at the test's timeout
      });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("SERVICE_UNAVAILABLE");
      expect((await unavailableCount("pool_timeout")) - before).toBe(1);
      expect((await fetch(`${app.url}/livez`)).status).toBe(200);
      expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    } finally {
      await gate.release();
    }
    for (const r of await Promise.all(checkIns)) expect(r.data!.checkIn.userErrors).toEqual([]); // held, not cut
  });
});
