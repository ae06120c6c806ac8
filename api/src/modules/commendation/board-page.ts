// The public 表扬榜's page in one statement (issue 20): what Prisma's relation joins built as nested
// JSON per row (five lateral joins plus a second statement for "表扬 N 次") is flat columns here,
// shaped into the rows the BoardEntry type reads (its `entrySelect`). The type's policy check runs
// once per distinct facts of the page's rows (see `scopeOf`).
import { check, type Check } from "../../auth/policy.js";
import { isoTypes, readRows } from "../../db-read.js";

interface Flat {
  id: string;
  volunteerId: string | null;
  displayName: string | null;
  legalName: string | null;
  showLegalNameOnBoard: boolean | null;
  category: string;
  title: string;
  story: string;
  /** as the DateTime scalar writes it (`isoTypes`) */
  occurredAt: string;
  place: string;
  teamName: string;
  squadName: string | null;
  editionTitle: string;
  publishedAt: string;
  stationId: string;
  withdrawnAt: string | null;
  timesCommended: number | null;
}

// $1 station; LIMIT and the cursor written into the text, so that each page size is a prepared
// statement of its own whose generic plan PostgreSQL chooses after a few runs: planning this join
// costs several times more than running it. The page's entries are chosen first (edition and entry
// only) and the other five tables joined to those rows alone: joined before the LIMIT, every row of
// the sort's last group was joined too (31 rows for a page of 21 on the bench's data).
const PAGE = `
SELECT e.id, e."editionId", e.position, e."commendationId", ed.title, ed."publishedAt", ed."stationId", ed."withdrawnAt"
FROM "BoardEntry" e
JOIN "BoardEdition" ed ON ed.id = e."editionId"
WHERE ed."stationId" = $1::uuid AND ed."withdrawnAt" IS NULL`;
const select = (page: string, order: string) => `
SELECT p.id, c."volunteerId", v."displayName", CASE WHEN v."showLegalNameOnBoard" THEN v.name END AS "legalName", v."showLegalNameOnBoard",
       d.category, d.title, d.story, d."occurredAt", d.place, t.name AS "teamName", sq.name AS "squadName",
       p.title AS "editionTitle", p."publishedAt", p."stationId", p."withdrawnAt",
       CASE WHEN c."volunteerId" IS NULL THEN NULL ELSE (SELECT count(*)::int FROM "Commendation" c2 WHERE c2."volunteerId" = c."volunteerId") END AS "timesCommended"
FROM (${page}) p
JOIN "Commendation" c ON c.id = p."commendationId"
JOIN "GoodDeed" d ON d.id = c."goodDeedId"
JOIN "Team" t ON t.id = d."teamId"
LEFT JOIN "Squad" sq ON sq.id = d."squadId"
LEFT JOIN "Volunteer" v ON v.id = c."volunteerId"
${order}`;
const ORDER = `ORDER BY ed."publishedAt" DESC, e."editionId" DESC, e.position, e.id`;
/** After the entry $2 in the board's order. */
const AFTER = `AND EXISTS (SELECT 1 FROM "BoardEntry" ae JOIN "BoardEdition" aed ON aed.id = ae."editionId" WHERE ae.id = $2::uuid AND (ed."publishedAt" < aed."publishedAt"
  OR (ed."publishedAt" = aed."publishedAt" AND (e."editionId" < ae."editionId"
  OR (e."editionId" = ae."editionId" AND (e.position > ae.position OR (e.position = ae.position AND e.id > ae.id)))))))`;

/** Before the entry $2 in the board's order (the mirror of AFTER). */
const BEFORE = `AND EXISTS (SELECT 1 FROM "BoardEntry" ae JOIN "BoardEdition" aed ON aed.id = ae."editionId" WHERE ae.id = $2::uuid AND (ed."publishedAt" > aed."publishedAt"
  OR (ed."publishedAt" = aed."publishedAt" AND (e."editionId" > ae."editionId"
  OR (e."editionId" = ae."editionId" AND (e.position < ae.position OR (e.position = ae.position AND e.id < ae.id)))))))`;
/** The board's order from its end, for backward pages. */
const REVERSED = `ORDER BY ed."publishedAt", e."editionId", e.position DESC, e.id DESC`;
/** The same orders over the page's rows. */
const PAGE_ORDER = `ORDER BY p."publishedAt" DESC, p."editionId" DESC, p.position, p.id`;
const PAGE_REVERSED = `ORDER BY p."publishedAt", p."editionId", p.position DESC, p.id DESC`;

export type BoardPageRow = Awaited<ReturnType<typeof boardPage>>[number];

/**
 * A page of the board in its order: forward, `take` rows after the entry `cursorId` (or from the top);
 * backward, the `take` rows before it (or the last ones), as Prisma's negative `take` reads them.
 */
export async function boardPage(stationId: string, take: number, cursorId: string | null, backward = false) {
  if (!Number.isSafeInteger(take) || take < 1) throw new Error(`board page of ${take} rows`);
  const [name, where, order, outer] = backward ? ["before", BEFORE, REVERSED, PAGE_REVERSED] : ["after", AFTER, ORDER, PAGE_ORDER];
  const rows = cursorId
    ? await readRows<Flat>(`linshe_board_${name}_${take}`, select(`${PAGE} ${where} ${order} LIMIT ${take}`, outer), [stationId, cursorId], isoTypes)
    : await readRows<Flat>(`linshe_board_${backward ? "last" : "first"}_${take}`, select(`${PAGE} ${order} LIMIT ${take}`, outer), [stationId], isoTypes);
  if (backward) rows.reverse();
  // board.read's facts are the edition's station and withdrawal, the same for the rows of one
  // station's published editions: rows with the same facts share one scope map, so scope-auth asks
  // the policy once per page rather than once per row.
  const scopes: Scoped[] = [];
  return rows.map((r) => ({
    id: r.id,
    boardScope: scopeOf(scopes, r),
    timesCommended: r.timesCommended,
    commendation: {
      volunteerId: r.volunteerId,
      volunteer: r.volunteerId ? { displayName: r.displayName!, name: r.legalName!, showLegalNameOnBoard: r.showLegalNameOnBoard! } : null,
      goodDeed: {
        category: r.category,
        title: r.title,
        story: r.story,
        occurredAt: r.occurredAt,
        place: r.place,
        team: { name: r.teamName },
        squad: r.squadName === null ? null : { name: r.squadName },
      },
    },
    edition: { title: r.editionTitle, publishedAt: r.publishedAt, stationId: r.stationId, withdrawnAt: r.withdrawnAt },
  }));
}

/**
 * The row's scope map, shared by the rows of its page with the same facts (one station's page: one, or
 * two with withdrawn editions). A function of the module, not a closure per page: tsx (esbuild's
 * keepNames) names each closure assigned to a name with an Object.defineProperty call where it is made
 * (0.5% of the board's CPU). Compared field by field, not by a key string made per row (1.6%).
 */
function scopeOf(scopes: Scoped[], r: Flat) {
  const withdrawn = r.withdrawnAt !== null;
  for (const s of scopes) if (s.withdrawn === withdrawn && s.stationId === r.stationId) return s.scope;
  const scope = { policy: check("board.read", { stationId: r.stationId, withdrawn }) };
  scopes.push({ stationId: r.stationId, withdrawn, scope });
  return scope;
}
type Scoped = { stationId: string; withdrawn: boolean; scope: { policy: Check } };
