// The SMS outbox sender. Every process runs one; they share the work through the table:
//  1. claim due rows with FOR UPDATE SKIP LOCKED (two processes never claim the same row), count them
//     against the station's daily budget under that day's budget row lock, mark them SENDING with a
//     lease, commit;
//  2. send each through the provider with the notification id as idempotency key;
//  3. record SENT, or schedule a retry with exponential backoff, or FAILED.
// A process that dies between 1 and 3 leaves SENDING rows whose lease runs out; they are claimed
// again and sent with the same key, which the gateway deduplicates. A row is SENT at most once here.
import { clock } from "../../clock.js";
import { config } from "../../config.js";
import { prisma, TX } from "../../db.js";
import { log, logThrottled, safeError } from "../../log.js";
import { metrics } from "../../metrics.js";
import { SmsError, smsProvider } from "./sms.js";
import { localize } from "../../i18n.js";
import { notificationStream } from "./notification.stream.js";

const LEASE_MS = 60_000;
/** Advisory lock key serialising outbox claims across processes ("sms-claim"). */
const SMS_CLAIM_LOCK = 0x736d73n;
const CONCURRENCY = 8;

/** The Asia/Shanghai calendar day of an instant, e.g. "2026-11-26": budgets reset at local midnight. */
export function shanghaiDay(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export function backoffMs(attempts: number): number {
  const base = config.sms.backoffMs * 2 ** Math.max(0, attempts - 1);
  return Math.min(3600_000, base) * (0.8 + Math.random() * 0.4);
}

interface Claimed {
  id: bigint;
  attempts: number;
  kind: string;
  phone: string;
  title: string;
  body: string;
  notificationId: bigint;
}

async function claim(now: Date, limit: number): Promise<Claimed[]> {
  return prisma.$transaction(async (tx) => {
    // Claims take turns (sending does not): a claim that locked only ordinary messages must not spend
    // the budget while another holds the call-ups that come first. Seen with 4 senders under load.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SMS_CLAIM_LOCK})`;
    const due = await tx.$queryRaw<{ id: bigint; stationId: string | null; attempts: number; status: string }[]>`
      SELECT id, "stationId", attempts, status::text AS status FROM "SmsMessage"
      WHERE (status = 'PENDING' AND "nextAttemptAt" <= ${now}) OR (status = 'SENDING' AND "leaseUntil" < ${now})
      ORDER BY urgent DESC, "nextAttemptAt", id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`;
    if (!due.length) return [];
    // A message counts against the budget when it is first claimed (retries are the same message).
    const fresh = new Map<string, bigint[]>();
    for (const r of due) if (r.attempts === 0 && r.status === "PENDING" && r.stationId) fresh.set(r.stationId, [...(fresh.get(r.stationId) ?? []), r.id]);
    const over = new Set<bigint>();
    const day = shanghaiDay(now);
    for (const [stationId, ids] of fresh) {
      await tx.$executeRaw`INSERT INTO "SmsBudgetDay" ("stationId", day) VALUES (${stationId}::uuid, ${day}) ON CONFLICT DO NOTHING`;
      const [b] = await tx.$queryRaw<{ used: number; budget: number }[]>`
        SELECT d.used, s."smsDailyBudget" AS budget FROM "SmsBudgetDay" d JOIN "Station" s ON s.id = d."stationId"
        WHERE d."stationId" = ${stationId}::uuid AND d.day = ${day} FOR UPDATE OF d`;
      const allowed = Math.max(0, Math.min(ids.length, (b?.budget ?? 0) - (b?.used ?? 0)));
      // `due` is ordered urgent first, so call-ups take the budget left before anything else.
      for (const id of ids.slice(allowed)) over.add(id);
      if (allowed) await tx.$executeRaw`UPDATE "SmsBudgetDay" SET used = used + ${allowed} WHERE "stationId" = ${stationId}::uuid AND day = ${day}`;
    }
    if (over.size) {
      await tx.smsMessage.updateMany({ where: { id: { in: [...over] } }, data: { status: "OVER_BUDGET", lastError: "daily budget used up" } });
      metrics.smsMessages.inc({ outcome: "over_budget" }, over.size);
    }
    const send = due.filter((r) => !over.has(r.id)).map((r) => r.id);
    if (!send.length) return [];
    await tx.$executeRaw`UPDATE "SmsMessage" SET status = 'SENDING', attempts = attempts + 1, "leaseUntil" = ${new Date(now.getTime() + LEASE_MS)}
      WHERE id = ANY(${send}::bigint[])`;
    return tx.$queryRaw<Claimed[]>`
      SELECT m.id, m.attempts, m.kind::text AS kind, a.phone, n.title, n.body, m."notificationId"
      FROM "SmsMessage" m JOIN "Notification" n ON n.id = m."notificationId" JOIN "Account" a ON a.id = m."accountId"
      WHERE m.id = ANY(${send}::bigint[])`;
  }, TX);
}

/** Sends one message; a failure is recorded at once, a success is returned for the batch's one write. */
async function deliver(m: Claimed): Promise<{ outcome: "sent"; providerId: string | null } | { outcome: "retry" | "failed" }> {
  const now = () => clock.now();
  try {
    const { providerId } = await smsProvider().send({
      key: String(m.notificationId),
      to: m.phone,
      kind: m.kind,
      templateId: config.sms.templates[m.kind] ?? null,
      // Text messages are in Chinese (the notification keeps both languages).
      title: localize(m.title, "zh"),
      body: localize(m.body, "zh"),
    });
    return { outcome: "sent", providerId: providerId ?? null };
  } catch (e) {
    const permanent = e instanceof SmsError && e.permanent;
    const last = permanent || m.attempts >= config.sms.maxAttempts;
    const reason = e instanceof SmsError ? e.message : safeError(e).message as string;
    await prisma.smsMessage.updateMany({
      where: { id: m.id, status: "SENDING" },
      data: last
        ? { status: "FAILED", leaseUntil: null, lastError: String(reason).slice(0, 200) }
        : { status: "PENDING", leaseUntil: null, lastError: String(reason).slice(0, 200), nextAttemptAt: new Date(now().getTime() + backoffMs(m.attempts)) },
    });
    return { outcome: last ? "failed" : "retry" };
  }
}

/** Records sent messages in one statement (a call-up sends thousands; one update each cost the API more than sending). */
async function recordSent(sent: { id: bigint; providerId: string | null }[]): Promise<void> {
  if (!sent.length) return;
  await prisma.$executeRaw`
    UPDATE "SmsMessage" m SET status = 'SENT', "sentAt" = ${clock.now()}, "providerId" = s.p, "leaseUntil" = NULL, "lastError" = NULL
    FROM unnest(${sent.map((x) => x.id)}::bigint[], ${sent.map((x) => x.providerId)}::text[]) AS s(id, p)
    WHERE m.id = s.id AND m.status = 'SENDING'`;
}

/** Sends what is due now; returns how it went. Safe to run in several processes at once. */
export async function sendDueSms(limit = 200): Promise<{ claimed: number; sent: number; retry: number; failed: number }> {
  const claimed = await claim(clock.now(), limit);
  const out = { claimed: claimed.length, sent: 0, retry: 0, failed: 0 };
  const sent: { id: bigint; providerId: string | null }[] = [];
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, claimed.length) }, async () => {
        while (next < claimed.length) {
          const m = claimed[next++]!;
          const r = await deliver(m);
          out[r.outcome]++;
          metrics.smsMessages.inc({ outcome: r.outcome });
          if (r.outcome === "sent") sent.push({ id: m.id, providerId: r.providerId });
        }
      }),
    );
  } finally {
    // Whatever happened to the rest, what the gateway took is recorded (else it would be sent again after the lease).
    await recordSent(sent);
  }
  return out;
}

let wake: (() => void) | null = null;

/** A notification with SMS was committed: the sender of this process looks now. */
export function wakeSmsSender(): void {
  wake?.();
}

/** Runs the sender in this process until stopped; the returned function waits for a run in progress. */
export function startSmsSender(intervalMs = config.sms.pollMs): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const run = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = (async () => {
      try {
        do {
          again = false;
          // Phones online first: while this process routes a burst of notices (a call-up's), its
          // CPU goes to them (the sender took a fifth of it); bounded, so SMS is never starved.
          await notificationStream.caughtUp(config.sms.yieldMs);
          if (stopped) break;
          const r = await sendDueSms();
          if (r.claimed === 200) again = true;
        } while (again && !stopped);
      } catch (e) {
        logThrottled("warn", "sms-sender", { err: safeError(e) }, "sms sender: run failed, retrying");
      }
    })().finally(() => {
      running = null;
      if (!stopped) timer = setTimeout(run, intervalMs).unref();
    });
  };
  wake = run;
  timer = setTimeout(run, intervalMs).unref();
  log.info({ provider: smsProvider().name }, "sms sender started");
  return async () => {
    stopped = true;
    wake = null;
    clearTimeout(timer);
    await running;
  };
}
