// A test-only way to hold a check-in's transaction open at its commit: a deferred trigger on the
// patrol log, created only in the test's own database, waits for an advisory lock the test holds,
// for the claims the test names. Nothing in the product knows about it.
import pg from "pg";

const KEY = 4242;

export interface CommitGate {
  /** Check-ins of these claims will wait at their commit until release(). */
  hold(claimIds: string[]): Promise<void>;
  /** Resolves once `count` transactions wait at the gate. */
  waiting(count: number, timeoutMs?: number): Promise<void>;
  release(): Promise<void>;
  close(): Promise<void>;
}

export async function installCommitGate(databaseUrl: string): Promise<CommitGate> {
  const holder = new pg.Client({ connectionString: databaseUrl });
  holder.on("error", () => {}); // the database may be dropped or stopped under it
  await holder.connect();
  await holder.query(`
    CREATE TABLE IF NOT EXISTS test_commit_gate (claim_id uuid PRIMARY KEY);
    CREATE OR REPLACE FUNCTION test_commit_gate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM test_commit_gate WHERE claim_id = NEW."claimId") THEN
        PERFORM set_config('lock_timeout', '0', true);
        PERFORM pg_advisory_xact_lock_shared(${KEY});
      END IF;
      RETURN NULL;
    END $$;
    DROP TRIGGER IF EXISTS test_commit_gate ON "PatrolEvent";
    CREATE CONSTRAINT TRIGGER test_commit_gate AFTER INSERT ON "PatrolEvent"
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_commit_gate();
  `);
  let held = false;
  const gate: CommitGate = {
    async hold(claimIds) {
      await holder.query("INSERT INTO test_commit_gate SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING", [claimIds]);
      if (!held) await holder.query("SELECT pg_advisory_lock($1)", [KEY]);
      held = true;
    },
    async waiting(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await holder.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          [KEY],
        );
        if (rows[0]!.n >= count) return;
        if (Date.now() > deadline) throw new Error(`only ${rows[0]!.n} of ${count} transactions reached the commit gate`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async release() {
      if (held) await holder.query("SELECT pg_advisory_unlock($1)", [KEY]);
      held = false;
    },
    async close() {
      await gate.release().catch(() => {});
      await holder.query(`DROP TRIGGER IF EXISTS test_commit_gate ON "PatrolEvent"`).catch(() => {});
      await holder.end();
    },
  };
  return gate;
}
