-- 长假照看 problem notices quote the visit's note, which the erasure 30 days after the return blanks
-- in the notices it finds by their subject: give the notices written before that their subject,
-- the request named in their link (/cases/homewatch?request=<URL-encoded global ID>).
UPDATE "Notification" n SET "subjectType" = 'HomeWatchRequest', "subjectId" = r.id
FROM "HomeWatchRequest" r
WHERE n.kind = 'HOME_WATCH_PROBLEM' AND n."subjectId" IS NULL
  AND n.link = '/cases/homewatch?request=' || replace(replace(replace(encode(convert_to('HomeWatchRequest:' || r.id::text, 'UTF8'), 'base64'), '+', '%2B'), '/', '%2F'), '=', '%3D');
-- Requests already erased: their notices lose the note now.
UPDATE "Notification" n SET body = ''
FROM "HomeWatchRequest" r
WHERE n.kind = 'HOME_WATCH_PROBLEM' AND n."subjectId" = r.id AND r."erasedAt" IS NOT NULL;
