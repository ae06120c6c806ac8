// The direct path of /graphql (api/src/graphql/direct.ts) must answer exactly as yoga does. Each
// request is sent twice: with a Content-Length (the direct path may take it) and chunked (yoga
// always answers), and the two answers are compared: status, headers, body.
import { request as httpRequest } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { config } from "../api/src/config.js";
import { sqlStats } from "../api/src/db.js";
import { directStats } from "../api/src/graphql/direct.js";
import { trustedDocuments } from "../api/src/graphql/trusted-documents.js";
import { startApp } from "./support/client.js";
import { createStation, gid } from "./support/fixtures.js";

let app: App;
let stationId: string;
let officerToken: string;
beforeAll(async () => {
  app = await startApp();
  const s = await createStation();
  stationId = gid("Station", s.station.id);
  officerToken = s.officer.token;
});
afterAll(() => app?.stop());

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(body: string, headers: Record<string, string>, chunked: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${app.url}/graphql`);
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: "/graphql", method: "POST", headers: { "content-type": "application/json", ...headers, ...(chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(Buffer.byteLength(body)) }) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks);
          const encoding = res.headers["content-encoding"];
          const text = (encoding === "br" ? brotliDecompressSync(raw) : encoding === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
          resolve({ status: res.statusCode!, headers: res.headers, body: text });
        });
      },
    );
    req.on("error", reject);
    if (chunked) req.write(body);
    req.end(chunked ? undefined : body);
  });
}

/** The headers that must agree: all but the date, the request id and how the body was framed. */
function comparable(h: Answer["headers"]) {
  const { date: _d, "x-request-id": _id, ...rest } = h;
  return rest;
}

/** Sends the request both ways; returns the direct path's answer and which path answered it. */
async function both(payload: unknown, headers: Record<string, string> = {}) {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const before = { ...directStats };
  let statements = sqlStats.statements;
  const direct = await send(body, headers, false);
  const directStatements = sqlStats.statements - statements;
  const took = { answered: directStats.answered - before.answered, passed: directStats.passed - before.passed };
  statements = sqlStats.statements;
  const yoga = await send(body, headers, true);
  const yogaStatements = sqlStats.statements - statements;
  expect(directStats.answered - before.answered, "chunked requests go to yoga").toBe(took.answered);
  expect(direct.status).toBe(yoga.status);
  expect(comparable(direct.headers)).toEqual(comparable(yoga.headers));
  expect(direct.body).toBe(yoga.body);
  expect(direct.headers["x-request-id"]).toBeTruthy();
  return { direct, took, statements: { direct: directStatements, yoga: yogaStatements } };
}

const BOARD = `query Board($stationId: ID!) { commendationBoard(stationId: $stationId, first: 20) { edges { node { id title } } pageInfo { hasNextPage endCursor } } }`;
const URQL_ACCEPT = "application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed";
const BIG = `{ __schema { types { name kind description fields { name description } } } }`;

describe("the direct path of /graphql", () => {
  it("answers a public query as yoga does, for each Accept header", async () => {
    for (const accept of [undefined, "*/*", "application/json", URQL_ACCEPT, "application/graphql-response+json", "application/json;charset=utf-8, */*;q=0.8"]) {
      const { direct, took } = await both({ query: BOARD, variables: { stationId } }, accept ? { accept } : {});
      expect(took, String(accept)).toEqual({ answered: 1, passed: 0 });
      expect(direct.status).toBe(200);
      expect(JSON.parse(direct.body).data.commendationBoard.edges).toEqual([]);
    }
  });

  it("answers a trusted document sent by its hash, as the web app sends it", async () => {
    const [hash, document] = [...trustedDocuments].find(([, d]) => d.startsWith("query CommendationBoard"))!;
    const name = /^query (\w+)/.exec(document)![1];
    const { took } = await both({ operationName: name, variables: { stationId }, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }, { accept: URQL_ACCEPT, "x-graphql-yoga-csrf": "1" });
    expect(took).toEqual({ answered: 1, passed: 0 });
  });

  it("adds the same CORS headers for a page of the API's own origin, and compresses as yoga does", async () => {
    const origin = app.url;
    for (const encoding of [undefined, "gzip", "br", "gzip, deflate, br", "br;q=0, gzip"]) {
      const { direct, took } = await both({ query: BIG }, { origin, accept: URQL_ACCEPT, ...(encoding ? { "accept-encoding": encoding } : {}) });
      expect(took, String(encoding)).toEqual({ answered: 1, passed: 0 });
      expect(direct.headers["access-control-allow-origin"]).toBe(origin);
      if (encoding) expect(direct.headers["content-encoding"]).toBe(/br(?!;q=0)/.test(encoding) ? "br" : "gzip");
    }
  });

  it("with several CORS_ORIGINS, every answer of both paths varies on Origin, merged with Accept-Encoding", async () => {
    const origins = ["https://a.linshe.example", "https://b.linshe.example"];
    const saved = config.corsOrigins;
    config.corsOrigins = origins;
    /** The names a Vary header lists, lower case, sorted (each once). */
    const vary = (a: Answer) => String(a.headers.vary ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean).sort();
    try {
      for (const origin of [...origins, app.url, undefined]) {
        for (const encoding of [undefined, "gzip, br"]) {
          const what = `${origin} ${encoding}`;
          const headers = { accept: URQL_ACCEPT, ...(origin ? { origin } : {}), ...(encoding ? { "accept-encoding": encoding } : {}) };
          // answered by the direct path (a large answer is compressed), and by yoga from an execution with errors
          const { direct, took } = await both({ query: BIG }, headers);
          expect(took, what).toEqual({ answered: 1, passed: 0 });
          expect(direct.headers["access-control-allow-origin"], what).toBe(origin);
          expect(vary(direct), what).toEqual(encoding ? ["accept-encoding", "origin"] : ["origin"]);
          const failed = await both({ query: `{ commendationBoard(stationId: "nope", first: 5) { edges { node { id } } } }` }, headers);
          expect(failed.took.answered, what).toBe(0);
          expect(vary(failed.direct), what).toEqual(["origin"]);
        }
      }
      // The preflight and the refusal of a foreign origin depend on the Origin too.
      const preflight = await fetch(`${app.url}/graphql`, { method: "OPTIONS", headers: { origin: origins[1]!, "access-control-request-method": "POST" } });
      expect(preflight.headers.get("access-control-allow-origin")).toBe(origins[1]);
      expect(preflight.headers.get("vary")).toMatch(/^origin$/i);
      const foreign = await fetch(`${app.url}/graphql`, { method: "POST", headers: { origin: "https://c.linshe.example", "content-type": "application/json" }, body: JSON.stringify({ query: BOARD, variables: { stationId } }) });
      expect(foreign.status).toBe(403);
      expect(foreign.headers.get("vary")).toMatch(/^origin$/i);
    } finally {
      config.corsOrigins = saved;
    }
  });

  it("answers a signed-in query with the viewer's data, in the client's language", async () => {
    const { direct, took } = await both({ query: `{ viewer { accountId displayName } }` }, { authorization: `Bearer ${officerToken}`, "accept-language": "en" });
    expect(took).toEqual({ answered: 1, passed: 0 });
    expect(JSON.parse(direct.body).data.viewer.accountId).toBeTruthy();
  });

  it("echoes the client's request id", async () => {
    const direct = await send(JSON.stringify({ query: BOARD, variables: { stationId } }), { "x-request-id": "abc-123" }, false);
    expect(direct.headers["x-request-id"]).toBe("abc-123");
  });

  it("hands to yoga whatever is not a plain, error-free query, and yoga answers it", async () => {
    const cases: [string, unknown, Record<string, string>?][] = [
      // one board read, one error: yoga answers from the direct path's result, with the same one statement
      ["an execution with errors", { query: `query ($s: ID!) { a: commendationBoard(stationId: $s, first: 5) { edges { node { id } } } b: commendationBoard(stationId: "nope", first: 5) { edges { node { id } } } }`, variables: { s: stationId } }],
      // answered with a userError, no GraphQL error: only the operation's type sends it to yoga
      ["a mutation", { query: `mutation { signIn(input: { phone: "13800000000", password: "wrong-password" }) { token userErrors { code } } }` }],
      ["a subscription", { query: `subscription { claimNotices { __typename } }` }],
      ["an unknown hash", { extensions: { persistedQuery: { version: 1, sha256Hash: "sha256:0000" } } }],
      ["no document", { variables: {} }],
      ["invalid JSON", "{ not json"],
      ["a batch", [{ query: BOARD }]],
      ["an unexpected parameter", { query: BOARD, variables: { stationId }, extra: 1 }],
      ["variables that are not an object", { query: BOARD, variables: "x" }],
      ["a document that does not validate", { query: `{ nope }` }],
      ["a document that does not parse", { query: `{ viewer ` }],
    ];
    for (const [what, payload, headers] of cases) {
      const { direct, took, statements } = await both(payload, headers);
      // The same work: an execution the direct path hands to yoga is not run again.
      expect(statements.direct, what).toBe(statements.yoga);
      if (what !== "a mutation" && typeof payload !== "string") expect(direct.body, what).toMatch(/"errors"/);
      expect(took.answered, what).toBe(0);
    }
  });

  it("leaves to yoga the requests it does not take at all (other media types, methods, bodies)", async () => {
    for (const headers of <Record<string, string>[]>[{ accept: "text/event-stream" }, { accept: "application/json; charset=iso-8859-1" }, { "content-type": "application/graphql-response+json" }, { "content-type": "text/plain" }]) {
      const before = { ...directStats };
      await both({ query: BOARD, variables: { stationId } }, headers);
      expect(directStats.answered - before.answered, JSON.stringify(headers)).toBe(0);
      expect(directStats.passed - before.passed, JSON.stringify(headers)).toBe(0);
    }
  });
});
