// What every HTTP answer carries and who may call the API from a browser.
//
// Headers come from helmet (the Node ecosystem's maintained set of security headers; it works on plain
// node:http responses): a Content-Security-Policy without inline scripts or styles that the web app
// passes, frame-ancestors 'none', nosniff, a Referrer-Policy. helmet has no Permissions-Policy, and HSTS
// is only sent when the request came over TLS (told by a trusted proxy), so both are set here.
//
// Browsers may call /graphql from the API's own origin and from CORS_ORIGINS; a request whose Origin
// is anything else (also `null`) is refused with 403 before it is read. Clients that are no browser
// send no Origin and are not asked.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CORSOptions, Plugin } from "graphql-yoga";
import helmet from "helmet";
import { config } from "../config.js";

const helmetHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      "default-src": ["'self'"],
      "script-src": ["'self'"],
      "style-src": ["'self'"],
      "img-src": ["'self'", "data:"],
      "font-src": ["'self'", "data:"],
      // 'self' covers the app's own WebSocket (ws:/wss: of the same host) in current browsers.
      "connect-src": ["'self'"],
      "object-src": ["'none'"],
      "base-uri": ["'none'"],
      "form-action": ["'self'"],
      "frame-ancestors": ["'none'"],
      "manifest-src": ["'self'"],
      "worker-src": ["'self'"],
    },
  },
  referrerPolicy: { policy: "strict-origin-when-cross-origin" },
  strictTransportSecurity: false,
  xFrameOptions: { action: "deny" },
});

/**
 * helmet's headers do not depend on the request with these options: taken once from a recording
 * response and set as a list on every answer, instead of running its dozen middlewares per request.
 */
const HEADERS: [string, string][] = (() => {
  const set = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: unknown) => void set.set(name, String(value)),
    removeHeader: (name: string) => void set.delete(name),
  };
  helmetHeaders({} as IncomingMessage, recorder as unknown as ServerResponse, () => {});
  return [...set];
})();

/** Check-in by GPS needs the location and 扫码 the camera (only for this origin); nothing else needs a device. */
const PERMISSIONS_POLICY = "geolocation=(self), camera=(self), microphone=(), payment=(), usb=(), serial=(), bluetooth=(), interest-cohort=()";

/** GraphiQL (development only) loads its scripts and styles from a CDN and inline. */
const GRAPHIQL_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline' https://unpkg.com; style-src 'self' 'unsafe-inline' https://unpkg.com; img-src 'self' data: https:; font-src 'self' data: https:; connect-src 'self'; frame-ancestors 'none'";

/** The `n`-th value from the right of a comma-separated header (the one the nearest trusted proxy wrote). */
function fromRight(header: string | string[] | undefined, n: number): string | null {
  const all = (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",").map((s) => s.trim()).filter(Boolean);
  return all.length >= n ? all[all.length - n]! : null;
}

/** Whether the client reached us over TLS: our own socket, or a trusted proxy's word. */
export function viaTls(req: IncomingMessage): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted) return true;
  if (config.trustProxy > 0) return fromRight(req.headers["x-forwarded-proto"], 1)?.toLowerCase() === "https";
  return false;
}

/** The caller's address: the socket's peer, or with TRUST_PROXY=N the address N proxies reported. */
export function clientAddress(req: IncomingMessage | undefined): string | null {
  if (!req) return null;
  if (config.trustProxy > 0) {
    const forwarded = fromRight(req.headers["x-forwarded-for"], config.trustProxy);
    if (forwarded) return forwarded;
  }
  const a = req.socket?.remoteAddress ?? null;
  return a?.startsWith("::ffff:") ? a.slice(7) : a;
}

/** Sets the security headers of every answer (before any route writes). */
export function securityHeaders(req: IncomingMessage, res: ServerResponse, pathname: string): void {
  for (const [name, value] of HEADERS) res.setHeader(name, value);
  res.setHeader("Permissions-Policy", PERMISSIONS_POLICY);
  if (viaTls(req)) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  if (config.graphiql && pathname === "/graphql" && req.method === "GET" && /text\/html/.test(req.headers.accept ?? "")) {
    res.setHeader("Content-Security-Policy", GRAPHIQL_CSP);
  }
}

/** The host the browser addressed (a trusted proxy may have forwarded it). */
function requestHost(req: IncomingMessage): string | null {
  if (config.trustProxy > 0) {
    const forwarded = fromRight(req.headers["x-forwarded-host"], 1);
    if (forwarded) return forwarded.toLowerCase();
  }
  return req.headers.host?.toLowerCase() ?? null;
}

/** May a browser page of `origin` call the API? Its own origin and CORS_ORIGINS may. */
export function originAllowed(req: IncomingMessage, origin: string): boolean {
  if (config.corsOrigins.includes(origin)) return true;
  try {
    const url = new URL(origin);
    if (url.protocol !== "http:" && url.protocol !== "https:") return false;
    return url.host.toLowerCase() === requestHost(req);
  } catch {
    return false; // "null" and anything malformed
  }
}

/** Answers 403 and returns false when a browser page of a foreign origin calls. */
export function checkOrigin(req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || originAllowed(req, origin)) return true;
  res
    .writeHead(403, { "content-type": "application/json; charset=utf-8", vary: withVaryOrigin(null) })
    .end(JSON.stringify({ errors: [{ message: "此来源不得调用本接口 / This origin may not call the API", extensions: { code: "FORBIDDEN_ORIGIN" } }] }));
  return false;
}

/** The header the web app sends on every request; browsers cannot add it across origins without CORS. */
export const CSRF_HEADER = "x-graphql-yoga-csrf";

/**
 * A `Vary` value that also names Origin, the ones already there kept in their order (`*` stays `*`).
 *
 * Every answer of /graphql depends on the caller's Origin: Access-Control-Allow-Origin echoes it (the
 * API's own origin, or one of CORS_ORIGINS), is absent without one, and a foreign one is refused. So
 * each answer says so, also one to a request without Origin: a shared cache must not hand one
 * origin's answer (or a header-less one) to a page of another. whatwg-node adds `Vary: Origin` itself
 * only for a list of several origins, and corsFor names just the caller's.
 */
export function withVaryOrigin(vary: string | null | undefined): string {
  const names = (vary ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (names.some((n) => n === "*" || n.toLowerCase() === "origin")) return names.join(", ");
  return [...names, "Origin"].join(", ");
}

/** yoga's side of `withVaryOrigin`: every answer of yoga's path (preflights and errors too) names Origin in Vary. */
export function varyOnOrigin(): Plugin {
  return {
    onResponse({ response }) {
      response.headers.set("vary", withVaryOrigin(response.headers.get("vary")));
    },
  };
}

/** CORS for /graphql (both HTTP paths): a page of an allowed origin may call it, without credentials. */
export function corsFor(origin: string | null | undefined, req: IncomingMessage | undefined): CORSOptions | false {
  if (!origin || !req || !originAllowed(req, origin)) return false;
  return { origin: [origin], credentials: false, methods: ["GET", "POST"], allowedHeaders: ["authorization", "content-type", "accept-language", "x-request-id", CSRF_HEADER], maxAge: 600 };
}
