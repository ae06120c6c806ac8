// The benchmark database: generated once per scale and kept, on DATABASE_URL's server or an
// embedded PostgreSQL under .data/bench-pg.
import path from "node:path";
import pg from "pg";
import { applyMigrations, repoRoot } from "../api/src/infra/migrations.js";
import { ensureDatabase, startEmbeddedPostgres, withDatabase, type RunningPostgres } from "../api/src/infra/postgres.js";

export async function benchServer(): Promise<{ adminUrl: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { adminUrl: process.env.DATABASE_URL, stop: async () => {} };
  const pgServer: RunningPostgres = await startEmbeddedPostgres({ dir: path.join(repoRoot, ".data/bench-pg"), persistent: true, quiet: true });
  return { adminUrl: pgServer.url, stop: () => pgServer.stop() };
}

export async function markGenerated(url: string) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query(`CREATE TABLE bench_generated (at timestamptz DEFAULT now())`);
  await db.end();
}

export async function benchDatabase(adminUrl: string, scale: number): Promise<{ url: string; fresh: boolean }> {
  const name = `linshe_bench_s${scale}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  let exists = !!(await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount;
  if (exists) {
    // Only a generation that finished leaves its marker; anything else is dropped and made again.
    const db = new pg.Client({ connectionString: withDatabase(adminUrl, name) });
    await db.connect();
    const done = (await db.query(`SELECT to_regclass('bench_generated') IS NOT NULL AS done`)).rows[0].done as boolean;
    await db.end();
    if (!done || process.argv.includes("--regenerate")) {
      await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      exists = false;
    }
  }
  await admin.end();
  await ensureDatabase(adminUrl, name);
  const url = withDatabase(adminUrl, name);
  await applyMigrations(url);
  return { url, fresh: !exists };
}
