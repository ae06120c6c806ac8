// Several API processes serve one station: events travel through a real Redis.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { gql, signIn, subscribe, wsClient } from "./support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";
import { startApiProcess, startRedis, type Proc } from "./support/processes.js";
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
    const volunteer = (await tokensFor(["13800000111"])).get("13800000111")!;
    const { shift } = await publishShift(appA, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(10), endsAt: inMinutes(70) });
    const claimed = await gql(appA, CLAIM, { input: { shiftId: shift.id } }, volunteer);
    const claimId = claimed.data!.claimShift.claim.id;

    const ws = wsClient(appB, officer);
    const watch = subscribe(ws, `subscription ($s: ID!) { patrolCheckIns(stationId: $s) { kind claim { volunteer { displayName } } } }`, {
      s: gid("Station", demo.fushan.id),
    });
    const board = subscribe(ws, `subscription ($id: ID!) { shiftUpdated(shiftId: $id) { seatsTaken } }`, { id: shift.id });
    await new Promise((r) => setTimeout(r, 500));

    const res = await gql(appA, CHECK_IN, { input: { claimId, method: "QR", code: shift.postCode } }, volunteer);
    expect(res.data!.checkIn.userErrors).toEqual([]);
    const [event] = await watch.waitFor(1, 10_000);
    expect(event!.data!.patrolCheckIns.kind).toBe("CHECKED_IN");

    const other = (await tokensFor(["13800000112"])).get("13800000112")!;
    await gql(appA, CLAIM, { input: { shiftId: shift.id } }, other);
    const [seats] = await board.waitFor(1, 10_000);
    expect(seats!.data!.shiftUpdated.seatsTaken).toBe(2);
    await ws.dispose();
  });
});
