package risk

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
)

const goodPack = `version: 3
generated: "2026-01-02"
incidents:
  - id: one
    vendor: Acme
    kind: malicious
    title: "Acme phishing app"
    date: "2025-05-06"
    sources: [https://example.com/report]
    apps:
      - {platform: microsoft_entra, app_id: "0a1b2c3d-0000-4000-8000-000000000001", app: "Acme Sync"}
      - {platform: google_workspace, app_id: "123-abc.apps.googleusercontent.com", app: "Acme", source: "https://example.org/ioc"}
  - id: two
    vendor: Beta
    kind: breached
    title: "Beta breach"
    date: "2025-07-08"
    sources: [https://example.com/beta]
    note: "no ID was published"
`

func TestParseIntelReadsAGoodPack(t *testing.T) {
	t.Parallel()
	in, err := ParseIntel("good.yaml", []byte(goodPack))
	if err != nil {
		t.Fatal(err)
	}
	if in.Version() != 3 || in.Generated() != "2026-01-02" || in.Len() != 2 {
		t.Fatalf("version %d generated %q len %d", in.Version(), in.Generated(), in.Len())
	}
	got, ok := in.Match(nhi.PlatformGoogleWorkspace, "123-abc.apps.googleusercontent.com")
	want := IntelEntry{Platform: nhi.PlatformGoogleWorkspace, AppID: "123-abc.apps.googleusercontent.com",
		Vendor: "Acme", App: "Acme", Kind: IntelMalicious, Incident: "Acme phishing app", Date: "2025-05-06",
		Source: "https://example.org/ioc"}
	if diff := cmp.Diff(want, got); !ok || diff != "" {
		t.Errorf("Match ok=%v (-want +got):\n%s", ok, diff)
	}
	if e, _ := in.Match("microsoft_entra", "0a1b2c3d-0000-4000-8000-000000000001"); e.Source != "https://example.com/report" {
		t.Errorf("an app without a source takes the incident's first: got %q", e.Source)
	}
	incs := in.Incidents()
	if len(incs) != 2 || incs[1].ID != "two" || len(incs[1].Apps) != 0 || incs[1].Note == "" {
		t.Errorf("incidents = %+v", incs)
	}
}

func TestParseIntelReportsProblemsWithLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(string) string
		want []string
	}{
		{"not YAML", func(string) string { return "version: [" }, []string{"x.yaml: not valid YAML"}},
		{"empty", func(string) string { return "" }, []string{"x.yaml:1: want a mapping"}},
		{"a list", func(string) string { return "- a\n" }, []string{"x.yaml:1: want a mapping"}},
		{"bad version", rep("version: 3", "version: three"), []string{`x.yaml:1: version: want a positive integer, got "three"`}},
		{"zero version", rep("version: 3", "version: 0"), []string{"x.yaml:1: version: want a positive integer"}},
		{"missing version", rep("version: 3\n", ""), []string{"x.yaml:1: version: missing"}},
		{"bad date", rep(`generated: "2026-01-02"`, `generated: "Jan 2"`), []string{`x.yaml:2: generated: "Jan 2" is not a date`}},
		{"unknown key", rep("version: 3", "version: 3\ncolour: red"), []string{"x.yaml:2: colour: unknown key"}},
		{"duplicate key", rep("    vendor: Acme", "    vendor: Acme\n    vendor: Again"), []string{"x.yaml:6: vendor: duplicate key (first on line 5)"}},
		{"no incidents", rep("incidents:", "incidents: none\nx:"), []string{"incidents: want a list"}},
		{"bad kind", rep("kind: malicious", "kind: evil"), []string{`x.yaml:6: incidents[0].kind: unknown kind "evil"`}},
		{"missing vendor", rep("    vendor: Acme\n", ""), []string{"x.yaml:4: incidents[0].vendor: missing"}},
		{"empty title", rep(`title: "Acme phishing app"`, `title: ""`), []string{"x.yaml:7: incidents[0].title: empty"}},
		{"bad incident id", rep("id: one", "id: One Two"), []string{`x.yaml:4: incidents[0].id: "One Two" is not lowercase`}},
		{"duplicate incident id", rep("id: two", "id: one"), []string{`x.yaml:13: incidents[1].id: duplicate incident "one" (first on line 4)`}},
		{"no sources", rep("    sources: [https://example.com/report]\n", ""), []string{"x.yaml:4: incidents[0].sources: want a list of at least one https URL"}},
		{"http source", rep("https://example.com/report", "http://example.com/report"), []string{`x.yaml:9: incidents[0].sources: "http://example.com/report" is not an https URL`}},
		{"bad app source", rep("https://example.org/ioc", "ftp://x"), []string{"x.yaml:12: incidents[0].apps[1].source: want an https URL"}},
		{"no note without apps", rep(`    note: "no ID was published"`+"\n", ""), []string{"x.yaml:13: incidents[1]: an incident without apps needs a note"}},
		{"uppercase Entra ID", rep("0a1b2c3d-0000", "0A1B2C3D-0000"), []string{`x.yaml:11: incidents[0].apps[0].app_id: "0A1B2C3D-0000-4000-8000-000000000001" is not an Entra appId`}},
		{"bad Google ID", rep("123-abc.apps.googleusercontent.com", "abc.example.com"), []string{`x.yaml:12: incidents[0].apps[1].app_id: "abc.example.com" is not a Google OAuth client ID`}},
		{"space in ID", rep(`platform: google_workspace, app_id: "123-abc.apps.googleusercontent.com"`, `platform: slack, app_id: "A1 B2"`), []string{"x.yaml:12: incidents[0].apps[1].app_id: an app ID is at most 256 printable characters"}},
		{"bad platform", rep("platform: google_workspace", "platform: Google"), []string{`x.yaml:12: incidents[0].apps[1].app_id: platform "Google" is not a platform name`}},
		{"app not a mapping", rep(`      - {platform: microsoft_entra, app_id: "0a1b2c3d-0000-4000-8000-000000000001", app: "Acme Sync"}`, "      - just text"), []string{"x.yaml:11: incidents[0].apps[0]: want a mapping"}},
		{"apps not a list", rep("    note:", "    apps: 3\n    note:"), []string{"x.yaml:19: incidents[1].apps: want a list"}},
		{"missing app name", rep(`, app: "Acme Sync"`, ""), []string{"x.yaml:11: incidents[0].apps[0].app: missing"}},
		{"duplicate app", rep(`platform: google_workspace, app_id: "123-abc.apps.googleusercontent.com"`, `platform: microsoft_entra, app_id: "0a1b2c3d-0000-4000-8000-000000000001"`),
			[]string{"x.yaml:12: incidents[0].apps[1].app_id: duplicate app microsoft_entra/0a1b2c3d-0000-4000-8000-000000000001 (first on line 11)"}},
		{"a list where a value belongs", rep(`title: "Acme phishing app"`, "title: [a, b]"), []string{"x.yaml:7: incidents[0].title: want a single value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in, err := ParseIntel("x.yaml", []byte(tt.edit(goodPack)))
			if err == nil {
				t.Fatalf("no error; pack has %d apps", in.Len())
			}
			if nhi.ErrorCode(err) != nhi.CodeInvalid {
				t.Errorf("code %q, want invalid", nhi.ErrorCode(err))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestParseIntelReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	bad := rep("version: 3", "version: -1")(goodPack)
	bad = rep("kind: breached", "kind: meh")(bad)
	bad = rep(`"123-abc.apps.googleusercontent.com"`, `"0a1b2c3d-0000-4000-8000-000000000001"`)(bad)
	bad = rep("platform: google_workspace", "platform: microsoft_entra")(bad)
	_, err := ParseIntel("x.yaml", []byte(bad))
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{"x.yaml: 3 problem(s) in the threat intelligence pack", "  x.yaml:1: ", "  x.yaml:12: ", "  x.yaml:15: "}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
		}
	}
}

// rep returns an edit that replaces the first old with new and panics if old is absent,
// so that a test cannot silently test the good pack.
func rep(old, new string) func(string) string {
	return func(s string) string {
		if !strings.Contains(s, old) {
			panic("rep: " + old + " not in the pack")
		}
		return strings.Replace(s, old, new, 1)
	}
}

func FuzzParseIntel(f *testing.F) {
	f.Add([]byte(goodPack))
	f.Add(defaultPack)
	f.Add([]byte("version: 1\ngenerated: 2026-01-01\nincidents: []\n"))
	f.Add([]byte("incidents:\n  - apps:\n      - {platform: x, app_id: y}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ParseIntel("fuzz.yaml", data)
		if err != nil {
			if nhi.ErrorCode(err) != nhi.CodeInvalid {
				t.Fatalf("error code %q: %v", nhi.ErrorCode(err), err)
			}
			return
		}
		for _, e := range in.Entries() {
			got, ok := in.Match(e.Platform, e.AppID)
			if !ok || got != e {
				t.Fatalf("entry %+v does not match itself", e)
			}
		}
	})
}
