import { createRequire } from "node:module";
import { defineConfig, type UserWorkspaceConfig } from "vitest/config";

const require = createRequire(import.meta.url);

/** The API's integration and e2e tests: a real PostgreSQL (test/fixtures/failing reuses this). */
export const apiProject = {
  resolve: {
    // One graphql instance: our sources would otherwise get its ESM build while Pothos and yoga
    // (loaded by Node) get the CommonJS one, and graphql refuses to mix them.
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    name: "api",
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    setupFiles: ["test/support/database.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
} satisfies UserWorkspaceConfig;

export default defineConfig({
  test: {
    // Two cores on CI: two test files at a time, each with its own database.
    maxWorkers: 2,
    // The JSON report gives .ci/run its one-line count (scripts/test-summary.mjs).
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest.json" },
    projects: [
      apiProject,
      // The web app's components in a simulated DOM (happy-dom), without a database.
      "web/vitest.config.ts",
    ],
    // `pnpm test:coverage`: branch coverage of the API as this process runs it (the API processes
    // of the Redis and operations tests are children and not counted).
    coverage: {
      provider: "v8",
      include: ["api/src/**/*.ts"],
      exclude: ["api/src/generated/**"],
      reporter: ["text-summary", "text", "json-summary", "json"],
      reportsDirectory: "test-results/coverage",
      // The figure is wanted even when one unrelated test fails.
      reportOnFailure: true,
      thresholds: { "api/src/modules/**": { branches: 85 } },
    },
  },
});
