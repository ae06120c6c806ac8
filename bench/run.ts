// pnpm bench [generate|throughput|sql|claims|fanout|callup|growth|all] [--scale N] [--scales 1,10] [--seconds S] [--connections C] [--runs R] [--subscribers N,M]
// Ratios are measured side by side in one run; medians over repeated runs. Results: bench/results/*.json.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { createClient } from "graphql-ws";
import pg from "pg";
import WebSocket from "ws";
import { benchToken, benchTokens } from "./tokens.js";
import { repoRoot } from "../api/src/infra/migrations.js";
import { benchDatabase, benchServer, markGenerated } from "./db.js";
import { fixtures, generate, makeIds } from "./generate.js";
import { BOARD_GQL, CLAIM_SQL, SHIFTS_GQL } from "./queries.js";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const scenario = args.find((a) => !a.startsWith("--") && !args[args.indexOf(a) - 1]?.startsWith("--")) ?? "all";
const SECONDS = Number(opt("seconds", "10"));
const CONNECTIONS = Number(opt("connections", "20"));
const RUNS = Number(opt("runs", "3"));
const results: Record<string, unknown> = { date: new Date().toISOString(), machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.cpus()[0]?.model}, node ${process.version}` };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64");
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

function startChild(script: string, env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  // The young generation `pnpm start` gives the API (package.json): GraphQL allocates many short-lived objects.
  const child = spawn(process.execPath, ["--expose-gc", "--max-semi-space-size=64", "--import", "tsx", path.join(repoRoot, script)], {
    cwd: repoRoot,
    env: { ...process.env, ...env, NODE_ENV: "production", AUTH_SECRET: "bench-secret", LINSHE_DEMO: "0" },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d;
      const m = /LISTENING (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, child });
    });
    child.once("exit", (c) => reject(new Error(`${script} exited ${c}`)));
  });
}
const stop = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null ? r() : (c.once("exit", () => r()), c.kill("SIGTERM"))));

async function prepare(scale: number) {
  const server = await benchServer();
  const { url, fresh } = await benchDatabase(server.adminUrl, scale);
  let fx;
  if (fresh) {
    const t0 = Date.now();
    const g = await generate(url, scale);
    await markGenerated(url);
    console.log(`Generated scale ${scale} in ${((Date.now() - t0) / 1000).toFixed(1)} s:`, g.counts);
    results[`data_s${scale}`] = { ...g.counts, seconds: (Date.now() - t0) / 1000 };
    fx = g;
  } else fx = await fixtures(url);
  if (process.env.AUTH_SECRET !== "bench-secret") throw new Error("run through `pnpm bench` (it sets AUTH_SECRET for all processes)");
  const token = await benchToken(url, fx.viewerAccountId);
  return { server, url, fx, token };
}

async function cannon(url: string, query: string, variables: Record<string, unknown>, token: string | null) {
  const r = await autocannon({
    url: `${url}/graphql`,
    method: "POST",
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

async function throughput(scale: number) {
  const { server, url, fx, token } = await prepare(scale);
  const env = { DATABASE_URL: url, DATABASE_POOL_SIZE: "10" };
  // Linshe as deployed, Linshe with the public board cache off (the cost of executing it), and the baseline.
  const [app, uncached, raw] = await Promise.all([
    startChild("bench/app-process.ts", env),
    startChild("bench/app-process.ts", { ...env, PUBLIC_CACHE_SECONDS: "0" }),
    startChild("bench/raw-server.ts", env),
  ]);
  const vars = { stationId: gid("Station", fx.stationId) };
  const rows: Record<string, unknown>[] = [];
  // The board as a public screen reads it (no sign-in); the shift board as a signed-in volunteer.
  const cases = [
    ["board (first 20), public", BOARD_GQL, 20, null, app],
    ["board (first 20), public, cache off", BOARD_GQL, 20, null, uncached],
    ["shift board (first 50)", SHIFTS_GQL, 50, token, app],
  ] as const;
  for (const [name, query, first, viewer, linsheApp] of cases) {
    // Same answer from both before measuring.
    const check = async (u: string) => (await (await fetch(`${u}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...(viewer ? { authorization: `Bearer ${viewer}` } : {}) }, body: JSON.stringify({ query, variables: { ...vars, first } }) })).json()) as { data: Record<string, { edges: unknown[] }> };
    const [a, b] = [await check(linsheApp.url), await check(raw.url)];
    const key = Object.keys(a.data)[0]!;
    if (JSON.stringify(a.data) !== JSON.stringify(b.data)) throw new Error(`${name}: Linshe and raw disagree`);
    const linshe: Awaited<ReturnType<typeof cannon>>[] = [];
    const base: Awaited<ReturnType<typeof cannon>>[] = [];
    await cannon(linsheApp.url, query, { ...vars, first }, viewer); // warm-up
    await cannon(raw.url, query, { ...vars, first }, viewer);
    for (let i = 0; i < RUNS; i++) {
      linshe.push(await cannon(linsheApp.url, query, { ...vars, first }, viewer));
      base.push(await cannon(raw.url, query, { ...vars, first }, viewer));
    }
    const row = {
      scenario: name,
      scale,
      linshe_rps: median(linshe.map((r) => r.rps)),
      raw_rps: median(base.map((r) => r.rps)),
      ratio: Math.round((median(linshe.map((r) => r.rps)) / median(base.map((r) => r.rps))) * 100) / 100,
      linshe_p50_ms: median(linshe.map((r) => r.p50)),
      linshe_p99_ms: median(linshe.map((r) => r.p99)),
      raw_p50_ms: median(base.map((r) => r.p50)),
      raw_p99_ms: median(base.map((r) => r.p99)),
      errors: linshe.reduce((n, r) => n + r.errors, 0) + base.reduce((n, r) => n + r.errors, 0),
      rows: a.data[key]!.edges.length,
    };
    rows.push(row);
  }
  console.table(rows);
  await Promise.all([stop(app.child), stop(uncached.child), stop(raw.child)]);
  await server.stop();
  return rows;
}

