// GET /media/<key>?exp=…&sig=…: a stored photo, for as long as its signed URL is valid.
import type { IncomingMessage, ServerResponse } from "node:http";
import { log, safeError } from "../log.js";
import { verifyMediaUrl } from "./signed.js";
import { KEY, mediaStorage } from "./storage.js";

const TYPES: Record<string, string> = { jpg: "image/jpeg", png: "image/png", webp: "image/webp" };

/** Handles /media/… and returns true; false for any other path. */
export function handleMedia(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  if (!url.pathname.startsWith("/media/")) return false;
  void serve(req, res, url).catch((e) => {
    log.error({ err: safeError(e) }, "media request failed");
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy();
  });
  return true;
}

function text(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" }).end(body);
}

async function serve(req: IncomingMessage, res: ServerResponse, url: URL) {
  if (req.method !== "GET" && req.method !== "HEAD") return text(res, 405, "Method Not Allowed\n");
  const key = url.pathname.slice("/media/".length);
  // One answer for a malformed, forged, altered or expired URL: nothing to learn from it.
  const left = KEY.test(key) ? verifyMediaUrl(key, url.searchParams.get("exp"), url.searchParams.get("sig")) : null;
  if (left === null) return text(res, 403, "链接无效或已过期 / Link invalid or expired\n");
  const object = await mediaStorage().get(key);
  if (!object) return text(res, 404, "图片不存在 / Not found\n");
  res.writeHead(200, {
    "content-type": TYPES[key.slice(key.lastIndexOf(".") + 1)]!,
    "content-length": String(object.size),
    // The browser may keep it while the URL is valid, never a shared cache.
    "cache-control": `private, max-age=${left}`,
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
    "cross-origin-resource-policy": "same-origin",
    "referrer-policy": "no-referrer",
  });
  if (req.method === "HEAD") {
    object.stream.destroy();
    return void res.end();
  }
  object.stream.on("error", () => res.destroy());
  object.stream.pipe(res);
}
