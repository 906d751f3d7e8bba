package storetest

import (
	"fmt"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// testPaging checks that pages of any size add up to the whole list, that cursors are
// checked, and how page sizes are bounded.
func testPaging(t *testing.T, s suite) {
	t.Run("PagesAddUp", func(t *testing.T) { t.Parallel(); testPagesAddUp(t, s) })
	t.Run("BadCursors", func(t *testing.T) { t.Parallel(); testBadCursors(t, s) })
	t.Run("Limits", func(t *testing.T) { t.Parallel(); testLimits(t, s) })
}

// testPagesAddUp checks that pages of 1, 2, 7 and all items give the same list as one
// big page, with and without a filter.
func testPagesAddUp(t *testing.T, s suite) {
	st := s.store(t)
	var want []nhi.Identity
	for i := range 23 {
		kinds := nhi.Kinds()
		id := ident(gws, fmt.Sprintf("C%02d", i%3), kinds[i%len(kinds)], fmt.Sprintf("id-%02d", i))
		want = append(want, stored(id, at(0)))
	}
	scan := begin(t, st, gws, "C00")
	putIDs(t, st, scan, at(0), want...)
	want = sortByID(want)
	big, err := st.ListIdentities(t.Context(), store.IdentityFilter{Limit: store.MaxLimit})
	if err != nil {
		t.Fatalf("ListIdentities: %v", err)
	}
	if d := diff(want, big.Items); d != "" || big.Next != "" {
		t.Errorf("one big page: next %q, items (-want +got):\n%s", big.Next, d)
	}
	for _, limit := range []int{1, 2, 7, len(want), len(want) + 1} {
		if d := diff(want, listAll(t, st, store.IdentityFilter{Limit: limit})); d != "" {
			t.Errorf("pages of %d (-want +got):\n%s", limit, d)
		}
	}
	exact, err := st.ListIdentities(t.Context(), store.IdentityFilter{Limit: len(want)})
	if err != nil || len(exact.Items) != len(want) || exact.Next != "" {
		t.Errorf("a page that holds exactly all = %d items, next %q, %v; want %d and no next",
			len(exact.Items), exact.Next, err, len(want))
	}
	f := store.IdentityFilter{Tenant: "C01", Kind: nhi.KindOAuthGrant, Limit: store.MaxLimit}
	bigF, err := st.ListIdentities(t.Context(), f)
	if err != nil || len(bigF.Items) == 0 {
		t.Fatalf("ListIdentities(%+v) = %d items, %v", f, len(bigF.Items), err)
	}
	f.Limit = 1
	if d := diff(bigF.Items, listAll(t, st, f)); d != "" {
		t.Errorf("filtered pages of 1 (-want +got):\n%s", d)
	}
}

// testBadCursors checks that every list refuses malformed cursors and cursors of other
// lists.
func testBadCursors(t *testing.T, s suite) {
	st := s.store(t)
	scan := begin(t, st, gws, "C01")
	putIDs(t, st, scan, at(0), ident(gws, "C01", nhi.KindAPIKey, "a"), ident(gws, "C01", nhi.KindAPIKey, "b"))
	putPeople(t, st, scan, at(0), person(gws, "C01", "a", "a@example.com", nhi.PersonActive),
		person(gws, "C01", "b", "b@example.com", nhi.PersonActive))
	putApps(t, st, scan, at(0), nhi.App{Platform: gws, Tenant: "C01", ExternalID: "a", Name: "A"},
		nhi.App{Platform: gws, Tenant: "C01", ExternalID: "b", Name: "B"})

	next := map[string]string{}
	ids, err1 := st.ListIdentities(t.Context(), store.IdentityFilter{Limit: 1})
	people, err2 := st.ListPeople(t.Context(), store.PersonFilter{Limit: 1})
	byUsers, err3 := st.ListApps(t.Context(), store.AppFilter{Limit: 1})
	byName, err4 := st.ListApps(t.Context(), store.AppFilter{Limit: 1, Sort: store.AppsByName})
	for _, err := range []error{err1, err2, err3, err4} {
		if err != nil {
			t.Fatalf("first page: %v", err)
		}
	}
	next["identities"], next["people"], next["apps by users"], next["apps by name"] = ids.Next, people.Next, byUsers.Next, byName.Next
	for list, c := range next {
		if c == "" {
			t.Fatalf("first page of %s of 2 by 1 has no next cursor", list)
		}
	}
	lists := map[string]func(after string) error{
		"identities": func(a string) error {
			_, err := st.ListIdentities(t.Context(), store.IdentityFilter{After: a})
			return err
		},
		"people": func(a string) error {
			_, err := st.ListPeople(t.Context(), store.PersonFilter{After: a})
			return err
		},
		"apps by users": func(a string) error {
			_, err := st.ListApps(t.Context(), store.AppFilter{After: a})
			return err
		},
		"apps by name": func(a string) error {
			_, err := st.ListApps(t.Context(), store.AppFilter{After: a, Sort: store.AppsByName})
			return err
		},
	}
	for list, call := range lists {
		if err := call(next[list]); err != nil {
			t.Errorf("%s with its own cursor: %v", list, err)
		}
		bad := map[string]string{"garbage": "%%% not a cursor", "base64 text": "bm90IGEgY3Vyc29y"}
		for other, c := range next {
			if other != list {
				bad["cursor of "+other] = c
			}
		}
		for name, c := range bad {
			wantCode(t, fmt.Sprintf("%s with a cursor (%s) %q", list, name, c), call(c), nhi.CodeInvalid)
		}
	}
}

// testLimits checks the default page size and that a limit above MaxLimit is clamped.
func testLimits(t *testing.T, s suite) {
	st := s.store(t)
	scan := begin(t, st, gws, "C01")
	ids := make([]nhi.Identity, store.MaxLimit+1)
	for i := range ids {
		ids[i] = ident(gws, "C01", nhi.KindAPIKey, fmt.Sprintf("key-%05d", i))
	}
	putIDs(t, st, scan, at(0), ids...)
	def, err := st.ListIdentities(t.Context(), store.IdentityFilter{})
	if err != nil || len(def.Items) != store.DefaultLimit || def.Next == "" {
		t.Errorf("ListIdentities without limit = %d items, next %q, %v; want %d and a next cursor",
			len(def.Items), def.Next, err, store.DefaultLimit)
	}
	big, err := st.ListIdentities(t.Context(), store.IdentityFilter{Limit: store.MaxLimit + 50})
	if err != nil || len(big.Items) != store.MaxLimit || big.Next == "" {
		t.Fatalf("ListIdentities above MaxLimit = %d items, next %q, %v; want %d and a next cursor",
			len(big.Items), big.Next, err, store.MaxLimit)
	}
	rest, err := st.ListIdentities(t.Context(), store.IdentityFilter{Limit: store.MaxLimit + 50, After: big.Next})
	if err != nil || len(rest.Items) != 1 || rest.Next != "" {
		t.Errorf("ListIdentities after the clamped page = %d items, next %q, %v; want 1 and no next",
			len(rest.Items), rest.Next, err)
	}
}
