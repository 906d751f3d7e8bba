package storetest

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// testTotals runs scans that add, change, mark gone and bring back identities, and
// evaluations that open, change, resolve and suppress findings, and after each checks the
// aggregates the store keeps (ListApps, App, Counts, FindingTotals, Expiring, OwnerDebt)
// against a recount of what ListIdentities, ListPeople and ListFindings return.
func testTotals(t *testing.T, s suite) {
	st := s.store(t)
	rng := rand.New(rand.NewPCG(6, 2026))
	setup := begin(t, st, gws, "C01")
	for _, tenant := range []string{"C01", "C02"} {
		for a := range 4 {
			putApps(t, st, setup, at(0), nhi.App{Platform: gws, Tenant: tenant, ExternalID: fmt.Sprint("app-", a), Name: fmt.Sprint("App ", a)})
		}
	}
	for round := range 6 {
		for _, tenant := range []string{"C01", "C02"} {
			scan := begin(t, st, gws, tenant)
			seen := at(time.Duration(round) * day)
			var people []nhi.Person
			for u := range 6 {
				status := []nhi.PersonStatus{nhi.PersonActive, nhi.PersonSuspended, nhi.PersonDeparted}[rng.IntN(3)]
				people = append(people, person(gws, tenant, fmt.Sprint("u", u), fmt.Sprintf("u%d@example.com", u), status))
			}
			putPeople(t, st, scan, seen, people[:4+rng.IntN(3)]...)
			var ids []nhi.Identity
			for i := range 30 {
				if rng.IntN(4) > 0 {
					ids = append(ids, totalsIdentity(rng, tenant, i))
				}
			}
			putIDs(t, st, scan, seen, ids...)
			scopes := []string{"s0", "s1", "s2", connectorScopePeople}[rng.IntN(2)*2:]
			if _, err := st.MarkGone(t.Context(), store.MarkGone{ScanID: scan, Platform: gws, Tenant: tenant,
				Scopes: scopes, At: seen.Add(time.Hour)}); err != nil {
				t.Fatalf("MarkGone: %v", err)
			}
			totalsFindings(t, st, rng, scan, tenant, ids, seen)
		}
		checkTotals(t, st, round)
	}
}

// connectorScopePeople is connector.ScopePeople, which storetest does not import.
const connectorScopePeople = "people"

// totalsIdentity returns identity i of tenant with a random app, owner, permissions,
// credentials and expiry.
func totalsIdentity(rng *rand.Rand, tenant string, i int) nhi.Identity {
	return ident(gws, tenant, []nhi.Kind{nhi.KindOAuthGrant, nhi.KindServiceAccount}[i%2], fmt.Sprint("id-", i), func(id *nhi.Identity) {
		id.Scope = fmt.Sprint("s", rng.IntN(3))
		id.AppID = []string{"", "app-0", "app-1", "app-2", "app-9"}[rng.IntN(5)]
		id.OwnerID = []string{"", "u0", "u1", "u2", "u3", "u5"}[rng.IntN(6)]
		for range rng.IntN(3) {
			id.Permissions = append(id.Permissions, nhi.Permission{Scope: fmt.Sprint("p", rng.IntN(3))})
		}
		if rng.IntN(3) == 0 {
			id.ExpiresAt = at(time.Duration(rng.IntN(80)-20) * day)
		}
		for c := range rng.IntN(3) {
			cred := nhi.Credential{ID: fmt.Sprint("k", c), Type: "key", LastUsedAt: at(time.Duration(rng.IntN(9)) * time.Hour)}
			if rng.IntN(2) == 0 {
				cred.ExpiresAt = at(time.Duration(rng.IntN(80)-20)*day + time.Duration(rng.IntN(1000))*time.Millisecond)
			}
			id.Credentials = append(id.Credentials, cred)
		}
	})
}

