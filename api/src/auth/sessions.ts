// Sessions: created at sign-in, revoked by signing out, a password change, disabling the account or
// an officer's reset. Revocations are published so every API process closes that session's open
// WebSockets at once (api/src/graphql/socket-sessions.ts also re-checks them every few seconds).
import { randomInt, randomUUID } from "node:crypto";
import { config } from "../config.js";
import { prisma, type Tx } from "../db.js";
import { pubsub } from "../pubsub.js";
import { signToken } from "./tokens.js";

export async function createSession(db: Tx | typeof prisma, accountId: string, now = Date.now()) {
  const iat = Math.floor(now / 1000);
  const expiresAt = new Date((iat + config.tokenTtlSeconds) * 1000);
  const session = await db.session.create({ data: { id: randomUUID(), accountId, expiresAt } });
  return { token: signToken({ sub: accountId, sid: session.id, iat, exp: iat + config.tokenTtlSeconds }), expiresAt, sessionId: session.id };
}

export type RevokeReason = "SIGNED_OUT" | "PASSWORD_CHANGED" | "DISABLED" | "RESET" | "ROLE_CHANGED";

/** Revokes sessions (all of the account's, or all but `keep`) and tells every process. Call after commit. */
export function announceRevocation(accountId: string, reason: RevokeReason, sessionIds?: string[]) {
  pubsub.publish("sessionsRevoked", { accountId, sessionIds: sessionIds ?? null, reason });
}

export async function revokeSessions(db: Tx | typeof prisma, accountId: string, opts: { only?: string; except?: string } = {}) {
  const where = { accountId, revokedAt: null, ...(opts.only ? { id: opts.only } : {}), ...(opts.except ? { id: { not: opts.except } } : {}) };
  const rows = await db.session.findMany({ where, select: { id: true } });
  if (rows.length) await db.session.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { revokedAt: new Date() } });
  return rows.map((r) => r.id);
}

// Codes people type: no 0/O, 1/I/L. 10 characters of 31 give 2^49 possibilities.
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export function newOneTimeCode(length = 10): string {
  let s = "";
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}
/** What a person types may have spaces, dashes or lower case. */
export function normalizeCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, "");
}
