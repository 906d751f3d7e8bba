package risk

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
)

const contextAI = "110671459871-30f1spbu0hptbs60cb4vsmv79i7bbvqj.apps.googleusercontent.com"

func TestDefaultIntelMatchesByPlatformAndID(t *testing.T) {
	t.Parallel()
	in, err := DefaultIntel()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		platform nhi.Platform
		id       string
		want     IntelEntry
		ok       bool
	}{
		{"breached Google client", nhi.PlatformGoogleWorkspace, contextAI, IntelEntry{
			Platform: nhi.PlatformGoogleWorkspace, AppID: contextAI, Vendor: "Context.ai", App: "Context.ai AI Office Suite",
			Kind: IntelBreached, Incident: "Context.ai AI Office Suite OAuth token theft (Vercel incident)", Date: "2026-04-19",
			Source: "https://vercel.com/kb/bulletin/vercel-april-2026-security-incident"}, true},
		{"abused Entra app", "microsoft_entra", "ff8d92dc-3d82-41d6-bcbd-b9174d163620", IntelEntry{
			Platform: "microsoft_entra", AppID: "ff8d92dc-3d82-41d6-bcbd-b9174d163620", Vendor: "PERFECTDATA SOFTWARE",
			App: "PerfectData Software", Kind: IntelAbused,
			Incident: "PerfectData Software (renamed Mail_Backup) used to export taken-over mailboxes", Date: "2024-08-14",
			Source: "https://huntresslabs.github.io/rogueapps/"}, true},
		{"Google client ID is exact", nhi.PlatformGoogleWorkspace, strings.TrimSuffix(contextAI, ".apps.googleusercontent.com"), IntelEntry{}, false},
		{"IDs are case-sensitive", "microsoft_entra", "FF8D92DC-3D82-41D6-BCBD-B9174D163620", IntelEntry{}, false},
		{"an ID matches only on its platform", "microsoft_entra", contextAI, IntelEntry{}, false},
		{"unknown app", nhi.PlatformGoogleWorkspace, "1-abc.apps.googleusercontent.com", IntelEntry{}, false},
		{"empty ID", nhi.PlatformGoogleWorkspace, "", IntelEntry{}, false},
	}
	for _, tt := range tests {
		got, ok := in.Match(tt.platform, tt.id)
		if ok != tt.ok {
			t.Errorf("%s: Match ok = %v, want %v", tt.name, ok, tt.ok)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: Match (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestDefaultIntelIsComplete(t *testing.T) {
	t.Parallel()
	in, err := DefaultIntel()
	if err != nil {
		t.Fatal(err)
	}
	if in.Version() < 1 || in.Generated() == "" {
		t.Errorf("version %d, generated %q", in.Version(), in.Generated())
	}
	entries := in.Entries()
	if len(entries) != in.Len() || in.Len() < 8 {
		t.Fatalf("%d entries, Len %d; want the same, at least 8", len(entries), in.Len())
	}
	if !slices.IsSortedFunc(entries, func(a, b IntelEntry) int {
		return strings.Compare(string(a.Platform)+a.Vendor+a.AppID, string(b.Platform)+b.Vendor+b.AppID)
	}) {
		t.Error("Entries are not sorted by platform, vendor and app ID")
	}
	for _, e := range entries {
		if e.Vendor == "" || e.App == "" || !e.Kind.valid() || e.Date == "" || !isHTTPS(e.Source) {
			t.Errorf("incomplete entry %+v", e)
		}
	}
	ids := map[string]bool{}
	for _, inc := range in.Incidents() {
		ids[inc.ID] = true
		if len(inc.Apps) == 0 && inc.Note == "" {
			t.Errorf("incident %s names no app and says not why", inc.ID)
		}
	}
	for _, want := range []string{"salesloft-drift-2025", "gainsight-2025", "context-ai-2026"} {
		if !ids[want] {
			t.Errorf("the pack lacks incident %s", want)
		}
	}
}

func TestIntelIncidentsAreCopies(t *testing.T) {
	t.Parallel()
	in, err := DefaultIntel()
	if err != nil {
		t.Fatal(err)
	}
	first := in.Incidents()
	first[0].Sources[0] = "changed"
	first[2].Apps[0].AppID = "changed"
	again := in.Incidents()
	if again[0].Sources[0] == "changed" || again[2].Apps[0].AppID == "changed" {
		t.Error("Incidents shares its slices with the pack")
	}
	if _, ok := in.Match(nhi.PlatformGoogleWorkspace, contextAI); !ok {
		t.Error("changing a copy changed the pack")
	}
}

func TestNilIntelMatchesNothing(t *testing.T) {
	t.Parallel()
	var in *Intel
	if e, ok := in.Match(nhi.PlatformGoogleWorkspace, contextAI); ok || e != (IntelEntry{}) {
		t.Errorf("nil Intel matched %+v", e)
	}
}

func BenchmarkIntelMatch(b *testing.B) {
	in, err := DefaultIntel()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		in.Match(nhi.PlatformGoogleWorkspace, contextAI)
	}
}
