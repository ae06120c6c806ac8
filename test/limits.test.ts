// Every request bounded (issue 13): each attack of the issue and of the outside attack on the access
// work, against a real server. Limits that a test lowers are set below for this file only.
import { createClient, type Client } from "graphql-ws";
import { readFileSync } from "node:fs";
import { parse, print } from "graphql";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import type { App } from "../api/src/app.js";
import { config, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../api/src/config.js";
import { prisma } from "../api/src/db.js";
import { badCursor, effectiveCost, measureDocument } from "../api/src/graphql/limits.js";
import { MANIFEST } from "../api/src/graphql/trusted-documents.js";
import { schema } from "../api/src/schema/index.js";
import { DEMO_PASSWORD } from "../api/src/seed/demo.js";
import { gql, gqlWithFiles, signIn, startApp, wsClient, type GqlResponse } from "./support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";
import { startApiProcess, startRedis, type Proc } from "./support/processes.js";
import { CHECK_IN, CLAIM, inMinutes, publishShift, teamGid, tokensFor } from "./support/shifts.js";

vi.hoisted(() => {
  // Addresses come from X-Forwarded-For here, so that one test can be a different client than another.
  process.env.TRUST_PROXY = "1";
  process.env.RATE_LIMIT_MUTATIONS_PER_MINUTE = "120"; // the default; test/support/database.ts raises it for other files
  process.env.WS_MAX_SUBSCRIPTIONS_PER_SOCKET = "5";
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

/** A POST as some client address (through the trusted proxy). */
async function post(body: unknown, opts: { token?: string | null; address?: string; headers?: Record<string, string>; url?: string } = {}) {
  const res = await fetch(`${opts.url ?? app.url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-forwarded-for": opts.address ?? "198.51.100.1",
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: GqlResponse = {};
  try {
    json = JSON.parse(text) as GqlResponse;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, json };
}

const codes = (r: GqlResponse) => (r.errors ?? []).map((e) => e.extensions?.code);

const SIGN_IN = `mutation ($input: SignInInput!) { signIn(input: $input) { token userErrors { code message field } } }`;

function ws(url: string, token?: string | null, closed?: (code: number, reason: string) => void): Client {
  return createClient({
    url: `${url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
    // One socket for all the operations of a test: a socket closed between them would hide a 4500.
    lazyCloseTimeout: 60_000,
    on: { closed: (e) => closed?.((e as { code: number }).code, String((e as { reason?: string }).reason ?? "")) },
  });
}

/** The first result or error of one operation over a socket. */
function once(client: Client, payload: { query: string; variables?: Record<string, unknown>; extensions?: Record<string, unknown> }) {
  return new Promise<{ result?: GqlResponse; error?: unknown }>((resolve) => {
    client.subscribe(payload as never, {
      next: (r) => resolve({ result: r as GqlResponse }),
      error: (e) => resolve({ error: e }),
      complete: () => resolve({}),
    });
  });
}

describe("operation limits (graphql-armor)", () => {
  it("an alias bomb of 1,001 signIn is refused before any runs", async () => {
    const before = await prisma.auditEntry.count({ where: { action: "signIn.failed" } });
    const doc = `mutation { ${Array.from({ length: 1001 }, (_, i) => `a${i}: signIn(input: { phone: "13800000101", password: "guess${i}" }) { token }`).join("\n")} }`;
    const res = await post({ query: doc });
    expect(codes(res.json)).toEqual(expect.arrayContaining([expect.stringMatching(/^(ALIAS_LIMIT|TOKEN_LIMIT)$/)]));
    expect(res.json.data ?? null).toBeNull();
    expect(await prisma.auditEntry.count({ where: { action: "signIn.failed" } })).toBe(before);
  });

  it("16 aliases are refused where 15 pass (GRAPHQL_MAX_ALIASES)", async () => {
    const doc = (n: number) => `query { ${Array.from({ length: n }, (_, i) => `a${i}: viewer { accountId }`).join(" ")} }`;
    expect(codes((await post({ query: doc(config.limits.maxAliases) }, { token: leader })).json)).toEqual([]);
    const over = await post({ query: doc(config.limits.maxAliases + 1) }, { token: leader });
    expect(codes(over.json)).toEqual(["ALIAS_LIMIT"]);
    expect(over.json.errors![0]!.message).toMatch(/别名过多/);
  });

  it("fragments that each spread the next one twice, 22 levels deep, are refused and the server stays free", async () => {
    const frags = Array.from({ length: 22 }, (_, i) => `fragment F${i} on Viewer { accountId ...F${i + 1} ...F${i + 1} }`);
    frags.push(`fragment F22 on Viewer { accountId }`);
    const doc = `query { viewer { ...F0 } } ${frags.join(" ")}`;
    const pending = post({ query: doc }, { token: leader });
    const health = await fetch(`${app.url}/health`);
    expect(health.status).toBeLessThan(500);
    const res = await pending;
    expect(codes(res.json).length).toBeGreaterThan(0);
    expect(res.json.data ?? null).toBeNull();
  });

  // 100,000 levels of `{a{a{…}}}` (300 KB) overflow graphql-js's recursive parser: the token limit stops it first.
  const DEEP = `${"{a".repeat(100_000)}${"}".repeat(100_000)}`;

  it("a document nested 100,000 levels deep is refused with TOKEN_LIMIT over HTTP", async () => {
    const res = await post({ query: DEEP });
    expect(codes(res.json)).toEqual(["TOKEN_LIMIT"]);
    // Variables nested 50,000 lists deep: an error of this request that names no internals.
    const nested = `${"[".repeat(50_000)}"x"${"]".repeat(50_000)}`;
    const vars = await post(`{"query":"query ($ids: [ID!]!) { nodes(ids: $ids) { id } }","variables":{"ids":${nested}}}`);
    expect(vars.status).toBeLessThan(500);
    expect(vars.json.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(vars.json)).not.toMatch(/stack|Maximum call|RangeError/i);
  });

  it("… and over the WebSocket, which stays open and leaks no internal message", async () => {
    // A raw graphql-transport-ws socket: the client library cannot even serialize what an attacker sends.
    const socket = new WebSocket(`${app.url.replace("http", "ws")}/graphql`, "graphql-transport-ws");
    const messages: { id?: string; type: string; payload?: unknown }[] = [];
    let closed: [number, string] | null = null;
    socket.on("message", (d) => messages.push(JSON.parse(String(d))));
    socket.on("close", (code, reason) => (closed = [code, String(reason)]));
    await new Promise((r) => socket.once("open", r));
    socket.send(JSON.stringify({ type: "connection_init", payload: {} }));
    await vi.waitFor(() => expect(messages.map((m) => m.type)).toContain("connection_ack"));
    const answer = async (id: string) => {
      await vi.waitFor(() => expect(closed ?? messages.find((m) => m.id === id && m.type !== "complete")).toBeTruthy());
      return messages.find((m) => m.id === id);
    };
    socket.send(JSON.stringify({ id: "deep", type: "subscribe", payload: { query: DEEP } }));
    const deep = await answer("deep");
    expect(deep?.type).toBe("error");
    expect((deep!.payload as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code)).toEqual(["TOKEN_LIMIT"]);
    // Variables nested 50,000 lists deep (a recursive JSON.stringify or input coercion would overflow):
    // an input error for this operation, not a 4500 close that carries the internal message.
    const nested = `${"[".repeat(50_000)}"x"${"]".repeat(50_000)}`;
    socket.send(`{"id":"vars","type":"subscribe","payload":{"query":"query ($ids: [ID!]!) { nodes(ids: $ids) { id } }","variables":{"ids":${nested}}}}`);
    const vars = await answer("vars");
    expect(closed).toBeNull();
    expect(vars?.type).toBe("error");
    expect(JSON.stringify(vars)).not.toMatch(/stack|Maximum call|RangeError/i);
    socket.send(JSON.stringify({ id: "ok", type: "subscribe", payload: { query: "{ __typename }" } }));
    expect((await answer("ok"))?.payload).toEqual({ data: { __typename: "Query" } });
    socket.close(1000);
  });

  it("a cost bomb with page sizes from variables (first ≤ 100) is refused before it runs", async () => {
    const members = (inner: string) => `members(first: $n) { edges { node { volunteer { ${inner} } } } }`;
    const teams = (inner: string) => `teams(first: $n) { edges { node { team { ${inner} } } } }`;
    const doc = `query ($id: ID!, $n: Int) { node(id: $id) { ... on Team { ${members(teams(members("id")))} } } }`;
    const res = await post({ query: doc, variables: { id: teamGid(demo.haolinshe.id), n: MAX_PAGE_SIZE } }, { token: leader });
    expect(codes(res.json)).toEqual(["COST_LIMIT"]);
    expect(res.status).toBe(400);
    // The same document with small pages runs.
    const small = await post({ query: doc, variables: { id: teamGid(demo.haolinshe.id), n: 2 } }, { token: leader });
    expect(codes(small.json)).toEqual([]);
    // The cost is remembered per document and page-size variables: the bomb after the small pages is
    // still refused, and an absent variable takes its default (100) where a null one does not (20).
    expect(codes((await post({ query: doc, variables: { id: teamGid(demo.haolinshe.id), n: MAX_PAGE_SIZE } }, { token: leader })).json)).toEqual(["COST_LIMIT"]);
    const withDefault = doc.replace("$n: Int", `$n: Int = ${MAX_PAGE_SIZE}`);
    expect(codes((await post({ query: withDefault, variables: { id: teamGid(demo.haolinshe.id), n: null } }, { token: leader })).json)).toEqual([]);
    expect(codes((await post({ query: withDefault, variables: { id: teamGid(demo.haolinshe.id) } }, { token: leader })).json)).toEqual(["COST_LIMIT"]);
    // The default the operation runs with: not hidden by a variable named after a prototype property
    // (`$toString` read Object.prototype.toString), nor by another operation's default for the same name.
    const proto = doc.replaceAll("$n", "$toString").replace("$toString: Int", `$toString: Int = ${MAX_PAGE_SIZE}`);
    expect(codes((await post({ query: proto, variables: { id: teamGid(demo.haolinshe.id) } }, { token: leader })).json)).toEqual(["COST_LIMIT"]);
    const two = `${withDefault.replace("query (", "query A(")} query B($n: Int = 1) { node(id: "x") { ... on Team { members(first: $n) { totalCount } } } }`;
    expect(codes((await post({ query: two, operationName: "A", variables: { id: teamGid(demo.haolinshe.id) } }, { token: leader })).json)).toEqual(["COST_LIMIT"]);
  });

  it("nodes(ids:) takes at most 100 IDs, and a page at most 100", async () => {
    const ids = Array.from({ length: 101 }, () => teamGid(demo.haolinshe.id));
    const res = await post({ query: `query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, variables: { ids } }, { token: leader });
    expect(codes(res.json)).toContain("BAD_USER_INPUT");
    const page = await post({ query: `query ($id: ID!) { node(id: $id) { ... on Team { members(first: 101) { totalCount } } } }`, variables: { id: teamGid(demo.haolinshe.id) } }, { token: leader });
    expect(codes(page.json)).toContain("BAD_USER_INPUT");
  });

  it("every web operation stays within half of each limit, at its largest page sizes", () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, "utf8")) as Record<string, string>;
    expect(Object.keys(manifest).length).toBeGreaterThan(20);
    const over: string[] = [];
    for (const source of Object.values(manifest)) {
      const doc = parse(source);
      // Every Int variable at the largest page (first/last ≤ 100), every list of IDs at 100.
      const variables: Record<string, unknown> = {};
      for (const def of doc.definitions) {
        if (def.kind !== "OperationDefinition") continue;
        for (const v of def.variableDefinitions ?? []) {
          const type = print(v.type);
          if (/^Int!?$/.test(type)) variables[v.variable.name.value] = MAX_PAGE_SIZE;
          if (/^\[ID!?\]!?$/.test(type)) variables[v.variable.name.value] = Array.from({ length: MAX_PAGE_SIZE }, () => "x");
        }
      }
      const m = measureDocument(schema, source, variables);
      const name = /(query|mutation|subscription) (\w+)/.exec(source)?.[2] ?? source.slice(0, 40);
      if (m.errors.length) over.push(`${name}: ${m.errors.join("; ")}`);
      for (const key of ["maxTokens", "maxAliases", "maxDepth", "maxDirectives", "maxCost"] as const) {
        if (m[key] > config.limits[key] / 2) over.push(`${name}: ${key} ${m[key]} > ${config.limits[key] / 2}`);
      }
    }
    expect(over).toEqual([]);
  });

  it("the cost and the cursor check follow each request's variables, though the document's walk is kept", () => {
    // One parsed document, as yoga's parser cache hands it to every request with the same text.
    const document = parse(`query ($s: ID!, $n: Int, $a: String) { commendationBoard(stationId: $s, first: $n, after: $a) { edges { node { id title } } } }`);
    const cost = (n: number | undefined) => effectiveCost(schema, document, { s: "x", n });
    expect(cost(100)).toBeGreaterThan(cost(5));
    expect(cost(5)).toBe(measureDocument(schema, print(document), { s: "x", n: 5 }).maxCost);
    expect(cost(undefined)).toBe(cost(DEFAULT_PAGE_SIZE));
    const good = Buffer.from("GPC:S:00000000-0000-7000-8000-000000000000").toString("base64");
    expect(badCursor(schema, document, { s: "x", a: good })).toBeNull();
    expect(badCursor(schema, document, { s: "x", a: "!!!" })?.extensions.code).toBe("BAD_USER_INPUT");
    expect(badCursor(schema, document, { s: "x", a: good })).toBeNull();
  });

  it("a body over 1 MB gets 413 before it is parsed", async () => {
    const res = await post({ query: "{ __typename }", variables: { x: "x".repeat(2 * 1024 * 1024) } });
    expect(res.status).toBe(413);
  });

  it("a sheet upload over 1 MB but under MAX_UPLOAD_BYTES reaches the import; over it, 413; without the CSRF header, refused", async () => {
    const IMPORT = `mutation ($importVolunteers: ImportVolunteersInput!) { importVolunteers(input: $importVolunteers) { userErrors { code } } }`;
    const vars = { importVolunteers: { teamId: teamGid(demo.haolinshe.id), file: null, dryRun: true } };
    const sheet = (bytes: number) => ({ importVolunteers: { name: "大.csv", content: "姓名,手机号\n" + "x".repeat(bytes) } });
    const big = await gqlWithFiles(app, IMPORT, vars, sheet(2 * 1024 * 1024), leader);
    expect(big.errors).toBeUndefined();
    expect(big.data!.importVolunteers.userErrors.length).toBeGreaterThan(0); // a team leader may not import: the resolver answered
    const tooBig = await gqlWithFiles(app, IMPORT, vars, sheet(config.maxUploadBytes + 512 * 1024), leader);
    expect(tooBig.errors?.[0]).toMatchObject({ message: "文件太大：每个文件（照片、表格）不能超过10MB", extensions: { code: "REQUEST_ENTITY_TOO_LARGE" } });
    const form = new FormData();
    form.append("operations", JSON.stringify({ query: IMPORT, variables: vars }));
    form.append("map", JSON.stringify({ 0: ["variables.importVolunteers.file"] }));
    form.append("0", new Blob(["姓名,手机号\n"]), "a.csv");
    const forged = await fetch(`${app.url}/graphql`, { method: "POST", headers: { authorization: `Bearer ${leader}` }, body: form });
    expect(forged.status).toBe(403);
  });

  it("a chunked JSON body (no Content-Length) over 1 MB gets 413 too", async () => {
    const body = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(JSON.stringify({ query: "{ __typename }", variables: { x: "x".repeat(2 * 1024 * 1024) } }))); c.close(); } });
    const res = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
  });
});

describe("rate limits on secrets", () => {
  it("the 6th failed sign-in of a phone is limited, and the right password does not get in while locked", async () => {
    const phone = "13800000120";
    for (let i = 0; i < config.rateLimits.phoneFailures; i++) {
      const r = await post({ query: SIGN_IN, variables: { input: { phone, password: `wrong-${i}` } } }, { address: `203.0.113.${i}` });
      expect(r.json.data!.signIn.userErrors[0].code).toBe("UNAUTHENTICATED");
    }
    const sixth = await post({ query: SIGN_IN, variables: { input: { phone, password: "wrong-6" } } }, { address: "203.0.113.77" });
    const err = sixth.json.data!.signIn.userErrors[0];
    expect(err.code).toBe("RATE_LIMITED");
    expect(err.message).toMatch(/尝试次数过多，请\d+秒后再试/);
    const right = await post({ query: SIGN_IN, variables: { input: { phone, password: DEMO_PASSWORD } } }, { address: "203.0.113.78" });
    expect(right.json.data!.signIn).toMatchObject({ token: null, userErrors: [{ code: "RATE_LIMITED" }] });
    const en = await post({ query: SIGN_IN, variables: { input: { phone, password: DEMO_PASSWORD } } }, { address: "203.0.113.79", headers: { "accept-language": "en" } });
    expect(en.json.data!.signIn.userErrors[0].message).toMatch(/Too many attempts: try again in \d+ seconds/);
    expect(await prisma.auditEntry.count({ where: { action: "signIn.locked" } })).toBeGreaterThan(0);
  });

  it("one client address is limited across phones", async () => {
    const address = "192.0.2.50";
    let limited = 0;
    for (let i = 0; i < config.rateLimits.addressFailures + 1; i++) {
      const r = await post({ query: SIGN_IN, variables: { input: { phone: `139${String(i).padStart(8, "0")}`, password: "wrong" } } }, { address });
      if (r.json.data!.signIn.userErrors[0].code === "RATE_LIMITED") limited++;
    }
    expect(limited).toBe(1);
    // Another address signs in as before.
    const other = await post({ query: SIGN_IN, variables: { input: { phone: DEMO_PHONES.fushanOfficer, password: DEMO_PASSWORD } } }, { address: "192.0.2.51" });
    expect(other.json.data!.signIn.token).toEqual(expect.any(String));
  });

  it("activation codes are limited per phone and per address", async () => {
    const ACTIVATE = `mutation ($input: ActivateAccountInput!) { activateAccount(input: $input) { token userErrors { code message } } }`;
    const activate = (phone: string, address: string) => post({ query: ACTIVATE, variables: { input: { phone, code: "ZZZZZZ", password: "新密码很长的123", acceptTerms: true } } }, { address });
    const got: string[] = [];
    for (let i = 0; i <= config.rateLimits.phoneFailures; i++) got.push((await activate("13700000001", `203.0.114.${i}`)).json.data!.activateAccount.userErrors[0].code);
    expect(got.slice(0, -1).every((c) => c === "UNAUTHENTICATED")).toBe(true);
    expect(got.at(-1)).toBe("RATE_LIMITED");
    const byAddress: string[] = [];
    for (let i = 0; i <= config.rateLimits.addressFailures; i++) byAddress.push((await activate(`1370001${String(i).padStart(4, "0")}`, "203.0.114.200")).json.data!.activateAccount.userErrors[0].code);
    expect(byAddress.at(-2)).toBe("UNAUTHENTICATED");
    expect(byAddress.at(-1)).toBe("RATE_LIMITED");
  });

  it("changePassword's current password is limited per account", async () => {
    const phone = "13800000121";
    const token = (await tokensFor([phone])).get(phone)!;
    const CHANGE = `mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { userErrors { code message } } }`;
    const change = (currentPassword: string, i: number) => post({ query: CHANGE, variables: { input: { currentPassword, newPassword: "另一个很长的密码123" } } }, { token, address: `203.0.115.${i}` });
    for (let i = 0; i < config.rateLimits.phoneFailures; i++) expect((await change(`wrong-${i}`, i)).json.data!.changePassword.userErrors[0].code).toBe("UNAUTHENTICATED");
    const right = await change(DEMO_PASSWORD, 99);
    expect(right.json.data!.changePassword.userErrors[0]).toMatchObject({ code: "RATE_LIMITED", message: expect.stringMatching(/尝试次数过多/) });
  });

  it("wrong post codes at QR check-in are limited per claim: the right code does not check in while locked", async () => {
    const phone = "13800000122";
    const token = (await tokensFor([phone])).get(phone)!;
    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(20), endsAt: inMinutes(120) });
    const claimed = await gql(app, CLAIM, { input: { shiftId: shift.id } }, token);
    const claimId = claimed.data!.claimShift.claim.id as string;
    const wrong = shift.postCode === "000000" ? "111111" : "000000";
    const checkIn = (code: string) => post({ query: CHECK_IN, variables: { input: { claimId, method: "QR", code } } }, { token });
    for (let i = 0; i < config.rateLimits.postCodeFailures; i++) expect((await checkIn(wrong)).json.data!.checkIn.userErrors[0].code).toBe("VALIDATION");
    const locked = await checkIn(shift.postCode);
    expect(locked.json.data!.checkIn.userErrors[0]).toMatchObject({ code: "RATE_LIMITED", field: ["input", "code"], message: expect.stringMatching(/尝试次数过多，请\d+秒后再试/) });
    expect((await prisma.shiftClaim.findUniqueOrThrow({ where: { id: Buffer.from(claimId, "base64").toString().split(":")[1]! } })).checkedInAt).toBeNull();
  });

  it("mutations per account answer 429 with Retry-After beyond the budget", async () => {
    const phone = "13800000123";
    const token = (await tokensFor([phone])).get(phone)!;
    const n = config.rateLimits.mutationsPerMinute;
    // One request of many signOut aliases would hit the alias limit: requests of 10 aliases each.
    const doc = `mutation { ${Array.from({ length: 10 }, (_, i) => `a${i}: updateMyPrivacy(input: { publicRanking: true }) { userErrors { code } }`).join(" ")} }`;
    let status = 200;
    let retryAfter: string | null = null;
    for (let sent = 0; sent <= n && status === 200; sent += 10) {
      const r = await post({ query: doc }, { token });
      status = r.status;
      retryAfter = r.headers.get("retry-after");
    }
    expect(status).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});

describe("browsers and sockets", () => {
  it("security headers on every answer; HSTS only over TLS", async () => {
    for (const path of ["/", "/graphql?query=%7B__typename%7D", "/health"]) {
      const res = await fetch(`${app.url}${path}`, { headers: { "x-graphql-yoga-csrf": "1" } });
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("permissions-policy")).toMatch(/camera=\(self\)/);
      expect(res.headers.get("strict-transport-security")).toBeNull();
    }
    const tls = await fetch(`${app.url}/health`, { headers: { "x-forwarded-proto": "https" } });
    expect(tls.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
  });

  it("a foreign or null Origin is refused; form posts and header-less GETs meet CSRF prevention", async () => {
    for (const origin of ["https://evil.example", "null"]) {
      const r = await post({ query: "{ __typename }" }, { headers: { origin } });
      expect(r.status).toBe(403);
    }
    expect((await post({ query: "{ __typename }" }, { headers: { origin: app.url } })).status).toBe(200);
    const form = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "query=mutation%7BsignOut%7Bok%7D%7D" });
    expect(form.status).toBeGreaterThanOrEqual(400);
    const get = await fetch(`${app.url}/graphql?query=%7B__typename%7D`);
    expect(get.status).toBe(403);
  });

  it("the WebSocket refuses a foreign origin and caps subscriptions per socket", async () => {
    const refused = await new Promise<number>((resolve) => {
      const s = new WebSocket(`${app.url.replace("http", "ws")}/graphql`, "graphql-transport-ws", { headers: { origin: "https://evil.example" } });
      s.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      s.on("open", () => resolve(101));
    });
    expect(refused).toBe(403);
    const client = ws(app.url, leader);
    const errors: unknown[] = [];
    const subs = Array.from({ length: config.sockets.maxSubscriptionsPerSocket + 1 }, () =>
      client.subscribe({ query: `subscription ($id: ID!) { teamUpdated(teamId: $id) { id } }`, variables: { id: teamGid(demo.haolinshe.id) } }, { next: () => {}, error: (e) => errors.push(e), complete: () => {} }),
    );
    await vi.waitFor(() => expect(errors.length).toBe(1));
    expect(JSON.stringify(errors[0])).toMatch(/RATE_LIMITED/);
    subs.forEach((d) => d());
    await client.dispose();
  });
});

describe("errors in the client's language", () => {
  it("an execution's errors: over the socket in its locale, over HTTP in Accept-Language's (each path localized once, by its own hook)", async () => {
    const query = `{ commendationBoard(stationId: "nope", first: 1) { edges { cursor } } }`;
    const cases = [
      { locale: "en", header: "en-GB,en;q=0.9", is: /is not a valid Station ID$/, not: /不是有效的编号/ },
      { locale: "zh", header: "zh-CN", is: /^`stationId` 不是有效的编号$/, not: /valid/ },
    ];
    for (const c of cases) {
      const client = wsClient(app, null, { locale: c.locale });
      const overSocket = (await once(client, { query })).result?.errors?.[0]?.message;
      await client.dispose();
      const overHttp = (await post({ query }, { headers: { "accept-language": c.header } })).json.errors?.[0]?.message;
      for (const message of [overSocket, overHttp]) {
        expect(message).toMatch(c.is);
        expect(message).not.toMatch(c.not);
      }
    }
  });
});

describe("production mode: trusted documents only", () => {
  let prod: Proc;
  beforeAll(async () => {
    prod = await startApiProcess({ NODE_ENV: "production", AUTH_SECRET: "limits-test-secret", ALLOW_ARBITRARY_OPERATIONS: "", GRAPHQL_INTROSPECTION: "" });
  });
  afterAll(() => prod?.stop());

  it("refuses an unknown document (HTTP and WebSocket) and runs every web operation by its hash", async () => {
    const unknown = await post({ query: "{ __typename }" }, { url: prod.url });
    expect(codes(unknown.json)).toEqual(["PERSISTED_QUERY_ONLY"]);
    const manifest = JSON.parse(readFileSync(MANIFEST, "utf8")) as Record<string, string>;
    const refused: string[] = [];
    for (const hash of Object.keys(manifest)) {
      if (/^\s*subscription/.test(manifest[hash]!)) continue;
      const r = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } }, variables: {} }, { url: prod.url });
      // Variables are missing, so most answer with an input error: but none is refused as a document.
      const bad = codes(r.json).filter((c) => typeof c === "string" && /PERSISTED|LIMIT/.test(c));
      if (bad.length) refused.push(`${hash}: ${bad.join(",")}`);
    }
    expect(refused).toEqual([]);
    const viewerDoc = Object.entries(manifest).find(([, d]) => /^query Viewer\b/.test(d));
    if (viewerDoc) expect((await post({ extensions: { persistedQuery: { version: 1, sha256Hash: viewerDoc[0] } } }, { url: prod.url })).json.errors ?? []).toEqual([]);
    // Over the WebSocket too: text is refused, a hash runs.
    const client = ws(prod.url);
    const text = await once(client, { query: "{ __typename }" });
    expect(JSON.stringify(text.error)).toMatch(/PersistedQueryOnly/);
    await client.dispose();
  });

  it("gives no hints in its errors: no enum suggestions, no parser details of a malformed body", async () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, "utf8")) as Record<string, string>;
    const board = Object.entries(manifest).find(([, d]) => /\bquery ShiftBoard\b/.test(d))![0];
    const wrong = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: board } }, variables: { stationId: gid("Station", demo.fushan.id), kind: "PATRO" } }, { url: prod.url });
    expect(wrong.json.errors?.length).toBe(1);
    expect(JSON.stringify(wrong.json)).not.toMatch(/Did you mean|PATROL/);
    const malformed = await post('{"query": "{ __typename', { url: prod.url });
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors?.length).toBe(1);
    expect(JSON.stringify(malformed.json)).not.toMatch(/originalError|SyntaxError|position|Unterminated/);
  });
});

describe("rate limits shared by two processes over Redis", () => {
  let redis: Proc;
  let a: Proc;
  let b: Proc;
  beforeAll(async () => {
    redis = await startRedis();
    [a, b] = await Promise.all([startApiProcess({ REDIS_URL: redis.url }), startApiProcess({ REDIS_URL: redis.url })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  it("five failures on one process lock the phone on the other, also for the right password", async () => {
    const phone = "13800000124";
    for (let i = 0; i < config.rateLimits.phoneFailures; i++) {
      const r = await post({ query: SIGN_IN, variables: { input: { phone, password: `wrong-${i}` } } }, { url: a.url });
      expect(r.json.data!.signIn.userErrors[0].code).toBe("UNAUTHENTICATED");
    }
    const right = await post({ query: SIGN_IN, variables: { input: { phone, password: DEMO_PASSWORD } } }, { url: b.url });
    expect(right.json.data!.signIn).toMatchObject({ token: null, userErrors: [{ code: "RATE_LIMITED" }] });
  });
});

export { gid };
