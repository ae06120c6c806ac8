// A cursor of the wrong list is the caller's mistake, answered alike wherever it is found: a cursor of
// another kind of list (Pothos refuses it while resolving, see maskError), a row id that is no row of
// this list for this viewer, and a keyset cursor whose values are not the list's (`keysetPage`, below).
import { decodeCursorChunk } from "@pothos/core";
import { GraphQLError } from "graphql";
import { msg } from "../i18n.js";
import { UUID } from "../lib/uuid.js";

/** BAD_USER_INPUT 游标无效, in both languages until the answer is localized. */
export function notThisListsCursor(at?: GraphQLError): GraphQLError {
  return new GraphQLError(msg("游标无效：不是这个列表的游标", "Not a cursor of this list"), {
    nodes: at?.nodes, source: at?.source, positions: at?.positions, path: at?.path, extensions: { code: "BAD_USER_INPUT" },
  });
}

/**
 * For a Pothos prisma connection's `query` (its `cursor` is the row id of `after` or `before`): the row
 * must be one the list shows this viewer (`inList`, the list's own filter with the policy's). Prisma pages
 * from the cursor's row whatever the filter, so the id of a row the viewer may not see (another station's,
 * a call-up that did not call them) would tell where that row sorts among theirs. Only the access part of the
 * filter (station, parent, own rows, policy), never a mutable one (status, unread): a row that changes
 * between two pages keeps its place. `inList` may answer with a count (`prisma.x.count({ where })`).
 * `idType`: the list's id as Prisma takes it (the audit log's are bigints).
 */
export async function assertCursorInList<Id extends string | bigint = string>(
  query: { cursor?: unknown },
  inList: (id: Id) => boolean | number | Promise<boolean | number>,
  idType: "string" | "bigint" = "string",
): Promise<void> {
  const cursor = query.cursor as { id?: unknown } | undefined;
  if (!cursor || !("id" in cursor)) return;
  // A cursor of another kind of id (a bigint's on a list of uuids, a number's): Prisma would throw.
  if (typeof cursor.id !== idType || !(await inList(cursor.id as Id))) throw notThisListsCursor();
}

/**
 * For a Pothos prisma connection ordered by `id` alone whose rows can leave its filter between pages
 * (who has not read a bulletin): Prisma pages from the cursor's row by skipping one row of the filtered
 * list, the next person when the cursor's row no longer matches. Pages by id from the cursor instead.
 */
export function pageById<Q extends { cursor?: unknown; skip?: number; take?: number }>(query: Q): { query: Omit<Q, "cursor" | "skip">; id?: { gt: string } | { lt: string } } {
  const { cursor, skip: _skip, ...rest } = query;
  const id = (cursor as { id?: unknown } | undefined)?.id;
  if (typeof id !== "string") return { query: rest };
  return { query: rest, id: (query.take ?? 0) < 0 ? { lt: id } : { gt: id } };
}

/**
 * For a Pothos prisma connection (`query` with Pothos' `cursor`, `skip: 1`, `take`): Prisma pages from the
 * cursor's row and skips one row, meant to be the cursor's own. When that row has left the list's filter
 * since the last page (a deed approved, a request handled, a claim cancelled), the skipped row is the next
 * one instead, and the person paging never sees it. Reads one row more without the skip, then drops the
 * cursor's row if it came back, else the extra row at the far end.
 */
export async function rowsAfterCursor<T extends { id: unknown }, Q extends { cursor?: unknown; skip?: number; take?: number }>(
  query: Q,
  find: (query: Q) => Promise<T[]>,
): Promise<T[]> {
  const id = (query.cursor as { id?: unknown } | undefined)?.id;
  const take = query.take;
  if (id === undefined || query.skip !== 1 || !take) return find(query);
  const back = take < 0;
  const rows = await find({ ...query, skip: 0, take: take + (back ? -1 : 1) });
  if (back) {
    if (rows.at(-1)?.id === id) rows.pop();
    else if (rows.length > -take) rows.shift();
  } else if (rows[0]?.id === id) rows.shift();
  else if (rows.length > take) rows.pop();
  return rows;
}

/** The field extension that marks a keyset list (its cursor's parts): `limits.ts` takes only such cursors for it. */
export const KEYSET_EXTENSION = "keysetCursor";

/**
 * Whether `raw` (a cursor's text) is a Pothos compound cursor of `parts` parts each Pothos decodes: checked
 * before execution (limits.ts) so that Pothos never fails on one while resolving; the values' types are
 * the list's to check (`keysetValues`).
 */
export function keysetCursorShape(raw: string, parts: number): boolean {
  if (!raw.startsWith("GPC:T:")) return false;
  try {
    const chunks: unknown = JSON.parse(raw.slice(6));
    if (!Array.isArray(chunks) || chunks.length !== parts) return false;
    for (const c of chunks) if (typeof c !== "string" || c.startsWith("T:")) return false; else decodeCursorChunk(c);
    return true;
  } catch {
    return false;
  }
}