async function sqlPerRequest(scale: number) {
  const { server, url, fx, token } = await prepare(scale);
  // This scenario runs the API in the bench process; the settings are put back for the scenarios after it.
  const saved = { DATABASE_URL: process.env.DATABASE_URL, PUBLIC_CACHE_SECONDS: process.env.PUBLIC_CACHE_SECONDS };
  process.env.DATABASE_URL = url;
  process.env.PUBLIC_CACHE_SECONDS = "0"; // statements of executing the query, not of a cache hit
  const { buildApp } = await import("../api/src/app.js");
  const { sqlStats, prisma } = await import("../api/src/db.js");
  // Linshe's own statements, to EXPLAIN them as PostgreSQL runs them.
  let captured: { query: string; params: string }[] | null = null;
  prisma.$on("query", (e) => captured?.push({ query: e.query, params: e.params }));
  const linsheStatements: Record<string, { query: string; params: string }[]> = {};
  const app = await (await buildApp()).start(0, "127.0.0.1");
  const rows = [];
  for (const [name, query, viewer] of [["board (public)", BOARD_GQL, null], ["board (signed in)", BOARD_GQL, token], ["shift board", SHIFTS_GQL, token]] as const) {
    const counts: Record<number, number> = {};
    for (const first of [10, 100]) {
      const before = sqlStats.statements;
      captured = [];
      const res = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...(viewer ? { authorization: `Bearer ${viewer}` } : {}) }, body: JSON.stringify({ query, variables: { stationId: gid("Station", fx.stationId), first } }) });
      const body = (await res.json()) as { errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      counts[first] = sqlStats.statements - before;
      if (first === 10) linsheStatements[name] = captured;
      captured = null;
    }
    rows.push({ scenario: name, statements_first_10: counts[10], statements_first_100: counts[100], bounded: counts[10] === counts[100] });
  }
  // The plans behind them.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { BOARD_SQL, SHIFTS_SQL } = await import("./queries.js");
  const plans: Record<string, string> = {};
  for (const [name, sql, params] of [["board", BOARD_SQL, [fx.stationId, 20]], ["shift board", SHIFTS_SQL, [fx.stationId, 50, fx.teamVolunteers[0]!.volunteerId]]] as const) {
    plans[`raw: ${name}`] = (await client.query(`EXPLAIN ANALYZE ${sql}`, [...params])).rows.map((r) => r["QUERY PLAN"]).join("\n");
  }
  for (const [name, statements] of Object.entries(linsheStatements)) {
    for (const [i, st] of statements.entries()) {
      const plan = (await client.query(`EXPLAIN ANALYZE ${st.query}`, JSON.parse(st.params) as unknown[])).rows.map((r) => r["QUERY PLAN"]).join("\n");
      plans[`linshe: ${name} #${i + 1}`] = plan;
    }
  }
  for (const [name, plan] of Object.entries(plans)) {
    const lines = plan.split("\n");
    const seq = lines.map((l) => /Seq Scan on (\S+).*actual time=\S+ rows=(\d+)/.exec(l)).filter((m) => m).map((m) => `${m![1]} (${m![2]} rows)`);
    console.log(`${name}: ${lines.find((l) => l.startsWith("Execution Time"))}${seq.length ? `; sequential scans: ${seq.join(", ")}` : ""}`);
  }
  await client.end();
  console.table(rows);
  await app.stop();
  const { disconnect } = await import("../api/src/db.js");
  await disconnect();
  await server.stop();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return { rows, plans };
}

