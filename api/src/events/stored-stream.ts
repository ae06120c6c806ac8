// Stored event streams (the patrol log now; notifications and call-ups later): events are rows
// written in the writing transaction, delivered live and replayed from a cursor with no gap and no
// duplicate, whatever happens to Redis.
//
// Commit order. Each row stores the id of the transaction that wrote it (`xid`, a column defaulting
// to pg_current_xact_id()) beside its BIGSERIAL `id`. The position of a row is (xid, id), and a
// reader only ever hands out rows whose xid is below the horizon (HORIZON_SQL): every transaction of
// this database with a lower xid has finished, so every row below the horizon is committed (or gone)
// and visible to the statement that read it. (Other databases of the cluster cannot write these
// tables; their open transactions are left out, so a long one there holds nothing back here.) A transaction that commits later has an xid at
// or above that horizon, because xids are handed out in increasing order and a running transaction
// is never below the horizon; its rows therefore sort after everything delivered so far. So a cursor
// (the position of the last delivered row) can never pass over an event that commits later with a
// lower id — which a plain id cursor does: ids are taken at INSERT, not at commit.
// The price: an event waits until every transaction older than its own has ended (milliseconds
// normally; bounded by the statement, lock and idle-in-transaction timeouts; docs/operations.md).
//
// Delivery per process, not per subscriber: one reader per stream and API process reads new rows of
// all keys with one query, when woken by a pub/sub hint ("stream X has new rows", sent after commit)
// and on a timer (EVENTS_POLL_MS, faster while rows wait behind the horizon), and routes them to the
// local subscribers of each key. A lost hint or a Redis outage only delays delivery.
//
// Announcements (deliver first): a stream may also read a second table whose rows each announce
// many rows of the first at once (`fanout`: a call-up's wave of 15,000 notices is one row). It shares
// the first table's id sequence and xid column, so the two merge into one order. An announced row is
// written later at the position the announcement reserved for it — the announcement's xid and an id
// taken in its transaction, below the announcement's own id — so it is never read by a reader that
// has passed the announcement (the reader hands it out from the announcement instead), a cursor means
// the same before and after it exists, and a replay finds it either as a row or, until the row is
// written, in the announcement (one statement: one snapshot, so exactly one of the two).
//
// Adding a stream: a table with `id BIGSERIAL`, `xid BIGINT NOT NULL DEFAULT
// pg_current_xact_id()::text::bigint`, an index on (xid, id) and one on (key, xid, id); then
// `defineStoredStream({ name, table, key, columns })`, `stream.notify()` after the writing transaction
// commits, and `stream.subscribe(key, since)` in the subscription's resolver.
import { GraphQLError } from "graphql";
import { config } from "../config.js";
import { eventsPool, pool, prisma } from "../db.js";
import { msg } from "../i18n.js";
import { log, logThrottled, safeError } from "../log.js";
import { metrics } from "../metrics.js";
import { pubsub } from "../pubsub.js";
import { eventQueue, type EventQueue } from "./queue.js";

export interface Position {
  xid: bigint;
  id: bigint;
}

const compare = (a: Position, b: Position) => (a.xid !== b.xid ? (a.xid < b.xid ? -1 : 1) : a.id === b.id ? 0 : a.id < b.id ? -1 : 1);

/** Opaque to clients; base64url never decodes to a plain number, so legacy id cursors stay distinct. */
export function encodeCursor(p: Position): string {
  return Buffer.from(`${p.xid}:${p.id}`).toString("base64url");
}

/**
 * The horizon as one SQL expression: the oldest transaction of this database still open in the
 * current snapshot, or the snapshot's xmax when none is. pg_snapshot_xmin would also wait for other
 * databases' transactions (xids are cluster-wide); a transaction not found in pg_stat_activity is
 * kept, so an unknown one only delays, as xmin would.
 */
export const HORIZON_SQL = `(SELECT coalesce((SELECT min(x) FROM pg_snapshot_xip(q.s) x WHERE NOT EXISTS (
    SELECT 1 FROM pg_stat_activity a WHERE a.backend_xid = x::xid AND a.datname <> current_database())), pg_snapshot_xmax(q.s))
  FROM (SELECT pg_current_snapshot() AS s) q)`;

/**
 * Events with an xid below this are final (see above). A list of stored events whose newest cursor a
 * client may pass as `since` shows only those.
 */
export async function deliveryHorizon(): Promise<bigint> {
  const [row] = await prisma.$queryRawUnsafe<{ horizon: string }[]>(`SELECT ${HORIZON_SQL}::text AS horizon`);
  return BigInt(row!.horizon);
}

