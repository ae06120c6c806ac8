// pnpm db:migrate | db:migrate:create <name> | db:migrate:status
// Uses DATABASE_URL, or the embedded PostgreSQL under .data/ (the one `pnpm start` uses).
import path from "node:path";
import { applyMigrations, createMigration, driftScript, repoRoot } from "../api/src/infra/migrations.js";
import { ensureDatabase, startEmbeddedPostgres, type RunningPostgres } from "../api/src/infra/postgres.js";

const [cmd, name] = process.argv.slice(2);
let embedded: RunningPostgres | undefined;
let url = process.env.DATABASE_URL;
if (!url) {
  embedded = await startEmbeddedPostgres({ dir: path.join(repoRoot, ".data/pg"), persistent: true });
  await ensureDatabase(embedded.url, "linshe");
  url = embedded.databaseUrl("linshe");
}
let code = 0;
try {
  if (cmd === "deploy") {
    const applied = await applyMigrations(url);
    console.log(applied.length ? `Applied: ${applied.join(", ")}` : "No pending migrations.");
  } else if (cmd === "create") {
    if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error("usage: pnpm db:migrate:create <snake_case_name>");
    await applyMigrations(url);
    const created = await createMigration(url, name);
    console.log(created ? `Created prisma/migrations/${created}` : "Schema and migrations agree: nothing to create.");
  } else if (cmd === "status") {
    const drift = await driftScript(url);
    console.log(drift ? `schema.prisma differs from the migrations:\n${drift}` : "Migrations match schema.prisma.");
    code = drift ? 1 : 0;
  } else {
    throw new Error("usage: migrate deploy | create <name> | status");
  }
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  code = 1;
} finally {
  await embedded?.stop();
}
// The Wasm engine leaves a timer armed; exit explicitly.
process.exit(code);
