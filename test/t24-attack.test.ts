// Session 24's attack on 6de4779 (reads asked at once share statements, api/src/db-batch.ts): the
// public board's pages (5 a statement) and the viewer lookup (generate_subscripts + a lateral
// Account), probed through the API as an outsider would. Each request must get exactly the answer it
// gets alone — its own viewer, its own station's board — whatever else is asked at the same time, and
// a batch's statement that dies (killed backend, lock timeout, silent connection) must fail only the
// requests it carried, as a retryable 503, never someone else's data or an unhandled rejection.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { App } from "../api/src/app.js";
import { createSession } from "../api/src/auth/sessions.js";
import { config } from "../api/src/config.js";
import { Slots, turnBatch } from "../api/src/db-batch.js";
import { pool, prisma } from "../api/src/db.js";
import { gql, startApp, wsClient } from "./support/client.js";
import { createStation, createVolunteers, gid, publishedEdition, type Person } from "./support/fixtures.js";
import { relayedClient } from "./support/relay.js";

const rejections: unknown[] = [];
const onRejection = (e: unknown) => void rejections.push(e);
process.on("unhandledRejection", onRejection);

let app: App;
let stations: Awaited<ReturnType<typeof createStation>>[];
let people: Person[];
/** displayName → legal name when its owner consented to show it, else null */
const consent = new Map<string, string | null>();
const phones = new Set<string>();

interface Caller {
  label: string;
  token: string | null;
  /** The phone the viewer field must answer, or null (nobody) */
  phone: string | null;
}
let callers: Caller[];

