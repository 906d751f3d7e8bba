package postgres

import (
	"testing"

	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/storetest"
)

// TestConformance runs the store conformance suite, each store on a database of its own.
func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) store.Store {
		d := newDatabase(t)
		db, err := Open(t.Context(), d)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return db
	})
}
