// Pieces shared by the call-up tests: a global ID's database id, and a call-up's notice batches held back.
import pg from "pg";

export const dbId = (globalId: string) => Buffer.from(globalId, "base64").toString().split(":")[1]!;

/**
 * Holds a call-up's notice batches from committing: only they write SMS rows (a large wave's
 * announcement and the call-up itself write none), so a lock on the outbox keeps them waiting.
 * `release()` lets them go; `end()` releases (if not yet) and closes the connection.
 */
export async function holdCallUpBatches() {
  const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await holder.connect();
  await holder.query("BEGIN");
  await holder.query(`LOCK TABLE "SmsMessage" IN EXCLUSIVE MODE`);
  let held = true;
  const release = async () => {
    if (!held) return;
    held = false;
    await holder.query("COMMIT").catch(() => {});
  };
  return {
    release,
    end: async () => {
      await release();
      await holder.end().catch(() => {});
    },
  };
}