/** What a `since` cursor means: after a position, or (cursors issued before positions) after an id. */
export type Since = { after: Position } | { afterId: bigint };

export function parseCursor(cursor: string): Since {
  // Cursors handed out before positions existed were the plain event id. They keep their meaning
  // ("everything after that id"), which is exactly what they promised; the first event delivered
  // gives the client a position cursor.
  const bad = () => new GraphQLError(msg("`since` 不是有效的游标", "`since` is not a valid cursor"), { extensions: { code: "BAD_USER_INPUT" } });
  // Both parts are PostgreSQL bigints: a larger number is no cursor of ours.
  const bigint = (d: string) => {
    const n = BigInt(d);
    if (n > 9223372036854775807n) throw bad();
    return n;
  };
  if (/^\d{1,19}$/.test(cursor)) return { afterId: bigint(cursor) };
  const m = /^(\d{1,19}):(\d{1,19})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!m || cursor.length > 64) throw bad();
  return { after: { xid: bigint(m[1]!), id: bigint(m[2]!) } };
}

/** What subscribers receive: the row's id, its cursor, its key, and the extra columns asked for. */
export type StreamMessage<Extra> = { id: string; cursor: string; key: string } & Extra;

interface Subscriber<M> {
  queue: EventQueue<M>;
  visible: (m: M) => boolean;
  /** Only rows after this position (null: any row the reader reads from now on). */
  after: Position | null;
  /** A legacy id cursor: only rows with a greater id. */
  afterId: bigint | null;
  /** Rows routed while the subscription replays; offered once the replay is done. */
  buffer: [M, Position][] | null;
}

export interface StreamSpec<Extra> {
  name: string;
  table: string;
  /** Column that routes rows to subscribers (e.g. stationId). */
  key: string;
  /** Further columns subscribers filter on; read as text. */
  columns: (keyof Extra & string)[];
  /** Rows of another table that each announce many rows of `table` (see the top of this file). */
  fanout?: {
    table: string;
    /** Array columns, parallel: each announced row's key (at most once per announcement) and its id (reserved from `table`'s sequence). */
    keys: string;
    ids: string;
    keyType: string;
    /** Columns that differ per announced row: the announcement's array column holding them. */
    each: Partial<Record<keyof Extra & string, string>>;
    /** The others: an SQL expression over the announcement's columns (default: the column of the same name). */
    common: Partial<Record<keyof Extra & string, string>>;
  };
}

const BATCH = 500;
/** After a read that found rows, the stream counts as busy this long (caughtUp): a call-up's batches follow within it. */
const BUSY_MS = 500;
const streams = new Map<string, StoredStream<Record<string, unknown>>>();

export class StoredStream<Extra extends Record<string, unknown>> {
  /** Everything at or before `head` has been read and routed; null until started. */
  private head: Position | null = null;
  private readonly subscribers = new Map<string, Set<Subscriber<StreamMessage<Extra>>>>();
  private running = false;
  private started: Promise<void> | null = null;
  private polling: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = 0;
  private failing = false;
  /** A read found rows until shortly before this: a burst is being delivered (its next batch may follow). */
  private busyUntil = 0;
  private readonly tailSql: string;
  private readonly replaySql: string;

