// One PostgreSQL per test run: a throwaway embedded server, or the server in DATABASE_URL.
// Migrates a template database once; every test file clones it (test/support/database.ts).
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { applyMigrations } from "../../api/src/infra/migrations.js";
import { dropDatabase, ensureDatabase, startEmbeddedPostgres, withDatabase } from "../../api/src/infra/postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    adminUrl: string;
    templateDb: string;
  }
}

export default async function setup(project: TestProject) {
  let adminUrl = process.env.DATABASE_URL;
  let stop = async () => {};
  if (!adminUrl) {
    const dir = await mkdtemp(path.join(os.tmpdir(), "linshe-test-pg-"));
    const pg = await startEmbeddedPostgres({ dir: path.join(dir, "data"), persistent: false, quiet: true });
    adminUrl = pg.url;
    stop = async () => {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  const templateDb = `linshe_template_${process.pid}`;
  await dropDatabase(adminUrl, templateDb);
  await ensureDatabase(adminUrl, templateDb);
  await applyMigrations(withDatabase(adminUrl, templateDb));
  project.provide("adminUrl", adminUrl);
  project.provide("templateDb", templateDb);
  return async () => {
    await dropDatabase(adminUrl, templateDb).catch(() => {});
    await stop();
  };
}
