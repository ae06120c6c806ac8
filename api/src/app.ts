// One HTTP server: /graphql (HTTP + graphql-ws WebSocket), the operator's routes (/livez, /readyz,
// /health, /metrics: server/ops.ts), and the built web app at /.
import { existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { createYoga, type Plugin } from "graphql-yoga";
import { MessageType, stringifyMessage } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer, type WebSocket } from "ws";
import { GraphQLError, type ExecutionArgs, type ExecutionResult } from "graphql";
import { bearer } from "./auth/tokens.js";
import { viewerFromToken, type Viewer } from "./auth/viewer.js";
import { config } from "./config.js";
import { createContext } from "./context.js";
import { armorPlugin, badCursor, effectiveCost, enforcePageSizeLimit, executionLimits, limitError, mutationRateLimit, noHints, noIntrospection } from "./graphql/limits.js";
import { socketDocument, trustedDocumentsPlugin } from "./graphql/trusted-documents.js";
import { admitSocket, admitSubscription, countSocket, forgetSocketContext, rememberSocketContext } from "./graphql/socket-limits.js";
import { checkOrigin, clientAddress, corsFor, CSRF_HEADER, securityHeaders, varyOnOrigin, withVaryOrigin } from "./server/security.js";
import { publicCachePlugin } from "./graphql/public-cache.js";
import { compressResponses } from "./graphql/compression.js";
import { operationKey, subscribeShared } from "./graphql/shared-subscriptions.js";
import { localizeUnavailable, maskError, unavailableReason } from "./graphql/unavailable.js";
import { repoRoot } from "./infra/migrations.js";
import { log, safeError, yogaLogger } from "./log.js";
import { lifecycle } from "./server/lifecycle.js";
import { requestObservability } from "./server/observability.js";
import { handleOps } from "./server/ops.js";
import { handleCalendar } from "./modules/notification/calendar.js";
import { sendFile } from "./server/static-files.js";
import { startServing, stopServing } from "./server/serving.js";
import { CLOSE_TRY_AGAIN_LATER, drainer } from "./server/drain.js";
import { localeFrom, msg, type Locale } from "./i18n.js";
import { localizeResponses, localizeResult } from "./graphql/localize.js";
import { startSocketSessions, trackSocket } from "./graphql/socket-sessions.js";
import { schema } from "./schema/index.js";
import { directPath, directResults } from "./graphql/direct.js";
import { handleMedia } from "./media/route.js";
import { bodyLimit, uploadErrors, uploadFetchAPI } from "./media/upload.js";

const webDist = path.join(repoRoot, "web/dist");

interface ServerContext {
  req?: IncomingMessage;
  /** set for WebSocket operations: the viewer authenticated in connection_init */
  wsViewer?: Viewer | null;
  wsLocale?: Locale;
}

export { CSRF_HEADER } from "./server/security.js";