beforeAll(async () => {
  app = await startApp();
  stations = await Promise.all([createStation(), createStation(), createStation(), createStation()]);
  const [a, b, , d] = stations as [typeof stations[0], typeof stations[0], typeof stations[0], typeof stations[0]];
  const va = await createVolunteers(9, { teamId: a.team.id });
  const vb = await createVolunteers(3, { teamId: b.team.id });
  const vd = await createVolunteers(2, { teamId: d.team.id });
  people = [...va, ...vb, ...vd];
  // Some consented to show their legal name on the board, most did not.
  const consenting = new Set([va[1]!.id, va[6]!.id, vb[2]!.id, vd[0]!.id]);
  await prisma.volunteer.updateMany({ where: { id: { in: [...consenting] } }, data: { showLegalNameOnBoard: true } });
  for (const p of people) consent.set(p.displayName, consenting.has(p.id) ? p.name : null);
  await publishedEdition(a, va.slice(0, 4));
  await publishedEdition(a, va.slice(4));
  await publishedEdition(b, vb.reverse());
  await publishedEdition(d, vd, true); // withdrawn: no public board
  for (const p of people) phones.add(p.phone);
  for (const s of stations) phones.add(s.officer.phone);

  // Callers: officers, volunteers, the same account with a live and a revoked session, an expired
  // session, a disabled account (its session still stored as live), and nobody.
  const [v0, v1, v2, v3] = [va[0]!, va[2]!, vb[0]!, vd[1]!];
  const second = await createSession(prisma, v0.accountId);
  const revoked = await createSession(prisma, v0.accountId);
  await prisma.session.update({ where: { id: revoked.sessionId }, data: { revokedAt: new Date() } });
  const expired = await createSession(prisma, v1.accountId);
  await prisma.session.update({ where: { id: expired.sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
  await prisma.account.update({ where: { id: v3.accountId }, data: { disabled: true } });
  callers = [
    { label: "officer A", token: a.officer.token, phone: a.officer.phone },
    { label: "officer B", token: b.officer.token, phone: b.officer.phone },
    { label: "volunteer", token: v0.token, phone: v0.phone },
    { label: "same account, second session", token: second.token, phone: v0.phone },
    { label: "same account, revoked session", token: revoked.token, phone: null },
    { label: "expired session", token: expired.token, phone: null },
    { label: "volunteer of B", token: v2.token, phone: v2.phone },
    { label: "disabled account", token: v3.token, phone: null },
    { label: "nobody", token: null, phone: null },
  ];
});
afterAll(async () => {
  await app?.stop();
  process.off("unhandledRejection", onRejection);
});

const BOARD = `query ($s: ID!, $first: Int, $last: Int, $after: String, $before: String) {
  viewer { phone displayName }
  commendationBoard(stationId: $s, first: $first, last: $last, after: $after, before: $before) {
    edges { cursor node { id displayName legalName title editionTitle timesCommended } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Answer = { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
type Board = { edges: { cursor: string; node: { id: string; displayName: string; legalName: string | null } }[] } | null;

/** What a board answer shows of people: the legal name only with consent, nobody's phone. */
function expectNoPersonalLeak(answer: Answer, caller: Caller) {
  // A request refused whole (a bad argument found before execution) has no data at all.
  if (answer.data) expect(answer.data.viewer?.phone ?? null).toBe(caller.phone);
  const board = (answer.data?.commendationBoard ?? null) as Board;
  for (const e of board?.edges ?? []) {
    expect(consent.has(e.node.displayName)).toBe(true);
    expect(e.node.legalName).toBe(consent.get(e.node.displayName));
  }
  const rest = JSON.stringify({ ...answer, data: { ...answer.data, viewer: null } });
  for (const phone of phones) expect(rest).not.toContain(phone);
}

const cursorOf = (id: string) => Buffer.from(`GPC:S:${id}`).toString("base64");
const upperCursor = (cursor: string) => cursorOf(Buffer.from(cursor, "base64").toString().slice(6).toUpperCase());

describe("a burst of board pages and viewers through the API", () => {
  it("every request, asked with 100 others while the pool is busy, gets what it gets alone: its own viewer, its own station's page or error", async () => {
    const [a, b, c, d] = stations.map((s) => s.station.id) as [string, string, string, string];
    const top = async (s: string) => ((await gql(app, BOARD, { s: gid("Station", s), first: 50 }, stations[0]!.officer.token)).data!.commendationBoard as Board)!.edges.map((e) => e.cursor);
    const [ca, cb] = [await top(a), await top(b)];
    expect([ca.length, cb.length]).toEqual([9, 3]);
    const variants: Record<string, unknown>[] = [
      { first: 1 },
      { first: 3 },
      { first: 20 },
      { last: 2 },
      { last: 20 },
      { first: 0 },
      { last: 0 },
      {}, // the default page size
      { first: 2, after: ca[3] },
      { first: 20, after: ca[0] },
      { last: 2, before: ca[6] },
      { last: 20, before: ca[8] },
      { first: 2, after: upperCursor(ca[4]!) },
      { first: 2, after: cb[0] }, // another station's entry, asked of A: that request's error only
      { last: 2, before: cb[1] },
      { first: 2, after: cursorOf(randomUUID()) }, // an entry that does not exist
      { first: 2, after: "garbage" },
      { first: 2, after: Buffer.from("GPC:N:7").toString("base64") },
      { first: 2, last: 2 },
      { first: 2, before: ca[2] },
      { first: -1 },
      { first: 101 },
    ];
    const stationArgs = [gid("Station", a), gid("Station", a.toUpperCase()), gid("Station", b), gid("Station", c), gid("Station", d), gid("Team", stations[0]!.team.id), gid("Station", randomUUID()), "garbage", gid("Station", "not-a-uuid")];
    const requests: { caller: Caller; vars: Record<string, unknown> }[] = [];
    let k = 0;
    for (const v of variants)
      for (const s of stationArgs) {
        // Cursors of A's entries asked of A (and upper-case A), of B's of B; a few of every other station too.
        const ofA = s === stationArgs[0] || s === stationArgs[1];
        if ((v.after ?? v.before) !== undefined && !ofA && s !== stationArgs[2] && k++ % 3 !== 0) continue;
        requests.push({ caller: callers[requests.length % callers.length]!, vars: { s, ...v } });
      }
    expect(requests.length).toBeGreaterThan(100);

    const alone: string[] = [];
    for (const r of requests) {
      const answer = await gql(app, BOARD, r.vars, r.caller.token);
      expectNoPersonalLeak(answer, r.caller);
      alone.push(JSON.stringify(answer));
    }
    // The answers are what they should be: some pages, some errors, no masked one.
    expect(alone.filter((x) => x.includes('"edges":[{')).length).toBeGreaterThan(30);
    expect(alone.filter((x) => x.includes("BAD_USER_INPUT")).length).toBeGreaterThan(10);
    expect(alone.some((x) => /INTERNAL|Unexpected error|SERVICE_UNAVAILABLE/.test(x))).toBe(false);

    for (const round of [0, 1]) {
      // Every connection busy for a moment: the asks pile up and go together (5 pages a statement).
      const busy = Array.from({ length: pool.options.max }, () => pool.query("SELECT pg_sleep(0.4)"));
      const order = requests.map((_r, i) => i).sort((x, y) => ((x * 37 + round * 11) % 101) - ((y * 37 + round * 11) % 101));
      // Which statements carried several asks (the pages of a kind and size, the viewers).
      const shared: string[] = [];
      const query = pool.query.bind(pool);
      const spy = vi.spyOn(pool, "query").mockImplementation(((q: pg.QueryConfig, ...rest: unknown[]) => {
        if (typeof q === "object" && Array.isArray(q.values?.[0]) && (q.values[0] as unknown[]).length > 1) shared.push(q.name!.replace(/_\d+_batch$/, ""));
        return (query as (...a: unknown[]) => unknown)(q, ...rest);
      }) as never);
      let answers: Answer[];
      try {
        answers = await Promise.all(order.map((i) => gql(app, BOARD, requests[i]!.vars, requests[i]!.caller.token)));
      } finally {
        spy.mockRestore();
      }
      await Promise.all(busy);
      // The viewers and some pages did go together.
      expect(shared).toContain("viewers");
      expect(shared.filter((n) => n.startsWith("linshe_board_")).length).toBeGreaterThan(3);
      order.forEach((i, n) => {
        expectNoPersonalLeak(answers[n]!, requests[i]!.caller);
        expect(JSON.stringify(answers[n])).toBe(alone[i]);
      });
    }
  });
});

describe("callers that hang up", () => {
  it("requests aborted while their page and viewer wait in a batch leave the others of the batch answered", async () => {
    const s = gid("Station", stations[0]!.station.id);
    const Q = `query ($s: ID!) { viewer { phone } commendationBoard(stationId: $s, first: 8) { edges { node { id displayName } } } }`;
    const alone: Answer[] = [];
    for (const c of callers) alone.push(await gql(app, Q, { s }, c.token));
    expect(alone.map((r) => r.data?.viewer?.phone ?? null)).toEqual(callers.map((c) => c.phone));
    const busy = Array.from({ length: pool.options.max }, () => pool.query("SELECT pg_sleep(0.5)"));
    const calls = Array.from({ length: 36 }, (_x, i) => {
      const abort = new AbortController();
      const caller = callers[i % callers.length]!;
      const answer = fetch(`${app.url}/graphql`, {
        method: "POST",
        signal: abort.signal,
        headers: { "content-type": "application/json", ...(caller.token ? { authorization: `Bearer ${caller.token}` } : {}) },
        body: JSON.stringify({ query: Q, variables: { s } }),
      }).then(async (r) => (await r.json()) as Answer);
      if (i % 3 === 0) setTimeout(() => abort.abort(), 50 + (i % 5) * 20);
      return { i, caller, answer, aborted: i % 3 === 0 };
    });
    const settled = await Promise.allSettled(calls.map((c) => c.answer));
    await Promise.all(busy);
    settled.forEach((r, n) => {
      const c = calls[n]!;
      if (c.aborted) expect(r.status).toBe("rejected");
      else expect(r.status === "fulfilled" && r.value).toEqual(alone[c.i % callers.length]);
    });
    // And the server goes on.
    expect(await Promise.all(callers.map((c) => gql(app, Q, { s }, c.token)))).toEqual(alone);
  });
});

describe("one request asking several boards (aliases: the same turn, so one statement)", () => {
  it("each alias gets its own station's page, as asked alone, while requests with another station's cursor fail beside it", async () => {
    const [a, b, c, d] = stations.map((s) => s.station.id) as [string, string, string, string];
    const FIELDS = `edges { cursor node { id displayName legalName editionTitle } } pageInfo { hasNextPage hasPreviousPage }`;
    const one = async (args: string) => await gql(app, `{ viewer { phone } x: commendationBoard(${args}) { ${FIELDS} } }`, {}, callers[2]!.token);
    const cursors = async (s: string) => ((await one(`stationId: "${gid("Station", s)}", first: 50`)).data!.x as Board)!.edges.map((e) => e.cursor);
    const [ca, cb] = [await cursors(a), await cursors(b)];
    const args = [
      ...[a, b, c, d, a.toUpperCase(), randomUUID()].map((s) => `stationId: "${gid("Station", s)}", first: 4`), // LIMIT 5: 5 + 1
      `stationId: "${gid("Station", a)}", first: 2, after: "${ca[1]}"`,
      `stationId: "${gid("Station", b)}", first: 2, after: "${cb[0]}"`,
      `stationId: "${gid("Station", a)}", first: 2, after: "${ca[7]}"`,
      `stationId: "${gid("Station", a)}", first: 2, after: "${cursorOf(randomUUID())}"`,
      `stationId: "${gid("Station", a)}", last: 2, before: "${ca[5]}"`,
      `stationId: "${gid("Station", b)}", last: 2, before: "${cb[2]}"`,
    ];
    // Refused cursors: an entry of B asked of A, of A asked of D (withdrawn board).
    const refused = [`stationId: "${gid("Station", a)}", first: 2, after: "${cb[1]}"`, `stationId: "${gid("Station", d)}", first: 2, after: "${ca[2]}"`];
    const alone: Answer[] = [];
    for (const x of [...args, ...refused]) alone.push(await one(x));
    const sizes: [string, number][] = [];
    const query = pool.query.bind(pool);
    const spy = vi.spyOn(pool, "query").mockImplementation(((q: pg.QueryConfig, ...rest: unknown[]) => {
      if (typeof q === "object" && q.name?.startsWith("linshe_board_")) sizes.push([q.name, Array.isArray(q.values?.[0]) ? (q.values[0] as unknown[]).length : 1]);
      return (query as (...x: unknown[]) => unknown)(q, ...rest);
    }) as never);
    const [together, ...bad] = await Promise.all([
      gql(app, `{ viewer { phone } ${args.map((x, i) => `a${i}: commendationBoard(${x}) { ${FIELDS} }`).join(" ")} }`, {}, callers[2]!.token),
      ...refused.map(one),
    ]).finally(() => spy.mockRestore());
    // The request's six first pages went as 5 + 1, its after pages together.
    expect(sizes.filter(([n]) => n.startsWith("linshe_board_first_5")).map(([, k]) => k).sort()).toEqual([1, 5]);
    expect(sizes.some(([n, k]) => n === "linshe_board_after_3_batch" && k >= 4)).toBe(true);
    expect(together!.errors).toBeUndefined();
    expect(together!.data!.viewer).toEqual({ phone: callers[2]!.phone });
    args.forEach((_x, i) => expect(together!.data![`a${i}`]).toEqual(alone[i]!.data!.x));
    expect(args.map((_x, i) => (together!.data![`a${i}`] as Board)!.edges.length)).toEqual([4, 3, 0, 0, 4, 0, 2, 2, 1, 0, 2, 2]);
    // The board is a required field: a refused cursor is the request's whole answer, as alone.
    expect(bad).toEqual(alone.slice(args.length));
    expect(bad.map((r) => [r.data, r.errors?.map((e) => e.extensions?.code)])).toEqual([[null, ["BAD_USER_INPUT"]], [null, ["BAD_USER_INPUT"]]]);
  });
});

/**
 * A client of its own that holds a table's ACCESS EXCLUSIVE lock until `release`, and another that
 * watches (outside a transaction: pg_stat_activity is read once per transaction).
 */
async function lockTable(table: string) {
  const [locker, watcher] = [new pg.Client({ connectionString: process.env.DATABASE_URL }), new pg.Client({ connectionString: process.env.DATABASE_URL })];
  await Promise.all([locker.connect(), watcher.connect()]);
  await locker.query("BEGIN");
  await locker.query(`LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
  return {
    /** Backends of the API waiting for the lock whose statement contains `text`. */
    waiting: async (text: string) =>
      (
        await watcher.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'linshe-api' AND wait_event_type = 'Lock' AND position($1 in query) > 0`,
          [text],
        )
      ).rows.map((r) => r.pid),
    kill: async (pids: number[]) => void (await watcher.query(`SELECT pg_terminate_backend(p) FROM unnest($1::int[]) p`, [pids])),
    release: async () => {
      await locker.query("ROLLBACK").catch(() => {});
      await Promise.all([locker.end(), watcher.end()]);
    },
  };
}

/** The viewer lookup's text as pg_stat_activity shows it (its first 1024 bytes). */
const VIEWER_STATEMENT = "SELECT k.i, a.id, a.phone";

async function until<T>(f: () => Promise<T>, ok: (t: T) => boolean, ms = 4000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const t = await f();
    if (ok(t)) return t;
    if (Date.now() > end) throw new Error(`not reached: ${JSON.stringify(t)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** HTTP status and body of a GraphQL POST. */
async function post(query: string, variables: Record<string, unknown>, token: string | null) {
  const res = await fetch(`${app.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: (await res.json()) as Answer };
}

const unavailable = (r: { status: number; body: Answer }) => r.status === 503 && r.body.errors?.length === 1 && r.body.errors[0]!.extensions?.code === "SERVICE_UNAVAILABLE" && r.body.data == null;

describe("a batch's statement that dies", () => {
  const PAGE = `query ($s: ID!, $first: Int, $last: Int) { commendationBoard(stationId: $s, first: $first, last: $last) { edges { node { id displayName legalName } } } }`;

  it("a board statement whose backend is killed fails its own requests with a 503; the burst's other pages, viewers and later requests are answered", async () => {
    const [a, b] = stations.map((s) => gid("Station", s.station.id)) as [string, string];
    const token = stations[2]!.officer.token; // signed in: executed, not answered from the public cache
    const asks = [
      ...Array.from({ length: 7 }, () => ({ vars: { s: a, first: 17 }, killed: true })), // LIMIT 18
      ...Array.from({ length: 4 }, (_x, i) => ({ vars: { s: i % 2 ? a : b, last: 3 }, killed: false })), // LIMIT 4
    ];
    const alone = await Promise.all(asks.map((x) => post(PAGE, x.vars, token)));
    expect(alone.every((r) => r.status === 200 && r.body.errors === undefined)).toBe(true);
    const lock = await lockTable("BoardEntry");
    let pending: Promise<Awaited<ReturnType<typeof post>>[]>;
    try {
      pending = Promise.all(asks.map((x) => post(PAGE, x.vars, token)));
      const viewers = Promise.all(callers.map((c) => gql(app, `{ viewer { phone } }`, {}, c.token)));
      // Asks of LIMIT 18 and of LIMIT 4 are in statements waiting for the lock.
      await Promise.all([until(() => lock.waiting("LIMIT 18"), (p) => p.length > 0), until(() => lock.waiting("LIMIT 4"), (p) => p.length > 0)]);
      // The viewers do not wait for the board's lock.
      expect((await viewers).map((r) => r.data?.viewer?.phone ?? null)).toEqual(callers.map((c) => c.phone));
      await new Promise((r) => setTimeout(r, 100));
      const pids = await lock.waiting("LIMIT 18");
      await lock.kill(pids);
    } finally {
      await lock.release();
    }
    const answers = await pending;
    answers.forEach((r, i) => {
      // A killed statement's asks: a retryable 503; an ask whose statement went after the kill: its page.
      if (asks[i]!.killed && unavailable(r)) expect(r.retryAfter).toMatch(/^\d+$/);
      else expect(r).toEqual(alone[i]);
    });
    expect(answers.filter((r, i) => asks[i]!.killed && unavailable(r)).length).toBeGreaterThan(0);
    // The pool lost the killed connections and goes on.
    const after = await Promise.all(asks.map((x) => post(PAGE, x.vars, token)));
    expect(after).toEqual(alone);
  });

  it("a viewer statement whose backend is killed answers its own requests 503 and its sockets 1013; public requests go on, and the next lookups are answered", async () => {
    const signedIn = callers.filter((c) => c.token && c.phone);
    const PUBLIC = `query ($s: ID!, $first: Int) { commendationBoard(stationId: $s, first: $first) { edges { node { displayName } } } }`;
    const s = gid("Station", stations[1]!.station.id);
    const lock = await lockTable("Account");
    let http: Promise<Awaited<ReturnType<typeof post>>[]>;
    let sockets: Promise<({ phone: string | null } | { closed: number })[]>;
    try {
      http = Promise.all(signedIn.map((c) => post(`{ viewer { phone } }`, {}, c.token)));
      sockets = Promise.all(signedIn.slice(0, 3).map((c) => overSocket(c.token)));
      await until(() => lock.waiting(VIEWER_STATEMENT), (p) => p.length > 0);
      // Nobody's requests do not wait for the viewers' lock (first: 1..4, not answered from the cache).
      const anonymous = await Promise.all([1, 2, 3, 4].map((first) => post(PUBLIC, { s, first }, null)));
      expect(anonymous.map((r) => [r.status, (r.body.data?.commendationBoard as Board)?.edges.length])).toEqual([[200, 1], [200, 2], [200, 3], [200, 3]]);
      await lock.kill(await lock.waiting(VIEWER_STATEMENT));
    } finally {
      await lock.release();
    }
    const answers = await http;
    answers.forEach((r, i) => {
      if (unavailable(r)) expect(r.retryAfter).toMatch(/^\d+$/);
      else expect([r.status, r.body]).toEqual([200, { data: { viewer: { phone: signedIn[i]!.phone } } }]);
    });
    const socketAnswers = await sockets;
    socketAnswers.forEach((a, i) => expect([{ closed: 1013 }, { phone: signedIn[i]!.phone }]).toContainEqual(a));
    // The killed statement carried some of them (HTTP requests or sockets, whichever asked first).
    expect(answers.filter(unavailable).length + socketAnswers.filter((a) => "closed" in a).length).toBeGreaterThan(0);
    // The next lookups, over HTTP and sockets, are answered.
    expect((await Promise.all(signedIn.map((c) => post(`{ viewer { phone } }`, {}, c.token)))).map((r) => r.body.data?.viewer?.phone)).toEqual(signedIn.map((c) => c.phone));
    expect(await Promise.all(signedIn.slice(0, 3).map((c) => overSocket(c.token)))).toEqual(signedIn.slice(0, 3).map((c) => ({ phone: c.phone })));
  });

  it("a session revoked while a viewer statement's answer is on its way is over for every request asked after: they wait for the next statement", async () => {
    const [person] = await createVolunteers(1, { teamId: stations[0]!.team.id });
    const live = await createSession(prisma, person!.accountId);
    // The lookup's statement runs (before the revocation) but its answer is held on the way back.
    const relay = await holdingRelay();
    const query = pool.query.bind(pool);
    let redirected = false;
    const spy = vi.spyOn(pool, "query").mockImplementation(((q: pg.QueryConfig, ...rest: unknown[]) => {
      if (typeof q === "object" && q.name === "viewers" && !redirected) {
        redirected = true;
        return relay.client.query(q);
      }
      return (query as (...x: unknown[]) => unknown)(q, ...rest);
    }) as never);
    try {
      const earlier = Promise.all(Array.from({ length: 5 }, () => gql(app, `{ viewer { phone } }`, {}, live.token)));
      await until(async () => relay.held(), (n) => n > 0);
      await prisma.session.update({ where: { id: live.sessionId }, data: { revokedAt: new Date() } });
      const later = Promise.all(Array.from({ length: 5 }, () => gql(app, `{ viewer { phone } }`, {}, live.token)));
      await new Promise((r) => setTimeout(r, 100));
      relay.pass();
      // Asked before the revocation: the caller (the statement ran before it); asked after it: nobody.
      expect((await earlier).map((r) => r.data?.viewer?.phone)).toContain(person!.phone);
      expect((await later).map((r) => [r.errors, r.data?.viewer])).toEqual(Array.from({ length: 5 }, () => [undefined, null]));
    } finally {
      spy.mockRestore();
      await relay.close();
    }
  });

  it("a board statement whose connection falls silent fails its own requests after the read timeout (503); the others of the burst are answered", async () => {
    const s = gid("Station", stations[0]!.station.id);
    const token = stations[1]!.officer.token;
    const asks = Array.from({ length: 16 }, () => ({ s, first: 6 })); // LIMIT 7
    const alone = await post(PAGE, asks[0]!, token);
    expect(alone.status).toBe(200);
    const relay = await relayedClient();
    relay.silence();
    const cut = relay.client;
    // The first statement of several pages goes to the silent connection.
    let redirected = 0;
    const query = pool.query.bind(pool);
    const spy = vi.spyOn(pool, "query").mockImplementation(((q: pg.QueryConfig, ...rest: unknown[]) => {
      if (typeof q === "object" && q.name === "linshe_board_first_7_batch" && !redirected) {
        redirected = (q.values![0] as unknown[]).length;
        return cut.query(q);
      }
      return (query as (...a: unknown[]) => unknown)(q, ...rest);
    }) as never);
    const timeout = config.db.queryTimeoutMs;
    config.db.queryTimeoutMs = 300;
    try {
      // Every connection busy for a moment: the asks pile up behind the statements out, then go together.
      const busy = Array.from({ length: pool.options.max }, () => pool.query("SELECT pg_sleep(0.5)"));
      const answers = await Promise.all(asks.map((x) => post(PAGE, x, token)));
      await Promise.all(busy);
      expect(redirected).toBeGreaterThan(1);
      expect(answers.filter(unavailable).length).toBe(redirected);
      for (const r of answers) if (!unavailable(r)) expect(r).toEqual(alone);
    } finally {
      config.db.queryTimeoutMs = timeout;
      spy.mockRestore();
      await relay.close();
    }
    expect(await post(PAGE, asks[0]!, token)).toEqual(alone);
  });

  it("board statements that wait for a lock longer than lock_timeout answer 503; viewers meanwhile, and pages after, are answered", async () => {
    const s = gid("Station", stations[1]!.station.id);
    const token = stations[0]!.officer.token;
    const alone = await post(PAGE, { s, last: 2 }, token);
    const lock = await lockTable("BoardEdition");
    let answers: Awaited<ReturnType<typeof post>>[];
    try {
      const pages = Promise.all(Array.from({ length: 6 }, () => post(PAGE, { s, last: 2 }, token)));
      await until(() => lock.waiting("LIMIT 3"), (p) => p.length > 0);
      expect((await Promise.all(callers.map((c) => gql(app, `{ viewer { phone } }`, {}, c.token)))).map((r) => r.data?.viewer?.phone ?? null)).toEqual(callers.map((c) => c.phone));
      answers = await pages; // within DATABASE_LOCK_TIMEOUT_MS
    } finally {
      await lock.release();
    }
    expect(answers.every(unavailable)).toBe(true);
    expect(await Promise.all(Array.from({ length: 6 }, () => post(PAGE, { s, last: 2 }, token)))).toEqual(Array.from({ length: 6 }, () => alone));
  }, 30_000);
});

describe("the pool left to the rest", () => {
  it("batches sharing slots: never more statements out than the slots, every ask answered once one returns", async () => {
    const slots = new Slots(2);
    let out = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const runs: string[][] = [];
    const make = (name: string) =>
      turnBatch(
        async (xs: number[]) => {
          runs.push(xs.map((x) => `${name}${x}`));
          most = Math.max(most, ++out);
          await new Promise<void>((r) => gates.push(r));
          out--;
          return xs.map((x) => `${name}${x}`);
        },
        { maxBatch: 2, maxInFlight: 2, shared: slots },
      );
    const [a, b, c] = [make("a"), make("b"), make("c")];
    const answers = Promise.all([...[1, 2, 3, 4, 5].map(a), ...[1, 2, 3].map(b), ...[1, 2].map(c)]);
    for (let n = 0; n < 200 && runs.flat().length < 10; n++) {
      await new Promise((r) => setImmediate(r));
      gates.shift()?.();
    }
    while (gates.length) gates.shift()!();
    expect(await answers).toEqual(["a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3", "c1", "c2"]);
    expect(most).toBe(2);
    expect(runs.map((r) => r.length).reduce((x, y) => x + y)).toBe(10);
  });


  it("board pages of many sizes stuck on a lock leave connections to the viewers (the bound is the board's, not each size's)", async () => {
    const s = gid("Station", stations[0]!.station.id);
    const lock = await lockTable("BoardEntry");
    let pages: Promise<Answer[]>;
    let ms: number;
    let viewer: Answer;
    try {
      // Anonymous pages of 12 sizes (12 statements' kinds), more than the pool's connections.
      pages = Promise.all(Array.from({ length: 24 }, (_x, i) => gql(app, `query ($s: ID!, $f: Int) { commendationBoard(stationId: $s, first: $f) { edges { node { id } } } }`, { s, f: 1 + (i % 12) })));
      await until(() => lock.waiting("array_agg(ARRAY[p.id::text"), (p) => p.length > 0);
      await new Promise((r) => setTimeout(r, 200));
      const t0 = Date.now();
      viewer = await gql(app, `{ viewer { phone } }`, {}, callers[0]!.token);
      ms = Date.now() - t0;
    } finally {
      await lock.release();
    }
    expect(viewer.data?.viewer?.phone).toBe(callers[0]!.phone);
    // Not after the board's statements gave up (DATABASE_LOCK_TIMEOUT_MS, 5 s): at once.
    expect(ms).toBeLessThan(1500);
    expect((await pages).every((r) => !r.errors)).toBe(true);
  }, 30_000);
});

it("nothing of the above left a promise rejection unhandled", async () => {
  await new Promise((r) => setTimeout(r, 200));
  expect(rejections).toEqual([]);
});

/** A connection to the database through a relay that holds what the server sends until `pass`. */
async function holdingRelay() {
  const relay = await relayedClient();
  relay.hold();
  return relay;
}

function overSocket(token: string | null) {
  return new Promise<{ phone: string | null } | { closed: number }>((resolve) => {
    const client = wsClient(app, token);
    client.subscribe(
      { query: `{ viewer { phone } }` },
      {
        next: (r) => resolve({ phone: (r.data as { viewer: { phone: string } | null } | null)?.viewer?.phone ?? null }),
        error: (e) => resolve({ closed: (e as { code?: number }).code ?? -1 }),
        complete: () => void client.dispose(),
      },
    );
  });
}
