// One HTTP server: /graphql (HTTP + graphql-ws WebSocket), the operator's routes (/livez, /readyz,
// /health, /metrics: server/ops.ts), and the built web app at /.
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createYoga, type Plugin } from "graphql-yoga";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer, type WebSocket } from "ws";
import type { ExecutionArgs } from "graphql";
import { bearer } from "./auth/tokens.js";
import { viewerFromToken, type Viewer } from "./auth/viewer.js";
import { config } from "./config.js";
import { createContext } from "./context.js";
import { depthLimitRule, enforcePageSizeLimit } from "./graphql/limits.js";
import { publicCachePlugin } from "./graphql/public-cache.js";
import { operationKey, subscribeShared } from "./graphql/shared-subscriptions.js";
import { localizeUnavailable, maskError } from "./graphql/unavailable.js";
import { repoRoot } from "./infra/migrations.js";
import { log, safeError, yogaLogger } from "./log.js";
import { lifecycle } from "./server/lifecycle.js";
import { requestObservability } from "./server/observability.js";
import { handleOps } from "./server/ops.js";
import { startServing, stopServing } from "./server/serving.js";
import { drainer } from "./server/drain.js";
import { localeFrom, type Locale } from "./i18n.js";
import { localizeErrors } from "./graphql/localize.js";
import { startSocketSessions, trackSocket } from "./graphql/socket-sessions.js";
import { schema } from "./schema/index.js";

const webDist = path.join(repoRoot, "web/dist");

interface ServerContext {
  req?: IncomingMessage;
  /** set for WebSocket operations: the viewer authenticated in connection_init */
  wsViewer?: Viewer | null;
  wsLocale?: Locale;
}

const depthLimit: Plugin = {
  onValidate({ addValidationRule }) {
    addValidationRule(depthLimitRule(config.maxDepth));
  },
};

export function createGraphQL() {
  return createYoga<ServerContext>({
    schema: enforcePageSizeLimit(schema),
    graphqlEndpoint: "/graphql",
    graphiql: config.graphiql ? { subscriptionsProtocol: "WS" } : false,
    landingPage: false,
    // Database unavailability answers 503 SERVICE_UNAVAILABLE; other unexpected errors are masked.
    maskedErrors: { maskError },
    logging: yogaLogger,
    plugins: [requestObservability(), depthLimit, publicCachePlugin(), localizeErrors(), localizeUnavailable()],
    context: async ({ request, req, wsViewer, wsLocale }) => {
      const address = req?.socket?.remoteAddress ?? null;
      if (wsViewer !== undefined) return createContext(wsViewer, wsLocale ?? "zh", address);
      return createContext(await viewerFromToken(bearer(request.headers.get("authorization"))), localeFrom(request.headers.get("accept-language")), address);
    },
  });
}

export interface App {
  url: string;
  port: number;
  /** Starts the event readers and reports ready (start() does it unless told not to). */
  ready(): Promise<void>;
  /** Graceful: drains requests within `graceMs` (SHUTDOWN_GRACE_SECONDS), closes sockets with 1012. */
  stop(graceMs?: number): Promise<void>;
}

