// Lighthouse (mobile, simulated slow 4G and a 4× slower CPU) on /login, /board and /shifts, in
// Debian's Chromium, plus Chrome's own installability check of the PWA. A measurement, not a test:
//   pnpm --filter @linshe/web build && pnpm lighthouse            (starts the demo app on PORT, 4173)
//   pnpm lighthouse --url http://localhost:4000                   (an app already running, with demo data)
//   pnpm lighthouse --url … --only /shifts                        (one page, no installability check)
//   LIGHTHOUSE_CPU=1 pnpm lighthouse …                           (also audited with wall time = thread CPU time)
// Every page gets a fresh browser profile (cold caches, no service worker); /shifts is visited once
// with the sign-in token first, then the caches and the service worker are dropped (localStorage kept). Reports land in test-results/lighthouse/.
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse, { type Flags } from "lighthouse";
import { chromium } from "playwright-core";

const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, "test-results/lighthouse");
const CHROME = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const VOLUNTEER = process.env.LIGHTHOUSE_PHONE ?? "13800000160";
const PAGES = [
  { path: "/login", signedIn: false },
  { path: "/board", signedIn: false },
  { path: "/shifts", signedIn: true },
];
const WANT = { performance: 95, accessibility: 100, "best-practices": 100 } as const;

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

