// Deterministic interleavings: hold a row lock from outside the app, let requests queue behind it,
// then let them go at once. Waiting is on PostgreSQL's own view of who waits, not on a timer.
import pg from "pg";

export async function holdRowLock(table: string, id: string) {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query("BEGIN");
  await client.query(`SELECT id FROM "${table}" WHERE id = $1::uuid FOR UPDATE`, [id]);
  let released = false;
  return {
    /** Resolves once `n` sessions of this database wait for a lock. */
    waiters: (n: number) => waitForLockWaiters(client, n),
    async release() {
      if (released) return;
      released = true;
      await client.query("ROLLBACK").catch(() => {});
      await client.end();
    },
  };
}

/** Resolves once `n` sessions of this database wait for a lock (asked through `client`). */
export async function waitForLockWaiters(client: pg.Client, n: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Statistics views are a snapshot per transaction, and the lock holder is inside one.
    await client.query("SELECT pg_stat_clear_snapshot()");
    const { rows } = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    if (rows[0]!.n >= n) return;
    if (Date.now() > deadline) throw new Error(`${rows[0]!.n} of ${n} sessions waiting for a lock`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
