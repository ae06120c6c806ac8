// Operating the API for real: `api/src/main.ts` in its own process on a PostgreSQL of its own (so the
// database can be stopped), read by its logs, /metrics and health routes; the database stopped and
// started under load; SIGTERM with requests in flight.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createClient } from "graphql-ws";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { App } from "../api/src/app.js";
import { ensureDatabase, startEmbeddedPostgres, type RunningPostgres } from "../api/src/infra/postgres.js";
import { installCommitGate } from "./support/commit-gate.js";
import { gql, signIn } from "./support/client.js";
import { DEMO_PHONES, gid } from "./support/fixtures.js";
import { CHECK_IN, CLAIM, inMinutes, publishShift } from "./support/shifts.js";

const root = path.resolve(import.meta.dirname, "..");
const METRICS_TOKEN = "metrics-test-token";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
let server: RunningPostgres;
let databaseUrl: string;
let child: ChildProcess;
let exited: Promise<number | null>;
let output = "";
let app: App;
let db: pg.Client;

async function startDatabase(port?: number) {
  server = await startEmbeddedPostgres({ dir: path.join(dir, "data"), persistent: true, quiet: true, port });
}

async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "linshe-ops-"));
  await startDatabase();
  await ensureDatabase(server.url, "linshe");
  databaseUrl = server.databaseUrl("linshe");
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: "0",
    LINSHE_DEMO: "1",
    LOG_LEVEL: "info",
    METRICS_TOKEN,
    DATABASE_POOL_TIMEOUT_MS: "1000",
    SHUTDOWN_GRACE_SECONDS: "20",
    // The SIGTERM test holds a row while HTTP requests drain; a busy machine must not time it out.
    DATABASE_LOCK_TIMEOUT_MS: "20000",
  };
  delete env.REDIS_URL;
  child = spawn(process.execPath, ["--import", "tsx", path.join(root, "api/src/main.ts")], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const port = await until("the API to be ready", () => {
    if (child.exitCode !== null) throw new Error(`main.ts exited with ${child.exitCode}:\n${output}`);
    return lines().find((l) => l.msg?.startsWith("Linshe 邻舍 is running"))?.port as number | undefined;
  }, 90_000);
  app = { url: `http://127.0.0.1:${port}`, port } as App;
  db = new pg.Client({ connectionString: databaseUrl });
  db.on("error", () => {}); // the database is stopped on purpose below
  await db.connect();
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill("SIGKILL");
    await exited;
  }
  await db?.end().catch(() => {});
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function lines(): Record<string, any>[] {
  return output
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, any>;
      } catch {
        return {};
      }
    });
}

/** A session token (the demo password; sessions live in the API's own database). */
const tokens = new Map<string, string>();
async function tokenFor(phone: string): Promise<string> {
  if (!tokens.has(phone)) tokens.set(phone, await signIn(app, phone));
  return tokens.get(phone)!;
}

