// The public 表扬榜's page in one statement (issue 20): what Prisma's relation joins built as nested
// JSON per row (five lateral joins plus a second statement for "表扬 N 次") is one text array per
// entry here, shaped into the rows the BoardEntry type reads (its `entrySelect`). The type's policy
// check runs once per page (one scope map for all its rows).
import { check } from "../../auth/policy.js";
import { config } from "../../config.js";
import { Slots, turnBatch } from "../../db-batch.js";
import { isoText, readRows } from "../../db-read.js";
import { notThisListsCursor } from "../../graphql/list-cursor.js";
import { UUID } from "../../lib/uuid.js";

/** An entry as the statement writes it: a text array, in this order (see `select`). */
type Flat = [
  id: string,
  volunteerId: string | null,
  displayName: string | null,
  /** the volunteer's name when they consented to show it (`showLegalNameOnBoard`), else null */
  legalName: string | null,
  category: string,
  title: string,
  story: string,
  /** PostgreSQL's text of a `timestamp(3)` (`isoText`) */
  occurredAt: string,
  place: string,
  teamName: string,
  squadName: string | null,
  editionTitle: string,
  publishedAt: string,
  timesCommended: string | null,
];

// $1 station; LIMIT and the cursor written into the text, so that each page size is a prepared
// statement of its own whose generic plan PostgreSQL chooses after a few runs: planning this join
// costs several times more than running it. The page's entries are chosen first (edition and entry
// only) and the other five tables joined to those rows alone: joined before the LIMIT, every row of
// the sort's last group was joined too (31 rows for a page of 21 on the bench's data).
const PAGE = (station: string) => `
SELECT e.id, e."editionId", e.position, e."commendationId", ed.title, ed."publishedAt", ed."stationId", ed."withdrawnAt"
FROM "BoardEntry" e
JOIN "BoardEdition" ed ON ed.id = e."editionId"
WHERE ed."stationId" = ${station} AND ed."withdrawnAt" IS NULL`;
// The page as ONE value (issue 20): a JSON array of the entries' text arrays, which pg's driver
// parses with one JSON.parse instead of 21 rows of 17 fields (less of the API's CPU per page). Text
// arrays, not JSON objects nested as `entrySelect`: json_build_object cost PostgreSQL twice the flat
// rows' CPU, json_build_array a fifth more, one to_json of one text[][] the least (session 21,
// docs/performance.md). Not sent: the edition's station (it is $1) and withdrawal (none is), and
// `showLegalNameOnBoard` (the legal name is sent only with it; `name` is required). The aggregate
// is in the board's order whichever way the page was taken.
const select = (page: string) => `
SELECT to_json(array_agg(ARRAY[p.id::text, c."volunteerId"::text, v."displayName", CASE WHEN v."showLegalNameOnBoard" THEN v.name END,
       d.category::text, d.title, d.story, d."occurredAt"::text, d.place, t.name, sq.name, p.title, p."publishedAt"::text,
       (CASE WHEN c."volunteerId" IS NULL THEN NULL ELSE (SELECT count(*) FROM "Commendation" c2 WHERE c2."volunteerId" = c."volunteerId") END)::text]
       ORDER BY p."publishedAt" DESC, p."editionId" DESC, p.position, p.id)) AS page
FROM (${page}) p
JOIN "Commendation" c ON c.id = p."commendationId"
JOIN "GoodDeed" d ON d.id = c."goodDeedId"
JOIN "Team" t ON t.id = d."teamId"
LEFT JOIN "Squad" sq ON sq.id = d."squadId"
LEFT JOIN "Volunteer" v ON v.id = c."volunteerId"`;
const ORDER = `ORDER BY ed."publishedAt" DESC, e."editionId" DESC, e.position, e.id`;
/** After the entry `cursor` in the board's order (an entry of this station's board: another's is no place in it). */
const AFTER = (station: string, cursor: string) => `AND EXISTS (SELECT 1 FROM "BoardEntry" ae JOIN "BoardEdition" aed ON aed.id = ae."editionId" WHERE ae.id = ${cursor} AND aed."stationId" = ${station} AND (ed."publishedAt" < aed."publishedAt"
  OR (ed."publishedAt" = aed."publishedAt" AND (e."editionId" < ae."editionId"
  OR (e."editionId" = ae."editionId" AND (e.position > ae.position OR (e.position = ae.position AND e.id > ae.id)))))))`;

/** Before the entry `cursor` in the board's order (the mirror of AFTER). */
const BEFORE = (station: string, cursor: string) => `AND EXISTS (SELECT 1 FROM "BoardEntry" ae JOIN "BoardEdition" aed ON aed.id = ae."editionId" WHERE ae.id = ${cursor} AND aed."stationId" = ${station} AND (ed."publishedAt" > aed."publishedAt"
  OR (ed."publishedAt" = aed."publishedAt" AND (e."editionId" > ae."editionId"
  OR (e."editionId" = ae."editionId" AND (e.position < ae.position OR (e.position = ae.position AND e.id < ae.id)))))))`;
/** The board's order from its end, for backward pages. */
const REVERSED = `ORDER BY ed."publishedAt", e."editionId", e.position DESC, e.id DESC`;
export type BoardPageRow = Awaited<ReturnType<typeof boardPage>>[number];

type Ask = { stationId: string; cursorId: string | null };
type Kind = "first" | "last" | "after" | "before";

