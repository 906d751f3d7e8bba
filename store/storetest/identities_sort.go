package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// testIdentitySorts checks every order of ListIdentities in both directions: the order
// itself with unknown times last, ties broken by ID, pages of several sizes that add up
// without gaps or repeats (with a filter too), pages resumed after the inventory changed,
// and cursors of other orders.
func testIdentitySorts(t *testing.T, s suite) {
	t.Run("Orders", func(t *testing.T) { t.Parallel(); testSortOrders(t, s) })
	t.Run("ChangesBetweenPages", func(t *testing.T) { t.Parallel(); testSortChanges(t, s) })
	t.Run("WrongCursors", func(t *testing.T) { t.Parallel(); testSortCursors(t, s) })
}

// sortNames are the names of the fixture, with ties, capitals (which order before small
// letters byte-wise, not in most locales) and a multi-byte letter (after "z" byte-wise).
var sortNames = []string{"alpha", "Zeta", "beta", "élan", "zulu", "Alpha", "beta"}

// sortFixture returns n identities whose names, last uses, creation and expiry times tie
// often and are unknown (zero) for some.
func sortFixture(n int) []nhi.Identity {
	var out []nhi.Identity
	for i := range n {
		out = append(out, ident(gws, "C01", nhi.Kinds()[i%3], fmt.Sprintf("sort-%02d", i), func(id *nhi.Identity) {
			id.Name = sortNames[i%len(sortNames)]
			if i%4 != 0 {
				id.LastUsedAt = at(time.Duration(i%5) * day)
			}
			if i%3 != 0 {
				id.CreatedAt = at(-time.Duration(i%4) * day)
			}
			if i%2 != 0 {
				id.ExpiresAt = at(time.Duration(i%3) * day)
			}
		}))
	}
	return out
}

// knownFirst compares two times of which the zero one is unknown and goes last; known
// times compare earliest first, or latest first when latestFirst.
func knownFirst(a, b time.Time, latestFirst bool) int {
	switch {
	case a.IsZero() || b.IsZero():
		return boolCmp(a.IsZero(), b.IsZero())
	case latestFirst:
		return b.Compare(a)
	}
	return a.Compare(b)
}

// boolCmp orders false before true.
func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// wantSorted returns the IDs of ids as ListIdentities orders them by sort, reversed whole
// when desc.
func wantSorted(ids []nhi.Identity, sort store.IdentitySort, desc bool) []string {
	out := slices.Clone(ids)
	for i := range out {
		out[i].ID = nhi.NewIdentityID(out[i].Platform, out[i].Tenant, out[i].Kind, out[i].ExternalID)
	}
	slices.SortFunc(out, func(a, b nhi.Identity) int {
		c := 0
		switch sort {
		case store.IdentitiesByName:
			c = strings.Compare(a.Name, b.Name)
		case store.IdentitiesByLastUsed:
			c = knownFirst(a.LastUsedAt, b.LastUsedAt, true)
		case store.IdentitiesByCreated:
			c = knownFirst(a.CreatedAt, b.CreatedAt, false)
		case store.IdentitiesByExpires:
			c = knownFirst(a.ExpiresAt, b.ExpiresAt, false)
		}
		if c == 0 {
			c = strings.Compare(a.ID, b.ID)
		}
		return c
	})
	if desc {
		slices.Reverse(out)
	}
	return idsOf(out)
}

// sortCases returns every sort and direction, the zero sort included.
func sortCases() []store.IdentityFilter {
	var out []store.IdentityFilter
	for _, sort := range append([]store.IdentitySort{""}, store.IdentitySorts()...) {
		out = append(out, store.IdentityFilter{Sort: sort}, store.IdentityFilter{Sort: sort, Desc: true})
	}
	return out
}

// testSortOrders checks each order, paged by 1, 2, 7 and all, with and without a filter.
func testSortOrders(t *testing.T, s suite) {
	st := s.store(t)
	ids := sortFixture(30)
	putIDs(t, st, begin(t, st, gws, "C01"), at(0), ids...)
	var keys []nhi.Identity
	for _, id := range ids {
		if id.Kind == nhi.Kinds()[1] {
			keys = append(keys, id)
		}
	}
	for _, f := range sortCases() {
		want := wantSorted(ids, f.Sort, f.Desc)
		for _, limit := range []int{1, 2, 7, len(ids), store.MaxLimit} {
			f.Limit = limit
			if d := diff(want, idsOf(listAll(t, st, f))); d != "" {
				t.Errorf("sort %q desc %v, pages of %d (-want +got):\n%s", f.Sort, f.Desc, limit, d)
			}
		}
		f.Kind, f.Limit = nhi.Kinds()[1], 2
		if d := diff(wantSorted(keys, f.Sort, f.Desc), idsOf(listAll(t, st, f))); d != "" {
			t.Errorf("sort %q desc %v, kind %s (-want +got):\n%s", f.Sort, f.Desc, f.Kind, d)
		}
	}
}

