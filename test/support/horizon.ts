// Lists of stored events (the inbox, the patrol log) show what every reader has handed out: rows below
// this database's oldest open transaction. Other test files share the cluster but not the database (their
// transactions do not count); this file's own may still be open, so a test waits until the rows written
// so far are below it instead of assuming it.
import { prisma } from "../../api/src/db.js";
import { HORIZON_SQL } from "../../api/src/events/stored-stream.js";

export async function settled(table: "Notification" | "PatrolEvent" = "Notification") {
  for (let i = 0; i < 600; i++) {
    const [r] = await prisma.$queryRawUnsafe<{ horizon: string; newest: string | null }[]>(
      `SELECT ${HORIZON_SQL}::text AS horizon, (SELECT max(xid)::text FROM "${table}") AS newest`,
    );
    if (!r!.newest || BigInt(r!.horizon) > BigInt(r!.newest)) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error("open transactions held the delivery horizon for 30 s");
}