  constructor(readonly spec: StreamSpec<Extra>) {
    const q = (c: string) => `"${c.replace(/"/g, '""')}"`;
    const cols = [`${q(spec.key)}::text AS key`, ...spec.columns.map((c) => `${q(c)}::text AS ${q(c)}`)].join(", ");
    const table = q(spec.table);
    const own = `SELECT ${table}.id, ${table}.xid, ${cols}, NULL::text AS fanout FROM ${table}`;
    const f = spec.fanout;
    const ftable = f ? q(f.table) : "";
    // An announcement as one row: its own id and xid, NULL key, the shared columns, and its people as one JSON value.
    const fcols = f
      ? [`NULL::text AS key`, ...spec.columns.map((c) => `${f.each[c] ? "NULL" : `(${f.common[c] ?? q(c)})`}::text AS ${q(c)}`)].join(", ")
      : "";
    const fanoutJson = f
      ? `json_build_array(${[q(f.keys), `${q(f.ids)}::text[]`, ...spec.columns.filter((c) => f.each[c]).map((c) => q(f.each[c]!))].join(", ")})::text AS fanout`
      : "";
    // One statement, one snapshot: the horizon and the rows are read together.
    const after = (t: string) => `(${t}.xid, ${t}.id) > ($1::bigint, $2::bigint)`;
    const rows = f
      ? `SELECT * FROM ((${own} WHERE ${after(table)} ORDER BY ${table}.xid, ${table}.id LIMIT ${BATCH})
          UNION ALL (SELECT ${ftable}.id, ${ftable}.xid, ${fcols}, ${fanoutJson} FROM ${ftable} WHERE ${after(ftable)} ORDER BY ${ftable}.xid, ${ftable}.id LIMIT ${BATCH})) u
          ORDER BY u.xid, u.id LIMIT ${BATCH}`
      : `${own} WHERE ${after(table)} ORDER BY ${table}.xid, ${table}.id LIMIT ${BATCH}`;
    // ORDER BY sorts the bigint columns: sorted as text ("10000" before "7001") a read skipped or
    // repeated rows at each new digit; id and xid become text only in the outer select.
    this.tailSql = `WITH h AS (SELECT ${HORIZON_SQL}::text::bigint AS horizon)
      SELECT h.horizon::text AS horizon, e.id::text AS id, e.xid::text AS xid, e.key, ${spec.columns.map(q).map((c) => `e.${c}`).join(", ")}, e.fanout
      FROM h LEFT JOIN LATERAL (${rows}) e ON true`;
    // Replays only up to the reader's head: every row there is below some horizon, hence final — and
    // announced rows not written yet are taken from their announcement (the same snapshot).
    const range = (x: string, i: string) => `(${x}, ${i}) > ($2::bigint, $3::bigint) AND ${i} > $4::bigint AND (${x}, ${i}) <= ($5::bigint, $6::bigint)`;
    const ownReplay = `SELECT ${table}.id, ${table}.xid, ${cols} FROM ${table} WHERE ${q(spec.key)} = $1 AND ${range(`${table}.xid`, `${table}.id`)}`;
    if (f) {
      // The key's place in the announcement (array_position), then that element of each array: a
      // replay inside a wave of 15,000 unnested its three arrays (5 ms of PostgreSQL, 15,000 phones
      // replaying at once ~75 s of it); one scan of the keys costs what a key outside the wave did.
      const at = (c: string) => `${ftable}.${q(c)}[j.p]`;
      const pcols = [`$1::${f.keyType}::text AS key`, ...spec.columns.map((c) => (f.each[c] ? `${at(f.each[c]!)}::text AS ${q(c)}` : `(${f.common[c] ?? q(c)})::text AS ${q(c)}`))].join(", ");
      // j.i once: each subscript of a stored array reads (decompresses) the whole array again.
      const pending = `SELECT j.i AS id, ${ftable}.xid, ${pcols} FROM ${ftable}
          CROSS JOIN LATERAL (SELECT p.p, ${ftable}.${q(f.ids)}[p.p] AS i FROM (SELECT array_position(${ftable}.${q(f.keys)}, $1::${f.keyType}) AS p) p OFFSET 0) j
          WHERE j.p IS NOT NULL AND ${range(`${ftable}.xid`, "j.i")}
            AND NOT EXISTS (SELECT 1 FROM ${table} x WHERE x.id = j.i)`;
      this.replaySql = `SELECT id::text AS id, xid::text AS xid, ${["key", ...spec.columns].map(q).join(", ")} FROM (${ownReplay} UNION ALL ${pending}) r
        ORDER BY r.xid, r.id LIMIT ${BATCH}`;
    } else {
      this.replaySql = `SELECT id::text AS id, xid::text AS xid, ${["key", ...spec.columns].map(q).join(", ")} FROM (${ownReplay}) r ORDER BY r.xid, r.id LIMIT ${BATCH}`;
    }
    if (streams.has(spec.name)) throw new Error(`stored stream ${spec.name} defined twice`);
    streams.set(spec.name, this as unknown as StoredStream<Record<string, unknown>>);
  }

  /** After the writing transaction committed: wakes the readers of every process (best effort). */
  notify(): void {
    pubsub.publish("streamHint", { stream: this.spec.name });
  }

  /**
   * Events of `key` after `since` (replayed from the database, then live), or from now on without
   * `since`. Listening starts in this call, before any await. Invalid cursors throw BAD_USER_INPUT.
   */
  subscribe(key: string, since: string | null | undefined, visible: (m: StreamMessage<Extra>) => boolean = () => true): AsyncIterableIterator<StreamMessage<Extra>> {
    const from = since == null ? null : parseCursor(since);
    this.start().catch(() => {}); // a replay reports the failure; a live-only subscriber waits for the next start
    const sub: Subscriber<StreamMessage<Extra>> = {
      queue: eventQueue(() => {
        const set = this.subscribers.get(key);
        set?.delete(sub);
        if (set && !set.size) this.subscribers.delete(key);
      }),
      visible,
      after: from === null ? this.head : "after" in from ? from.after : null,
      afterId: from !== null && "afterId" in from ? from.afterId : null,
      buffer: from === null ? null : [],
    };
    let set = this.subscribers.get(key);
    if (!set) this.subscribers.set(key, (set = new Set()));
    set.add(sub);
    if (from !== null) void this.replay(key, sub);
    return sub.queue;
  }

