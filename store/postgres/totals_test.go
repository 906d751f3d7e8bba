package postgres

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

// aggregateTables are the counts of migration 0008.
var aggregateTables = []string{"kind_totals", "app_totals", "app_owners", "app_scopes", "expiries", "finding_totals"}

// backfill returns the statements that empty the counts of migration 0008 and the
// migration's own backfill, which fills them again from the inventory and the findings.
func backfill(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("migrations/0008_aggregates.sql")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	start := strings.Index(s, "-- The backfill of a database")
	if start < 0 {
		t.Fatal("migration 0008 has no backfill")
	}
	s = s[start:]
	s = s[:strings.Index(s, "\n\n")]
	var out []string
	for _, table := range aggregateTables {
		out = append(out, `DELETE FROM `+table)
	}
	return append(out, s)
}

// aggregates is what the store answers from the counts of migration 0008.
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

// TestAggregatesMigrationBackfill checks that the backfill of migration 0008, run on a
// database with an inventory and findings, fills the counts with what the triggers kept.
func TestAggregatesMigrationBackfill(t *testing.T) {
	t.Parallel()
	st, d := openDB(t)
	scan := begin(t, st)
	var ids []nhi.Identity
	var apps []nhi.App
	var people []nhi.Person
	var findings []nhi.Finding
	for i := range 300 {
		id := grant(i)
		id.AppID = fmt.Sprint("client-", i%7) // some owners hold two grants to one app
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
			people = append(people, nhi.Person{Platform: id.Platform, Tenant: id.Tenant, ExternalID: id.OwnerID, Email: id.OwnerID + "@example.com", Status: status})
		}
		if i%2 == 0 {
			findings = append(findings, nhi.Finding{Signal: "usage.stale", Title: "Unused", Points: i % 17,
				Severity: nhi.Severities()[i%len(nhi.Severities())], SubjectKind: nhi.SubjectIdentity,
				SubjectID: nhi.NewIdentityID(id.Platform, id.Tenant, id.Kind, id.ExternalID), Platform: id.Platform,
				Tenant: id.Tenant, AppID: id.AppID})
		}
	}
	for _, put := range []error{st.PutApps(t.Context(), scan, time.Now(), apps), st.PutPeople(t.Context(), scan, time.Now(), people),
		st.PutIdentities(t.Context(), scan, time.Now(), ids), st.PutFindings(t.Context(), scan, time.Now(), findings)} {
		if put != nil {
			t.Fatal(put)
		}
	}
	want := readAggregates(t, st)
	if len(want.Apps) != 7 || want.Apps[0].Users >= want.Apps[0].Identities || want.Total == 0 || want.Debt.Departed == 0 || len(want.Findings) == 0 {
		t.Fatalf("the fixture has too little to compare: %+v", want)
	}
	db := raw(t, d)
	for _, q := range backfill(t) {
		if _, err := db.Exec(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if d := cmp.Diff(want, readAggregates(t, st)); d != "" {
		t.Errorf("after the backfill (-triggers +backfill):\n%s", d)
	}
}
