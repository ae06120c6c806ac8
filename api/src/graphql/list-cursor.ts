// A cursor of the wrong list is the caller's mistake, answered alike wherever it is found: a cursor of
// another kind of list (Pothos refuses it while resolving, see maskError) and a row id that is no row of
// this list for this viewer.
import { GraphQLError } from "graphql";
import { msg } from "../i18n.js";

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
