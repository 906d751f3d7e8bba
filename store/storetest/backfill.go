package storetest

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// CheckBackfill checks a migration that adds counts kept by triggers (the dashboard's
// totals): it writes an inventory and findings into st, reads what the store answers from
// the counts its triggers kept, empties tables and runs the migration's backfill (the
// statement after "-- The backfill of a database" in the file migration) through exec,
// and requires the store to answer the same again.
func CheckBackfill(t *testing.T, st store.Store, migration string, tables []string, exec func(q string) error) {
	t.Helper()
	fillForBackfill(t, st)
	want := readAggregates(t, st)
	if len(want.Apps) != 7 || want.Apps[0].Users >= want.Apps[0].Identities || want.Total == 0 || want.Debt.Departed == 0 || len(want.Findings) == 0 {
		t.Fatalf("the fixture has too little to compare: %+v", want)
	}
	b, err := os.ReadFile(migration)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	start := strings.Index(s, "-- The backfill of a database")
	if start < 0 {
		t.Fatalf("%s has no backfill", migration)
	}
	s = s[start:]
	s = s[:strings.Index(s, "\n\n")]
	var stmts []string
	for _, table := range tables {
		stmts = append(stmts, `DELETE FROM `+table)
	}
	for _, q := range append(stmts, s) {
		if err := exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if d := cmp.Diff(want, readAggregates(t, st)); d != "" {
		t.Errorf("after the backfill (-triggers +backfill):\n%s", d)
	}
}

// fillForBackfill writes 300 grants to 7 apps (some owners hold two grants to one app),
// a third with an expiring key, people of every status and findings of every severity.
func fillForBackfill(t *testing.T, st store.Store) {
	t.Helper()
	scan, err := st.BeginScan(t.Context(), nhi.Scan{Connector: "backfill", Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []nhi.Identity
	var apps []nhi.App
	var people []nhi.Person
	var findings []nhi.Finding
	for i := range 300 {
		u := i / 10
		id := nhi.Identity{Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01", Kind: nhi.KindOAuthGrant,
			ExternalID: fmt.Sprintf("user-%d:client-%d", u, i), Name: fmt.Sprintf("App %d", i%7),
			AppID: fmt.Sprint("client-", i%7), OwnerID: fmt.Sprintf("user-%d", u), Scope: fmt.Sprintf("user:user-%d", u),
			Permissions: []nhi.Permission{{Scope: "openid"}, {Scope: fmt.Sprintf("scope-%d", i%5)}},
			LastUsedAt:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)}
		if i%3 == 0 {
			id.Credentials = append(id.Credentials, nhi.Credential{ID: "k", Type: "key",
				ExpiresAt: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)})
		}
		ids = append(ids, id)
		if i < 7 {
			apps = append(apps, nhi.App{Platform: id.Platform, Tenant: id.Tenant, ExternalID: id.AppID, Name: id.Name})
		}
		if i%10 == 0 {
			status := []nhi.PersonStatus{nhi.PersonActive, nhi.PersonSuspended, nhi.PersonDeparted}[i/10%3]
			people = append(people, nhi.Person{Platform: id.Platform, Tenant: id.Tenant, ExternalID: id.OwnerID,
				Email: id.OwnerID + "@example.com", Status: status})
		}
		if i%2 == 0 {
			findings = append(findings, nhi.Finding{Signal: "usage.stale", Title: "Unused", Points: i % 17,
				Severity: nhi.Severities()[i%len(nhi.Severities())], SubjectKind: nhi.SubjectIdentity,
				SubjectID: nhi.NewIdentityID(id.Platform, id.Tenant, id.Kind, id.ExternalID), Platform: id.Platform,
				Tenant: id.Tenant, AppID: id.AppID})
		}
	}
	for _, put := range []error{st.PutApps(t.Context(), scan.ID, time.Now(), apps), st.PutPeople(t.Context(), scan.ID, time.Now(), people),
		st.PutIdentities(t.Context(), scan.ID, time.Now(), ids), st.PutFindings(t.Context(), scan.ID, time.Now(), findings)} {
		if put != nil {
			t.Fatal(put)
		}
	}
}

// aggregates is what a store answers from the counts it keeps.
type aggregates struct {
	Apps     []nhi.App
	Counts   []store.KindCount
	Findings []store.FindingTotal
	Expiring []store.Expiry
	Total    int
	Debt     store.OwnerDebt
}

// readAggregates reads the aggregates of st.
func readAggregates(t *testing.T, st store.Store) aggregates {
	t.Helper()
	var a aggregates
	apps, err := st.ListApps(t.Context(), store.AppFilter{Sort: store.AppsByName, Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	a.Apps = apps.Items
	if a.Counts, err = st.Counts(t.Context()); err != nil {
		t.Fatal(err)
	}
	if a.Findings, err = st.FindingTotals(t.Context()); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(a.Findings, func(x, y store.FindingTotal) int {
		return strings.Compare(x.AppID+"/"+string(x.Severity), y.AppID+"/"+string(y.Severity))
	})
	from := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if a.Expiring, a.Total, err = st.Expiring(t.Context(), from, from.AddDate(100, 0, 0), 1000); err != nil {
		t.Fatal(err)
	}
	if a.Debt, err = st.OwnerDebt(t.Context(), 1000); err != nil {
		t.Fatal(err)
	}
	return a
}
