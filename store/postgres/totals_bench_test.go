package postgres

import (
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// BenchmarkTotalsAtOneMillion measures the reads of the console's dashboard and apps list
// over 1,000,000 identities (those of BenchmarkPutIdentities: 500 apps, 100,000 owners of
// whom one in 20 departed) and 250,000 open findings. Filling the store takes a few
// minutes:
//
//	NHI_REQUIRE_POSTGRES=1 go test ./store/postgres -run '^$' -bench TotalsAtOneMillion -benchtime 20x -timeout 30m
func BenchmarkTotalsAtOneMillion(b *testing.B) {
	if testing.Short() {
		b.Skip("filling 1,000,000 identities takes minutes")
	}
	const n = 1_000_000
	st := seed(b, n)
	scan := begin(b, st)
	var apps []nhi.App
	for a := range 500 {
		g := grant(a)
		apps = append(apps, nhi.App{Platform: g.Platform, Tenant: g.Tenant, ExternalID: g.AppID, Name: g.Name})
	}
	if err := st.PutApps(b.Context(), scan, time.Now(), apps); err != nil {
		b.Fatal(err)
	}
	var people []nhi.Person
	var findings []nhi.Finding
	for i := 0; i < n; i++ {
		g := grant(i)
		if i%10 == 0 {
			status := nhi.PersonActive
			if i%200 == 0 {
				status = nhi.PersonDeparted
			}
			people = append(people, nhi.Person{Platform: g.Platform, Tenant: g.Tenant, ExternalID: g.OwnerID,
				Email: g.OwnerID + "@example.com", Status: status})
		}
		if i%4 == 0 {
			id := nhi.NewIdentityID(g.Platform, g.Tenant, g.Kind, g.ExternalID)
			findings = append(findings, nhi.Finding{Signal: "usage.stale", Title: "Unused", Points: 10,
				Severity:    nhi.Severities()[i/4%len(nhi.Severities())],
				SubjectKind: nhi.SubjectIdentity, SubjectID: id, Platform: g.Platform, Tenant: g.Tenant, AppID: g.AppID})
		}
		if len(findings) == 10000 || i == n-1 {
			if err := st.PutPeople(b.Context(), scan, time.Now(), people); err != nil {
				b.Fatal(err)
			}
			if err := st.PutFindings(b.Context(), scan, time.Now(), findings); err != nil {
				b.Fatal(err)
			}
			people, findings = people[:0], findings[:0]
		}
	}
	if _, err := st.pool.Exec(b.Context(), `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	reads := map[string]func() (int, error){
		"apps/users": func() (int, error) {
			p, err := st.ListApps(b.Context(), store.AppFilter{Limit: 50})
			return len(p.Items), err
		},
		"apps/all_by_name": func() (int, error) {
			p, err := st.ListApps(b.Context(), store.AppFilter{Sort: store.AppsByName, Limit: store.MaxLimit})
			return len(p.Items), err
		},
		"counts": func() (int, error) {
			c, err := st.Counts(b.Context())
			return len(c), err
		},
		"finding_totals": func() (int, error) {
			t, err := st.FindingTotals(b.Context())
			return len(t), err
		},
		"expiring": func() (int, error) {
			_, total, err := st.Expiring(b.Context(), now, now.Add(30*24*time.Hour), 20)
			return total + 1, err
		},
		"owner_debt": func() (int, error) {
			d, err := st.OwnerDebt(b.Context(), 20)
			return d.Departed, err
		},
	}
	for name, read := range reads {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if got, err := read(); err != nil || got == 0 {
					b.Fatalf("%s: %d, %v", name, got, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
		})
	}
}