async function waitReady(url: string, ms = 180_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} not ready after ${ms / 1000} s`);
}

async function startDemo(): Promise<{ url: string; child: ChildProcess }> {
  const port = process.env.PORT ?? "4173";
  const child = spawn(path.join(root, "node_modules/.bin/tsx"), ["api/src/main.ts"], {
    cwd: root,
    env: { ...process.env, PORT: port, LINSHE_DEMO: "1", LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url);
  return { url, child };
}

async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: `mutation ($input: SignInInput!) { signIn(input: $input) { token userErrors { message } } }`,
      variables: { input: { phone: VOLUNTEER, password: process.env.LIGHTHOUSE_PASSWORD ?? "linshe-demo" } },
    }),
  });
  const token = ((await res.json()) as { data?: { signIn?: { token?: string } } }).data?.signIn?.token;
  if (!token) throw new Error(`sign-in of ${VOLUNTEER} failed`);
  return token;
}

interface Row {
  page: string;
  performance: number;
  accessibility: number;
  "best-practices": number;
  lcpMs: number;
  failing: string[];
}

async function audit(url: string, page: (typeof PAGES)[number], token: string | null): Promise<Row> {
  const userDataDir = await mkdtemp(path.join(tmpdir(), "linshe-lh-"));
  const chrome = await chromeLauncher.launch({
    chromePath: CHROME,
    userDataDir,
    chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=zh-CN"],
  });
  try {
    if (token) {
      // A returning volunteer: the page visited once with the token, so localStorage holds what the app
      // keeps (token, the board's station, offline answers); then the HTTP cache, the service worker and
      // its caches are emptied, so every file and answer is fetched again.
      const cdp = await chromium.connectOverCDP(`http://127.0.0.1:${chrome.port}`);
      const tab = await cdp.contexts()[0]!.newPage();
      await tab.goto(`${url}/livez`);
      await tab.evaluate((t) => localStorage.setItem("linshe.token", t), token);
      await tab.goto(`${url}${page.path}`);
      await tab.waitForSelector("main h1", { timeout: 60_000 });
      await tab.waitForTimeout(1500);
      const session = await tab.context().newCDPSession(tab);
      await session.send("Storage.clearDataForOrigin", { origin: new URL(url).origin, storageTypes: "service_workers,cache_storage" });
      await session.send("Network.clearBrowserCache");
      await tab.goto(`${url}/livez`);
      await tab.close();
    }
    const name = page.path.replace(/\W+/g, "") || "root";
    const settings = {
      output: "html",
      logLevel: "error",
      // Keeps the token above; the profile is new, so nothing else is stored.
      disableStorageReset: token !== null,
      onlyCategories: ["performance", "accessibility", "best-practices"],
      // LIGHTHOUSE_TRACE=profile: JavaScript samples in the trace (they slow the page a little).
      ...(process.env.LIGHTHOUSE_TRACE === "profile" ? { additionalTraceCategories: "disabled-by-default-v8.cpu_profiler" } : {}),
    } satisfies Flags;
    // LIGHTHOUSE_CPU=1: the run's artifacts are kept, and audited once more with the load taken out.
    const gathered = process.env.LIGHTHOUSE_CPU ? path.join(out, `${name}.artifacts`) : null;
    if (gathered) rmSync(gathered, { recursive: true, force: true });
    const result = await lighthouse(`${url}${page.path}`, { port: chrome.port, ...settings, ...(gathered ? { gatherMode: gathered, auditMode: gathered } : {}) });
    if (!result) throw new Error("lighthouse returned nothing");
    if (gathered) {
      const quiet = await lighthouse(`${url}${page.path}`, { ...settings, auditMode: withoutLoad(gathered) });
      const a = quiet!.lhr.audits;
      const v = (id: string) => Math.round(a[id]?.numericValue ?? NaN);
      console.log(`${page.path} with wall time = thread CPU: performance ${Math.round((quiet!.lhr.categories.performance?.score ?? 0) * 100)}, FCP ${v("first-contentful-paint")} ms, LCP ${v("largest-contentful-paint")} ms, TBT ${v("total-blocking-time")} ms`);
    }
    writeFileSync(path.join(out, `${name}.html`), result.report as string);
    writeFileSync(path.join(out, `${name}.lhr.json`), JSON.stringify(result.lhr));
    // LIGHTHOUSE_TRACE=1: the observed trace too (Lighthouse's simulation multiplies its tasks' times).
    if (process.env.LIGHTHOUSE_TRACE) writeFileSync(path.join(out, `${name}.trace.json`), JSON.stringify((result.artifacts as { Trace?: unknown }).Trace));
    const lhr = result.lhr;
    const score = (c: string) => Math.round((lhr.categories[c]?.score ?? 0) * 100);
    const failing = Object.values(lhr.audits)
      .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== "informative" && a.scoreDisplayMode !== "manual" && a.scoreDisplayMode !== "notApplicable")
      .map((a) => `${a.id} (${a.displayValue ?? a.score})`);
    const details = (id: string) => ((lhr.audits[id]?.details as { items?: Record<string, unknown>[] } | undefined)?.items ?? []).slice(0, 6);
    writeFileSync(path.join(out, `${name}.diagnostics.json`), JSON.stringify({ bootup: details("bootup-time"), mainthread: details("mainthread-work-breakdown"), lcp: details("largest-contentful-paint-element"), network: details("network-requests").map((r) => [r.url, r.transferSize, r.networkRequestTime, r.networkEndTime]) }, null, 1));
    return {
      page: page.path,
      performance: score("performance"),
      accessibility: score("accessibility"),
      "best-practices": score("best-practices"),
      lcpMs: Math.round(lhr.audits["largest-contentful-paint"]?.numericValue ?? NaN),
      failing,
    };
  } finally {
    await chrome.kill();
    await rm(userDataDir, { recursive: true, force: true });
  }
}

/**
 * A copy of gathered artifacts whose trace has every task's wall time set to its thread CPU time (the
 * events inside scaled from the task's start). Lighthouse's simulation multiplies observed wall time by 4,
 * so on a loaded machine it measures the other processes; audited again, this copy gives the page's own
 * cost. Returns the copy's directory.
 */