export async function buildApp() {
  const yoga = createGraphQL();
  // No request may end the process: whatever a handler throws becomes a 500 for that request only.
  const server = createServer((req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (handleOps(req, res, url.pathname)) return;
      if (url.pathname === "/graphql") {
        if (tooLargeUpload(req)) return void tooLarge(res);
        return void Promise.resolve(yoga(req, res)).catch((e) => failed(res, e));
      }
      return serveWeb(url.pathname, res);
    } catch (e) {
      failed(res, e);
    }
  });
  server.on("clientError", (_e, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  const wss = new WebSocketServer({ server, path: "/graphql" });
  wss.on("error", (e) => log.warn({ err: safeError(e) }, "websocket server error"));
  wss.on("connection", (socket) => socket.on("error", (e) => log.warn({ err: safeError(e) }, "websocket error")));
  const drain = drainer(server, wss);
  const stopSocketSessions = startSocketSessions();
  useServer<Record<string, unknown>, { viewer?: Viewer | null; locale?: Locale; request: IncomingMessage; socket: WebSocket }>(
    {
      // An unknown, expired or revoked token closes the socket (4403); no token allows only public data.
      onConnect: async (ctx) => {
        ctx.extra.locale = ctx.connectionParams?.locale === "en" ? "en" : "zh";
        const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        if (header === undefined || header === null || header === "") {
          ctx.extra.viewer = null;
          return true;
        }
        const viewer = await viewerFromToken(bearer(String(header)));
        if (!viewer) return false;
        ctx.extra.viewer = viewer;
        if (viewer.sessionId) trackSocket(ctx.extra.socket, viewer.accountId, viewer.sessionId, viewer.sessionExpiresAt);
        return true;
      },
      execute: (args: ExecutionArgs) => (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
      subscribe: (args: ExecutionArgs) => {
        const { key } = args.rootValue as { key: string };
        return subscribeShared({ ...args, rootValue: undefined }, key) as never;
      },
      onSubscribe: async (ctx, _id, params) => {
        const { schema: s, execute, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          wsViewer: ctx.extra.viewer ?? null,
          wsLocale: ctx.extra.locale ?? "zh",
          params,
        });
        const args: ExecutionArgs = {
          schema: s,
          operationName: params.operationName,
          document: parse(params.query),
          variableValues: params.variables,
          contextValue: await contextFactory(),
          // Queries and mutations over the socket run as over HTTP; subscriptions share each event's
          // execution between subscriptions with the same operation and viewer.
          rootValue: { execute, key: operationKey(params.query, params.operationName, params.variables, ctx.extra.viewer ?? null, ctx.extra.locale ?? "zh") },
        };
        const errors = validate(args.schema, args.document);
        return errors.length ? errors : args;
      },
    },
    wss,
  );

  return {
    /** Listens; with `ready: false` /graphql answers 503 until `app.ready()` (main.ts migrates first). */
    async start(port = config.port, host = "0.0.0.0", opts: { ready?: boolean } = {}): Promise<App> {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve());
      });
      const actual = (server.address() as AddressInfo).port;
      const app: App = {
        port: actual,
        url: `http://127.0.0.1:${actual}`,
        ready: startServing,
        stop: async (graceMs = config.shutdownGraceSeconds * 1000) => {
          await drain(graceMs);
          stopSocketSessions();
          await stopServing();
        },
      };
      if (opts.ready !== false) await app.ready();
      else lifecycle.phase = "migrating";
      return app;
    },
  };
}

/**
 * File uploads (GraphQL multipart requests) are read into memory by yoga: one larger than
 * MAX_UPLOAD_BYTES, or of unknown length, is refused before a byte of it is read.
 */
function tooLargeUpload(req: IncomingMessage): boolean {
  if (!/^multipart\/form-data/i.test(req.headers["content-type"] ?? "")) return false;
  const length = Number(req.headers["content-length"]);
  return !Number.isFinite(length) || length > config.maxUploadBytes + 256 * 1024;
}

function tooLarge(res: ServerResponse) {
  const mb = Math.floor(config.maxUploadBytes / 1048576);
  res
    .writeHead(413, { "content-type": "application/json; charset=utf-8", connection: "close" })
    .end(JSON.stringify({ errors: [{ message: `文件不能超过${mb}MB (the file must be under ${mb} MB)`, extensions: { code: "PAYLOAD_TOO_LARGE" } }] }));
}

function failed(res: ServerResponse, e: unknown) {
  log.error({ err: safeError(e) }, "http request failed");
  if (res.headersSent) return void res.destroy();
  res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ message: "Unexpected error." }] }));
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
};

const PLACEHOLDER = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>邻舍 Linshe</title><body style="font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem">
<h1>邻舍 Linshe</h1><p>网页端尚未构建。运行 <code>pnpm start</code> 会先构建网页。</p>
<p>The web app is not built yet. The API is at <a href="/graphql">/graphql</a>.</p></body></html>`;

function serveWeb(pathname: string, res: ServerResponse) {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return void res.writeHead(400, { "content-type": "text/plain; charset=utf-8" }).end("Bad Request: malformed URL");
  }
  const file = path.join(webDist, path.normalize(decoded).replace(/^([/\\])+/, ""));
  const inside = file.startsWith(webDist + path.sep);
  if (inside && existsSync(file) && statSync(file).isFile()) {
    const ext = path.extname(file);
    res.writeHead(200, {
      "content-type": TYPES[ext] ?? "application/octet-stream",
      "cache-control": pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
    });
    return void createReadStream(file).pipe(res);
  }
  // Client-side routes fall back to the app shell.
  const index = path.join(webDist, "index.html");
  if (existsSync(index)) {
    res.writeHead(200, { "content-type": TYPES[".html"]!, "cache-control": "no-cache" });
    return void createReadStream(index).pipe(res);
  }
  res.writeHead(200, { "content-type": TYPES[".html"]! }).end(PLACEHOLDER);
}
