// The public 表扬榜's page in one statement (issue 20): what Prisma's relation joins built as nested
// JSON per row (five lateral joins plus a second statement for "表扬 N 次") is flat columns here,
// shaped into the rows the BoardEntry type reads (its `entrySelect`). The type's policy check still
// runs on every row.
import { readRows } from "../../db-read.js";

interface Flat {
  id: string;
  volunteerId: string | null;
  displayName: string | null;
  legalName: string | null;
  showLegalNameOnBoard: boolean | null;
  category: string;
  title: string;
  story: string;
  occurredAt: Date;
  place: string;
  teamName: string;
  squadName: string | null;
  editionTitle: string;
  publishedAt: Date;
  stationId: string;
  timesCommended: number | null;
}

// $1 station, $2 rows, $3 the cursor's entry (after it in the board's order) or null.
const SQL = `
WITH after AS (SELECT ed."publishedAt", e."editionId", e.position, e.id FROM "BoardEntry" e JOIN "BoardEdition" ed ON ed.id = e."editionId" WHERE e.id = $3::uuid)
SELECT e.id, c."volunteerId", v."displayName", v.name AS "legalName", v."showLegalNameOnBoard",
       d.category, d.title, d.story, d."occurredAt", d.place, t.name AS "teamName", sq.name AS "squadName",
       ed.title AS "editionTitle", ed."publishedAt", ed."stationId",
       CASE WHEN c."volunteerId" IS NULL THEN NULL ELSE (SELECT count(*)::int FROM "Commendation" c2 WHERE c2."volunteerId" = c."volunteerId") END AS "timesCommended"
FROM "BoardEntry" e
JOIN "BoardEdition" ed ON ed.id = e."editionId"
JOIN "Commendation" c ON c.id = e."commendationId"
JOIN "GoodDeed" d ON d.id = c."goodDeedId"
JOIN "Team" t ON t.id = d."teamId"
LEFT JOIN "Squad" sq ON sq.id = d."squadId"
LEFT JOIN "Volunteer" v ON v.id = c."volunteerId"
WHERE ed."stationId" = $1::uuid AND ed."withdrawnAt" IS NULL
  AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM after a WHERE ed."publishedAt" < a."publishedAt"
       OR (ed."publishedAt" = a."publishedAt" AND (e."editionId" < a."editionId"
       OR (e."editionId" = a."editionId" AND (e.position > a.position OR (e.position = a.position AND e.id > a.id)))))))
ORDER BY ed."publishedAt" DESC, e."editionId" DESC, e.position, e.id
LIMIT $2`;

/** A forward page of the board (`take` rows after the entry `afterId`, or from the top). */
export async function boardPage(stationId: string, take: number, afterId: string | null) {
  const rows = await readRows<Flat>("linshe_board_page", SQL, [stationId, take, afterId]);
  return rows.map((r) => ({
    id: r.id,
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
    edition: { title: r.editionTitle, publishedAt: r.publishedAt, stationId: r.stationId, withdrawnAt: null },
  }));
}
