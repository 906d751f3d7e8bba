-- The orders of the identities list besides ID (store.IdentitySort). Each index holds the
-- sort key exactly as store/sqlite/identities_sort.go writes it (SQLite uses an index on
-- an expression only for that expression), then the ID that breaks ties. Unknown times
-- are 0 in the table; the keys put them last (never used last, unknown creation last, no
-- expiry last). A page, first or resumed by its cursor, then reads about limit rows.
--
-- Measured on 2 cores (go test ./web -bench PagesAtOneMillion, go test ./store/sqlite
-- -bench PutIdentities): at 1,000,000 identities a sorted page of 50 takes 0.4-0.6 ms
-- with these indexes and 200 ms to 1.6 s without (a sort of every identity), so every
-- sort keeps its index. The cost is on the upserts: new identities insert at about half
-- the rate (37,000 -> 18,000 a second), known ones update about 15% slower (79,000 ->
-- 67,000 a second).
CREATE INDEX identities_by_name ON identities (name, id);
CREATE INDEX identities_by_last_used ON identities (-last_used_at, id);
CREATE INDEX identities_by_created ON identities (CASE created_at WHEN 0 THEN 9223372036854775807 ELSE created_at END, id);
CREATE INDEX identities_by_expires ON identities (CASE expires_at WHEN 0 THEN 9223372036854775807 ELSE expires_at END, id);
