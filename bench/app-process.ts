// Linshe's API in its own process for the benchmarks; answers over IPC:
//   {type:"memory"} → heap after a GC;  {type:"profile-start"} / {type:"profile-stop", file} → a CPU
//   profile of just that window (bench/profile.ts), without the start-up that --cpu-prof would include.
//   BENCH_PROCESSES=N (N > 1): N API processes sharing one port through node:cluster (the primary hands
//   each new connection to the next worker), as one process per core would be deployed; the primary
//   prints their pids ("WORKERS a,b") so that the bench counts their CPU. Give them REDIS_URL.
//   With BENCH_REUSE_PORT=1 as well: N independent processes, each listening on the same port with
//   SO_REUSEPORT (Node ≥ 22.12, Linux), the kernel spreading the connections; no primary in between.
//   bench/callup-floor.ts: {type:"floor-replay", xid, id} moves the notification reader back to that
//   position (every subscriber too), so the rows after it are read and delivered again as if just
//   committed; {type:"floor-raw-prepare", subjectId} serializes, per socket and subscription here, that
//   call-up's notification as a graphql-ws `next`, and {type:"floor-raw-send"} writes them all;
//   {type:"floor-wave", subjectId} reads that call-up's recipients as ONE row (as a stored wave event
//   would be read) and hands each local subscriber its notice through the subscription's own queue.
import { fork } from "node:child_process";
import cluster from "node:cluster";
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";

