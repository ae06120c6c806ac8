// Several API processes serve one station: events travel through a real Redis.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { prisma } from "../api/src/db.js";
import { gql, signIn, subscribe, wsClient } from "./support/client.js";
import { createVolunteers, DEMO_PHONES, gid, rawId, seedDemoData } from "./support/fixtures.js";
import { redisListening, startApiProcess, startRedis, type Proc } from "./support/processes.js";
import { CHECK_IN, CLAIM, inMinutes, publishShift, teamGid, tokensFor } from "./support/shifts.js";

let redis: Proc;
let a: Proc;
let b: Proc;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
const asApp = (p: Proc) => ({ url: p.url, port: Number(new URL(p.url).port), stop: p.stop }) as App;

beforeAll(async () => {
  demo = await seedDemoData();
  redis = await startRedis();
  [a, b] = await Promise.all([
    startApiProcess({ DATABASE_URL: process.env.DATABASE_URL!, REDIS_URL: redis.url }),
    startApiProcess({ DATABASE_URL: process.env.DATABASE_URL!, REDIS_URL: redis.url }),
  ]);
  // Each process listens on one Redis channel per topic from its start (api/src/pubsub.ts): with both
  // subscribed, an acknowledged subscription hears events published on the other process.
  await redisListening(redis.url, ["publicBoardChanged", "shiftUpdated", "commendationBoardUpdated", "streamHint"].map((t) => `linshe:${t}`), 2);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
});