// totalsFindings puts findings on some of ids under scan, resolves the others of tenant,
// and suppresses or lifts the suppression of a few.
func totalsFindings(t *testing.T, st store.Store, rng *rand.Rand, scan, tenant string, ids []nhi.Identity, seen time.Time) {
	t.Helper()
	var fs []nhi.Finding
	for _, id := range ids {
		if rng.IntN(3) == 0 {
			continue
		}
		sid := nhi.NewIdentityID(id.Platform, id.Tenant, id.Kind, id.ExternalID)
		fs = append(fs, nhi.Finding{Signal: "test.totals", Title: "t", Severity: nhi.Severities()[rng.IntN(len(nhi.Severities()))],
			Points: rng.IntN(20), SubjectKind: nhi.SubjectIdentity, SubjectID: sid, Platform: gws, Tenant: tenant,
			AppID: []string{id.AppID, "app-3"}[rng.IntN(2)], OwnerID: id.OwnerID})
	}
	if err := st.PutFindings(t.Context(), scan, seen, fs); err != nil {
		t.Fatalf("PutFindings: %v", err)
	}
	if _, err := st.ResolveFindings(t.Context(), store.ResolveFindings{EvalID: scan, Platform: gws, Tenant: tenant, At: seen}); err != nil {
		t.Fatalf("ResolveFindings: %v", err)
	}
	for _, f := range fs {
		sup := nhi.Suppression{Reason: "accepted", Author: "tester", Until: time.Now().Add(day)}
		switch rng.IntN(6) {
		case 0:
		case 1:
			sup = nhi.Suppression{}
		default:
			continue
		}
		if _, err := st.SuppressFinding(t.Context(), nhi.NewFindingID(f.Signal, f.SubjectKind, f.SubjectID), sup); err != nil {
			t.Fatalf("SuppressFinding: %v", err)
		}
	}
}

// checkTotals compares the store's aggregates with a recount after round.
func checkTotals(t *testing.T, st store.Store, round int) {
	t.Helper()
	ids := listAll(t, st, store.IdentityFilter{Limit: 7})
	want := recount(ids, listPeople(t, st, store.PersonFilter{}))
	for _, a := range listApps(t, st, store.AppFilter{Sort: store.AppsByName}) {
		got := appTotal{a.Users, a.Identities, a.Scopes}
		if d := diff(want.apps[nhi.AppKey(a.Platform, a.Tenant, a.ExternalID)], got); d != "" {
			t.Errorf("round %d: app %s/%s (-recount +ListApps):\n%s", round, a.Tenant, a.ExternalID, d)
		}
		one, err := st.App(t.Context(), a.Platform, a.Tenant, a.ExternalID)
		if err != nil || one.Users != a.Users || one.Identities != a.Identities {
			t.Errorf("round %d: App(%s) = %d users, %d identities, %v; ListApps says %d, %d", round, a.ExternalID, one.Users, one.Identities, err, a.Users, a.Identities)
		}
	}
	counts, err := st.Counts(t.Context())
	if err != nil {
		t.Fatalf("Counts: %v", err)
	}
	if d := diff(want.counts, counts); d != "" {
		t.Errorf("round %d: Counts (-recount +got):\n%s", round, d)
	}
	checkFindingTotals(t, st, round)
	from, to := at(0), at(30*day)
	exp, n, err := st.Expiring(t.Context(), from, to, 5)
	if err != nil {
		t.Fatalf("Expiring: %v", err)
	}
	wantExp := recountExpiring(ids, from, to)
	if d := diff(wantExp[:min(5, len(wantExp))], exp); d != "" || n != len(wantExp) {
		t.Errorf("round %d: Expiring = %d, want %d; first 5 (-recount +got):\n%s", round, n, len(wantExp), d)
	}
	debt, err := st.OwnerDebt(t.Context(), 3)
	if err != nil {
		t.Fatalf("OwnerDebt: %v", err)
	}
	slices.SortStableFunc(want.debt.Identities, func(a, b nhi.Identity) int {
		return cmp.Or(cmp.Compare(a.Platform, b.Platform), cmp.Compare(a.Tenant, b.Tenant), cmp.Compare(a.OwnerID, b.OwnerID))
	})
	want.debt.Identities = want.debt.Identities[:min(3, len(want.debt.Identities))]
	if d := diff(want.debt, debt); d != "" {
		t.Errorf("round %d: OwnerDebt (-recount +got):\n%s", round, d)
	}
}

// appTotal is what ListApps aggregates of one app.
type appTotal struct {
	Users, Identities int
	Scopes            []string
}

// totals is the recount of the aggregates.
type totals struct {
	apps   map[string]appTotal
	counts []store.KindCount
	debt   store.OwnerDebt
}

