-- The orders of the identities list besides ID (store.IdentitySort), as in store/sqlite.
-- Each index holds the sort key exactly as store/postgres/identities_sort.go writes it
-- (names in the "C" collation, so that they order byte-wise), then the ID that breaks
-- ties: a page, first or resumed with the row comparison (key, id) > (?, ?), reads about
-- limit rows from one index in order instead of sorting every identity. Unknown times
-- are 0 in the table; the keys put them last (never used last, unknown creation last, no
-- expiry last). The cost is on the upserts (go test ./store/postgres -bench
-- PutIdentities, 2 cores): inserts about 40% slower (59,000 -> 36,000 identities a
-- second), updates about 15% slower.
CREATE INDEX identities_by_name ON identities ((name COLLATE "C"), id);
CREATE INDEX identities_by_last_used ON identities ((-last_used_at), id);
CREATE INDEX identities_by_created ON identities ((CASE created_at WHEN 0 THEN 9223372036854775807 ELSE created_at END), id);
CREATE INDEX identities_by_expires ON identities ((CASE expires_at WHEN 0 THEN 9223372036854775807 ELSE expires_at END), id);
