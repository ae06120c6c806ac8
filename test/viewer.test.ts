// Who is calling, as an outsider would probe it: the viewer's named statement (api/src/auth/viewer.ts)
// under many callers on few pooled connections, the session's end as one instant whatever the zones
// of the API process and of the database, and tokens that name someone else's session.
process.env.TZ = "Asia/Shanghai"; // the API's zone must not matter (db-read reads timestamp(3) as UTC)
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { App } from "../api/src/app.js";
import { createSession } from "../api/src/auth/sessions.js";
import { signToken } from "../api/src/auth/tokens.js";
import { loadViewer } from "../api/src/auth/viewer.js";
import { config } from "../api/src/config.js";
import { isoTypes, readRows } from "../api/src/db-read.js";
import { pool, prisma, sqlStats } from "../api/src/db.js";
import { unavailableReason } from "../api/src/graphql/unavailable.js";
import { gql, startApp, wsClient } from "./support/client.js";
import { DEMO_PHONES, seedDemoData } from "./support/fixtures.js";
import { relayedClient } from "./support/relay.js";

let app: App;
beforeAll(async () => {
  // A database whose zone is west of UTC (before any pooled connection opens): timestamp(3) columns
  // hold UTC, so `now()` compared with them in this zone would keep an ended session alive for hours.
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`ALTER DATABASE "${admin.database}" SET TimeZone = 'America/Los_Angeles'`);
  await admin.end();
  await seedDemoData();
  app = await startApp();
});
afterAll(() => app?.stop());

const ME = `{ viewer { displayName phone } }`;

