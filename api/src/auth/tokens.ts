// Compact signed tokens (HMAC-SHA256 over a JSON payload), in the JWT wire format. A token names its
// session (a row in "Session"), so one device can be signed out without the others.
import { createHmac, timingSafeEqual } from "node:crypto";
import { config } from "../config.js";
import { UUID } from "../lib/uuid.js";

export interface TokenClaims {
  sub: string; // account id
  sid: string; // session id
  iat: number;
  exp: number;
}

const b64 = (v: Buffer | string) => Buffer.from(v).toString("base64url");
const HEADER = b64(JSON.stringify({ alg: "HS256", typ: "JWT" }));

function sign(data: string): string {
  return createHmac("sha256", config.authSecret).update(data).digest("base64url");
}

export function signToken(claims: TokenClaims): string {
  const body = `${HEADER}.${b64(JSON.stringify(claims))}`;
  return `${body}.${sign(body)}`;
}

/** Returns the claims of a valid, unexpired token, or null. */
export function verifyToken(token: string, now = Date.now()): TokenClaims | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts as [string, string, string];
  const expected = Buffer.from(sign(`${header}.${payload}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as TokenClaims;
    if (typeof claims.sub !== "string" || typeof claims.sid !== "string" || typeof claims.exp !== "number") return null;
    if (!UUID.test(claims.sub) || !UUID.test(claims.sid)) return null;
    if (claims.exp * 1000 <= now) return null;
    return claims;
  } catch {
    return null;
  }
}

/** Reads "Bearer <token>" (case-insensitive scheme). */
export function bearer(header: string | null | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return m ? m[1]! : null;
}

/** A keyed hash of a one-time code: codes are stored only as this. */
export function codeHash(code: string): string {
  return createHmac("sha256", config.authSecret).update(`code:${code}`).digest("base64url");
}
