// Session 12's request-path changes (one memo for the cursor check and the effective cost, the
// execution's localize/hint hooks left out over HTTP), attacked from outside: real HTTP and graphql-ws
// against a server with introspection off, as production runs it.
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import type { App } from "../api/src/app.js";
import { MAX_PAGE_SIZE } from "../api/src/config.js";
import { signIn, startApp, type GqlResponse } from "./support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";
import pg from "pg";
import { CLAIM, inMinutes, publishShift, teamGid, tokensFor } from "./support/shifts.js";

vi.hoisted(() => {
  process.env.GRAPHQL_INTROSPECTION = "0";
  process.env.DATABASE_LOCK_TIMEOUT_MS = "1000"; // the socket's 503 below
});

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let leader: string;
beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
});
afterAll(() => app?.stop());

async function post(body: unknown, opts: { token?: string | null; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${app.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: GqlResponse = {};
  try {
    json = JSON.parse(text) as GqlResponse;
  } catch {
    /* not JSON */
  }
  return { status: res.status, text, json };
}

const codes = (r: GqlResponse) => (r.errors ?? []).map((e) => e.extensions?.code);

function ws(token: string | null, locale?: string): Client {
  return createClient({
    url: `${app.url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(locale ? { locale } : {}) },
    retryAttempts: 0,
    lazy: true,
    lazyCloseTimeout: 60_000,
  });
}

/** The first result or error of one operation over a socket. */
function once(client: Client, payload: { query: string; variables?: Record<string, unknown>; operationName?: string }) {
  return new Promise<{ result?: GqlResponse; error?: unknown }>((resolve) => {
    client.subscribe(payload as never, {
      next: (r) => resolve({ result: r as GqlResponse }),
      error: (e) => resolve({ error: e }),
      complete: () => resolve({}),
    });
  });
}
/** A socket answer's errors, whether sent as an `error` message or in a result. */
const socketErrors = (r: { result?: GqlResponse; error?: unknown }) => (Array.isArray(r.error) ? (r.error as GqlResponse["errors"]) : (r.result?.errors ?? []))!;

// A document whose cost is within the limit for small pages and over it for full ones.
const members = (inner: string) => `members(first: $n) { edges { node { volunteer { ${inner} } } } }`;
const teams = (inner: string) => `teams(first: $n) { edges { node { team { ${inner} } } } }`;
const BOMB = `query ($id: ID!, $n: Int) { node(id: $id) { ... on Team { ${members(teams(members("id")))} } } }`;
const good = Buffer.from("GPC:S:00000000-0000-7000-8000-000000000000").toString("base64");

describe("one memo for the cursor check and the effective cost: each request's own verdict", () => {
  it("the same document with different page sizes, in any order and interleaved", async () => {
    const id = teamGid(demo.haolinshe.id);
    const verdict = async (n: number | null) => codes((await post({ query: BOMB, variables: n === null ? { id } : { id, n } }, { token: leader })).json);
    expect(await verdict(2)).toEqual([]);
    expect(await verdict(MAX_PAGE_SIZE)).toEqual(["COST_LIMIT"]); // a cached cheap cost is no pass for a bigger `first`
    expect(await verdict(2)).toEqual([]); // nor a cached refusal a refusal of the cheap one
    expect(await verdict(null)).toEqual([]); // absent: the default page size (20), cheap enough here
    // Interleaved: 12 requests at once, alternating, each judged by its own variables.
    const sizes = Array.from({ length: 12 }, (_, i) => (i % 2 ? MAX_PAGE_SIZE : 2));
    const all = await Promise.all(sizes.map((n) => verdict(n)));
    expect(all).toEqual(sizes.map((n) => (n === 2 ? [] : ["COST_LIMIT"])));
  });

  it("a good cursor's verdict is not a bad one's, and a cached cost does not skip the cursor check", async () => {
    const stationId = gid("Station", demo.fushan.id);
    const query = `query ($s: ID!, $n: Int, $a: String) { commendationBoard(stationId: $s, first: $n, after: $a) { edges { cursor } } }`;
    const run = async (variables: Record<string, unknown>, lang = "en") => (await post({ query, variables }, { headers: { "accept-language": lang } })).json;
    expect(codes(await run({ s: stationId, n: 5, a: good }))).toEqual([]);
    const bad = await run({ s: stationId, n: 5, a: "!!!" });
    expect(codes(bad)).toEqual(["BAD_USER_INPUT"]);
    expect(bad.errors?.[0]?.message).toBe("`after` is not a valid cursor");
    expect((await run({ s: stationId, n: 5, a: "!!!" }, "zh-CN")).errors?.[0]?.message).toBe("`after` 不是有效的游标");
    expect(codes(await run({ s: stationId, n: 5, a: good }))).toEqual([]);
    // The cost of (n: 5, no cursor) is cached; the same page size with a bad cursor is still checked.
    expect(codes(await run({ s: stationId, n: 5 }))).toEqual([]);
    expect(codes(await run({ s: stationId, n: 5, a: "GPC:S:not-a-uuid" }))).toEqual(["BAD_USER_INPUT"]);
    // A null cursor is no cursor; a cursor in the document's text is checked like one in a variable.
    expect(codes(await run({ s: stationId, n: 5, a: null }))).toEqual([]);
    const literal = await post({ query: `{ commendationBoard(stationId: "${stationId}", first: 5, after: "nope") { edges { cursor } } }` });
    expect(codes(literal.json)).toEqual(["BAD_USER_INPUT"]);
    // Inside node(id:) only the check before execution sees a bad cursor (the connection is loaded with
    // its parent, whose load a bad cursor fails: node would answer null): its verdict per cursor too.
    const nested = `query ($t: ID!, $a: String) { node(id: $t) { ... on Team { members(first: 5, after: $a) { edges { cursor } } } } }`;
    const t = teamGid(demo.haolinshe.id);
    expect(codes((await post({ query: nested, variables: { t, a: good } }, { token: leader })).json)).toEqual([]);
    expect(codes((await post({ query: nested, variables: { t, a: "!!!" } }, { token: leader })).json)).toEqual(["BAD_USER_INPUT"]);
    expect(codes((await post({ query: nested, variables: { t } }, { token: leader })).json)).toEqual([]);
    expect(codes((await post({ query: nested, variables: { t, a: "GPC:S:x" } }, { token: leader })).json)).toEqual(["BAD_USER_INPUT"]);
    // Interleaved good and bad cursors.
    const cursors = Array.from({ length: 10 }, (_, i) => (i % 2 ? "!!!" : good));
    const all = await Promise.all(cursors.map((a) => run({ s: stationId, n: 5, a })));
    expect(all.map(codes)).toEqual(cursors.map((a) => (a === good ? [] : ["BAD_USER_INPUT"])));
  });

  it("the same text with another operationName: each operation's page sizes count", async () => {
    const id = teamGid(demo.haolinshe.id);
    const two = `${BOMB.replace("query (", "query Big(")} query Small($id: ID!) { node(id: $id) { id } }`;
    expect(codes((await post({ query: two, operationName: "Big", variables: { id, n: 2 } }, { token: leader })).json)).toEqual([]);
    expect(codes((await post({ query: two, operationName: "Small", variables: { id, n: 2 } }, { token: leader })).json)).toEqual([]);
    // The document's cost is its dearest operation's: a big page refuses either name, before or after.
    expect(codes((await post({ query: two, operationName: "Small", variables: { id, n: MAX_PAGE_SIZE } }, { token: leader })).json)).toEqual(["COST_LIMIT"]);
    expect(codes((await post({ query: two, operationName: "Big", variables: { id, n: MAX_PAGE_SIZE } }, { token: leader })).json)).toEqual(["COST_LIMIT"]);
  });

  it("over the socket: a cheap page then a bomb of the same text, then a bad cursor", async () => {
    const client = ws(leader, "en");
    const id = teamGid(demo.haolinshe.id);
    expect(socketErrors(await once(client, { query: BOMB, variables: { id, n: 2 } }))).toEqual([]);
    const bomb = socketErrors(await once(client, { query: BOMB, variables: { id, n: MAX_PAGE_SIZE } }));
    expect(bomb.map((e) => e.extensions?.code)).toEqual(["COST_LIMIT"]);
    expect(bomb[0]?.message).toMatch(/^The query asks for too much/);
    const query = `query ($s: ID!, $a: String) { commendationBoard(stationId: $s, first: 5, after: $a) { edges { cursor } } }`;
    const s = gid("Station", demo.fushan.id);
    expect(socketErrors(await once(client, { query, variables: { s, a: good } }))).toEqual([]);
    expect(socketErrors(await once(client, { query, variables: { s, a: "!!!" } })).map((e) => e.message)).toEqual(["`after` is not a valid cursor"]);
    await client.dispose();
  });

  it("a well-formed cursor of another kind of list is a typed error in the client's language, not Pothos' English", async () => {
    const offset = Buffer.from("OffsetConnection:5").toString("base64");
    const s = gid("Station", demo.fushan.id);
    const query = `query ($s: ID!, $a: String) { commendationBoard(stationId: $s, first: 5, after: $a) { edges { cursor } } }`;
    for (const [lang, message] of [
      ["zh", "游标无效：不是这个列表的游标"],
      ["en", "Not a cursor of this list"],
    ] as const) {
      const http = (await post({ query, variables: { s, a: offset } }, { headers: { "accept-language": lang } })).json;
      expect(http.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([["BAD_USER_INPUT", message]]);
      const regions = (await post({ query: `query ($a: String) { regions(first: 5, after: $a) { edges { cursor } } }`, variables: { a: offset } }, { token: leader, headers: { "accept-language": lang } })).json;
      expect(regions.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([["BAD_USER_INPUT", message]]);
      const client = ws(null, lang);
      expect(socketErrors(await once(client, { query, variables: { s, a: offset } })).map((e) => [e.extensions?.code, e.message])).toEqual([["BAD_USER_INPUT", message]]);
      await client.dispose();
      // Inside node(id:) the connection is loaded with its parent: the parent's load must not turn the
      // refusal into `node: null` with no word of why.
      const nested = `query ($t: ID!, $a: String) { node(id: $t) { id ... on Team { members(first: 5, after: $a) { edges { cursor } } } } }`;
      const inNode = (await post({ query: nested, variables: { t: teamGid(demo.haolinshe.id), a: offset } }, { token: leader, headers: { "accept-language": lang } })).json;
      expect(inNode.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([["BAD_USER_INPUT", message]]);
    }
  });

  it("an id of nothing is null without an error, alone or beside ids that exist, as an id one may not see", async () => {
    const { randomUUID } = await import("node:crypto");
    const team = teamGid(demo.haolinshe.id);
    for (const type of ["Team", "Station", "Shift", "Mobilization", "Bulletin"]) {
      const one = (await post({ query: `query ($id: ID!) { node(id: $id) { id } }`, variables: { id: gid(type, randomUUID()) } }, { token: leader })).json;
      expect([type, one.errors ?? [], one.data?.node]).toEqual([type, [], null]);
    }
    const many = (await post({ query: `query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, variables: { ids: [team, gid("Team", randomUUID()), team] } }, { token: leader })).json;
    expect(many.errors ?? []).toEqual([]);
    expect(many.data?.nodes).toEqual([{ id: team }, null, { id: team }]);
  });

  it("`first` above 100 is refused by name, whether written or from a variable, in either language", async () => {
    const query = `query ($s: ID!, $n: Int) { commendationBoard(stationId: $s, first: $n) { edges { cursor } } }`;
    const s = gid("Station", demo.fushan.id);
    expect(codes((await post({ query, variables: { s, n: MAX_PAGE_SIZE } })).json)).toEqual([]);
    for (const [lang, message] of [
      ["zh-CN", `\`first\` 须在0到${MAX_PAGE_SIZE}之间，收到${MAX_PAGE_SIZE + 1}`],
      ["en", `\`first\` must be between 0 and ${MAX_PAGE_SIZE}, got ${MAX_PAGE_SIZE + 1}`],
    ] as const) {
      const over = (await post({ query, variables: { s, n: MAX_PAGE_SIZE + 1 } }, { headers: { "accept-language": lang } })).json;
      expect(codes(over)).toEqual(["BAD_USER_INPUT"]);
      expect(over.data?.commendationBoard ?? null).toBeNull();
      expect(over.errors?.[0]?.message).toBe(message);
      const written = (await post({ query: `{ commendationBoard(stationId: "${s}", first: ${MAX_PAGE_SIZE + 1}) { edges { cursor } } }` }, { headers: { "accept-language": lang } })).json;
      expect(written.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([["BAD_USER_INPUT", message]]);
      const client = ws(null, lang.slice(0, 2));
      expect(socketErrors(await once(client, { query, variables: { s, n: -1 } })).map((e) => e.message)).toEqual([message.replace(String(MAX_PAGE_SIZE + 1), "-1")]);
      await client.dispose();
    }
  });
});

