package sqlite_test

import (
	"testing"

	"github.com/nhiscope/nhi/store/storetest"
)

// undoAggregates returns the statements that take a database back to before migration 0006.
func undoAggregates() []string {
	var out []string
	for _, tr := range []string{"identity_inserted", "identity_changed", "identity_expiries", "finding_inserted",
		"finding_removed", "finding_added"} {
		out = append(out, `DROP TRIGGER aggregates_`+tr)
	}
	for _, table := range []string{"aggregate_log", "kind_totals", "app_totals", "app_scopes", "expiries", "finding_totals"} {
		out = append(out, `DROP TABLE `+table)
	}
	return append(out, `DROP INDEX identities_by_owner`,
		`CREATE INDEX identities_by_owner ON identities (owner_id, platform, tenant)`,
		`DELETE FROM schema_migrations WHERE version >= 6`)
}

// TestAggregatesMigrationBackfill checks that the backfill of migration 0006, run on a
// database with an inventory and findings, fills the counts with what the triggers kept.
func TestAggregatesMigrationBackfill(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/nhi.db"
	st := open(t, path)
	t.Cleanup(func() { _ = st.Close() })
	db := raw(t, path)
	storetest.CheckBackfill(t, st, "migrations/0006_aggregates.sql",
		[]string{"kind_totals", "app_totals", "app_scopes", "expiries", "finding_totals"},
		func(q string) error { _, err := db.Exec(q); return err })
}
