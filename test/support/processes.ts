import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { freePort } from "../../api/src/infra/postgres.js";

const root = path.resolve(import.meta.dirname, "../..");

export interface Proc {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess) {
  return () =>
    new Promise<void>((resolve) => {
      // Gone already: exited, or killed by a signal (then exitCode stays null).
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });
}

/** A real redis-server on a free loopback port (installed by `pnpm test`'s tool check or .ci/run). */
export async function startRedis(port?: number): Promise<Proc> {
  if (spawnSync("redis-server", ["--version"]).error) {
    throw new Error("redis-server is not installed: `apt-get install redis-server` (pnpm test does it when run as root)");
  }
  port ??= await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "pipe" });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("redis-server did not start")), 10_000);
    child.stdout!.on("data", (d: Buffer) => {
      if (d.toString().includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, child, stop: stopper(child) };
}

/** Another API process (tsx), sharing this test's database. */
export async function startApiProcess(env: Record<string, string>): Promise<Proc> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "test/support/api-process.ts")], {
    cwd: root,
    env: { ...process.env, ...env, PORT: "0", LINSHE_DEMO: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("API process did not start")), 30_000);
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once("exit", (code) => reject(new Error(`API process exited with ${code}`)));
  });
  return { url, child, stop: stopper(child) };
}

/** Subscriber counts of Redis channels (PUBSUB NUMSUB), asked over a plain socket. */
export async function redisSubscribers(url: string, channels: string[]): Promise<number[]> {
  const { hostname, port } = new URL(url);
  const arg = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
  const command = `*${channels.length + 2}\r\n${arg("PUBSUB")}${arg("NUMSUB")}${channels.map(arg).join("")}`;
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(command));
    let data = "";
    socket.on("data", (d) => {
      data += d.toString();
      // *2n, then per channel a bulk string and an integer: done when all integers are in.
      if ((data.match(/^:\d+\r\n/gm) ?? []).length === channels.length) {
        socket.end();
        resolve(data);
      }
    });
    socket.on("error", reject);
  });
  return (reply.match(/^:(\d+)\r\n/gm) ?? []).map((m) => Number(m.slice(1)));
}

/** Waits until every channel has at least `min` subscribers: the API processes listen on Redis. */
export async function redisListening(url: string, channels: string[], min = 1, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await redisSubscribers(url, channels);
    if (counts.every((c) => c >= min)) return;
    if (Date.now() > deadline) throw new Error(`Redis channels ${channels.join(", ")} have ${counts.join(", ")} subscribers, want ${min}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
