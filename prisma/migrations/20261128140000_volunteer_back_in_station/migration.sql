-- Volunteer.lastLeftAt is the date a person left the last team or squad they were in, and none while they are in
-- one: people who came back to a station before this kept the date of an earlier departure, which 下载我的数据
-- showed them. Their ID number's retention needs none while they are in a station (eraseDepartedIdNumbers), and
-- every ending of their last membership records a new one
UPDATE "Volunteer" v SET "lastLeftAt" = NULL
WHERE v."lastLeftAt" IS NOT NULL
  AND (EXISTS (SELECT 1 FROM "TeamMembership" m WHERE m."volunteerId" = v.id AND m.status IN ('ACTIVE', 'PENDING', 'SUSPENDED'))
    OR EXISTS (SELECT 1 FROM "SquadMembership" s WHERE s."volunteerId" = v.id));