// recount computes the aggregates from the present identities (in ID order) and people.
func recount(ids []nhi.Identity, people []nhi.Person) totals {
	out := totals{apps: map[string]appTotal{}}
	owners, scopes := map[string]map[string]bool{}, map[string]map[string]bool{}
	kinds := map[store.KindCount]int{}
	status := map[string]nhi.PersonStatus{}
	for _, p := range people {
		status[p.Tenant+"/"+p.ExternalID] = p.Status
	}
	for _, id := range ids {
		kinds[store.KindCount{Platform: id.Platform, Kind: id.Kind}]++
		switch status[id.Tenant+"/"+id.OwnerID] {
		case nhi.PersonSuspended:
			out.debt.Suspended++
			out.debt.Identities = append(out.debt.Identities, id)
		case nhi.PersonDeparted:
			out.debt.Departed++
			out.debt.Identities = append(out.debt.Identities, id)
		}
		if id.AppID == "" {
			continue
		}
		key := nhi.AppKey(id.Platform, id.Tenant, id.AppID)
		if owners[key] == nil {
			owners[key], scopes[key] = map[string]bool{}, map[string]bool{}
		}
		a := out.apps[key]
		a.Identities++
		if id.OwnerID != "" && !owners[key][id.OwnerID] {
			owners[key][id.OwnerID] = true
			a.Users++
		}
		for _, p := range id.Permissions {
			if !scopes[key][p.Scope] {
				scopes[key][p.Scope] = true
				a.Scopes = append(a.Scopes, p.Scope)
				slices.Sort(a.Scopes)
			}
		}
		out.apps[key] = a
	}
	for k, n := range kinds {
		out.counts = append(out.counts, store.KindCount{Platform: k.Platform, Kind: k.Kind, Count: n})
	}
	slices.SortFunc(out.counts, func(a, b store.KindCount) int {
		return cmp.Or(cmp.Compare(a.Platform, b.Platform), cmp.Compare(a.Kind, b.Kind))
	})
	return out
}

// recountExpiring returns the expiries of ids after from and at or before to, in order.
func recountExpiring(ids []nhi.Identity, from, to time.Time) []store.Expiry {
	var out []store.Expiry
	add := func(id nhi.Identity, cred string, t time.Time) {
		if !t.IsZero() && t.After(from) && !t.After(to) {
			out = append(out, store.Expiry{IdentityID: id.ID, Name: id.Name, Platform: id.Platform, Kind: id.Kind,
				CredentialID: cred, ExpiresAt: t.UTC()})
		}
	}
	for _, id := range ids {
		if len(id.Credentials) == 0 {
			add(id, "", id.ExpiresAt)
		}
		for _, c := range id.Credentials {
			add(id, c.ID, c.ExpiresAt)
		}
	}
	slices.SortFunc(out, func(a, b store.Expiry) int {
		return cmp.Or(a.ExpiresAt.Compare(b.ExpiresAt), cmp.Compare(a.IdentityID, b.IdentityID),
			cmp.Compare(a.CredentialID, b.CredentialID))
	})
	return out
}

// checkFindingTotals compares FindingTotals with a recount of the open findings.
func checkFindingTotals(t *testing.T, st store.Store, round int) {
	t.Helper()
	byKey := map[store.FindingTotal]*store.FindingTotal{}
	f := store.FindingFilter{Status: nhi.FindingOpen, Limit: 9}
	for range 1000 {
		page, err := st.ListFindings(t.Context(), f)
		if err != nil {
			t.Fatalf("ListFindings: %v", err)
		}
		for _, x := range page.Items {
			k := store.FindingTotal{Platform: x.Platform, Tenant: x.Tenant, AppID: x.AppID, Severity: x.Severity}
			if byKey[k] == nil {
				v := k
				byKey[k] = &v
			}
			byKey[k].Findings++
			byKey[k].Points += x.Points
		}
		if f.After = page.Next; f.After == "" {
			break
		}
	}
	var want []store.FindingTotal
	for _, v := range byKey {
		want = append(want, *v)
	}
	got, err := st.FindingTotals(t.Context())
	if err != nil {
		t.Fatalf("FindingTotals: %v", err)
	}
	order := func(a, b store.FindingTotal) int {
		return cmp.Or(cmp.Compare(a.Tenant, b.Tenant), cmp.Compare(a.AppID, b.AppID), cmp.Compare(a.Severity, b.Severity))
	}
	slices.SortFunc(want, order)
	slices.SortFunc(got, order)
	if d := diff(want, got); d != "" {
		t.Errorf("round %d: FindingTotals (-recount +got):\n%s", round, d)
	}
}