async function claimStorm(scale: number) {
  const { server, url, fx } = await prepare(scale);
  const env = { DATABASE_URL: url, DATABASE_POOL_SIZE: "10" };
  const app = await startChild("bench/app-process.ts", env);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const id = makeIds(Date.now());
  const newShift = async () => {
    const sid = id();
    await client.query(
      `INSERT INTO "Shift" (id, "stationId", "teamId", kind, title, "startsAt", "endsAt", capacity, "postCode", "createdById", "updatedAt")
       VALUES ($1, $2, $3, 'PATROL', '抢班测试', $5::timestamp, $5::timestamp + interval '2 hours', 10, '123456', $4, now())`,
      // A slot of its own, past the generated year and earlier runs, so no claim overlaps another.
      [sid, fx.stationId, fx.teamId, fx.viewerAccountId, new Date(Date.now() + 400 * 86_400_000 + Math.floor(Math.random() * 1e6) * 3 * 3600_000)],
    );
    return sid;
  };
  const people = fx.teamVolunteers.slice(0, 1000);
  const verify = async (shiftId: string) => {
    const { rows } = await client.query<{ status: string; seq: number | null }>(`SELECT status, "waitlistSeq" AS seq FROM "ShiftClaim" WHERE "shiftId" = $1 ORDER BY "waitlistSeq"`, [shiftId]);
    const waiting = rows.filter((r) => r.status === "WAITLISTED").map((r) => r.seq);
    const fifo = waiting.every((s, i) => s === i + 1);
    return { confirmed: rows.filter((r) => r.status === "CONFIRMED").length, waitlisted: waiting.length, fifo };
  };

  // Linshe over HTTP.
  const shiftA = await newShift();
  const tokens = await benchTokens(url, people.map((p) => p.accountId));
  const failures = new Map<string, number>();
  const mutation = `mutation ($input: ClaimShiftInput!) { claimShift(input: $input) { claim { status } userErrors { code message } } }`;
  const t0 = performance.now();
  const lat = await Promise.all(
    tokens.map(async (t) => {
      const s = performance.now();
      const r = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${t}` }, body: JSON.stringify({ query: mutation, variables: { input: { shiftId: gid("Shift", shiftA) } } }) });
      const body = (await r.json()) as { errors?: { message: string }[]; data?: { claimShift?: { userErrors: { code: string; message: string }[] } } };
      const problem = body.errors?.[0]?.message ?? body.data?.claimShift?.userErrors[0]?.message.split(":")[0];
      if (problem) failures.set(problem, (failures.get(problem) ?? 0) + 1);
      return performance.now() - s;
    }),
  );
  const linsheSecs = (performance.now() - t0) / 1000;
  if (failures.size) console.log("Claims that failed:", Object.fromEntries(failures));
  const linshe = { failed: [...failures.values()].reduce((a, b) => a + b, 0), ...(await verify(shiftA)), claims_per_s: Math.round(people.length / linsheSecs), p99_ms: Math.round(pct(lat, 99)), total_s: Math.round(linsheSecs * 100) / 100 };

  // The same claim as one raw SQL statement.
  const shiftB = await newShift();
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on("error", () => {});
  const t1 = performance.now();
  const rawLat = await Promise.all(
    people.map(async (p) => {
      const s = performance.now();
      await pool.query(CLAIM_SQL, [shiftB, p.volunteerId]);
      return performance.now() - s;
    }),
  );
  const rawSecs = (performance.now() - t1) / 1000;
  const raw = { failed: 0, ...(await verify(shiftB)), claims_per_s: Math.round(people.length / rawSecs), p99_ms: Math.round(pct(rawLat, 99)), total_s: Math.round(rawSecs * 100) / 100 };
  await pool.end();
  await client.end();
  const rows = [{ path: "Linshe claimShift over HTTP", ...linshe }, { path: "raw SQL, one statement", ...raw }];
  console.table(rows);
  await stop(app.child);
  await server.stop();
  return rows;
}

async function fanout(scale: number) {
  const { server, url, fx } = await prepare(scale);
  const app = await startChild("bench/app-process.ts", { DATABASE_URL: url, DATABASE_POOL_SIZE: "10" });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const officer = (await client.query<{ id: string }>(`SELECT "accountId" AS id FROM "AccountRole" WHERE role = 'OFFICER' AND "stationId" = $1 ORDER BY "accountId" LIMIT 1`, [fx.stationId])).rows[0]!.id;
  const officerToken = await benchToken(url, officer);
  // Dashboards are spread over this many officers of the station (each viewer's results are executed apart).
  const VIEWERS = Number(opt("viewers", "1"));
  const viewerTokens = [officerToken];
  for (let k = 1; k < VIEWERS; k++) {
    const phone = String(19900000000 + k);
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO "Account" (id, phone, "passwordHash", "displayName") VALUES (gen_random_uuid(), $1, 'bench-no-password', $2)
       ON CONFLICT (phone) DO UPDATE SET phone = EXCLUDED.phone RETURNING id`,
      [phone, `值班民警${k}`],
    );
    await client.query(`INSERT INTO "AccountRole" (id, "accountId", role, "stationId") SELECT gen_random_uuid(), $1, 'OFFICER', $2 WHERE NOT EXISTS (SELECT 1 FROM "AccountRole" WHERE "accountId" = $1 AND role = 'OFFICER')`, [rows[0]!.id, fx.stationId]);
    viewerTokens.push(await benchToken(url, rows[0]!.id));
  }
  const memory = () =>
    new Promise<{ rss: number; heapUsed: number }>((resolve) => {
      app.child.once("message", (m: { rss: number; heapUsed: number }) => resolve(m));
      app.child.send({ type: "memory" });
    });
  const rows = [];
  for (const n of opt("subscribers", "1000,2000").split(",").map(Number)) {
    const before = await memory();
    const clients = Array.from({ length: Math.ceil(n / 100) }, (_, c) =>
      createClient({ url: `${app.url.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${viewerTokens[c % VIEWERS]}` }, retryAttempts: 0 }),
    );
    // 100 subscriptions share each socket (graphql-ws multiplexes), as many dashboards' tabs would.
    const deliveries: number[] = [];
    let errors = 0;
    const subs: (() => void)[] = [];
    for (let i = 0; i < n; i++) {
      const c = clients[Math.floor(i / 100)]!;
      subs.push(
        c.subscribe(
          { query: `subscription ($s: ID!) { patrolCheckIns(stationId: $s) { cursor at kind claim { volunteer { displayName } } shift { title grid { name } } } }`, variables: { s: gid("Station", fx.stationId) } },
          { next: (r) => (r.errors ? errors++ : deliveries.push(Date.now() - new Date((r.data as { patrolCheckIns: { at: string } }).patrolCheckIns.at).getTime())), error: () => errors++, complete: () => {} },
        ),
      );
    }
    await new Promise((r) => setTimeout(r, 2000 + n));
    const after = await memory();
    // Check-ins on a shift starting soon.
    const id = makeIds(Date.now());
    const shiftId = id();
    await client.query(
      `INSERT INTO "Shift" (id, "stationId", "teamId", kind, title, "startsAt", "endsAt", capacity, "postCode", "createdById", "updatedAt", "confirmedCount")
       VALUES ($1, $2, $3, 'PATROL', '扇出测试', now() + interval '10 minutes', now() + interval '2 hours', 20, '123456', $4, now(), 20)`,
      [shiftId, fx.stationId, fx.teamId, officer],
    );
    const claimIds = [];
    for (const p of fx.teamVolunteers.slice(0, 10)) {
      const cid = id();
      await client.query(`INSERT INTO "ShiftClaim" (id, "shiftId", "volunteerId", status, "updatedAt") VALUES ($1, $2, $3, 'CONFIRMED', now())`, [cid, shiftId, p.volunteerId]);
      claimIds.push(cid);
    }
    const EVENTS = 10;
    for (const cid of claimIds.slice(0, EVENTS)) {
      await fetch(`${app.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${officerToken}` },
        body: JSON.stringify({ query: `mutation ($i: CheckInInput!) { checkIn(input: $i) { userErrors { code } } }`, variables: { i: { claimId: gid("ShiftClaim", cid), method: "LEADER" } } }),
      });
      await new Promise((r) => setTimeout(r, 200));
    }
    const deadline = Date.now() + 60_000;
    while (deliveries.length < n * EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    rows.push({
      subscribers: n,
      viewers: VIEWERS,
      events: EVENTS,
      delivered: deliveries.length,
      expected: n * EVENTS,
      p50_ms: deliveries.length ? pct(deliveries, 50) : null,
      p99_ms: deliveries.length ? pct(deliveries, 99) : null,
      errors,
      kib_per_subscriber: Math.round((after.heapUsed - before.heapUsed) / n / 1024 * 10) / 10,
    });
    subs.forEach((s) => s());
    await Promise.all(clients.map((c) => c.dispose()));
    await new Promise((r) => setTimeout(r, 1000));
  }
  console.table(rows);
  await client.end();
  await stop(app.child);
  await server.stop();
  return rows;
}

