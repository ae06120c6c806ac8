// Importing a county's sheet: 15,000 volunteers (诸暨 has 14,953) into one team, as an officer does it
// through the API (GraphQL multipart upload of an .xlsx): a dry run, then the commit. Prints the time
// of each and the process's peak memory (RSS). Run: pnpm bench:import [rows]
import path from "node:path";
import { ensureDatabase, dropDatabase, startEmbeddedPostgres, withDatabase } from "../api/src/infra/postgres.js";
import { applyMigrations, repoRoot } from "../api/src/infra/migrations.js";

const rows = Number(process.argv[2] ?? 15_000);
const pgServer = process.env.DATABASE_URL ? null : await startEmbeddedPostgres({ dir: path.join(repoRoot, ".data/bench-pg"), persistent: true, quiet: true });
const adminUrl = process.env.DATABASE_URL ?? pgServer!.url;
const name = "linshe_bench_import";
await dropDatabase(adminUrl, name).catch(() => {});
await ensureDatabase(adminUrl, name);
process.env.DATABASE_URL = withDatabase(adminUrl, name);
await applyMigrations(process.env.DATABASE_URL);

// The app reads DATABASE_URL when its modules load.
const { seedDemo, DEMO_PASSWORD } = await import("../api/src/seed/demo.js");
const { buildApp } = await import("../api/src/app.js");
const { prisma } = await import("../api/src/db.js");
const { writeXlsx } = await import("../api/src/lib/sheet.js");
await seedDemo(() => {});
const app = await (await buildApp()).start(0, "127.0.0.1");
const team = await prisma.team.findFirstOrThrow({ where: { name: "好邻舍义警" } });
const teamId = Buffer.from(`Team:${team.id}`).toString("base64");

async function post(body: BodyInit, token?: string) {
  // The CSRF header: the API refuses a multipart form without it.
  const res = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "x-graphql-yoga-csrf": "1", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
  return (await res.json()) as { data?: any; errors?: unknown };
}
const signIn = await fetch(`${app.url}/graphql`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ query: `mutation ($input: SignInInput!) { signIn(input: $input) { token } }`, variables: { input: { phone: "13800000001", password: DEMO_PASSWORD } } }),
});
const token = ((await signIn.json()) as any).data.signIn.token as string;

const SQUADS = ["警民夜巡", "校园安保", "反诈宣传"];
const sheet = await writeXlsx(
  "队员",
  ["姓名", "手机号", "身份证号", "小队", "特长"],
  Array.from({ length: rows }, (_, i) => [`义警${i}`, String(15000000000 + i), "", SQUADS[i % SQUADS.length]!, i % 2 ? "夜巡" : "反诈"]),
);
console.log(`sheet: ${rows} rows, ${(sheet.length / 1024).toFixed(0)} KiB`);

async function run(dryRun: boolean) {
  const form = new FormData();
  form.append("operations", JSON.stringify({
    query: `mutation ($input: ImportVolunteersInput!) { importVolunteers(input: $input) { report { rowsRead rowsToCreate errorCount committed created codesFile { filename } } userErrors { message } } }`,
    variables: { input: { teamId, dryRun, file: null } },
  }));
  form.append("map", JSON.stringify({ 0: ["variables.input.file"] }));
  form.append("0", new Blob([new Uint8Array(sheet)]), "队员.xlsx");
  const started = performance.now();
  const r = await post(form, token);
  const ms = performance.now() - started;
  console.log(`${dryRun ? "dry run" : "commit "}: ${(ms / 1000).toFixed(1)} s`, JSON.stringify(r.data?.importVolunteers ?? r.errors));
}
await run(true);
await run(false);
console.log(`enrollments: ${await prisma.enrollment.count()}; peak RSS of the process (API and this driver): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
await app.stop();
await dropDatabase(adminUrl, name).catch(() => {});
await pgServer?.stop();
process.exit(0);