describe("the viewer", () => {
  it("50 requests at once from 10 accounts, revoked ones among them: each gets its own row or none", async () => {
    const accounts = await prisma.account.findMany({ where: { disabled: false, passwordSet: true }, orderBy: { phone: "asc" }, take: 10 });
    expect(accounts).toHaveLength(10);
    const callers = await Promise.all(
      accounts.map(async (a, i) => {
        const s = await createSession(prisma, a.id);
        if (i % 3 === 0) await prisma.session.update({ where: { id: s.sessionId }, data: { revokedAt: new Date() } });
        return { phone: a.phone, token: s.token, live: i % 3 !== 0 };
      }),
    );
    const calls = Array.from({ length: 50 }, (_, i) => callers[(i * 7) % 10]!);
    const answers = await Promise.all(calls.map((c) => gql(app, ME, {}, c.token)));
    answers.forEach((r, i) => {
      expect(r.errors).toBeUndefined();
      expect(r.data?.viewer?.phone ?? null).toBe(calls[i]!.live ? calls[i]!.phone : null);
    });
  });

  it("a session's end is the instant stored, and an ended session is over, whatever the zones", async () => {
    const account = await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.fushanOfficer } });
    const live = await createSession(prisma, account.id);
    const row = await prisma.session.findUniqueOrThrow({ where: { id: live.sessionId } });
    const viewer = await loadViewer(account.id, live.sessionId);
    expect(viewer?.sessionExpiresAt?.toISOString()).toBe(row.expiresAt.toISOString());

    // Ended a minute ago; and one that ends in a minute is still on.
    await prisma.session.update({ where: { id: live.sessionId }, data: { expiresAt: new Date(Date.now() - 60_000) } });
    expect(await loadViewer(account.id, live.sessionId)).toBeNull();
    expect((await gql(app, ME, {}, live.token)).data?.viewer).toBeNull();
    const soon = await createSession(prisma, account.id);
    await prisma.session.update({ where: { id: soon.sessionId }, data: { expiresAt: new Date(Date.now() + 60_000) } });
    expect((await gql(app, ME, {}, soon.token)).data?.viewer?.phone).toBe(account.phone);
  });

  it("lookups of one turn share one statement, each answered with its own account or nobody", async () => {
    const accounts = await prisma.account.findMany({ where: { disabled: false, passwordSet: true }, orderBy: { phone: "asc" }, take: 8 });
    const sessions = await Promise.all(accounts.map((a) => createSession(prisma, a.id)));
    await prisma.session.update({ where: { id: sessions[2]!.sessionId }, data: { revokedAt: new Date() } });
    const lookups: [string, string | null][] = [
      ...accounts.map((a, i) => [a.id, sessions[i]!.sessionId] as [string, string]),
      [accounts[3]!.id, sessions[4]!.sessionId], // another account's session
      ["00000000-0000-4000-8000-000000000000", null], // nobody
      [accounts[5]!.id, null], // no session (tests, scripts)
      [accounts[0]!.id, sessions[0]!.sessionId], // the same twice
    ];
    const before = sqlStats.statements;
    const viewers = await Promise.all(lookups.map(([a, s]) => loadViewer(a, s)));
    // One statement for the 12 lookups instead of 12: a storm's requests leave the pool to the claims.
    expect(sqlStats.statements - before).toBe(1);
    const phoneOf = new Map(accounts.map((a) => [a.id, a.phone]));
    expect(viewers.map((v) => v?.phone ?? null)).toEqual([
      ...accounts.map((a, i) => (i === 2 ? null : a.phone)),
      null,
      null,
      phoneOf.get(accounts[5]!.id),
      accounts[0]!.phone,
    ]);
    expect(viewers.map((v) => v?.sessionId ?? null)).toEqual([...sessions.map((s, i) => (i === 2 ? null : s.sessionId)), null, null, null, sessions[0]!.sessionId]);
  });

  it("lookups of later turns wait while a lookup statement is out, then go together", async () => {
    const accounts = await prisma.account.findMany({ where: { disabled: false, passwordSet: true }, orderBy: { phone: "asc" }, take: 5 });
    const sessions = await Promise.all(accounts.map((a) => createSession(prisma, a.id)));
    // Every pooled connection busy for a moment: the first statement waits for one, and is out meanwhile.
    const busy = Array.from({ length: pool.options.max }, () => pool.query("SELECT pg_sleep(0.3)"));
    const before = sqlStats.statements;
    const first = loadViewer(accounts[0]!.id, sessions[0]!.sessionId);
    const later: Promise<unknown>[] = [];
    for (let i = 1; i < accounts.length; i++) {
      await new Promise((r) => setImmediate(r)); // each lookup in a turn of its own
      later.push(loadViewer(accounts[i]!.id, sessions[i]!.sessionId));
    }
    const viewers = await Promise.all([first, ...later]);
    await Promise.all(busy);
    // Two statements for five turns' lookups (five before): a storm's requests, spread over many
    // turns, cost a few round trips.
    expect(sqlStats.statements - before).toBe(2);
    expect(viewers.map((v) => (v as { phone: string } | null)?.phone)).toEqual(accounts.map((a) => a.phone));
  });

  it("a lookup statement whose connection falls silent fails after the read timeout, and the lookups waiting behind it are answered", async () => {
    const accounts = await prisma.account.findMany({ where: { disabled: false, passwordSet: true }, orderBy: { phone: "asc" }, take: 2 });
    const [a, b] = await Promise.all(accounts.map((x) => createSession(prisma, x.id)));
    // A connection through a relay that stops passing anything on: the server's own timeouts never
    // reach us (a network cut, a failover without a reset), so only a client-side bound ends the wait.
    const relay = await relayedClient();
    relay.silence();
    const spy = vi.spyOn(pool, "query").mockImplementationOnce(((q: pg.QueryConfig) => relay.client.query(q)) as never);
    const timeout = config.db.queryTimeoutMs;
    config.db.queryTimeoutMs = 300;
    try {
      const first = loadViewer(accounts[0]!.id, a!.sessionId);
      await new Promise((r) => setImmediate(r));
      const later = loadViewer(accounts[1]!.id, b!.sessionId); // waits for the first statement
      const [x, y] = await Promise.allSettled([first, later]);
      // A retryable unavailability (HTTP 503, a socket's 1013), not a bug's masked 500.
      expect(x.status === "rejected" && unavailableReason(x.reason)).toBe("unreachable");
      expect(y.status === "fulfilled" && y.value?.phone).toBe(accounts[1]!.phone);
    } finally {
      config.db.queryTimeoutMs = timeout;
      spy.mockRestore();
      await relay.close();
    }
  });

  it("a signed token naming another account's session, or an account that does not exist, is nobody", async () => {
    const [a, b] = await prisma.account.findMany({ where: { phone: { in: [DEMO_PHONES.fushanOfficer, DEMO_PHONES.changqingOfficer] } } });
    const sessionOfB = await createSession(prisma, b!.id);
    const now = Math.floor(Date.now() / 1000);
    const crossed = signToken({ sub: a!.id, sid: sessionOfB.sessionId, iat: now, exp: now + 3600 });
    expect((await gql(app, ME, {}, crossed)).data?.viewer).toBeNull();
    const ghost = signToken({ sub: "00000000-0000-4000-8000-000000000000", sid: sessionOfB.sessionId, iat: now, exp: now + 3600 });
    const r = await gql(app, ME, {}, ghost);
    expect(r.errors).toBeUndefined();
    expect(r.data?.viewer).toBeNull();
  });

  it("timestamps read as text (the board's page) are what toISOString writes, for 0 to 3 fraction digits", async () => {
    // Instants from 1970 to 9999 with milliseconds that end in zeros, which PostgreSQL leaves out.
    const instants = fc.sample(fc.date({ min: new Date(0), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true }), 300);
    instants.push(new Date("2026-01-02T03:04:05.000Z"), new Date("2026-01-02T03:04:05.100Z"), new Date("2026-01-02T03:04:05.120Z"));
    const rows = await readRows<{ t: string }>(
      "test_iso_text",
      `SELECT t FROM unnest($1::text[]) WITH ORDINALITY AS u(s, i), LATERAL (SELECT s::timestamp(3) AS t) x ORDER BY i`,
      [instants.map((d) => d.toISOString().slice(0, -1))],
      isoTypes,
    );
    expect(rows.map((r) => r.t)).toEqual(instants.map((d) => d.toISOString()));
  });

  it("HTTP requests and sockets' connection_init at once, from officers of two stations, a leader, a partner's admin, volunteers and nobody: each is who they are or nobody", async () => {
    const phones = [DEMO_PHONES.fushanOfficer, DEMO_PHONES.changqingOfficer, DEMO_PHONES.haolinsheLeader, DEMO_PHONES.partnerAdmin, "13800000101", "13800000102", "13800000103", "13800000104", "13800000105"];
    const accounts = await prisma.account.findMany({ where: { phone: { in: phones } }, orderBy: { phone: "asc" } }); // 4–6: volunteers 101–103
    expect(accounts).toHaveLength(phones.length);
    const sessions = await Promise.all(accounts.map((a) => createSession(prisma, a.id)));
    // Ended three ways: revoked, expired, and the account disabled (its session still stored as live).
    const ended = new Map<string, string>([[sessions[4]!.sessionId, "revoked"], [sessions[5]!.sessionId, "expired"], [sessions[6]!.sessionId, "disabled"]]);
    await prisma.session.update({ where: { id: sessions[4]!.sessionId }, data: { revokedAt: new Date() } });
    await prisma.session.update({ where: { id: sessions[5]!.sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await prisma.account.update({ where: { id: accounts[6]!.id }, data: { disabled: true } });
    try {
      const callers = [...accounts.map((a, i) => ({ token: sessions[i]!.token, phone: ended.has(sessions[i]!.sessionId) ? null : a.phone })), { token: null, phone: null }];
      const overSocket = (token: string | null) =>
        new Promise<{ phone: string | null } | { closed: number }>((resolve) => {
          const client = wsClient(app, token);
          client.subscribe(
            { query: ME },
            {
              next: (r) => resolve({ phone: (r.data as { viewer: { phone: string } | null } | null)?.viewer?.phone ?? null }),
              error: (e) => resolve({ closed: (e as { code?: number }).code ?? -1 }),
              complete: () => void client.dispose(),
            },
          );
        });
      const calls = Array.from({ length: 60 }, (_, i) => ({ caller: callers[(i * 7) % callers.length]!, socket: i % 2 === 1 }));
      const answers = await Promise.all(calls.map(({ caller, socket }) => (socket ? overSocket(caller.token) : gql(app, ME, {}, caller.token).then((r) => ({ phone: r.data?.viewer?.phone ?? null })))));
      answers.forEach((a, i) => {
        const { caller, socket } = calls[i]!;
        // An ended session's socket is refused (4403); nobody's socket and requests see public data only.
        if (socket && caller.token && !caller.phone) expect(a).toEqual({ closed: 4403 });
        else expect(a).toEqual({ phone: caller.phone });
      });
    } finally {
      await prisma.account.update({ where: { id: accounts[6]!.id }, data: { disabled: false } });
    }
  });
});
