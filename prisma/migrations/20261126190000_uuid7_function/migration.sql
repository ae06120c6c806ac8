-- A time-ordered UUID (version 7) made in SQL, like Prisma's uuid(7) default and api/src/lib/uuid7.ts,
-- for rows that bulk statements write without sending ids from the API (a call-up's responders).
-- The random v4 UUID gets the millisecond time in its first 6 bytes and version bits 0111.
CREATE OR REPLACE FUNCTION linshe_uuid7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
$$;