  private async replay(key: string, sub: Subscriber<StreamMessage<Extra>>) {
    try {
      await this.start();
      const until = this.head!; // rows after it reach `sub.buffer` through the reader
      let after = sub.after ?? { xid: -1n, id: -1n };
      for (;;) {
        if (sub.queue.ended) return;
        metrics.sqlStatements.inc({ source: "events" });
        const { rows } = await pool.query(this.replaySql, [key, after.xid, after.id, sub.afterId ?? -1n, until.xid, until.id].map(String));
        for (const r of rows) {
          const [m, pos] = this.message(r);
          after = pos;
          this.offer(sub, m, pos, "replay");
        }
        if (rows.length < BATCH) break;
      }
      const buffered = sub.buffer ?? [];
      sub.buffer = null;
      for (const [m, pos] of buffered) this.offer(sub, m, pos, "live");
    } catch (e) {
      // The client gets SERVICE_UNAVAILABLE (shared-subscriptions) and resubscribes from its cursor.
      sub.queue.end(e);
    }
  }

  private offer(sub: Subscriber<StreamMessage<Extra>>, m: StreamMessage<Extra>, pos: Position, path: "live" | "replay") {
    if (sub.after && compare(pos, sub.after) <= 0) return;
    if (sub.afterId !== null && pos.id <= sub.afterId) return;
    sub.after = pos;
    if (!sub.visible(m)) return;
    sub.queue.push(m);
    metrics.eventsDelivered.inc({ stream: this.spec.name, path });
  }

  private message(r: Record<string, string>): [StreamMessage<Extra>, Position] {
    const pos = { xid: BigInt(r.xid!), id: BigInt(r.id!) };
    const m: Record<string, unknown> = { id: r.id, cursor: encodeCursor(pos), key: r.key };
    for (const c of this.spec.columns) m[c] = r[c];
    return [m as StreamMessage<Extra>, pos];
  }

  /** Reads the current horizon as the starting head, then follows the table. Idempotent. */
  start(): Promise<void> {
    this.started ??= (async () => {
      const { rows } = await eventsPool.query<{ horizon: string }>(`SELECT ${HORIZON_SQL}::text AS horizon`);
      metrics.sqlStatements.inc({ source: "events" });
      this.head ??= { xid: BigInt(rows[0]!.horizon), id: 0n };
      this.running = true;
      this.schedule(config.eventsPollMs);
    })().catch((e) => {
      this.started = null;
      throw e;
    });
    return this.started;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.started = null;
    clearTimeout(this.timer);
    await this.polling;
    for (const set of this.subscribers.values()) for (const sub of set) sub.queue.end();
  }

  /**
   * Resolves once this process's reader has caught up (no read in progress), or after `maxMs`: work
   * that may wait (the SMS sender) lets a burst's live delivery go first without being starved.
   */
  async caughtUp(maxMs: number): Promise<void> {
    const until = Date.now() + maxMs;
    for (;;) {
      const now = Date.now();
      if (now >= until || (!this.polling && now >= this.busyUntil)) return;
      const wait = new Promise((r) => setTimeout(r, Math.max(1, Math.min(until, this.polling ? until : this.busyUntil) - now)).unref());
      await (this.polling ? Promise.race([this.polling, wait]) : wait);
    }
  }

  /**
   * Resolves once this process's reader has read past `pos` and caught up (see caughtUp), or after
   * `maxMs`: the writing that follows an announcement lets its delivery go first.
   */
  async passed(pos: Position, maxMs: number): Promise<void> {
    const until = Date.now() + maxMs;
    this.wake();
    while (this.running && (!this.head || compare(this.head, pos) < 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 10).unref());
    await this.caughtUp(Math.max(0, until - Date.now()));
  }

  /** Reads now (a hint arrived), or right after the read in progress. */
  wake(): void {
    if (!this.running) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.polling = this.poll();
  }

