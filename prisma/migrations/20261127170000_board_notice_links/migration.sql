-- 表扬榜发布 notices linked to /board/<station uuid>, which the board page refuses (it takes the
-- station's global ID, base64 of "Station:<uuid>"): rewrite the stored links.
UPDATE "Notification" SET link = '/board/' || encode(convert_to('Station:' || substring(link FROM 8), 'UTF8'), 'base64')
WHERE kind = 'BOARD_PUBLISHED' AND link ~ '^/board/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
