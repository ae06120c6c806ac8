// For bench/http-layer.ts: Linshe's API as `pnpm bench` runs it, and beside it a bare node:http handler
// for a JSON POST that runs the same yoga's envelop (parse and validation caches, limits, masking,
// context, execute) and what every answer must keep (security headers, x-request-id, the log line and
// the metric sample), without yoga's HTTP layer (whatwg-node Request/Response, the request parser,
// the result processors, the yoga-level hooks). A measurement, not a server: no CSRF, trusted
// documents, public cache, localized HTTP errors, compression, body limit.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { securityHeaders } from "../api/src/server/security.js";
import { log } from "../api/src/log.js";
import { metrics } from "../api/src/metrics.js";
const { buildApp, createGraphQL } = await import("../api/src/app.js");
const app = await (await buildApp()).start(0, "127.0.0.1");
const yoga = createGraphQL();
// keep = false: without the headers, the log line and the metric too (what they cost).
const bare = (keep: boolean) => createServer((req, res) => {
  const start = performance.now();
  if (keep) securityHeaders(req, res, "/graphql");
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", async () => {
    const params = JSON.parse(Buffer.concat(chunks).toString());
    const request = { headers: { get: (n: string) => (req.headers[n.toLowerCase()] as string | undefined) ?? null }, url: "http://x/graphql", method: "POST" };
    const { schema, parse, validate, contextFactory, execute } = yoga.getEnveloped({ req, request, params } as never);
    const document = parse(params.query);
    const errors = validate(schema, document);
    if (errors.length) { res.writeHead(400); res.end(JSON.stringify({ errors })); return; }
    const contextValue = await contextFactory();
    const result = await execute({ schema, document, variableValues: params.variables, contextValue, operationName: params.operationName });
    const body = JSON.stringify(result);
    const seconds = (performance.now() - start) / 1000;
    const id = randomUUID();
    if (keep) metrics.requestDuration.observe({ operation: params.operationName ?? "anonymous", type: "query", status: "200" }, seconds);
    if (keep) log.info({ reqId: id, operation: params.operationName ?? "anonymous", type: "query", account: undefined, status: 200, ms: Math.round(seconds * 10_000) / 10 }, "graphql request");
    res.writeHead(200, { "x-request-id": id, "content-type": "application/graphql-response+json; charset=utf-8", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
const [fast, bareest] = [bare(true), bare(false)];
for (const s of [fast, bareest]) await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
const port = (s: typeof fast) => (s.address() as { port: number }).port;
process.stdout.write(`FAST http://127.0.0.1:${port(fast)}\nBARE http://127.0.0.1:${port(bareest)}\nLISTENING ${app.url}\n`);
process.on("SIGTERM", () => process.exit(0));
