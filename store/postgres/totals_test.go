package postgres

import (
	"testing"

	"github.com/nhiscope/nhi/store/storetest"
)

// TestAggregatesMigrationBackfill checks that the backfill of migration 0008, run on a
// database with an inventory and findings, fills the counts with what the triggers kept.
func TestAggregatesMigrationBackfill(t *testing.T) {
	t.Parallel()
	st, d := openDB(t)
	db := raw(t, d)
	storetest.CheckBackfill(t, st, "migrations/0008_aggregates.sql",
		[]string{"kind_totals", "app_totals", "app_owners", "app_scopes", "expiries", "finding_totals"},
		func(q string) error { _, err := db.Exec(t.Context(), q); return err })
}
