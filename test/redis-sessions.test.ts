// A revoked session's open WebSocket closes on every API process: the revocation travels over Redis.
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { App } from "../api/src/app.js";
import { gql, signIn } from "./support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";
import { startApiProcess, startRedis, type Proc } from "./support/processes.js";

let redis: Proc;
let a: Proc;
let b: Proc;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
const asApp = (p: Proc) => ({ url: p.url, port: Number(new URL(p.url).port), stop: p.stop }) as App;

beforeAll(async () => {
  demo = await seedDemoData();
  redis = await startRedis();
  // The sweep, which would also close the sockets, is slowed right down: only the bus can do it in time.
  const env = { DATABASE_URL: process.env.DATABASE_URL!, REDIS_URL: redis.url, SOCKET_SWEEP_MS: "600000" };
  [a, b] = await Promise.all([startApiProcess(env), startApiProcess(env)]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
});

function socketOn(p: Proc, token: string) {
  let closed!: (code: number) => void;
  const code = new Promise<number>((r) => (closed = r));
  const client = createClient({
    url: `${p.url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
    on: { closed: (e) => closed((e as { code: number }).code) },
  });
  const connected = new Promise<void>((r) => client.on("connected", () => r()));
  client.subscribe({ query: `subscription ($t: ID!) { teamUpdated(teamId: $t) { name } }`, variables: { t: gid("Team", demo.haolinshe.id) } }, { next() {}, error() {}, complete() {} });
  return { connected, code };
}

const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<never>((_, no) => setTimeout(() => no(new Error(`not within ${ms} ms`)), ms))]);

describe("revocations across API processes", () => {
  it("a sign-out on one process closes the session's socket on the other within 5 seconds", async () => {
    const token = await signIn(asApp(a), "13800000190");
    const other = await signIn(asApp(a), "13800000190");
    const onB = socketOn(b, token);
    const stillOpen = socketOn(b, other);
    await Promise.all([onB.connected, stillOpen.connected]);
    const out = await gql(asApp(a), `mutation { signOut(input: {}) { ok } }`, {}, token);
    expect(out.data!.signOut.ok).toBe(true);
    expect(await within(onB.code, 5000)).toBe(4401);
    // Only that session: the same person's other device stays connected.
    expect(await Promise.race([stillOpen.code, new Promise((r) => setTimeout(() => r("open"), 1000))])).toBe("open");
  });

  it("disabling an account on one process closes its sockets on the other (4403)", async () => {
    const officer = await signIn(asApp(a), DEMO_PHONES.fushanOfficer);
    const token = await signIn(asApp(b), "13800000191");
    const onB = socketOn(b, token);
    await onB.connected;
    const v = await demo.volunteer("13800000191");
    const res = await gql(asApp(a), `mutation ($input: DisableAccountInput!) { disableAccount(input: $input) { userErrors { code } } }`, {
      input: { volunteerId: gid("Volunteer", v.id), reason: "测试" },
    }, officer);
    expect(res.data!.disableAccount.userErrors).toEqual([]);
    expect(await within(onB.code, 5000)).toBe(4403);
  });
});
