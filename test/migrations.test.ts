import { mkdtemp, readFile, cp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { applyMigrations, driftScript, loadMigrations, migrationsDir, schemaPath } from "../api/src/infra/migrations.js";
import { dropDatabase, ensureDatabase, withDatabase } from "../api/src/infra/postgres.js";

const adminUrl = inject("adminUrl");
const created: string[] = [];
async function freshDatabase(tag: string) {
  const name = `linshe_mig_${tag}_${process.pid}`;
  await dropDatabase(adminUrl, name);
  await ensureDatabase(adminUrl, name);
  created.push(name);
  return withDatabase(adminUrl, name);
}
afterAll(async () => {
  for (const name of created) await dropDatabase(adminUrl, name);
});

describe("migrations (Prisma's Wasm schema engine)", () => {
  it("migrates an empty database to the schema, then applies nothing on a second run", async () => {
    const url = await freshDatabase("fresh");
    const all = (await loadMigrations()).migrationDirectories.map((d) => d.path);
    expect(all.length).toBeGreaterThan(0);
    expect(await applyMigrations(url)).toEqual(all);
    expect(await applyMigrations(url)).toEqual([]);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    const { rows: log } = await client.query<{ migration_name: string }>(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1",
    );
    await client.end();
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(["Station", "Team", "Squad", "Volunteer", "TeamMembership", "SquadMembership", "Account", "_prisma_migrations"]),
    );
    expect(log.map((r) => r.migration_name)).toEqual(all);
  });

  it("finds no drift between schema.prisma and the committed migrations", async () => {
    const url = await freshDatabase("drift");
    expect(await driftScript(url)).toBe("");
  });

  it("reports drift when schema.prisma changes without a migration", async () => {
    const url = await freshDatabase("drift2");
    const changed = (await readFile(schemaPath, "utf8")).replace(
      'address     String      @default("")',
      'address     String      @default("")\n  motto       String?',
    );
    expect(changed).toContain("motto");
    const drift = await driftScript(url, changed);
    expect(drift).toMatch(/ALTER TABLE "Station" ADD COLUMN\s+"motto" TEXT/);
  });

  it("reports drift when a migration is missing for the schema", async () => {
    const url = await freshDatabase("drift3");
    const dir = await mkdtemp(path.join(os.tmpdir(), "linshe-mig-"));
    await cp(migrationsDir, dir, { recursive: true });
    // The newest migration that changes a table (a migration of only a SQL function is no drift).
    const dirs = (await loadMigrations(dir)).migrationDirectories;
    const tables = await Promise.all(dirs.map(async (d) => /\b(CREATE|ALTER) TABLE\b/.test(await readFile(path.join(dir, d.path, "migration.sql"), "utf8"))));
    const newest = dirs.filter((_, i) => tables[i]).at(-1)!.path;
    await rm(path.join(dir, newest), { recursive: true });
    try {
      expect(await driftScript(url, undefined, dir)).not.toBe("");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