const scale = Number(opt("scale", "1"));
const out: Record<string, unknown> = {};
/**
 * 一键召集 to 15,000 online volunteers (scale 1): every volunteer of the data joins one county-wide
 * team of station 0 and keeps its own graphql-ws socket and `notificationReceived` subscription,
 * spread over 2 API processes on one Redis. One officer starts a call-up with a radius that holds
 * everyone; measured: how many receive it, start-to-receipt p50/p99, the SMS outbox drained by both
 * processes against a local gateway, and memory.
 */
async function callup(scale: number) {
  const { server, url, fx } = await prepare(scale);
  const { startRedis } = await import("../test/support/processes.js");
  const redis = await startRedis();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // The county-wide team, every volunteer with an account in it, home grids at station 0 (idempotent).
  const team = (
    await client.query<{ id: string }>(
      `INSERT INTO "Team" (id, "stationId", name, "updatedAt") VALUES (gen_random_uuid(), $1, '全市应急队（bench）', now())
       ON CONFLICT ("stationId", name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
      [fx.stationId],
    )
  ).rows[0]!.id;
  await client.query(
    `INSERT INTO "TeamMembership" (id, "teamId", "volunteerId") SELECT gen_random_uuid(), $1, a."volunteerId" FROM "Account" a WHERE a."volunteerId" IS NOT NULL
     ON CONFLICT ("teamId", "volunteerId") DO NOTHING`,
    [team],
  );
  const grids = (await client.query<{ id: string; latitude: number; longitude: number }>(`SELECT id, latitude, longitude FROM "Grid" WHERE "stationId" = $1 ORDER BY id`, [fx.stationId])).rows;
  await client.query(`UPDATE "Volunteer" v SET "homeGridId" = ($1::uuid[])[1 + abs(hashtext(v.id::text)) % $2] WHERE v.status = 'ACTIVE'`, [grids.map((g) => g.id), grids.length]);
  await client.query(`UPDATE "Station" SET "smsDailyBudget" = 100000 WHERE id = $1`, [fx.stationId]);
  await client.query(`UPDATE "Mobilization" SET status = 'CLOSED', "escalateAt" = NULL WHERE status = 'OPEN'`);
  const people = (
    await client.query<{ accountId: string }>(
      `SELECT a.id AS "accountId" FROM "Account" a JOIN "Volunteer" v ON v.id = a."volunteerId" WHERE v.status = 'ACTIVE' AND NOT a.disabled ORDER BY a.id LIMIT $1`,
      [Number(opt("online", "15000"))],
    )
  ).rows;
  const officer = (await client.query<{ id: string }>(`SELECT "accountId" AS id FROM "AccountRole" WHERE role = 'OFFICER' AND "stationId" = $1 LIMIT 1`, [fx.stationId])).rows[0]!.id;
  const officerToken = await benchToken(url, officer);
  const tokens = await benchTokens(url, people.map((p) => p.accountId));

  // A local SMS gateway that answers at once (the outbox's own pace is what is measured).
  let gatewayHits = 0;
  const { createServer } = await import("node:http");
  const gateway = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      gatewayHits++;
      res.writeHead(200, { "content-type": "application/json" }).end(`{"id":"${gatewayHits}"}`);
    });
  });
  await new Promise<void>((r) => gateway.listen(0, "127.0.0.1", () => r()));
  const smsUrl = `http://127.0.0.1:${(gateway.address() as { port: number }).port}/sms`;
  const env = { DATABASE_URL: url, DATABASE_POOL_SIZE: "10", REDIS_URL: redis.url, BENCH_SMS: "1", SMS_PROVIDER: "http", SMS_HTTP_URL: smsUrl, LOG_LEVEL: "warn" };
  const apps = [await startChild("bench/app-process.ts", env), await startChild("bench/app-process.ts", env)];
  const memory = (app: { child: ChildProcess }) =>
    new Promise<{ rss: number; heapUsed: number }>((resolve) => {
      app.child.once("message", (m: { rss: number; heapUsed: number }) => resolve(m));
      app.child.send({ type: "memory" });
    });
  const before = await Promise.all(apps.map(memory));

  // One socket and one subscription per volunteer, half on each process; connected in batches.
  const received = new Map<number, number>();
  let errors = 0;
  let t0 = 0;
  const connectedOnce = new Set<number>();
  const sockets: ReturnType<typeof createClient>[] = [];
  const connected: Promise<void>[] = [];
  // On a busy machine a socket may miss the server's init wait (4408): it retries, like the app does.
  const online = new Set<number>();
  let reconnects = 0;
  const BATCH = Number(opt("batch", "250"));
  for (let i = 0; i < tokens.length; i++) {
    const app = apps[i % 2]!;
    const c = createClient({ url: `${app.url.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${tokens[i]}` }, retryAttempts: 20, shouldRetry: () => true, lazy: false });
    sockets.push(c);
    c.on("closed", () => online.delete(i));
    c.on("connected", () => {
      if (online.has(i)) return;
      if (connectedOnce.has(i)) reconnects++;
      connectedOnce.add(i);
      online.add(i);
    });
    connected.push(new Promise<void>((resolve) => c.on("connected", () => resolve())));
    c.subscribe(
      { query: `subscription { notificationReceived { id kind title body subjectId } }` },
      {
        next: (r) => {
          if (r.errors) errors++;
          else if ((r.data as { notificationReceived: { kind: string } }).notificationReceived.kind === "MOBILIZATION" && !received.has(i)) received.set(i, Date.now() - t0);
        },
        error: () => errors++,
        complete: () => {},
      },
    );
    if (i % BATCH === BATCH - 1) {
      await Promise.race([Promise.all(connected.slice(-BATCH)), new Promise((r) => setTimeout(r, 60_000))]);
      if (i % 2500 === 2499) console.log(`${online.size} sockets online`);
    }
  }
  await Promise.race([Promise.all(connected), new Promise((r) => setTimeout(r, 60_000))]);
  await new Promise((r) => setTimeout(r, 3000));
  const onlineMemory = await Promise.all(apps.map(memory));
  const onlineAtStart = online.size;

  const g = grids[0]!;
  t0 = Date.now();
  const res = await fetch(`${apps[0]!.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${officerToken}` },
    body: JSON.stringify({
      query: `mutation ($i: StartMobilizationInput!) { startMobilization(input: $i) { mobilization { id counts { called } } userErrors { code message } } }`,
      variables: { i: { stationId: gid("Station", fx.stationId), reason: "压力测试召集", place: "网格1", latitude: g.latitude, longitude: g.longitude, radiusMeters: 50_000, wanted: 500, escalateAfterMinutes: 30 } },
    }),
  });
  const answer = (await res.json()) as { data: { startMobilization: { mobilization: { counts: { called: number } } | null; userErrors: unknown[] } } };
  const mutationMs = Date.now() - t0;
  const called = answer.data.startMobilization.mobilization?.counts.called ?? 0;
  if (!called) console.error(JSON.stringify(answer));
  const deadline = Date.now() + 60_000;
  while (received.size < onlineAtStart && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const lastReceipt = Math.max(...received.values());
  const after = await Promise.all(apps.map(memory));

  // The outbox: both processes' senders drain it.
  const smsStart = Date.now();
  const outbox = async () => (await client.query<{ status: string; n: number }>(`SELECT status::text, count(*)::int AS n FROM "SmsMessage" WHERE kind = 'MOBILIZATION' AND "createdAt" >= to_timestamp($1 / 1000.0) AT TIME ZONE 'UTC' GROUP BY 1`, [t0 - 1000])).rows;
  let sent = 0;
  let total = 0;
  const smsDeadline = Date.now() + 300_000;
  for (;;) {
    const rows = await outbox();
    total = rows.reduce((a, r) => a + r.n, 0);
    sent = rows.find((r) => r.status === "SENT")?.n ?? 0;
    if ((total && sent >= total) || Date.now() > smsDeadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const smsSeconds = (Date.now() - t0) / 1000;
  const times = [...received.values()];
  const row = {
    online: onlineAtStart,
    reconnects,
    processes: 2,
    called,
    received: received.size,
    errors,
    mutation_ms: mutationMs,
    p50_ms: times.length ? pct(times, 50) : null,
    p99_ms: times.length ? pct(times, 99) : null,
    last_ms: times.length ? lastReceipt : null,
    sms_queued: total,
    sms_sent: sent,
    sms_per_second: Math.round(sent / smsSeconds),
    sms_drain_s_after_receipts: Math.round((Date.now() - smsStart) / 100) / 10,
    gateway_requests: gatewayHits,
    rss_mib_before: before.map((m) => Math.round(m.rss / 2 ** 20)),
    rss_mib_online: onlineMemory.map((m) => Math.round(m.rss / 2 ** 20)),
    rss_mib_after: after.map((m) => Math.round(m.rss / 2 ** 20)),
    heap_kib_per_subscriber: Math.round(((onlineMemory[0]!.heapUsed + onlineMemory[1]!.heapUsed - before[0]!.heapUsed - before[1]!.heapUsed) / tokens.length / 1024) * 10) / 10,
  };
  console.table([row]);
  for (const s of sockets) void s.dispose();
  await Promise.all(apps.map((a) => stop(a.child)));
  gateway.close();
  await client.end();
  await redis.stop();
  await server.stop();
  return row;
}

if (scenario === "generate") await (await prepare(scale)).server.stop();
if (scenario === "throughput" || scenario === "all") out.throughput = await throughput(scale);
if (scenario === "sql" || scenario === "all") out.sql = await sqlPerRequest(scale);
if (scenario === "claims" || scenario === "all") out.claims = await claimStorm(scale);
if (scenario === "fanout" || scenario === "all") out.fanout = await fanout(scale);
if (scenario === "callup") out.callup = await callup(scale);
if (scenario === "growth") {
  const growth = [];
  for (const s of opt("scales", "1,10").split(",").map(Number)) growth.push(...(await throughput(s)));
  out.growth = growth;
  console.table(growth);
}
await mkdir(path.join(repoRoot, "bench/results"), { recursive: true });
const file = path.join(repoRoot, "bench/results", `${scenario}-s${scale}-${Date.now()}.json`);
await writeFile(file, JSON.stringify({ ...results, ...out }, null, 2));
console.log(`Wrote ${path.relative(process.cwd(), file)}`);
process.exit(0);