/** The page's statement for one station ($1) and cursor ($2), or for several (`batched`): see `turnBatch`. */
export function statement(kind: Kind, take: number, batched: boolean) {
  const [station, cursor] = batched ? ["($1::uuid[])[r.i]", "($2::uuid[])[r.i]"] : ["$1::uuid", "$2::uuid"];
  const where = kind === "after" ? AFTER(station, cursor) : kind === "before" ? BEFORE(station, cursor) : "";
  const text = select(`${PAGE(station)} ${where} ${kind === "first" || kind === "after" ? ORDER : REVERSED} LIMIT ${take}`);
  if (!batched) return text;
  // One row per ask, each ask's page computed by itself (a lateral subquery per row of `r`).
  return `SELECT r.i, x.page FROM generate_subscripts($1::uuid[], 1) AS r(i) CROSS JOIN LATERAL (${text}) x`;
}

/**
 * The pages asked at once for the same kind and size share statements (issue 20: a round trip and a
 * statement's overhead for up to 5 board views instead of one each). A lone ask keeps the plain
 * statement. 5 a statement, not all of a turn's: one statement runs on one PostgreSQL backend, so 20
 * pages in one kept a core idle (50 a statement: +0–10 % req/s; 4–8: +12–28 %, bench/ab.ts). At most the
 * pool's size less 2 statements of the board out at once (all kinds and sizes together: pages of
 * many sizes took every connection, session 24), leaving connections to the rest.
 */
export const PAGES_PER_STATEMENT = 5;
const batches = new Map<string, (ask: Ask) => Promise<Flat[] | null>>();
let boardSlots: Slots | undefined;
function pageOf(kind: Kind, take: number, ask: Ask): Promise<Flat[] | null> {
  const name = `linshe_board_${kind}_${take}`;
  let batch = batches.get(name);
  if (!batch) {
    const cursored = kind === "after" || kind === "before";
    batches.set(
      name,
      (batch = turnBatch(
        async (asks: Ask[]) => {
          if (asks.length === 1) {
            const [a] = asks as [Ask];
            const [row] = await readRows<{ page: Flat[] | null }>(name, statement(kind, take, false), cursored ? [a.stationId, a.cursorId] : [a.stationId]);
            return [row!.page];
          }
          const rows = await readRows<{ i: number; page: Flat[] | null }>(
            `${name}_batch`,
            statement(kind, take, true),
            cursored ? [asks.map((a) => a.stationId), asks.map((a) => a.cursorId)] : [asks.map((a) => a.stationId)],
          );
          const byAsk = new Map(rows.map((r) => [r.i, r.page]));
          return asks.map((_a, k) => byAsk.get(k + 1) ?? null);
        },
        { maxBatch: PAGES_PER_STATEMENT, maxInFlight: Math.max(1, config.db.poolSize - 2), shared: (boardSlots ??= new Slots(Math.max(1, config.db.poolSize - 2))) },
      )),
    );
  }
  return batch(ask);
}

/**
 * A page of the board in its order: forward, `take` rows after the entry `cursorId` (or from the top);
 * backward, the `take` rows before it (or the last ones), as Prisma's negative `take` reads them.
 */
export async function boardPage(stationId: string, take: number, cursorId: string | null, backward = false) {
  if (!Number.isSafeInteger(take) || take < 1) throw new Error(`board page of ${take} rows`);
  // Checked here, not by PostgreSQL: a batch is one statement, and one ask's bad uuid would fail them all.
  if (!UUID.test(stationId) || (cursorId !== null && !UUID.test(cursorId))) throw new Error("board page of a station or cursor that is not a uuid");
  const kind: Kind = cursorId ? (backward ? "before" : "after") : backward ? "last" : "first";
  const page = await pageOf(kind, take, { stationId, cursorId });
  const rows = page ?? []; // one row (an aggregate without GROUP BY); null: no entries
  // Nothing after (or before) the cursor: the board's end, or the cursor of another station's entry,
  // the caller's mistake, answered as on every list (a cursor of no entry, perhaps one erased since
  // the last page, is an empty page).
  if (rows.length === 0 && cursorId && (await elsewhere(stationId, cursorId))) throw notThisListsCursor();
  // board.read's facts are the edition's station and withdrawal, the same for every row here (one
  // station's editions, none withdrawn): one scope map for the page, so scope-auth asks the policy once.
  // The station as PostgreSQL writes the uuid it matched (lower case).
  const station = stationId.toLowerCase();
  const boardScope = { policy: check("board.read", { stationId: station, withdrawn: false }) };
  return rows.map((r) => ({
    id: r[0],
    boardScope,
    timesCommended: r[13] === null ? null : Number(r[13]),
    commendation: {
      volunteerId: r[1],
      volunteer: r[1] ? { displayName: r[2]!, name: r[3], showLegalNameOnBoard: r[3] !== null } : null,
      goodDeed: {
        category: r[4],
        title: r[5],
        story: r[6],
        occurredAt: isoText(r[7]),
        place: r[8],
        team: { name: r[9] },
        squad: r[10] === null ? null : { name: r[10] },
      },
    },
    edition: { title: r[11], publishedAt: isoText(r[12]), stationId: station, withdrawnAt: null as string | null },
  }));
}

/** Whether the entry is on another station's board. */
async function elsewhere(stationId: string, entryId: string): Promise<boolean> {
  const rows = await readRows<{ id: string }>(
    "linshe_board_cursor",
    `SELECT e.id FROM "BoardEntry" e JOIN "BoardEdition" ed ON ed.id = e."editionId" WHERE e.id = $2::uuid AND ed."stationId" <> $1::uuid`,
    [stationId, entryId],
  );
  return rows.length > 0;
}
