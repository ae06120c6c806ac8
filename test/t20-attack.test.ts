// Session 20's outside attack on the direct path of /graphql (api/src/graphql/direct.ts): requests
// built byte by byte on a socket, each sent with a Content-Length (the direct path may take it) and
// chunked (yoga answers), and the answers compared.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { pool, sqlStats } from "../api/src/db.js";
import { DIRECT_MAX_BODY, directStats } from "../api/src/graphql/direct.js";
import { startApp } from "./support/client.js";
import { createStation, gid } from "./support/fixtures.js";

let app: App;
let host: string;
let stationId: string;
let token: string;
beforeAll(async () => {
  app = await startApp();
  host = new URL(app.url).host;
  const s = await createStation();
  stationId = gid("Station", s.station.id);
  token = s.officer.token;
});
afterAll(() => app?.stop());

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One request on its own connection: the request line and headers as given, then the body framed. */
function send(head: string[], body: string, chunked: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(app.url).port), "127.0.0.1", () => {
      const bytes = Buffer.from(body);
      socket.write([...head, chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${bytes.length}`, "Connection: close", "", ""].join("\r\n"));
      socket.write(chunked ? Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from("\r\n0\r\n\r\n")]) : bytes);
    });
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf("\r\n\r\n");
      const [status, ...lines] = all.subarray(0, end).toString("latin1").split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) headers[line.slice(0, line.indexOf(":")).toLowerCase()] = line.slice(line.indexOf(":") + 1).trim();
      let rest = all.subarray(end + 4);
      if (headers["transfer-encoding"] === "chunked") {
        const parts: Buffer[] = [];
        for (let at = 0; at < rest.length; ) {
          const eol = rest.indexOf("\r\n", at);
          const n = parseInt(rest.subarray(at, eol).toString(), 16);
          if (!n) break;
          parts.push(rest.subarray(eol + 2, eol + 2 + n));
          at = eol + 2 + n + 2;
        }
        rest = Buffer.concat(parts);
      }
      resolve({ status: Number(status!.split(" ")[1]), headers, body: rest.toString("utf8") });
    });
  });
}

/** Sends the request both ways and expects the same answer; returns it and how many the direct path answered. */
async function both(head: string[], payload: unknown) {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const before = directStats.answered;
  let statements = sqlStats.statements;
  const direct = await send(head, body, false);
  const directStatements = sqlStats.statements - statements;
  const answered = directStats.answered - before;
  statements = sqlStats.statements;
  const yoga = await send(head, body, true);
  const yogaStatements = sqlStats.statements - statements;
  const comparable = ({ date: _d, "x-request-id": _i, "content-length": _l, "transfer-encoding": _t, ...rest }: Record<string, string>) => rest;
  const what = head.join(" | ");
  expect(direct.status, what).toBe(yoga.status);
  expect(comparable(direct.headers), what).toEqual(comparable(yoga.headers));
  expect(direct.body, what).toBe(yoga.body);
  return { direct, answered, statements: { direct: directStatements, yoga: yogaStatements } };
}

const BOARD = `query Board($stationId: ID!) { commendationBoard(stationId: $stationId, first: 20) { edges { node { id title } } pageInfo { hasNextPage endCursor } } }`;
const post = (contentType = "application/json", target = "/graphql", hostHeader = host) => [`POST ${target} HTTP/1.1`, `Host: ${hostHeader}`, `Content-Type: ${contentType}`];

describe("the direct path against yoga, byte by byte", () => {
  it("does not answer a Content-Type yoga does not read as JSON (415 there: case and spaces count)", async () => {
    for (const type of ["Application/JSON", "APPLICATION/JSON; charset=utf-8", "application/json ;charset=utf-8", "application/json\t; charset=utf-8"]) {
      const { direct, answered } = await both(post(type), { query: BOARD, variables: { stationId } });
      expect(direct.status, type).toBe(415);
      expect(answered, type).toBe(0);
    }
    // What yoga reads as JSON still goes the direct way.
    for (const type of ["application/json", "application/json;charset=UTF-8", "application/json; charset=utf-8"]) {
      const { direct, answered } = await both(post(type), { query: BOARD, variables: { stationId } });
      expect([direct.status, answered], type).toEqual([200, 1]);
    }
  });

  it("answers a Host that makes no URL with 400 on both paths, and an absolute-form target as the path it names, never with a stack trace", async () => {
    for (const bad of ["a b", `127.0.0.1:99999`, "x:y"]) {
      const { direct } = await both(post("application/json", "/graphql", bad), { query: BOARD, variables: { stationId } });
      expect(direct.status, bad).toBe(400);
      expect(JSON.parse(direct.body).errors[0].extensions.code).toBe("BAD_REQUEST");
    }
    for (const target of [`http://${host}/graphql`, "http://other.example:8080/graphql", "http://other.example/graphql"]) {
      const { direct } = await both(post("application/json", target), { query: BOARD, variables: { stationId } });
      expect(direct.status, target).toBe(200);
      expect(direct.body, target).not.toMatch(/TypeError|Invalid URL|\bat /);
      expect(JSON.parse(direct.body).data.commendationBoard.edges).toEqual([]);
    }
  });

  it("makes a context that throws once: a signed-in request while the database is away looks its viewer up once, as yoga does", async () => {
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    const away = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    (pool as unknown as { query: unknown }).query = (config: { name?: string }, ...rest: unknown[]) => (config?.name === "viewers" ? Promise.reject(away) : query(config, ...rest));
    try {
      const { direct, statements } = await both([...post(), `Authorization: Bearer ${token}`], { query: BOARD, variables: { stationId } });
      expect(direct.status).toBe(503);
      expect(JSON.parse(direct.body).errors[0].extensions.code).toBe("SERVICE_UNAVAILABLE");
      expect(statements).toEqual({ direct: 1, yoga: 1 });
    } finally {
      (pool as unknown as { query: unknown }).query = query;
    }
    // And the next request of that client is itself again.
    const { direct, answered } = await both([...post(), `Authorization: Bearer ${token}`], { query: BOARD, variables: { stationId } });
    expect([direct.status, answered]).toEqual([200, 1]);
  });

  it("held: a client gone mid-body, a body at the limit, many at once", async () => {
    // Gone after 10 of 1000 bytes: nothing answered, the process goes on.
    await new Promise<void>((resolve) => {
      const socket = net.connect(Number(new URL(app.url).port), "127.0.0.1", () => {
        socket.write([...post(), "Content-Length: 1000", "", ""].join("\r\n") + '{"query":"');
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on("close", () => resolve());
      socket.on("error", () => {});
    });
    // A body of exactly the direct path's limit, and one byte more (yoga's).
    const padded = (n: number) => {
      const base = JSON.stringify({ query: BOARD, variables: { stationId } });
      return `${base.slice(0, -1)}${" ".repeat(n - base.length)}}`;
    };
    for (const n of [DIRECT_MAX_BODY, DIRECT_MAX_BODY + 1]) {
      const { direct, answered } = await both(post(), padded(n));
      expect([direct.status, answered], String(n)).toEqual([200, n === DIRECT_MAX_BODY ? 1 : 0]);
    }
    const answers = await Promise.all(Array.from({ length: 40 }, () => send(post(), JSON.stringify({ query: BOARD, variables: { stationId } }), false)));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
  });
});
