// Short-lived signed URLs for photos: `/media/<key>?exp=<unix seconds>&sig=<HMAC>`. A URL is made only
// by a field whose reader the access policy allowed (the photo's report or visit); the route checks
// the signature and the expiry and nothing else, so an <img> needs no token.
import { createHmac, timingSafeEqual } from "node:crypto";
import { config } from "../config.js";

function signature(key: string, exp: number): string {
  return createHmac("sha256", config.authSecret).update(`media:${key}:${exp}`).digest("base64url");
}

export function signedMediaUrl(key: string, now = Date.now()): string {
  const exp = Math.floor(now / 1000) + config.mediaUrlTtlSeconds;
  return `/media/${key}?exp=${exp}&sig=${signature(key, exp)}`;
}

/** Seconds the URL is still valid for, or null when it is forged, altered or expired. */
export function verifyMediaUrl(key: string, exp: string | null, sig: string | null, now = Date.now()): number | null {
  if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return null;
  const expected = Buffer.from(signature(key, Number(exp)));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const left = Number(exp) - Math.floor(now / 1000);
  return left > 0 ? left : null;
}
