package postgres

import (
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// TestIdentitySortQueryPlans checks that every order of the identities list, both ways,
// can read its first page and a resumed page from its own index in order: with sorting
// made prohibitively dear (enable_sort off), the plan reads the index and sorts nothing.
// It guards the sort keys against drifting from the expressions of migration 0005.
func TestIdentitySortQueryPlans(t *testing.T) {
	t.Parallel()
	db, _ := openDB(t)
	conn, err := db.pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		_, _ = conn.Exec(t.Context(), `RESET enable_sort`)
		conn.Release()
	}()
	if _, err := conn.Exec(t.Context(), `SET enable_sort = off`); err != nil {
		t.Fatal(err)
	}
	last := nhi.Identity{ID: "gws_x", Name: "n", LastUsedAt: time.UnixMilli(5), CreatedAt: time.UnixMilli(6)}
	for _, sort := range store.IdentitySorts() {
		index := "identities_by_" + string(sort)
		if sort == store.IdentitiesByID {
			index = "identities_pkey"
		}
		for _, desc := range []bool{false, true} {
			f := store.IdentityFilter{Sort: sort, Desc: desc, Kind: nhi.KindServiceAccount}
			o, err := orderOf(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, after := range []string{"", o.next(last)} {
				f.After = after
				_, q, args, err := listIdentitiesQuery(f)
				if err != nil {
					t.Fatalf("sort %s desc %v after %q: %v", sort, desc, after, err)
				}
				rows, err := conn.Query(t.Context(), `EXPLAIN (COSTS OFF) `+rebind(q), append(args, 10)...)
				if err != nil {
					t.Fatalf("EXPLAIN: %v", err)
				}
				var plan []string
				for rows.Next() {
					var line string
					if err := rows.Scan(&line); err != nil {
						t.Fatal(err)
					}
					plan = append(plan, strings.TrimSpace(line))
				}
				rows.Close()
				p := strings.Join(plan, "; ")
				if !strings.Contains(p, "using "+index) || strings.Contains(p, "Sort") {
					t.Errorf("sort %s desc %v after %q: plan %q, want %s in order", sort, desc, after, p, index)
				}
			}
		}
	}
}
