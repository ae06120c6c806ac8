// Runs before each test file: a fresh database cloned from the migrated template.
import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import { dropDatabase, ensureDatabase, withDatabase } from "../../api/src/infra/postgres.js";

const adminUrl = inject("adminUrl");
const name = `linshe_test_${randomBytes(5).toString("hex")}`;
await ensureDatabase(adminUrl, name, inject("templateDb"));
process.env.DATABASE_URL = withDatabase(adminUrl, name);
process.env.LOG_SQL ??= "0";
// Request logs (one line per request) would bury the test output; tests that read logs set their own level.
process.env.LOG_LEVEL ??= "warn";
// Tests run many mutations as one account within a minute; test/limits.test.ts sets the real budget.
process.env.RATE_LIMIT_MUTATIONS_PER_MINUTE ??= "1000000";

afterAll(async () => {
  const { disconnect } = await import("../../api/src/db.js");
  await disconnect();
  await dropDatabase(adminUrl, name);
});