/** Subscriptions run over the WebSocket only, where they are counted and capped. */
const subscriptionsOverSocketOnly: Plugin = {
  onSubscribe({ setResultAndStopExecution }) {
    setResultAndStopExecution({ errors: [new GraphQLError(msg("订阅请使用 WebSocket（/graphql）", "Subscribe over the WebSocket at /graphql"), { extensions: { code: "BAD_REQUEST", http: { status: 400 } } })] });
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
    // Larger bodies get 413 before they are parsed (Content-Length, or counted while read): 1 MB, and
    // multipart uploads (photos) more (bodyLimit below); the parser's per-file limits: media/upload.ts.
    maxRequestBodySize: false,
    fetchAPI: uploadFetchAPI,
    cors: (request, serverContext) => corsFor(request.headers.get("origin"), (serverContext as ServerContext | undefined)?.req),
    plugins: [
      requestObservability(),
      useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }),
      trustedDocumentsPlugin(),
      armorPlugin(config.limits, { suggestions: config.introspection }),
      ...(config.introspection ? [] : [noIntrospection(), noHints()]),
      subscriptionsOverSocketOnly,
      // Before execution: cursors, the cost with the real page sizes, then the account's mutation budget.
      executionLimits(config.limits.maxCost),
      mutationRateLimit(),
      publicCachePlugin(),
      localizeUnavailable(),
      // The parser's limit errors are named first: localizeResponses would call them a bad request.
      uploadErrors(),
      localizeResponses(),
      compressResponses(),
      // After compression (it adds Accept-Encoding): every answer names Origin in Vary, as the direct path's.
      varyOnOrigin(),
      // An execution of the direct path with errors is answered here, from its result.
      directResults(),
      // Last: it wraps whichever request parser was chosen (yoga's own limit does the same).
      bodyLimit(),
    ],
    context: ({ request, req, wsViewer, wsLocale }) => {
      const address = clientAddress(req);
      if (wsViewer !== undefined) return createContext(wsViewer, wsLocale ?? "zh", address);
      const token = bearer(request.headers.get("authorization"));
      const locale = localeFrom(request.headers.get("accept-language"));
      // Without a token no promise: a public request's context is made in the same turn.
      return token ? viewerFromToken(token).then((viewer) => createContext(viewer, locale, address)) : createContext(null, locale, address);
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
  const toYoga = (req: IncomingMessage, res: ServerResponse) => void Promise.resolve(yoga(req, res)).catch((e) => failed(res, e));
  const direct = directPath(yoga, toYoga, failed);
  // No request may end the process: whatever a handler throws becomes a 500 for that request only.
  const server = createServer((req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      securityHeaders(req, res, url.pathname);
      if (handleOps(req, res, url.pathname)) return;
      if (handleCalendar(req, res, url.pathname)) return;
      if (url.pathname === "/graphql") {
        // whatwg-node makes yoga's request URL of the Host header and the target as sent: an absolute-form
        // target (`POST http://host:port/graphql`, which a server must accept) or a Host that makes no
        // URL failed there with 500 and the stack trace as the body, where the direct path answered 200.
        if (!req.url!.startsWith("/")) req.url = url.pathname + url.search;
        if (!URL.canParse(`http://${req.headers.host ?? "localhost"}${req.url}`)) return badHost(res);
        if (!checkOrigin(req, res)) return;
        if (direct(req, res)) return;
        return toYoga(req, res);
      }
      if (handleMedia(req, res, url)) return;
      return serveWeb(url.pathname, req, res);
    } catch (e) {
      failed(res, e);
    }
  });
  // Node's 5 s would close a balancer's kept upstream connections under it (a 502 when both act at once)
  // and make clients open new ones: a storm on fresh connections costs the API more per request.
  server.keepAliveTimeout = config.httpKeepAliveSeconds * 1000;
  server.on("clientError", (_e, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  const wss = new WebSocketServer({
    server,
    path: "/graphql",
    maxPayload: config.maxBodyBytes,
    // A browser page of a foreign origin may not open the socket; nor may one address open too many.
    verifyClient: ({ req }, done) => {
      const refused = admitSocket(req);
      // It depends on the Origin, as every answer of /graphql (withVaryOrigin).
      if (refused) done(false, refused.status, refused.reason, { Vary: withVaryOrigin(null) });
      else done(true);
    },
  });
  wss.on("error", (e) => log.warn({ err: safeError(e) }, "websocket server error"));
  wss.on("connection", (socket, req) => {
    countSocket(socket, req);
    socket.on("error", (e) => log.warn({ err: safeError(e) }, "websocket error"));
  });
  const drain = drainer(server, wss);
  const stopSocketSessions = startSocketSessions();
  useServer<Record<string, unknown>, { viewer?: Viewer | null; locale?: Locale; request: IncomingMessage; socket: WebSocket }>(
    {
      // An unknown, expired or revoked token closes the socket (4403); no token allows only public data.
      onConnect: async (ctx) => {
        rememberSocketContext(ctx);
        ctx.extra.locale = ctx.connectionParams?.locale === "en" ? "en" : "zh";
        const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        if (header === undefined || header === null || header === "") {
          ctx.extra.viewer = null;
          return true;
        }
        let viewer: Viewer | null;
        try {
          viewer = await viewerFromToken(bearer(String(header)));
        } catch (e) {
          // The database is away or saturated: 1013 (try again later) tells the client to reconnect,
          // where a masked 4500 would read as a bug and 4403 as a bad token.
          if (!unavailableReason(e)) throw e;
          ctx.extra.socket.close(CLOSE_TRY_AGAIN_LATER, "service unavailable");
          return false;
        }
        if (!viewer) return false;
        ctx.extra.viewer = viewer;
        if (viewer.sessionId) trackSocket(ctx.extra.socket, viewer.accountId, viewer.sessionId, viewer.sessionExpiresAt);
        return true;
      },
      onClose: (ctx) => forgetSocketContext(ctx),
      // Whatever throws here would close the socket with 4500 and the error's own message: it becomes
      // this operation's masked error instead, and the socket stays open.
      // Errors in the client's language here, after yoga's masking (its hook runs after every
      // plugin's): a masked, unavailable or cursor error is made by `maskError` in both languages.
      execute: async (args: ExecutionArgs) => {
        const locale = (args.contextValue as { locale?: Locale } | undefined)?.locale ?? "zh";
        try {
          const result = await drain.track(Promise.resolve((args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args)));
          return (isAsyncIterable(result) ? result : localizeResult(result as ExecutionResult, locale)) as never;
        } catch (e) {
          return localizeResult({ errors: [socketError(e)] }, locale) as never;
        }
      },
      subscribe: async (args: ExecutionArgs) => {
        const { key } = args.rootValue as { key: string };
        try {
          return (await subscribeShared({ ...args, rootValue: undefined }, key)) as never;
        } catch (e) {
          return { errors: [socketError(e)] } as never;
        }
      },
      onSubscribe: async (ctx, _id, params) => {
        const locale = ctx.extra.locale ?? "zh";
        const refuse = (errors: readonly GraphQLError[]) => localizeResult({ errors }, locale).errors as GraphQLError[];
        try {
          return await admitOperation(ctx, params, locale, refuse);
        } catch (e) {
          return refuse([socketError(e)]);
        }
      },
      // Readiness acknowledgement: once the subscription's source stream exists and has been asked
      // for its first event, it listens (pubsub.ts and stored streams listen from their subscribe
      // call; a lazy stream such as a Repeater starts on that first request). Right then the server
      // sends the protocol's unsolicited `pong` with payload `{ subscribed: <operation id> }`, so a
      // client knows that events published from now on reach it (tests wait for it instead of
      // sleeping). Clients may ignore it: graphql-ws allows a pong at any time. With REDIS_URL every
      // process listens on Redis from its start (pubsub.ts), so this holds across processes too.
      onOperation: (ctx, id, _payload, _args, result) => {
        if (!isAsyncIterable(result)) return;
        const ack = () => void ctx.extra.socket.send(stringifyMessage({ type: MessageType.Pong, payload: { subscribed: id } }));
        return acknowledgeOnListen(result, ack) as never;
      },
    },
    wss,
    config.socketKeepAliveMs,
  );

  type SocketCtx = Parameters<typeof rememberSocketContext>[0] & { extra: { viewer?: Viewer | null; locale?: Locale; request: IncomingMessage; socket: WebSocket } };
  /** What a subscribe message may run (limits, trusted documents, cost), as graphql-ws execution arguments or errors. */
  async function admitOperation(ctx: SocketCtx, params: { query?: unknown; operationName?: string | null; variables?: Record<string, unknown> | null; extensions?: unknown }, locale: Locale, refuse: (errors: readonly GraphQLError[]) => GraphQLError[]) {
    const capped = admitSubscription(ctx);
    if (capped) return refuse([capped]);
    // Production runs the web app's trusted documents only (sent by hash), as over HTTP.
    const document = socketDocument(params);
    if ("error" in document) return refuse([document.error]);
    const query = document.query;
    const { schema: s, execute, contextFactory, parse, validate } = yoga.getEnveloped({
      ...ctx,
      req: ctx.extra.request,
      wsViewer: ctx.extra.viewer ?? null,
      wsLocale: locale,
      params: { ...params, query },
    });
    let parsed;
    try {
      parsed = parse(query);
    } catch (e) {
      return refuse([socketError(e)]);
    }
    const errors = validate(s, parsed);
    if (errors.length) return refuse(errors);
    // Subscriptions do not pass the execution hooks: their cursors and cost are checked here.
    const cursor = badCursor(s, parsed, params.variables);
    if (cursor) return refuse([cursor]);
    if (effectiveCost(s, parsed, params.variables) > config.limits.maxCost) return refuse([limitError("maxCost", config.limits.maxCost)]);
    const args: ExecutionArgs = {
      schema: s,
      operationName: params.operationName,
      document: parsed,
      variableValues: params.variables,
      contextValue: await contextFactory(),
      // Queries and mutations over the socket run as over HTTP; subscriptions share each event's
      // execution between subscriptions with the same operation and viewer.
      rootValue: { execute, key: operationKey(query, params.operationName, params.variables, ctx.extra.viewer ?? null, locale) },
    };
    return args;
  }

  return {
    /**
     * Listens; with `ready: false` /graphql answers 503 until `app.ready()` (main.ts migrates first).
     * `reusePort` (REUSE_PORT): SO_REUSEPORT, for several processes on one port.
     */
    async start(port = config.port, host = "0.0.0.0", opts: { ready?: boolean; reusePort?: boolean } = {}): Promise<App> {
      const reusePort = opts.reusePort ?? config.reusePort;
      // Node before 22.12 ignores the option: a second process would fail with EADDRINUSE, or worse, a
      // platform without SO_REUSEPORT ends the process. Refused with the reason instead.
      if (reusePort && !reusePortSupported()) throw new Error(`REUSE_PORT=1 needs Node ≥ 22.12 (or ≥ 23.1) on Linux or FreeBSD; this is Node ${process.versions.node} on ${process.platform}`);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen({ port, host, ...(reusePort ? { reusePort: true } : {}) }, () => resolve());
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

/** Whether `listen({ reusePort })` sets SO_REUSEPORT here (nodejs/node#55408: 23.1, 22.12). */
export function reusePortSupported(version = process.versions.node, platform: string = process.platform): boolean {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  const node = major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
  return node && (platform === "linux" || platform === "freebsd");
}

/** An unexpected error of a socket operation: logged, and masked like over HTTP. */
function socketError(e: unknown): GraphQLError {
  if (!(e instanceof GraphQLError)) log.error({ err: safeError(e) }, "websocket operation failed");
  return maskError(e, "Unexpected error.", false, false) as GraphQLError;
}

function badHost(res: ServerResponse) {
  res.writeHead(400, { "content-type": "application/json; charset=utf-8", vary: withVaryOrigin(null) }).end(JSON.stringify({ errors: [{ message: "请求的 Host 无效 / Invalid Host header", extensions: { code: "BAD_REQUEST" } }] }));
}

/** The 500 of a request whose handler threw (exported for its test); it varies on Origin as every /graphql answer. */
export function failed(res: ServerResponse, e: unknown) {
  log.error({ err: safeError(e) }, "http request failed");
  if (res.headersSent) return void res.destroy();
  res.writeHead(500, { "content-type": "application/json", vary: withVaryOrigin(null) }).end(JSON.stringify({ errors: [{ message: "Unexpected error." }] }));
}

function isAsyncIterable(x: unknown): x is AsyncIterable<unknown> {
  return typeof x === "object" && x !== null && Symbol.asyncIterator in x;
}

/** The same stream, calling `ack` right after its first `next()` has been requested. */
function acknowledgeOnListen<T>(source: AsyncIterable<T>, ack: () => void): AsyncIterableIterator<T> {
  const it = source[Symbol.asyncIterator]();
  let acked = false;
  return {
    next() {
      const first = it.next();
      if (!acked) {
        acked = true;
        ack();
      }
      return first;
    },
    return: async (value?: unknown) => (await it.return?.(value)) ?? { value: undefined, done: true },
    throw: async (e?: unknown) => {
      if (it.throw) return it.throw(e);
      throw e;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
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

function serveWeb(pathname: string, req: IncomingMessage, res: ServerResponse) {
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
    // Hashed assets never change; everything else (index.html, sw.js, the manifest) is revalidated,
    // so a new service worker is found at once.
    return sendFile(req, res, file, {
      "content-type": TYPES[ext] ?? "application/octet-stream",
      "cache-control": pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
    });
  }
  // A build's file that is gone (a tab open across a deploy asks for an old chunk) is 404, not the app
  // shell: HTML answered for a script is a confusing MIME error and could be cached as the script.
  if (pathname.startsWith("/assets/")) return void res.writeHead(404, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }).end("Not Found");
  // Client-side routes fall back to the app shell.
  const index = path.join(webDist, "index.html");
  if (existsSync(index)) return sendFile(req, res, index, { "content-type": TYPES[".html"]!, "cache-control": "no-cache" });
  res.writeHead(200, { "content-type": TYPES[".html"]! }).end(PLACEHOLDER);
}
