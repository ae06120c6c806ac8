// Sign-in tokens for benchmark accounts without paying scrypt: a session row and its signed token.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { signToken } from "../api/src/auth/tokens.js";

const TTL = 24 * 3600;

export async function benchTokens(url: string, accountIds: string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const iat = Math.floor(Date.now() / 1000);
    const ids = accountIds.map(() => randomUUID());
    await client.query(
      `INSERT INTO "Session" (id, "accountId", "expiresAt") SELECT s, a, $3 FROM unnest($1::uuid[], $2::uuid[]) AS t(s, a)`,
      [ids, accountIds, new Date((iat + TTL) * 1000)],
    );
    return accountIds.map((sub, i) => signToken({ sub, sid: ids[i]!, iat, exp: iat + TTL }));
  } finally {
    await client.end();
  }
}

export async function benchToken(url: string, accountId: string): Promise<string> {
  return (await benchTokens(url, [accountId]))[0]!;
}