const processes = Number(process.env.BENCH_PROCESSES ?? "1");
const reusePort = process.env.BENCH_REUSE_PORT === "1";
/** A process this file forked for BENCH_REUSE_PORT: it reports over IPC, as a cluster worker does. */
const forked = process.env.BENCH_FORKED === "1";
if (processes > 1 && reusePort && !forked) {
  // The first takes a free port; the others then listen on the same one.
  const start = (port: number) => {
    const child = fork(import.meta.filename, [], { env: { ...process.env, BENCH_FORKED: "1", BENCH_PORT: String(port) }, execArgv: process.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const url = new Promise<string>((resolve, reject) => {
      child.on("message", (m: { type: string; url?: string }) => m.type === "listening" && resolve(m.url!));
      child.once("exit", (c) => reject(new Error(`process exited ${c}`)));
    });
    return { child, url };
  };
  const first = start(0);
  const url = await first.url;
  const rest = Array.from({ length: processes - 1 }, () => start(Number(new URL(url).port)));
  const urls = await Promise.all(rest.map((r) => r.url));
  if (urls.some((u) => u !== url)) throw new Error(`processes on different ports: ${url} ${urls.join(" ")}`);
  const children = [first.child, ...rest.map((r) => r.child)];
  process.stdout.write(`WORKERS ${children.map((c) => c.pid).join(",")}\nLISTENING ${url}\n`);
  process.on("SIGTERM", async () => {
    await Promise.all(children.map((c) => new Promise((r) => (c.once("exit", r), c.kill("SIGTERM")))));
    process.exit(0);
  });
} else if (processes > 1 && !reusePort && cluster.isPrimary) {
  const workers = Array.from({ length: processes }, () => cluster.fork());
  const urls = await Promise.all(
    workers.map((w) => new Promise<string>((resolve, reject) => {
      w.on("message", (m: { type: string; url?: string }) => m.type === "listening" && resolve(m.url!));
      w.once("exit", (c) => reject(new Error(`worker exited ${c}`)));
    })),
  );
  if (new Set(urls).size !== 1) throw new Error(`workers on different ports: ${urls.join(" ")}`);
  process.stdout.write(`WORKERS ${workers.map((w) => w.process.pid).join(",")}\nLISTENING ${urls[0]}\n`);
  process.on("SIGTERM", async () => {
    await Promise.all(workers.map((w) => new Promise((r) => (w.once("exit", r), w.process.kill("SIGTERM")))));
    process.exit(0);
  });
} else await serve();

async function serve() {
  const { buildApp } = await import("../api/src/app.js");
  const app = await (await buildApp()).start(Number(process.env.BENCH_PORT ?? "0"), "127.0.0.1", { reusePort });
  // The call-up benchmark measures the SMS outbox too: each process sends, as `pnpm start` does.
  if (process.env.BENCH_SMS === "1") (await import("../api/src/modules/notification/sms.service.js")).startSmsSender(200);
  // A worker's stdout is the primary's: it reports over IPC instead (port 0 is the same port in every worker).
  if (cluster.isWorker || forked) process.send!({ type: "listening", url: app.url });
  else process.stdout.write(`LISTENING ${app.url}\n`);
  let profiler: Session | null = null;
  let raw: [{ send(data: string): void }, string][] = [];
  process.on("message", async (m: { type: string; file?: string; xid?: string; id?: string; subjectId?: string }) => {
    if (m.type === "floor-replay") {
      const { notificationStream } = await import("../api/src/modules/notification/notification.stream.js");
      type Pos = { xid: bigint; id: bigint };
      const reader = notificationStream as unknown as { head: Pos; polling: Promise<void> | null; subscribers: Map<string, Set<{ after: Pos | null }>>; wake(): void };
      while (reader.polling) await reader.polling;
      const from = { xid: BigInt(m.xid!), id: BigInt(m.id!) };
      reader.head = from;
      for (const set of reader.subscribers.values()) for (const sub of set) sub.after = from;
      reader.wake();
      process.send?.({ type: "floor-replay-started" });
    } else if (m.type === "floor-wave") {
      const t0 = performance.now();
      const [{ pool }, { notificationStream }, { encodeCursor }] = await Promise.all([
        import("../api/src/db.js"),
        import("../api/src/modules/notification/notification.stream.js"),
        import("../api/src/events/stored-stream.js"),
      ]);
      const { rows } = await pool.query<{ wave: string }>(
        `SELECT json_build_object('head', (SELECT row_to_json(n) FROM (SELECT "stationId", title, link, "subjectType", "subjectId", "createdAt"::text AS "createdAt", xid::text AS xid FROM "Notification" WHERE "subjectId" = $1 LIMIT 1) n),
           'people', json_agg(json_build_array("accountId", id::text, body)))::text AS wave FROM "Notification" WHERE "subjectId" = $1`,
        [m.subjectId],
      );
      const wave = JSON.parse(rows[0]!.wave) as { head: Record<string, string>; people: [string, string, string][] };
      const readMs = Math.round(performance.now() - t0);
      const reader = notificationStream as unknown as { subscribers: Map<string, Set<{ queue: { push(v: unknown): void } }>> };
      const { head } = wave;
      let pushed = 0;
      // 500 at a time, a macrotask apart, as the reader routes its reads: the sockets' writes start early.
      for (let i = 0; i < wave.people.length; i++) {
        const [key, id, body] = wave.people[i]!;
        const set = reader.subscribers.get(key);
        if (set) {
          const message = { id, cursor: encodeCursor({ xid: BigInt(head.xid!), id: BigInt(id) }), key, stationId: head.stationId, kind: "MOBILIZATION", title: head.title, body, link: head.link, subjectType: head.subjectType, subjectId: head.subjectId, silent: "false", createdAt: head.createdAt };
          for (const sub of set) (sub.queue.push(message), pushed++);
        }
        if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
      }
      process.send?.({ type: "floor-wave-pushed", count: pushed, readMs });
    } else if (m.type === "floor-raw-prepare") {
      const [{ pool }, { socketContexts }] = await Promise.all([import("../api/src/db.js"), import("../api/src/graphql/socket-limits.js")]);
      const { rows } = await pool.query<{ id: string; accountId: string; kind: string; title: string; body: string; subjectId: string }>(
        `SELECT id::text, "accountId"::text AS "accountId", kind::text, title, body, "subjectId"::text AS "subjectId" FROM "Notification" WHERE "subjectId" = $1`,
        [m.subjectId],
      );
      const byAccount = new Map(rows.map((r) => [r.accountId, r]));
      raw = [];
      for (const ctx of socketContexts()) {
        const viewer = (ctx.extra as { viewer?: { accountId: string } | null }).viewer;
        const n = viewer && byAccount.get(viewer.accountId);
        if (!n) continue;
        const notice = { id: Buffer.from(`Notification:${n.id}`).toString("base64"), kind: n.kind, title: n.title, body: n.body, subjectId: n.subjectId };
        for (const id of Object.keys(ctx.subscriptions)) raw.push([(ctx.extra as { socket: { send(d: string): void } }).socket, JSON.stringify({ id, type: "next", payload: { data: { notificationReceived: notice } } })]);
      }
      process.send?.({ type: "floor-raw-prepared", count: raw.length });
    } else if (m.type === "floor-raw-send") {
      for (const [socket, data] of raw) socket.send(data);
      process.send?.({ type: "floor-raw-sent", count: raw.length });
    } else if (m.type === "memory") {
      globalThis.gc?.();
      process.send?.({ type: "memory", rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed });
    } else if (m.type === "profile-start") {
      profiler = new Session();
      profiler.connect();
      await profiler.post("Profiler.enable");
      await profiler.post("Profiler.setSamplingInterval", { interval: 1000 });
      await profiler.post("Profiler.start");
      process.send?.({ type: "profile-started" });
    } else if (m.type === "profile-stop" && profiler) {
      const { profile } = await profiler.post("Profiler.stop");
      await writeFile(m.file!, JSON.stringify(profile));
      profiler.disconnect();
      profiler = null;
      process.send?.({ type: "profile-written" });
    }
  });
  process.on("SIGTERM", async () => {
    await app.stop();
    process.exit(0);
  });
}