  private schedule(ms: number) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), ms);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    let delay = config.eventsPollMs;
    try {
      for (;;) {
        this.again = false;
        const { more, heldBack } = await this.readOnce();
        // Rows wait behind an open transaction: look again soon, backing off up to the normal tick.
        this.backoffMs = heldBack ? Math.min(this.backoffMs ? this.backoffMs * 2 : 20, config.eventsPollMs) : 0;
        delay = heldBack ? this.backoffMs : config.eventsPollMs;
        if (!this.running || !(more || this.again)) break;
      }
      if (this.failing) log.info({ stream: this.spec.name }, "stored stream: reading again");
      this.failing = false;
    } catch (e) {
      this.failing = true;
      logThrottled("warn", `stream-${this.spec.name}`, { err: safeError(e), stream: this.spec.name }, "stored stream: read failed, retrying (subscribers get the events later)");
    } finally {
      this.polling = null;
      if (this.running) this.schedule(delay);
    }
  }

  private async readOnce(): Promise<{ more: boolean; heldBack: boolean }> {
    const head = this.head!;
    metrics.sqlStatements.inc({ source: "events" });
    const { rows } = await eventsPool.query<Record<string, string>>(this.tailSql, [String(head.xid), String(head.id)]);
    const horizon = BigInt(rows[0]!.horizon!);
    const found = rows.filter((r) => r.id !== null);
    if (found.length) this.busyUntil = Date.now() + BUSY_MS;
    let heldBack = 0;
    for (const r of found) {
      const [m, pos] = this.message(r);
      // Ordered by xid: from the first row at or above the horizon on, every row waits.
      if (pos.xid >= horizon) {
        heldBack = found.length - found.indexOf(r);
        break;
      }
      if (r.fanout) this.announce(r, pos);
      else this.route(m, pos);
      this.head = pos;
    }
    if (config.eventsTrace && this.spec.name === "notifications") {
      const local = found.filter((r) => this.subscribers.has(r.key!)).length;
      console.error(`TRACE read ${Date.now()} head ${head.xid}:${head.id} horizon ${horizon} found ${found.length} first ${found[0]?.xid}:${found[0]?.id} last ${found.at(-1)?.xid}:${found.at(-1)?.id} heldBack ${heldBack} subs ${this.subscribers.size} routedToLocal ${local}`);
    }
    metrics.eventsHeldBack.set({ stream: this.spec.name }, heldBack);
    const full = found.length === BATCH;
    if (full && !heldBack) return { more: true, heldBack: false };
    // Every row below the horizon has been read: the head moves up to it even without rows, so that
    // a subscription without a cursor starts from now and a replay's upper bound stays current.
    const floor = { xid: horizon, id: 0n };
    if (compare(floor, this.head!) > 0) this.head = floor;
    return { more: false, heldBack: heldBack > 0 };
  }

  /**
   * An announcement: each of its rows that a local subscriber follows is handed out as that row will
   * be stored (its reserved id, at the announcement's xid); the others cost a map lookup.
   */
  private announce(r: Record<string, string>, pos: Position) {
    const [keys, ids, ...each] = JSON.parse(r.fanout!) as [string[], (string | number)[], ...unknown[][]];
    const perRow = this.spec.columns.filter((c) => this.spec.fanout!.each[c]);
    for (let j = 0; j < keys.length; j++) {
      if (!this.subscribers.has(keys[j]!)) continue;
      const id = String(ids[j]);
      const at = { xid: pos.xid, id: BigInt(id) };
      const m: Record<string, unknown> = { id, cursor: encodeCursor(at), key: keys[j] };
      for (const c of this.spec.columns) m[c] = r[c];
      for (let n = 0; n < perRow.length; n++) m[perRow[n]!] = each[n]![j] == null ? null : String(each[n]![j]);
      this.route(m as StreamMessage<Extra>, at);
    }
  }

  private route(m: StreamMessage<Extra>, pos: Position) {
    const set = this.subscribers.get(m.key);
    if (!set) return;
    for (const sub of set) {
      if (sub.buffer) sub.buffer.push([m, pos]);
      else this.offer(sub, m, pos, "live");
    }
  }
}

export function defineStoredStream<Extra extends Record<string, unknown>>(spec: StreamSpec<Extra>): StoredStream<Extra> {
  return new StoredStream<Extra>(spec);
}

let hints: AsyncIterableIterator<{ stream: string }> | null = null;

/** Starts every stream's reader and listens for hints; before the process reports ready. */
export async function startStoredStreams(): Promise<void> {
  if (!hints) {
    const it = (hints = pubsub.subscribe("streamHint"));
    void (async () => {
      for await (const { stream } of it) streams.get(stream)?.wake();
    })();
  }
  await Promise.all([...streams.values()].map((s) => s.start()));
}

export async function stopStoredStreams(): Promise<void> {
  await hints?.return?.();
  hints = null;
  await Promise.all([...streams.values()].map((s) => s.stop()));
}
