// Routes of the operator beside /graphql: /livez, /readyz, /health (alias of /readyz) and /metrics
// (Prometheus text, only with `Authorization: Bearer $METRICS_TOKEN`; off when the token is unset).
// Also answers /graphql with 503 before the process is ready (starting, migrating).
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { config } from "../config.js";
import { localeFrom, localize } from "../i18n.js";
import { SERVICE_UNAVAILABLE, UNAVAILABLE_MESSAGE } from "../graphql/unavailable.js";
import { log, safeError } from "../log.js";
import { scrape, registry } from "../metrics.js";
import { livez, readyz } from "./health.js";
import { lifecycle } from "./lifecycle.js";
import { withVaryOrigin } from "./security.js";

/** Handles the request and returns true when it is one of the operator's routes. */
export function handleOps(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
  switch (pathname) {
    case "/livez":
      livez(res);
      return true;
    case "/readyz":
    case "/health":
      void readyz(res);
      return true;
    case "/metrics":
      void metricsRoute(req, res);
      return true;
    case "/graphql":
      if (lifecycle.phase === "ready" || lifecycle.phase === "draining") return false;
      res
        .writeHead(503, { "content-type": "application/json", "retry-after": String(config.retryAfterSeconds), vary: withVaryOrigin(null) })
        .end(JSON.stringify({ errors: [{ message: localize(UNAVAILABLE_MESSAGE, localeFrom(req.headers["accept-language"])), extensions: { code: SERVICE_UNAVAILABLE, retryAfterSeconds: config.retryAfterSeconds } }] }));
      return true;
    default:
      return false;
  }
}

function tokenMatches(header: string | undefined): boolean {
  if (!config.metricsToken || !header?.startsWith("Bearer ")) return false;
  const given = Buffer.from(header.slice(7));
  const expected = Buffer.from(config.metricsToken);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function metricsRoute(req: IncomingMessage, res: ServerResponse) {
  if (!config.metricsToken) return void res.writeHead(404, { "content-type": "text/plain" }).end("metrics are off: set METRICS_TOKEN\n");
  if (!tokenMatches(req.headers.authorization)) {
    return void res.writeHead(401, { "content-type": "text/plain", "www-authenticate": "Bearer" }).end("unauthorized\n");
  }
  try {
    const body = await scrape();
    res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" }).end(body);
  } catch (e) {
    log.error({ err: safeError(e) }, "metrics scrape failed");
    res.writeHead(500).end();
  }
}
