package connectortest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

func TestRecorderConcurrent(t *testing.T) {
	t.Parallel()
	var events atomic.Int64
	sentinel := errors.New("full")
	r := &Recorder{OnEvent: func(string) { events.Add(1) }, IdentityErr: sentinel}
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			_ = r.Person(ctx, nhi.Person{ExternalID: "p"})
			_ = r.App(ctx, nhi.App{ExternalID: "a"})
			if err := r.Identity(ctx, nhi.Identity{ExternalID: string(rune('a' + i))}); !errors.Is(err, sentinel) {
				t.Errorf("Identity() = %v, want IdentityErr", err)
			}
			_ = r.ScopeComplete(ctx, "user:1")
			r.Fail(ctx, connector.Failure{Scope: "user:2"})
			r.Progress(connector.Progress{Kind: connector.ProgressThrottled})
			r.Progress(connector.Progress{Kind: connector.ProgressRequest})
		})
	}
	wg.Wait()
	got := []int{len(r.People()), len(r.Apps()), len(r.Identities()), len(r.Completed()), len(r.Failures()),
		len(r.ProgressEvents()), r.Count(connector.ProgressThrottled), int(events.Load())}
	if diff := cmp.Diff([]int{8, 8, 8, 8, 8, 16, 8, 56}, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	if !r.IsComplete("user:1") || r.IsComplete("user:2") {
		t.Errorf("IsComplete: user:1 %v, user:2 %v; want true, false", r.IsComplete("user:1"), r.IsComplete("user:2"))
	}
}

func TestApply(t *testing.T) {
	t.Parallel()
	id := func(ext, scope, name string) nhi.Identity {
		return nhi.Identity{ExternalID: ext, Scope: scope, Name: name}
	}
	base := []nhi.Identity{id("a", "s1", "a"), id("b", "s1", "b"), id("c", "s2", "c"), id("d", "s3", "d")}
	scan := NewRecorder()
	ctx := context.Background()
	_ = scan.Identity(ctx, id("a", "s1", "a2"))   // updated
	_ = scan.Identity(ctx, id("e", "s2", "e"))    // added in a completed scope
	_ = scan.Identity(ctx, id("f", "s4", "f"))    // added in an incomplete scope
	_ = scan.ScopeComplete(ctx, "s1")             // b is gone
	_ = scan.ScopeComplete(ctx, "s2")             // c is gone
	want := []string{"a:a2", "d:d", "e:e", "f:f"} // s3 untouched: d stays
	var got []string
	for _, x := range sortedByExt(apply(base, scan)) {
		got = append(got, x.ExternalID+":"+x.Name)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("apply (-want +got):\n%s", diff)
	}
}

// sortedByExt sorts identities by external ID.
func sortedByExt(ids []nhi.Identity) []nhi.Identity {
	m := byExternalID(ids)
	out := make([]nhi.Identity, 0, len(m))
	for _, ti := range normalTruth(project(ids)) {
		out = append(out, m[ti.ExternalID])
	}
	return out
}

func TestProjectNormalizes(t *testing.T) {
	t.Parallel()
	ids := []nhi.Identity{
		{ExternalID: "b", Kind: nhi.KindOAuthGrant, OwnerID: "o", AppID: "x",
			Permissions: []nhi.Permission{{Scope: "z"}, {Scope: "a"}}},
		{ExternalID: "a", Kind: nhi.KindAPIKey},
	}
	want := []TruthIdentity{
		{ExternalID: "a", Kind: nhi.KindAPIKey},
		{ExternalID: "b", Kind: nhi.KindOAuthGrant, OwnerID: "o", AppID: "x", Scopes: []string{"a", "z"}},
	}
	if diff := cmp.Diff(want, project(ids)); diff != "" {
		t.Errorf("project (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, normalTruth([]TruthIdentity{want[1], want[0]})); diff != "" {
		t.Errorf("normalTruth (-want +got):\n%s", diff)
	}
}

func TestLeaks(t *testing.T) {
	t.Parallel()
	secrets := []string{"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", ""}
	if got := leaks("nothing to see", secrets); len(got) != 0 {
		t.Errorf("leaks in clean text: %q", got)
	}
	got := leaks("key=MIIEvQIBADANBgkqhkiG9w0BAQEFAASC!", secrets)
	if len(got) != 1 || len(got[0]) > 15 {
		t.Errorf("leaks = %q, want one shortened secret", got)
	}
	tests := []struct {
		text string
		want int
	}{
		{"GET /users with Authorization: Bearer ya29.a0AfH6SMBx", 1},
		{"bearer abcdefgh12345678 and Bearer zyxwvuts98765432", 2},
		{"a bearer token was refused", 0},
		{"Bearer short", 0},
	}
	for _, tt := range tests {
		if got := leaks(tt.text, nil, bearerPattern); len(got) != tt.want {
			t.Errorf("leaks(%q) = %q, want %d matches", tt.text, got, tt.want)
		}
	}
}
