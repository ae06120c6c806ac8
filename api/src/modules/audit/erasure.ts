// The scheduled erasures of residents' personal data (home watch, mediation, registrations) share one shape:
// batches of rows taken with FOR UPDATE SKIP LOCKED and changed only while not yet erased, so that several
// processes may sweep at once; one audit entry per station and batch that names nobody (one without a station
// for rows that belong to none, e.g. people who left every station); what must wait for the commit (files) after it.
import { prisma, type Tx, TX } from "../../db.js";
import type { Msg } from "../../i18n.js";
import { log } from "../../log.js";
import { type AuditAction, recordAudit } from "./audit.service.js";

const BATCH = 200;

export interface Erasure<A> {
  /** Up to `limit` rows due, locked FOR UPDATE SKIP LOCKED, each with its station (null: platform-level). */
  take: (tx: Tx, limit: number) => Promise<{ id: string; stationId: string | null }[]>;
  /** Erases those rows (and what quotes them) in the same transaction; returns what to do after the commit. */
  erase: (tx: Tx, ids: string[]) => Promise<A>;
  afterCommit?: (a: A) => Promise<void>;
  audit: { action: AuditAction; targetType: string; summary: (n: number) => Msg };
  /** The log line's message when anything was erased. */
  logAs: string;
}

/** Runs an erasure to the end; the number of rows erased. */
export async function eraseInBatches<A>(e: Erasure<A>): Promise<number> {
  let total = 0;
  for (;;) {
    const done = await prisma.$transaction(async (tx) => {
      const rows = await e.take(tx, BATCH);
      if (!rows.length) return null;
      const after = await e.erase(tx, rows.map((r) => r.id));
      const perStation = new Map<string | null, number>();
      for (const r of rows) perStation.set(r.stationId, (perStation.get(r.stationId) ?? 0) + 1);
      for (const [stationId, n] of perStation) {
        await recordAudit(tx, { actor: null, stationId, action: e.audit.action, targetType: e.audit.targetType, summary: e.audit.summary(n) });
      }
      return { n: rows.length, after };
    }, TX);
    if (!done) break;
    if (e.afterCommit) await e.afterCommit(done.after);
    total += done.n;
    if (done.n < BATCH) break;
  }
  if (total) log.info({ erased: total }, e.logAs);
  return total;
}
