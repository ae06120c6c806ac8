-- The 30-day erasure of a home-watch request now also blanks its sender's address (and account, if signed in) on the
-- request's audit entry, and this does the same for the requests erased before: one pass over this action's entries.
-- (No semicolon in these comments: the schema engine splits the script on them.)
UPDATE "AuditEntry" a
SET "clientAddress" = NULL, "actorId" = NULL
FROM "HomeWatchRequest" r
WHERE a."action" = 'homeWatch.request'
  AND a."targetType" = 'HomeWatchRequest'
  AND a."targetId" = r."id"::text
  AND r."erasedAt" IS NOT NULL
  AND (a."clientAddress" IS NOT NULL OR a."actorId" IS NOT NULL);
