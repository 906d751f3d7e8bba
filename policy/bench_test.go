package policy

import (
	"fmt"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
)

// benchInputs returns a mix of grants: most narrow and in use, some idle with critical
// scopes, some of suspended owners, some with findings.
func benchInputs(n int) []Input {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	out := make([]Input, n)
	for i := range out {
		app := fmt.Sprintf("%d-app.apps.googleusercontent.com", i%50)
		id := nhi.Identity{ID: fmt.Sprintf("gws_%d", i), Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01",
			Kind: nhi.KindOAuthGrant, ExternalID: fmt.Sprintf("u%d/%s", i, app), Name: "App", AppID: app,
			OwnerID: fmt.Sprintf("u%d", i), CreatedAt: now.AddDate(0, 0, -400), LastUsedAt: now.AddDate(0, 0, -(i % 200)),
			Permissions: []nhi.Permission{{Scope: "openid"}, {Scope: "email"}, {Scope: "https://www.googleapis.com/auth/calendar"}},
			Attributes:  map[string]string{"anonymous": "false", "native_app": "false", "deceptive_name": "false"}}
		if i%7 == 0 {
			id.Permissions = append(id.Permissions, nhi.Permission{Scope: "https://mail.google.com/"})
		}
		in := Input{Identity: id, Now: now,
			App:   nhi.App{Platform: id.Platform, Tenant: id.Tenant, ExternalID: app, Name: "App", Users: 10, Identities: 10},
			Owner: nhi.Person{Platform: id.Platform, Tenant: id.Tenant, ExternalID: id.OwnerID, Status: nhi.PersonActive}}
		if i%11 == 0 {
			in.Owner.Status = nhi.PersonSuspended
		}
		if i%5 == 0 {
			in.Findings = []nhi.Finding{{Signal: "usage.stale", Severity: nhi.SeverityMedium, OWASP: []string{"NHI1:2025"}}}
		}
		out[i] = in
	}
	return out
}

// BenchmarkEvaluatePack evaluates the built-in pack on one identity per operation.
func BenchmarkEvaluatePack(b *testing.B) {
	s := compilePack(b)
	ins := benchInputs(1000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := s.Evaluate(ins[i%len(ins)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluatePackParallel is BenchmarkEvaluatePack on every CPU, as a scan would run it.
func BenchmarkEvaluatePackParallel(b *testing.B) {
	s := compilePack(b)
	ins := benchInputs(1000)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := s.Evaluate(ins[i%len(ins)]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkCompilePack compiles the built-in pack.
func BenchmarkCompilePack(b *testing.B) {
	for b.Loop() {
		compilePack(b)
	}
}
