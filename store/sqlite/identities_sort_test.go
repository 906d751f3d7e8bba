package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

// TestIdentitySortQueryPlans checks that every order of the identities list, both ways,
// reads its first page and each step of a resumed page from its own index, in order:
// no temporary B-tree, which would mean sorting every identity. It guards the sort keys
// against drifting from the expressions of migration 0005.
func TestIdentitySortQueryPlans(t *testing.T) {
	t.Parallel()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "nhi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	last := nhi.Identity{ID: "gws_x", Name: "n", LastUsedAt: time.UnixMilli(5), CreatedAt: time.UnixMilli(6)}
	for _, sort := range store.IdentitySorts() {
		index := "identities_by_" + string(sort)
		if sort == store.IdentitiesByID {
			index = "sqlite_autoindex_identities_1"
		}
		for _, desc := range []bool{false, true} {
			f := store.IdentityFilter{Sort: sort, Desc: desc, Kind: nhi.KindServiceAccount}
			o, err := orderOf(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, after := range []string{"", o.next(last)} {
				f.After = after
				_, queries, err := listIdentitiesQueries(f)
				if err != nil {
					t.Fatalf("sort %s desc %v after %q: %v", sort, desc, after, err)
				}
				for i, q := range queries {
					plan := queryPlan(t, db, q.sql, append(q.args, 10)...)
					if !strings.Contains(plan, "INDEX "+index) || strings.Contains(plan, "TEMP B-TREE") {
						t.Errorf("sort %s desc %v after %q, query %d: plan %q, want %s in order", sort, desc, after, i, plan, index)
					}
				}
			}
		}
	}
}

// TestIdentitySortCursorKeys checks that a cursor of a sort by time with a key that is
// not a number is refused.
func TestIdentitySortCursorKeys(t *testing.T) {
	t.Parallel()
	for _, sort := range []store.IdentitySort{store.IdentitiesByLastUsed, store.IdentitiesByCreated, store.IdentitiesByExpires} {
		o, err := orderOf(store.IdentityFilter{Sort: sort})
		if err != nil {
			t.Fatal(err)
		}
		_, err = o.resume(sqlq.EncodeCursor(o.list(), "soon", "gws_x"))
		if nhi.ErrorCode(err) != nhi.CodeInvalid {
			t.Errorf("sort %s, cursor key \"soon\": error %v, want CodeInvalid", sort, err)
		}
	}
}