/** One column of a keyset list's order: a uuid, a time, or an enum (its values in the database's order). */
export interface KeyColumn {
  field: string;
  desc?: boolean;
  type: "uuid" | "date" | readonly string[];
}

/**
 * A list paged by keyset: its cursor holds the values the row was shown with (Pothos' compound cursor of a
 * `@@unique` made of the list's `scope` fields, then its `order` ending with the id), and the next page is
 * the rows after those values in the list's order, wherever that row is now (a case closed, a shift moved,
 * an application decided or deleted). Nothing is looked up: a cursor tells only where to start, so it
 * needs no check against the viewer's rows beyond its scope (the station it was made for).
 */
export interface Keyset<Cursor extends string = string> {
  /** The `@@unique`'s name, Pothos' `cursor`: the scope fields then the order's, joined by `_`. */
  cursor: Cursor;
  /** Fields the list holds fixed (its station, PENDING): a cursor with other values is another list's. */
  scope: readonly string[];
  order: readonly KeyColumn[];
  /** For the field's options: the order as Prisma takes it, and the extension `limits.ts` reads. */
  orderBy: Record<string, "asc" | "desc">[];
  extensions: Record<string, number>;
}

export function keyset<Cursor extends string>(cursor: Cursor, scope: readonly string[], order: readonly KeyColumn[]): Keyset<Cursor> {
  if ([...scope, ...order.map((k) => k.field)].join("_") !== cursor || order.at(-1)?.type !== "uuid") {
    throw new Error(`keyset ${cursor}: the unique must be the scope then the order, ending with the id`);
  }
  return { cursor, scope, order, orderBy: order.map((k) => ({ [k.field]: k.desc ? "desc" : "asc" })), extensions: { [KEYSET_EXTENSION]: scope.length + order.length } };
}

/**
 * The sort values of the cursor Pothos parsed into `query.cursor` (`{ [keyset.cursor]: { field: value } }`),
 * in the order's order, or undefined without a cursor. Anything else (a part of the wrong type, a time that
 * is none, an enum value the column lacks, another scope) is 游标无效, never a database error.
 */
export function keysetValues(query: { cursor?: unknown }, ks: Keyset, scope: Record<string, string>): unknown[] | undefined {
  if (query.cursor === undefined) return undefined;
  const parts = (query.cursor as Record<string, unknown> | null)?.[ks.cursor] as Record<string, unknown> | undefined;
  if (typeof parts !== "object" || parts === null) throw notThisListsCursor();
  for (const f of ks.scope) if (parts[f] !== scope[f]) throw notThisListsCursor();
  return ks.order.map((k) => {
    const v = parts[k.field];
    const ok = k.type === "uuid" ? typeof v === "string" && UUID.test(v)
      : k.type === "date" ? v instanceof Date && !Number.isNaN(v.getTime()) && Math.abs(v.getTime()) < 8.64e15
      : typeof v === "string" && k.type.includes(v);
    if (!ok) throw notThisListsCursor();
    return v;
  });
}

/**
 * For a Pothos prisma connection on a keyset (`query` with Pothos' `cursor`, `skip: 1`, `take`): the query
 * without the cursor and the skip, and `where(filter)`, the list's filter AND the rows beyond the cursor's
 * values in the list's order — `(a > v) OR (a = v AND b > w) OR …`, each `>` a `<` where the column sorts
 * descending, all turned for a backward page (`take` < 0: Prisma reads the last rows).
 */
export function keysetPage<Q extends { cursor?: unknown; skip?: number; take?: number }>(query: Q, ks: Keyset, scope: Record<string, string>) {
  const { cursor: _c, skip: _s, ...rest } = query;
  const values = keysetValues(query, ks, scope);
  const back = (query.take ?? 0) < 0;
  let beyond: Record<string, unknown> | undefined;
  if (values) {
    const or: Record<string, unknown>[] = [];
    ks.order.forEach((k, i) => {
      const same = Object.fromEntries(ks.order.slice(0, i).map((p, j) => [p.field, values[j]]));
      const up = !k.desc !== back; // the rows after the cursor hold greater values in this column
      let past: unknown;
      if (typeof k.type === "string") past = { [up ? "gt" : "lt"]: values[i] };
      else {
        const at = k.type.indexOf(values[i] as string);
        const rest = up ? k.type.slice(at + 1) : k.type.slice(0, at);
        if (!rest.length) return;
        past = { in: rest };
      }
      or.push({ ...same, [k.field]: past });
    });
    beyond = { OR: or };
  }
  return {
    query: rest,
    /** The cursor's values (for a hand-written statement), undefined without a cursor. */
    values,
    where: <W extends object>(filter: W): W => (beyond ? ({ AND: [filter, beyond] } as unknown as W) : filter),
  };
}