async function teamGid(name: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM "Team" WHERE name = $1`, [name]);
  return gid("Team", rows[0]!.id);
}

describe("operating the API", () => {
  it("logs requests with id, operation, account and duration, and never a phone, name or ID number", async () => {
    const phone = "13712345678";
    const name = "测试姓名甲";
    const idNumber = "330602198808081236";
    const officer = await signIn(app, DEMO_PHONES.fushanOfficer);
    const me = await gql(app, `query Me { viewer { accountId } }`, {}, officer);
    const REGISTER = `mutation RegisterVolunteer($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { activationCode userErrors { code } } }`;
    const input = { teamId: await teamGid("好邻舍义警"), name, phone, idNumber };
    const ok = await gql(app, REGISTER, { input }, officer);
    expect(ok.data!.registerVolunteer.userErrors).toEqual([]);
    const again = await gql(app, REGISTER, { input }, officer); // a conflict: the phone is taken
    expect(again.data!.registerVolunteer.userErrors[0].code).toBe("CONFLICT");
    const ACTIVATE = `mutation ActivateAccount($input: ActivateAccountInput!) { activateAccount(input: $input) { token userErrors { code } } }`;
    const code = ok.data!.registerVolunteer.activationCode as string;
    const activated = await gql(app, ACTIVATE, { input: { phone, code, password: "long-enough-1", acceptTerms: true } });
    expect(activated.data!.activateAccount.userErrors).toEqual([]);
    expect(await signIn(app, phone, "long-enough-1")).toBeTruthy();
    const wrong = await gql(app, `mutation SignIn($input: SignInInput!) { signIn(input: $input) { token userErrors { code } } }`, { input: { phone, password: "wrong-password" } });
    expect(wrong.data!.signIn.userErrors[0].code).toBe("UNAUTHENTICATED");

    const register = await until("the registration's log line", () => lines().filter((l) => l.operation === "RegisterVolunteer").length >= 2 && lines().find((l) => l.operation === "RegisterVolunteer"));
    expect(register).toMatchObject({ level: "info", type: "mutation", status: 200, account: me.data!.viewer.accountId });
    expect(register.reqId).toEqual(expect.any(String));
    expect(register.ms).toEqual(expect.any(Number));
    for (const secret of [phone, name, idNumber, code, DEMO_PHONES.fushanOfficer, "long-enough-1"]) expect(output).not.toContain(secret);
  });

  it("serves Prometheus metrics only with METRICS_TOKEN; /livez and /readyz", async () => {
    expect((await fetch(`${app.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${app.url}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const res = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const series of [
      'linshe_http_request_duration_seconds_count{operation="RegisterVolunteer",type="mutation",status="200"}',
      'linshe_graphql_errors_total',
      'linshe_user_errors_total{code="CONFLICT"}',
      'linshe_sql_statements_total{source="prisma"}',
      'linshe_sql_statements_total{source="events"}',
      'linshe_db_pool_connections{state="in_use"}',
      'linshe_db_pool_connections{state="waiting"}',
      "linshe_websocket_connections",
      "linshe_subscriptions",
      "linshe_events_published_total",
      "linshe_events_delivered_total",
      "linshe_bus_reconnects_total",
      "linshe_bus_publish_failures_total",
      "linshe_sweeper_runs_total",
      "linshe_service_unavailable_total",
      "linshe_process_cpu_seconds_total",
    ]) {
      expect(text).toContain(series);
    }
    expect((await fetch(`${app.url}/livez`)).status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, status: "ready", database: "up" });
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
  });

  it("PostgreSQL stopped and started under load: 503 with Retry-After meanwhile, recovery without a restart, every acknowledged write stored", async () => {
    const leader = await tokenFor(DEMO_PHONES.haolinsheLeader);
    const teamId = await teamGid("好邻舍义警");
    const SUBMIT = `mutation SubmitGoodDeed($input: SubmitGoodDeedInput!) { submitGoodDeed(input: $input) { goodDeed { id } userErrors { code } } }`;
    type Outcome = { status: number; retryAfter: string | null; codes: string[]; id?: string; at: number };
    const outcomes: Outcome[] = [];
    let running = true;
    let n = 0;
    const worker = async () => {
      while (running) {
        try {
          const res = await fetch(`${app.url}/graphql`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${leader}` },
            body: JSON.stringify({ query: SUBMIT, variables: { input: { teamId, category: "HELPING_ELDERLY", title: `负载 ${n++}`, story: "……", occurredAt: inMinutes(-60) } } }),
          });
          const body = (await res.json()) as { data?: { submitGoodDeed?: { goodDeed?: { id: string } } }; errors?: { extensions?: { code?: string } }[] };
          outcomes.push({ status: res.status, retryAfter: res.headers.get("retry-after"), codes: (body.errors ?? []).map((e) => String(e.extensions?.code)), id: body.data?.submitGoodDeed?.goodDeed?.id, at: Date.now() });
        } catch (e) {
          outcomes.push({ status: 0, retryAfter: null, codes: [String(e)], at: Date.now() }); // fails the checks below
        }
        await sleep(20);
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    try {
      const acked = () => outcomes.filter((o) => o.id).length;
      await until("writes before the outage", () => acked() >= 5);

      const port = Number(new URL(server.url).port);
      await server.stop();
      const stoppedAt = Date.now();
      const unavailable = () => outcomes.filter((o) => o.at > stoppedAt && o.status === 503).length;
      await until("503 answers during the outage", () => unavailable() >= 4);
      expect((await fetch(`${app.url}/livez`)).status).toBe(200);
      expect((await fetch(`${app.url}/readyz`)).status).toBe(503);
      // node(id:) too: a load that failed is no "there is nothing with this id" (null), but the outage.
      const byId = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: `query ($id: ID!) { node(id: $id) { id } }`, variables: { id: teamId } }) });
      expect(byId.status).toBe(503);
      expect(((await byId.json()) as { errors?: { extensions?: { code?: string } }[] }).errors?.map((e) => e.extensions?.code)).toEqual(["SERVICE_UNAVAILABLE"]);
      // A socket that signs in meanwhile is told to try again later (1013), not refused as a bad token.
      const closeCode = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`${app.url.replace("http", "ws")}/graphql`, "graphql-transport-ws");
        ws.on("open", () => ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${leader}` } })));
        ws.on("close", (code) => resolve(code));
        ws.on("error", () => {});
      });
      expect(closeCode).toBe(1013);

      await startDatabase(port);
      const restartedAt = Date.now();
      await until("writes after the database came back", () => outcomes.filter((o) => o.at > restartedAt && o.id).length >= 3, 30_000);
    } finally {
      running = false;
      await Promise.all(workers);
    }

    for (const o of outcomes) {
      if (o.id) expect(o).toMatchObject({ status: 200, codes: [] });
      else expect(o).toMatchObject({ status: 503, retryAfter: "5", codes: ["SERVICE_UNAVAILABLE"] });
    }
    await db.end().catch(() => {});
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    const ids = outcomes.filter((o) => o.id).map((o) => Buffer.from(o.id!, "base64").toString().split(":")[1]);
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "GoodDeed" WHERE id = ANY($1::uuid[])`, [ids]);
    expect(rows[0]!.n).toBe(ids.length);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
  });

  it("SIGTERM with requests in flight: they complete, a mutation over a WebSocket too, WebSockets close with 1012, exit code 0", async () => {
    const leader = await tokenFor(DEMO_PHONES.haolinsheLeader);
    const teamId = await teamGid("好邻舍义警");
    const phones = ["13800000131", "13800000132", "13800000133", "13800000134"];
    const claimIds: string[] = [];
    for (const [i, phone] of phones.entries()) {
      // One shift each: a check-in held at its commit keeps its shift's row locked.
      const { shift } = await publishShift(app, leader, { teamId, startsAt: inMinutes(5 + i), endsAt: inMinutes(60 + i) });
      const r = await gql(app, CLAIM, { input: { shiftId: shift.id } }, await tokenFor(phone));
      claimIds.push(r.data!.claimShift.claim.id);
    }
    const gate = await installCommitGate(databaseUrl);
    try {
      const officer = await tokenFor(DEMO_PHONES.fushanOfficer);
      const { rows } = await db.query<{ id: string }>(`SELECT id FROM "Station" WHERE name = '府山派出所'`);
      const closeCodes: number[] = [];
      const sockets = await Promise.all(
        [1, 2].map(async () => {
          let connected!: () => void;
          const ready = new Promise<void>((r) => (connected = r));
          const client = createClient({
            url: `${app.url.replace("http", "ws")}/graphql`,
            webSocketImpl: WebSocket,
            connectionParams: { authorization: `Bearer ${officer}` },
            retryAttempts: 0,
            on: { connected: () => connected(), closed: (e) => void closeCodes.push((e as { code: number }).code) },
          });
          client.subscribe({ query: `subscription ($s: ID!) { patrolCheckIns(stationId: $s) { cursor } }`, variables: { s: gid("Station", rows[0]!.id) } }, { next: () => {}, error: () => {}, complete: () => {} });
          await ready;
          return client;
        }),
      );

      // The last check-in goes over the officer's socket and waits for its shift's row, which this
      // test holds until the HTTP requests have finished: the drain must still wait for it.
      const overSocket = claimIds.pop()!;
      const raw = (id: string) => Buffer.from(id, "base64").toString().split(":")[1]!;
      const locker = new pg.Client({ connectionString: databaseUrl });
      await locker.connect();
      await locker.query("BEGIN");
      await locker.query(`SELECT 1 FROM "Shift" WHERE id = (SELECT "shiftId" FROM "ShiftClaim" WHERE id = $1) FOR UPDATE`, [raw(overSocket)]);
      const socketResult = new Promise<unknown>((resolve, reject) =>
        sockets[0]!.subscribe({ query: CHECK_IN, variables: { input: { claimId: overSocket, method: "LEADER" } } }, { next: resolve, error: reject, complete: () => {} }),
      );
      socketResult.catch(() => {});
      await until("the socket's check-in to wait for the row", async () => (await db.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock'`)).rowCount! > 0);

      await gate.hold(claimIds.map(raw));
      const inFlight = claimIds.map((claimId) => gql(app, CHECK_IN, { input: { claimId, method: "LEADER" } }, leader));
      for (const p of inFlight) p.catch(() => {}); // awaited below; a failed test must not leave them unhandled
      await gate.waiting(3);
      child.kill("SIGTERM");
      await until("the drain to start", () => lines().some((l) => l.msg === "shutdown: draining"));
      await gate.release();

      for (const r of await Promise.all(inFlight)) expect(r.data!.checkIn).toMatchObject({ claim: { status: "CONFIRMED" }, userErrors: [] });
      await sleep(300); // a drain that forgot the socket's mutation would close the sockets now
      await locker.query("COMMIT");
      await locker.end();
      expect(await socketResult).toMatchObject({ data: { checkIn: { claim: { status: "CONFIRMED" }, userErrors: [] } } });
      expect(await exited).toBe(0);
      expect(closeCodes).toEqual([1012, 1012]);
      expect(lines().find((l) => l.msg === "drain: requests in flight finished")).toMatchObject({ cut: 0 });
      expect(lines().some((l) => l.msg === "shutdown: done")).toBe(true);
      await Promise.all(sockets.map((s) => s.dispose()));
    } finally {
      await gate.close();
    }
  });
});