// testSortChanges reads the first page of each order, then adds two identities that tie
// with the page's last on its sort key: one whose ID puts it before the cursor and one
// after. The next pages hold every identity not read yet exactly once, in order, with
// the one added after the cursor and without the one added before it.
func testSortChanges(t *testing.T, s suite) {
	for _, f := range sortCases() {
		t.Run(fmt.Sprintf("%s desc %v", f.Sort, f.Desc), func(t *testing.T) {
			t.Parallel()
			st := s.store(t)
			ids := sortFixture(12)
			scan := begin(t, st, gws, "C01")
			putIDs(t, st, scan, at(0), ids...)
			f.Limit = 4
			first, err := st.ListIdentities(t.Context(), f)
			if err != nil || len(first.Items) != 4 || first.Next == "" {
				t.Fatalf("first page = %d items, next %q, %v", len(first.Items), first.Next, err)
			}
			before, after := tieWith(t, f, ids, first.Items[3])
			putIDs(t, st, scan, at(0), before, after)
			all := wantSorted(append(slices.Clone(ids), before, after), f.Sort, f.Desc)
			want := all[slices.Index(all, first.Items[3].ID)+1:]
			f.Limit, f.After = 3, first.Next
			if d := diff(want, idsOf(listAll(t, st, f))); d != "" {
				t.Errorf("pages after the change (-want +got):\n%s", d)
			}
		})
	}
}

// tieWith returns two new identities with the sort keys of last (a listed identity) whose
// IDs put them just before and just after it in f's order.
func tieWith(t *testing.T, f store.IdentityFilter, ids []nhi.Identity, last nhi.Identity) (before, after nhi.Identity) {
	t.Helper()
	var found [2]bool
	for i := 0; i < 100 && !(found[0] && found[1]); i++ {
		c := ident(gws, "C01", nhi.KindAPIKey, fmt.Sprintf("tie-%d", i), func(id *nhi.Identity) {
			id.Name, id.LastUsedAt, id.CreatedAt, id.ExpiresAt = last.Name, last.LastUsedAt, last.CreatedAt, last.ExpiresAt
		})
		order := wantSorted(append(slices.Clone(ids), c), f.Sort, f.Desc)
		cID := nhi.NewIdentityID(c.Platform, c.Tenant, c.Kind, c.ExternalID)
		isBefore := slices.Index(order, cID) < slices.Index(order, last.ID)
		if isBefore && !found[0] {
			before, found[0] = c, true
		} else if !isBefore && !found[1] {
			after, found[1] = c, true
		}
	}
	if !found[0] || !found[1] {
		t.Fatalf("no tie found on both sides of %s", last.ID)
	}
	return before, after
}

// testSortCursors checks that a cursor resumes only the order that made it: another sort
// or direction is CodeInvalid, while the zero sort and IdentitiesByID share theirs. An
// unknown sort is CodeInvalid too.
func testSortCursors(t *testing.T, s suite) {
	st := s.store(t)
	putIDs(t, st, begin(t, st, gws, "C01"), at(0), sortFixture(3)...)
	cases := sortCases()
	next := make([]string, len(cases))
	for i, f := range cases {
		f.Limit = 1
		page, err := st.ListIdentities(t.Context(), f)
		if err != nil || page.Next == "" {
			t.Fatalf("ListIdentities(sort %q desc %v) = next %q, %v", f.Sort, f.Desc, page.Next, err)
		}
		next[i] = page.Next
	}
	same := func(a, b store.IdentityFilter) bool {
		byID := func(s store.IdentitySort) bool { return s == "" || s == store.IdentitiesByID }
		return a.Desc == b.Desc && (a.Sort == b.Sort || byID(a.Sort) && byID(b.Sort))
	}
	for i, from := range cases {
		for _, to := range cases {
			to.After = next[i]
			_, err := st.ListIdentities(t.Context(), to)
			what := fmt.Sprintf("cursor of sort %q desc %v used with sort %q desc %v", from.Sort, from.Desc, to.Sort, to.Desc)
			if same(from, to) {
				if err != nil {
					t.Errorf("%s: %v", what, err)
				}
				continue
			}
			wantCode(t, what, err, nhi.CodeInvalid)
		}
	}
	for _, sort := range []store.IdentitySort{"bogus", "-name", "Name"} {
		_, err := st.ListIdentities(t.Context(), store.IdentityFilter{Sort: sort})
		wantCode(t, fmt.Sprintf("sort %q", sort), err, nhi.CodeInvalid)
	}
}
