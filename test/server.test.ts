import { randomBytes } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { prisma } from "../api/src/db.js";
import { gql, startApp, wsClient } from "./support/client.js";
import { createStation, gid } from "./support/fixtures.js";

const root = path.resolve(import.meta.dirname, "..");
let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

describe("server", () => {
  it("reports health with the database", async () => {
    const res = await fetch(`${app.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, database: "up" });
  });

  it("keeps an idle HTTP connection longer than a load balancer's idle timeout (60 s), not Node's 5 s", async () => {
    const res = await fetch(`${app.url}/livez`);
    await res.arrayBuffer();
    expect(res.headers.get("keep-alive")).toBe("timeout=65");
  });

  it("serves the web app (or its placeholder) at / and for client routes", async () => {
    for (const path of ["/", "/shifts/today"]) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/text\/html/);
      expect(await res.text()).toContain("邻舍");
    }
  });

  it("answers a missing build file under /assets/ with 404, not the app shell (an old chunk after a deploy)", async () => {
    const res = await fetch(`${app.url}/assets/gone-0123abcd.js`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).not.toMatch(/html/);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("does not serve files outside the web build: a path that climbs out gets the app shell", async () => {
    const shell = await (await fetch(`${app.url}/`)).text();
    // A file right beside web/dist, and the repository's package.json two levels up.
    const canary = `canary-${randomBytes(4).toString("hex")}.txt`;
    const secret = `outside web/dist ${randomBytes(8).toString("hex")}`;
    await writeFile(path.join(root, "web", canary), secret);
    try {
      const pkg = await readFile(path.join(root, "package.json"), "utf8");
      for (const p of [
        `/..%2f${canary}`,
        `/%2e%2e/${canary}`,
        `/assets/..%2f..%2f${canary}`,
        `/..%5c${canary}`,
        `/..%2f..%2fpackage.json`,
        `/%2e%2e%2f%2e%2e%2fpackage.json`,
        `/%2f${root.slice(1)}%2fpackage.json`,
      ]) {
        const res = await fetch(`${app.url}${p}`);
        const body = await res.text();
        expect(body, p).not.toContain(secret);
        expect(body, p).not.toBe(pkg);
        // Refused outright, or answered like any unknown client route.
        if (res.status === 200) {
          expect(res.headers.get("content-type"), p).toMatch(/text\/html/);
          expect(body, p).toBe(shell);
        } else {
          expect([400, 403, 404], p).toContain(res.status);
        }
      }
    } finally {
      await rm(path.join(root, "web", canary), { force: true });
    }
  });

  it("rejects queries nested deeper than the limit", async () => {
    const deep = "{ viewer { volunteer { teams(first: 1) { edges { node { team { squads(first: 1) { edges { node { members(first: 1) { edges { node { volunteer { squads(first: 1) { edges { node { id } } } } } } } } } } } } } } } } }";
    const res = await gql(app, deep);
    expect(res.errors?.[0]?.extensions?.code).toBe("DEPTH_LIMIT");
  });

  it("answers null without an error for malformed, unknown-type and missing IDs alike", async () => {
    for (const id of ["bm90LWEtdHlwZToxMjM=", "%%%", "", Buffer.from("Team:not-a-uuid").toString("base64"), Buffer.from("Team:00000000-0000-7000-8000-000000000000").toString("base64")]) {
      expect(await gql(app, `query ($id: ID!) { node(id: $id) { id } }`, { id })).toEqual({ data: { node: null } });
    }
  });

  it("answers an alias named __proto__ like any other (the executor's result objects are plain objects)", async () => {
    const res = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ a: __typename __proto__: viewer { __typename } b: __typename }" }),
    });
    expect(await res.text()).toBe('{"data":{"a":"Query","__proto__":null,"b":"Query"}}');
  });

  it("answers a malformed URL with 400 and stays up", async () => {
    for (const path of ["/%", "/%E0%A4%A", "/assets/%zz"]) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.status).toBe(400);
    }
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
  });

  it("compresses /graphql answers of 1 KB and more for a client that accepts it (brotli, else gzip); small ones and other clients get them plain", async () => {
    const { station, officer } = await createStation();
    await prisma.station.update({ where: { id: station.id }, data: { name: `${station.name}${"邻".repeat(200)}` } });
    const post = (query: string, encoding?: string) =>
      fetch(`${app.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${officer.token}`, ...(encoding ? { "accept-encoding": encoding } : {}) },
        body: JSON.stringify({ query, variables: { id: gid("Station", station.id) } }),
      });
    const big = `query ($id: ID!) { node(id: $id) { ... on Station { a: name b: name c: name } } }`;
    const plain = await post(big, "identity");
    expect(plain.headers.get("content-encoding")).toBeNull();
    const json = await plain.json();
    expect(Buffer.byteLength(JSON.stringify(json))).toBeGreaterThan(1024);
    for (const [accepts, used] of [["gzip, deflate, br, zstd", "br"], ["gzip", "gzip"], ["br;q=0, gzip", "gzip"]] as const) {
      const res = await post(big, accepts);
      expect(res.headers.get("content-encoding"), accepts).toBe(used);
      expect(res.headers.get("vary")).toMatch(/accept-encoding/i);
      expect(await res.json()).toEqual(json); // fetch decodes it
    }
    const small = await post(`query ($id: ID!) { node(id: $id) { id } }`, "br");
    expect(small.headers.get("content-encoding")).toBeNull();
    expect((await small.json()).data.node.id).toBe(gid("Station", station.id));
  });

  it("masks unexpected errors: a failure inside the database answers 'Unexpected error.' with no detail", async () => {
    const { station, officer } = await createStation();
    const detail = `internal detail ${randomBytes(6).toString("hex")}`;
    // A trigger only this test fires makes the station's update fail the way a bug would.
    const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    try {
      await db.query(`CREATE FUNCTION linshe_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '${detail}'; END $$`);
      await db.query(`CREATE TRIGGER linshe_test_fail BEFORE UPDATE ON "Station" FOR EACH ROW WHEN (NEW.id = '${station.id}') EXECUTE FUNCTION linshe_test_fail()`);
      const res = await gql(
        app,
        `mutation ($input: UpdateStationSettingsInput!) { updateStationSettings(input: $input) { station { checkInRadiusMeters } userErrors { code } } }`,
        { input: { stationId: gid("Station", station.id), checkInRadiusMeters: 800 } },
        officer.token,
      );
      expect(res.data?.updateStationSettings ?? null).toBeNull();
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0]!.message).toBe("Unexpected error.");
      expect(res.errors![0]!.path).toEqual(["updateStationSettings"]);
      const text = JSON.stringify(res);
      expect(text).not.toContain(detail);
      expect(text).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+|prisma|P2\d{3}|stack|originalError/i);
    } finally {
      await db.query(`DROP TRIGGER IF EXISTS linshe_test_fail ON "Station"; DROP FUNCTION IF EXISTS linshe_test_fail()`);
      await db.end();
    }
  });
});

describe("graphql-js's own request errors", () => {
  it("are said in Chinese first (English when asked), with a code and without echoing the value in Chinese", async () => {
    const SIGN = `mutation ($input: SignAgreementInput!) { signAgreement(input: $input) { userErrors { code } } }`;
    const ask = async (query: string, variables: Record<string, unknown>, lang?: string) => {
      const res = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...(lang ? { "accept-language": lang } : {}) }, body: JSON.stringify({ query, variables }) });
      return ((await res.json()) as { errors: { message: string; extensions?: { code?: string } }[] }).errors.map((e) => [e.message, e.extensions?.code]);
    };
    const id = gid("Agreement", "00000000-0000-4000-8000-000000000000");
    expect(await ask(SIGN, { input: { agreementId: id, version: 330102198001011234 } })).toEqual([["变量 $input 的值无效（input.version）：整数超出范围（−2147483648 至 2147483647）", "BAD_USER_INPUT"]]);
    expect(await ask(SIGN, { input: { agreementId: id } })).toEqual([["变量 $input 的值无效：缺少必填字段 version", "BAD_USER_INPUT"]]);
    expect(await ask(SIGN, {})).toEqual([["缺少必填变量 $input", "BAD_USER_INPUT"]]);
    expect(await ask(`query { viewer { notifications(first: "a") { totalCount } } }`, {})).toContainEqual(["请求不符合接口定义：须为整数", "GRAPHQL_VALIDATION_FAILED"]);
    expect(await ask(`query { nope }`, {})).toEqual([["Query 没有字段 nope", "GRAPHQL_VALIDATION_FAILED"]]);
    // English on request: graphql-js's own words, with the same code.
    expect(await ask(SIGN, { input: { agreementId: id, version: 1.5 } }, "en-US")).toEqual([['Variable "$input" got invalid value 1.5 at "input.version"; Int cannot represent non-integer value: 1.5', "BAD_USER_INPUT"]]);
  });
});

describe("graphql-js's and yoga's request errors, odd inputs", () => {
  it("never echo the caller's value in the Chinese text, and a document that does not parse or names no operation is said in Chinese too", async () => {
    const CREATE = `mutation ($input: CreateShiftInput!) { createShift(input: $input) { userErrors { code } } }`;
    const input = { capacity: 1, endsAt: "2030-01-01T10:00:00Z", kind: "PATROL", startsAt: "2030-01-01T09:00:00Z", teamId: "VGVhbTox", title: "x" };
    const ask = async (body: unknown, lang?: string) => {
      const res = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...(lang ? { "accept-language": lang } : {}) }, body: JSON.stringify(body) });
      return ((await res.json()) as { errors: { message: string; extensions?: { code?: string } }[] }).errors.map((e) => [e.message, e.extensions?.code]);
    };
    const secret = "330102198001011234";
    expect(await ask({ query: CREATE, variables: { input: { ...input, kind: secret } } })).toEqual([["变量 $input 的值无效（input.kind）：须为 ShiftKind 的可选值", "BAD_USER_INPUT"]]);
    expect(await ask({ query: `query { shifts(stationId: "x", kind: P${secret}) { edges { cursor } } }` })).toEqual([["请求不符合接口定义：须为 ShiftKind 的可选值", "GRAPHQL_VALIDATION_FAILED"]]);
    // A key is the caller's too: named only when it could be a field's name.
    expect(await ask({ query: CREATE, variables: { input: { ...input, [`身份证${secret}`]: 1 } } })).toEqual([["变量 $input 的值无效：CreateShiftInput 没有该字段", "BAD_USER_INPUT"]]);
    expect(await ask({ query: CREATE, variables: { input: { ...input, nope: 1 } } })).toEqual([["变量 $input 的值无效：CreateShiftInput 没有字段 nope", "BAD_USER_INPUT"]]);
    expect(await ask({ query: `query { shifts(stationId: "${secret}"` })).toEqual([["请求有语法错误（第 1 行第 47 列）", "GRAPHQL_PARSE_FAILED"]]);
    expect(await ask({ query: `query A { viewer { __typename } } query B { viewer { __typename } }` })).toEqual([["无法确定要执行的操作（请检查 operationName）", "OPERATION_RESOLUTION_FAILURE"]]);
    expect(await ask({ query: CREATE, variables: secret })).toEqual([["请求格式有误", "BAD_REQUEST"]]);
    // English on request: the libraries' own words.
    expect((await ask({ query: `query { shifts(`, variables: {} }, "en"))[0]).toEqual(["Syntax Error: Expected Name, found <EOF>.", "GRAPHQL_PARSE_FAILED"]);
  });
});

describe("request errors over the WebSocket", () => {
  it("a document that does not parse is said in Chinese first (English when asked), with a code", async () => {
    const refused = async (locale: string) => {
      const client = wsClient(app, null, { locale });
      try {
        return await new Promise<unknown>((resolve) => client.subscribe({ query: "subscription { commendationBoardUpdated(" }, { next: resolve, error: resolve, complete: () => resolve(null) }));
      } finally {
        await client.dispose();
      }
    };
    const said = (e: unknown) => (e as { message: string; extensions?: { code?: string } }[]).map((x) => [x.message, x.extensions?.code]);
    expect(said(await refused("zh"))).toEqual([["请求有语法错误（第 1 行第 41 列）", "GRAPHQL_PARSE_FAILED"]]);
    expect(said(await refused("en"))).toEqual([["Syntax Error: Expected Name, found <EOF>.", "GRAPHQL_PARSE_FAILED"]]);
  });
});
