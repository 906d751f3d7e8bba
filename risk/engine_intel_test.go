package risk

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tinyPack is a threat intelligence pack of two apps, in the embedded format.
const tinyPack = `version: 1
generated: "2026-01-01"
incidents:
  - id: test-malicious
    vendor: Nobody
    kind: malicious
    title: "Test consent phishing app"
    date: "2025-01-02"
    sources: ["https://example.com/malicious"]
    apps:
      - {platform: google_workspace, app_id: "` + exAppID + `", app: "Acme Notes"}
  - id: test-breached
    vendor: Vendorco
    kind: breached
    title: "Test vendor token theft"
    date: "2025-08-08"
    sources: ["https://example.com/breach"]
    apps:
      - {platform: google_workspace, app_id: "5678-breached.apps.googleusercontent.com", app: "Vendor Sync"}
`

func TestEngineMatchesIntelByID(t *testing.T) {
	t.Parallel()
	intel, err := ParseIntel("tiny.yaml", []byte(tinyPack))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(cat, intel, Options{})
	if err != nil {
		t.Fatal(err)
	}
	breached := "5678-breached.apps.googleusercontent.com"
	tests := []struct {
		name string
		in   *AppInput
		want []string
	}{
		{"malicious by ID", exApp(), []string{"app.known_malicious"}},
		{"breached by ID", exApp(func(in *AppInput) { in.App.ExternalID = breached }), []string{"app.breached_vendor"}},
		{"same name, other ID", exApp(func(in *AppInput) { in.App.ExternalID = "other" }), nil},
	}
	for _, tt := range tests {
		var got []string
		for _, c := range e.ScoreApp(tt.in).Contributions {
			got = append(got, c.Signal)
		}
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("%s: signals (-want +got):\n%s", tt.name, d)
		}
	}
	s := e.ScoreIdentity(exGrant())
	if len(s.Contributions) != 1 || s.Contributions[0].Signal != "grant.known_bad_app" ||
		!strings.Contains(strings.Join(s.Contributions[0].Evidence, "\n"), "Test consent phishing app") {
		t.Errorf("grant to the malicious app scored %+v", s)
	}
}