function withoutLoad(dir: string): string {
  const copy = `${dir}-cpu`;
  rmSync(copy, { recursive: true, force: true });
  cpSync(dir, copy, { recursive: true });
  const file = path.join(copy, "defaultPass.trace.json");
  type Ev = { ph: string; name: string; pid: number; tid: number; ts: number; dur?: number; tdur?: number };
  const trace = JSON.parse(readFileSync(file, "utf8")) as { traceEvents: Ev[] };
  const tasks = new Map<string, { ts: number; dur: number; ratio: number; ev: Ev }[]>();
  for (const e of trace.traceEvents) {
    if (e.ph !== "X" || e.name !== "RunTask" || e.tdur === undefined || !e.dur) continue;
    const k = `${e.pid}:${e.tid}`;
    if (!tasks.has(k)) tasks.set(k, []);
    tasks.get(k)!.push({ ts: e.ts, dur: e.dur, ratio: Math.min(1, Math.max(e.tdur, 1) / e.dur), ev: e });
  }
  for (const list of tasks.values()) list.sort((a, b) => a.ts - b.ts);
  for (const e of trace.traceEvents) {
    const list = tasks.get(`${e.pid}:${e.tid}`);
    if (!list || !["X", "B", "E", "I", "i", "R"].includes(e.ph)) continue;
    let lo = 0;
    let hi = list.length - 1;
    let task: (typeof list)[number] | undefined;
    while (lo <= hi) {
      const m = (lo + hi) >> 1;
      if (list[m]!.ts <= e.ts) (task = list[m]), (lo = m + 1);
      else hi = m - 1;
    }
    if (!task || e.ts > task.ts + task.dur) continue;
    const end = e.ts + (e.dur ?? 0);
    e.ts = task.ts + Math.round((e.ts - task.ts) * task.ratio);
    if (e.dur !== undefined) e.dur = Math.max(e === task.ev ? 1 : 0, task.ts + Math.round((end - task.ts) * task.ratio) - e.ts);
  }
  writeFileSync(file, JSON.stringify(trace));
  return copy;
}

/** Chrome's own verdict (what decides whether it offers "Install"), once the service worker runs. */
async function installability(url: string): Promise<string[]> {
  // A persistent profile: Chrome offers no installation in an incognito-like context.
  const userDataDir = await mkdtemp(path.join(tmpdir(), "linshe-install-"));
  const browser = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROME, args: ["--headless=new", "--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage();
    await page.goto(`${url}/login`);
    await page.evaluate(async () => void (await navigator.serviceWorker.ready));
    const cdp = await browser.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send("Page.getInstallabilityErrors")) as { installabilityErrors: { errorId: string }[] };
    return installabilityErrors.map((e) => e.errorId);
  } finally {
    await browser.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
}

mkdirSync(out, { recursive: true });
const given = arg("url");
const demo = given ? null : await startDemo();
const url = given ?? demo!.url;
try {
  const token = await signIn(url);
  const rows: Row[] = [];
  const only = arg("only");
  for (const page of PAGES.filter((p) => !only || p.path === only)) rows.push(await audit(url, page, page.signedIn ? token : null));
  const installErrors = only ? [] : await installability(url);
  console.log("\npage      perf  a11y  best  LCP");
  for (const r of rows) console.log(`${r.page.padEnd(9)} ${String(r.performance).padStart(4)}  ${String(r.accessibility).padStart(4)}  ${String(r["best-practices"]).padStart(4)}  ${(r.lcpMs / 1000).toFixed(2)} s`);
  console.log(`installable: ${installErrors.length ? `no (${installErrors.join(", ")})` : "yes"}`);
  for (const r of rows) if (r.failing.length) console.log(`${r.page}: below 0.9: ${r.failing.join(", ")}`);
  writeFileSync(path.join(out, "summary.json"), JSON.stringify({ at: new Date().toISOString(), rows, installErrors }, null, 2));
  const short = rows.some((r) => (Object.keys(WANT) as (keyof typeof WANT)[]).some((k) => r[k] < WANT[k]) || !(r.lcpMs < 2500));
  process.exitCode = short || installErrors.length ? 1 : 0;
} finally {
  if (demo) {
    demo.child.kill("SIGTERM");
    await new Promise((r) => demo.child.once("exit", r));
  }
}