describe("no schema hints with introspection off, over both transports", () => {
  const typo = (s: string) => `{ commendationBoard(stationId: "${s}", first: 1) { edgs { cursor } } }`;

  it("a typo'd field, argument or enum value names nothing that exists, over HTTP (JSON and event stream) and the socket", async () => {
    const s = gid("Station", demo.fushan.id);
    const docs = [
      typo(s),
      `{ commendationBoard(stationId: "${s}", frist: 1) { edges { cursor } } }`,
      `{ shifts(stationId: "${s}", kind: PATRO, first: 1) { edges { cursor } } }`,
      `{ __schema { types { name } } }`,
    ];
    const client = ws(null, "en");
    for (const query of docs) {
      for (const lang of ["en", "zh-CN"]) {
        const http = await post({ query }, { headers: { "accept-language": lang } });
        expect(http.json.errors?.length, query).toBeGreaterThan(0);
        expect(http.text, query).not.toMatch(/Did you mean|"edges"|"first"|PATROL/);
      }
      const sse = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", accept: "text/event-stream" }, body: JSON.stringify({ query }) });
      expect(await sse.text(), query).not.toMatch(/Did you mean|"edges"|"first"|PATROL/);
      const overSocket = await once(client, { query });
      expect(socketErrors(overSocket).length, query).toBeGreaterThan(0);
      expect(JSON.stringify(overSocket), query).not.toMatch(/Did you mean|"edges"|"first"|PATROL/);
    }
    await client.dispose();
  });

  it("an enum value coerced from a variable during execution suggests nothing: HTTP, event stream, socket", async () => {
    const s = gid("Station", demo.fushan.id);
    const query = `query ($s: ID!, $k: ShiftKind) { shifts(stationId: $s, kind: $k, first: 1) { edges { cursor } } }`;
    const variables = { s, k: "PATRO" };
    const http = await post({ query, variables }, { token: leader });
    expect(http.json.errors?.length).toBe(1);
    expect(http.text).not.toMatch(/Did you mean|PATROL/);
    const sse = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${leader}` }, body: JSON.stringify({ query, variables }) });
    const events = await sse.text();
    expect(events).toMatch(/errors/);
    expect(events).not.toMatch(/Did you mean|PATROL/);
    const client = ws(leader, "en");
    const overSocket = await once(client, { query, variables });
    expect(socketErrors(overSocket).length).toBe(1);
    expect(JSON.stringify(overSocket)).not.toMatch(/Did you mean|PATROL/);
    await client.dispose();
  });
});

describe("execution errors in the client's language, over every way of asking", () => {
  const bad = `{ commendationBoard(stationId: "nope", first: 1) { edges { cursor } } }`;
  const cases = [
    { lang: "en", header: "en", is: /is not a valid Station ID$/, not: /不是有效/ },
    { lang: "zh", header: "zh-CN,zh;q=0.9", is: /^`stationId` 不是有效的编号$/, not: /valid/ },
  ];

  it("JSON over POST and GET, an event stream, and graphql-ws", async () => {
    for (const c of cases) {
      const messages: string[] = [];
      messages.push((await post({ query: bad }, { headers: { "accept-language": c.header } })).json.errors?.[0]?.message ?? "");
      const get = await fetch(`${app.url}/graphql?query=${encodeURIComponent(bad)}`, { headers: { "accept-language": c.header, accept: "application/graphql-response+json", "x-graphql-yoga-csrf": "1" } });
      messages.push(((await get.json()) as GqlResponse).errors?.[0]?.message ?? "");
      const sse = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", accept: "text/event-stream", "accept-language": c.header }, body: JSON.stringify({ query: bad }) });
      const data = /^data: (.*)$/m.exec(await sse.text())?.[1] ?? "{}";
      messages.push((JSON.parse(data) as GqlResponse).errors?.[0]?.message ?? "");
      const client = ws(null, c.lang);
      messages.push(socketErrors(await once(client, { query: bad }))[0]?.message ?? "");
      await client.dispose();
      for (const m of messages) {
        expect(m).toMatch(c.is);
        expect(m).not.toMatch(c.not);
      }
    }
  });

  it("an error maskError makes during a socket's execution (503 after lock_timeout) in the socket's language, as over HTTP", async () => {
    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(300), endsAt: inMinutes(360), capacity: 20 });
    const phones = ["13800000170", "13800000171"];
    const tokens = await tokensFor(phones);
    const outside = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await outside.connect();
    await outside.query("BEGIN");
    await outside.query(`SELECT id FROM "Shift" WHERE id = $1 FOR UPDATE`, [Buffer.from(shift.id, "base64").toString().split(":")[1]]);
    try {
      const answers = await Promise.all(
        ([["zh", phones[0]!], ["en", phones[1]!]] as const).map(async ([lang, phone]) => {
          const client = ws(tokens.get(phone)!, lang);
          const r = await once(client, { query: CLAIM, variables: { input: { shiftId: shift.id } } });
          await client.dispose();
          return socketErrors(r).map((e) => [e.extensions?.code, e.message]);
        }),
      );
      expect(answers).toEqual([[["SERVICE_UNAVAILABLE", "服务繁忙，请稍后重试"]], [["SERVICE_UNAVAILABLE", "Service busy, please retry shortly"]]]);
    } finally {
      await outside.query("ROLLBACK");
      await outside.end();
    }
  });

  it("odd bodies: a batch (array), an empty query, a non-object: refused without running, in the request's language where ours", async () => {
    const batch = await post([{ query: bad }, { query: bad }], { headers: { "accept-language": "en" } });
    expect(batch.status).toBeGreaterThanOrEqual(400);
    expect(batch.json.data ?? null).toBeNull();
    expect(batch.text).not.toMatch(/Station ID|不是有效/);
    const empty = await post({ query: "" });
    expect(empty.status).toBe(400);
    const scalar = await post("42");
    expect(scalar.status).toBe(400);
    expect(scalar.text).not.toMatch(/originalError|SyntaxError/);
  });
});
