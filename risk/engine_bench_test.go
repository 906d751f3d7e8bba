package risk

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
)

// benchMix returns n identity inputs in a realistic mix: six scopes each (two sign-in
// scopes, four drawn from the Google catalogue, mostly low or medium, one in fifty
// unknown), owners mostly active and recently signed in with a few suspended, departed,
// unknown or admin, usage spread over ten months, a few anonymous or native apps.
func benchMix(b *testing.B, cat *Catalogue, n int) []IdentityInput {
	b.Helper()
	var google, narrow []string
	for _, p := range cat.All() {
		if p.Platform == nhi.PlatformGoogleWorkspace {
			google = append(google, p.Scope)
			if p.Tier <= TierMedium {
				narrow = append(narrow, p.Scope)
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	people := make([]nhi.Person, 1000)
	for i := range people {
		status := nhi.PersonActive
		switch x := r.IntN(100); {
		case x < 4:
			status = nhi.PersonSuspended
		case x < 8:
			status = nhi.PersonDeparted
		case x < 9:
			status = nhi.PersonUnknown
		}
		people[i] = nhi.Person{ExternalID: "u" + strconv.Itoa(i), Email: "user" + strconv.Itoa(i) + "@example.com",
			Status: status, IsAdmin: r.IntN(100) < 3, LastLogin: now.Add(-time.Duration(r.IntN(30)) * day)}
		if r.IntN(100) < 8 {
			people[i].LastLogin = now.Add(-time.Duration(30+r.IntN(300)) * day)
		}
	}
	apps := make([]nhi.App, 200)
	for i := range apps {
		apps[i] = nhi.App{Platform: nhi.PlatformGoogleWorkspace, ExternalID: "app" + strconv.Itoa(i),
			Name: "App " + strconv.Itoa(i), Anonymous: r.IntN(50) == 0, Native: r.IntN(20) == 0}
	}
	out := make([]IdentityInput, n)
	for i := range out {
		person, app := &people[r.IntN(len(people))], &apps[r.IntN(len(apps))]
		id := nhi.Identity{Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01", Kind: nhi.KindOAuthGrant,
			ExternalID: person.ExternalID + "/" + app.ExternalID, AppID: app.ExternalID, OwnerID: person.ExternalID,
			Attributes: map[string]string{"anonymous": strconv.FormatBool(app.Anonymous), "native_app": strconv.FormatBool(app.Native)}}
		id.Permissions = append(id.Permissions, nhi.Permission{Scope: "openid"},
			nhi.Permission{Scope: "https://www.googleapis.com/auth/userinfo.email"})
		for range 4 {
			s := narrow[r.IntN(len(narrow))]
			if r.IntN(4) == 0 {
				s = google[r.IntN(len(google))]
			}
			if r.IntN(50) == 0 {
				s = "https://www.googleapis.com/auth/unknown" + strconv.Itoa(r.IntN(5))
			}
			id.Permissions = append(id.Permissions, nhi.Permission{Scope: s})
		}
		if r.IntN(10) > 0 {
			id.LastUsedAt = now.Add(-time.Duration(r.IntN(300)) * day)
		}
		if r.IntN(20) > 0 {
			id.CreatedAt = now.Add(-time.Duration(300+r.IntN(400)) * day)
		}
		out[i] = IdentityInput{Identity: id, Owner: person, App: app, Now: now}
	}
	return out
}

func benchEngine(b *testing.B) (*Engine, []IdentityInput) {
	b.Helper()
	cat, err := DefaultCatalogue()
	if err != nil {
		b.Fatal(err)
	}
	e, err := NewEngine(cat, nil, Options{})
	if err != nil {
		b.Fatal(err)
	}
	return e, benchMix(b, cat, 1<<14)
}

// reportRate reports the time per identity and identities per second.
func reportRate(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/identity")
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "identities/s")
}

// BenchmarkScoreIdentities scores identities of a realistic mix, one after another.
// `go test ./risk -run '^$' -bench ScoreIdentities -benchtime 1000000x` scores a million.
func BenchmarkScoreIdentities(b *testing.B) {
	e, mix := benchEngine(b)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		e.ScoreIdentity(&mix[n%len(mix)])
		n++
	}
	reportRate(b, n)
}

// BenchmarkScoreIdentitiesFindings scores identities and turns the scores into findings,
// as a scan's evaluation does.
func BenchmarkScoreIdentitiesFindings(b *testing.B) {
	e, mix := benchEngine(b)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		in := &mix[n%len(mix)]
		id := &in.Identity
		e.ScoreIdentity(in).Findings(nhi.SubjectIdentity, id.ExternalID, id.Platform, id.Tenant, id.AppID, id.OwnerID)
		n++
	}
	reportRate(b, n)
}

// BenchmarkScoreIdentitiesParallel scores identities on every core.
func BenchmarkScoreIdentitiesParallel(b *testing.B) {
	e, mix := benchEngine(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		n := 0
		for pb.Next() {
			e.ScoreIdentity(&mix[n%len(mix)])
			n++
		}
	})
	reportRate(b, b.N)
}

// BenchmarkScoreIdentitiesNoHit scores an identity no signal hits: the path that must
// not allocate beyond the evaluation itself.
func BenchmarkScoreIdentitiesNoHit(b *testing.B) {
	e, _ := benchEngine(b)
	in := exGrant(scopes("openid", "email", "profile", exCalendar, "https://www.googleapis.com/auth/tasks",
		"https://www.googleapis.com/auth/contacts"))
	b.ReportAllocs()
	for b.Loop() {
		e.ScoreIdentity(in)
	}
}