describe("two API processes on one Redis", () => {
  it("a check-in made on one process reaches a patrol watch subscribed on the other", async () => {
    const appA = asApp(a);
    const appB = asApp(b);
    const leader = await signIn(appA, DEMO_PHONES.haolinsheLeader);
    const officer = await signIn(appB, DEMO_PHONES.fushanOfficer);
    const [volunteer, other] = await createVolunteers(2, { teamId: demo.haolinshe.id });
    const { shift } = await publishShift(appA, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(10), endsAt: inMinutes(70) });
    const claimed = await gql(appA, CLAIM, { input: { shiftId: shift.id } }, volunteer!.token);
    const claimId = claimed.data!.claimShift.claim.id;

    const ws = wsClient(appB, officer);
    const watch = subscribe(ws, `subscription ($s: ID!) { patrolCheckIns(stationId: $s) { kind claim { volunteer { displayName } } } }`, {
      s: gid("Station", demo.fushan.id),
    });
    const board = subscribe(ws, `subscription ($id: ID!) { shiftUpdated(shiftId: $id) { seatsTaken } }`, { id: shift.id });
    await Promise.all([watch.ready, board.ready]);

    const res = await gql(appA, CHECK_IN, { input: { claimId, method: "QR", code: shift.postCode } }, volunteer!.token);
    expect(res.data!.checkIn.userErrors).toEqual([]);
    const [event] = await watch.waitFor(1, 10_000);
    expect(event!.data!.patrolCheckIns).toEqual({ kind: "CHECKED_IN", claim: { volunteer: { displayName: volunteer!.displayName } } });

    await gql(appA, CLAIM, { input: { shiftId: shift.id } }, other!.token);
    const [seats] = await board.waitFor(1, 10_000);
    expect(seats!.data!.shiftUpdated.seatsTaken).toBe(2);
    await ws.dispose();
  });

  it("a process answers repeated anonymous board reads from its cache, and drops it when an edition is published on the other", async () => {
    const appA = asApp(a);
    const appB = asApp(b);
    const leader = await signIn(appA, DEMO_PHONES.haolinsheLeader);
    const officer = await signIn(appA, DEMO_PHONES.fushanOfficer);
    const s = gid("Station", demo.fushan.id);
    const [volunteer] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    const commend = async (title: string) => {
      const submitted = await gql(appA, `mutation ($input: SubmitGoodDeedInput!) { submitGoodDeed(input: $input) { goodDeed { id } userErrors { code } } }`, {
        input: { teamId: teamGid(demo.haolinshe.id), volunteerId: gid("Volunteer", volunteer!.id), category: "HELPING_ELDERLY", title, story: "……", occurredAt: inMinutes(-120) },
      }, leader);
      const approved = await gql(appA, `mutation ($input: ApproveGoodDeedInput!) { approveGoodDeed(input: $input) { goodDeed { commendation { id } } userErrors { code } } }`, {
        input: { goodDeedId: submitted.data!.submitGoodDeed.goodDeed.id },
      }, officer);
      return approved.data!.approveGoodDeed.goodDeed.commendation.id as string;
    };
    const publish = async (title: string, commendationId: string) => {
      const res = await gql(appA, `mutation ($input: PublishCommendationBoardInput!) { publishCommendationBoard(input: $input) { edition { id } userErrors { code } } }`, {
        input: { teamId: teamGid(demo.haolinshe.id), title, commendationIds: [commendationId] },
      }, leader);
      expect(res.data!.publishCommendationBoard.userErrors).toEqual([]);
      return res.data!.publishCommendationBoard.edition.id as string;
    };
    const BOARD = `query ($s: ID!) { commendationBoard(stationId: $s, first: 5) { edges { node { title editionTitle } } } }`;
    const top = async (token?: string) => (await gql(appB, BOARD, { s }, token)).data!.commendationBoard.edges[0].node;

    // The screen on B hears of each edition after B has dropped its cached answers (the cache's
    // event comes first on the same Redis connection): it tells when B's cache has settled.
    const screen = wsClient(appB, null);
    const live = subscribe(screen, `subscription ($s: ID!) { commendationBoardUpdated(stationId: $s) { title } }`, { s });
    await live.ready;
    const [c1, c2] = [await commend("雨中送老人回家"), await commend("帮邻居找回走失的狗")];
    const first = await publish("跨进程表扬榜一", c1);
    await live.waitFor(1, 10_000);

    expect(await top()).toEqual({ title: "雨中送老人回家", editionTitle: "跨进程表扬榜一" }); // B reads and caches it
    // Changed behind the cache's back (no event): B's anonymous answer is the cached one; a
    // signed-in read on B, never cached, sees the database.
    await prisma.boardEdition.update({ where: { id: rawId(first) }, data: { title: "悄悄改过的标题" } });
    expect(await top()).toEqual({ title: "雨中送老人回家", editionTitle: "跨进程表扬榜一" });
    expect((await top(officer)).editionTitle).toBe("悄悄改过的标题");

    // An edition published on A drops B's cached answers.
    await publish("跨进程表扬榜二", c2);
    const events = await live.waitFor(2, 10_000);
    expect(events[1]!.data!.commendationBoardUpdated.title).toBe("跨进程表扬榜二");
    const after = (await gql(appB, BOARD, { s })).data!.commendationBoard.edges.map((e: any) => e.node);
    expect(after.slice(0, 2)).toEqual([
      { title: "帮邻居找回走失的狗", editionTitle: "跨进程表扬榜二" },
      { title: "雨中送老人回家", editionTitle: "悄悄改过的标题" },
    ]);
    await screen.dispose();
  });
  it("Redis killed and restarted during check-ins: both processes stay up, a dashboard that stayed connected gets every check-in once", async () => {
    const appA = asApp(a);
    const appB = asApp(b);
    const leader = await signIn(appA, DEMO_PHONES.haolinsheLeader);
    const officer = await signIn(appB, DEMO_PHONES.fushanOfficer);
    const phones = ["13800000121", "13800000122", "13800000123", "13800000124", "13800000125"];
    const tokens = await tokensFor(phones);
    const { shift } = await publishShift(appA, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(20), endsAt: inMinutes(80) });
    const claimIds: string[] = [];
    for (const p of phones) claimIds.push((await gql(appA, CLAIM, { input: { shiftId: shift.id } }, tokens.get(p))).data!.claimShift.claim.id);
    const checkIn = async (claimId: string) => {
      const res = await gql(appA, CHECK_IN, { input: { claimId, method: "LEADER" } }, leader);
      expect(res.data!.checkIn.userErrors).toEqual([]);
    };
    const ws = wsClient(appB, officer);
    const watch = subscribe(ws, `subscription ($s: ID!) { patrolCheckIns(stationId: $s) { cursor claim { id } } }`, { s: gid("Station", demo.fushan.id) });
    const board = subscribe(ws, `subscription ($id: ID!) { shiftUpdated(shiftId: $id) { seatsTaken } }`, { id: shift.id });
    await Promise.all([watch.ready, board.ready]);
    await checkIn(claimIds[0]!);
    await watch.waitFor(1, 10_000);

    const port = Number(new URL(redis.url).port);
    await new Promise<void>((resolve) => {
      redis.child.once("exit", () => resolve());
      redis.child.kill("SIGKILL");
    });
    // Writes during the outage succeed; B hears of them from the database, not from Redis.
    for (const id of claimIds.slice(1, 4)) await checkIn(id);
    await watch.waitFor(4, 15_000);

    redis = await startRedis(port);
    const busUp = async (p: Proc) => {
      for (let i = 0; i < 200; i++) {
        if ((await (await fetch(`${p.url}/readyz`)).json()).bus === "up") return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("the process did not reconnect to Redis");
    };
    await Promise.all([busUp(a), busUp(b)]);
    await checkIn(claimIds[4]!);
    await watch.waitFor(5, 10_000);
    // Best-effort topics travel through Redis again: a claim on A updates the board watched on B.
    const seatsBefore = board.results.length;
    await gql(appA, CLAIM, { input: { shiftId: shift.id } }, (await tokensFor(["13800000126"])).get("13800000126"));
    await board.waitFor(seatsBefore + 1, 10_000);

    await new Promise((r) => setTimeout(r, 1500)); // a timer tick or more: no duplicate arrives late
    const delivered = watch.results.map((r) => r.data!.patrolCheckIns.claim.id);
    expect(delivered.sort()).toEqual([...claimIds].sort());
    expect(new Set(watch.results.map((r) => r.data!.patrolCheckIns.cursor)).size).toBe(5);
    for (const p of [a, b]) expect([p.child.exitCode, p.child.signalCode]).toEqual([null, null]);
    await ws.dispose();
  });
});
