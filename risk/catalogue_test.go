package risk

import (
	"testing"
	"testing/fstest"

	"github.com/nhiscope/nhi"
)

func TestDefaultCatalogueLooksUpKnownAndUnknown(t *testing.T) {
	t.Parallel()
	c, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		scope string
		want  Tier
		known bool
	}{
		{"https://mail.google.com/", TierCritical, true},
		{"https://www.googleapis.com/auth/drive", TierCritical, true},
		{"https://www.googleapis.com/auth/gmail.readonly", TierHigh, true},
		{"https://www.googleapis.com/auth/calendar", TierMedium, true},
		{"openid", TierLow, true},
		{"https://www.googleapis.com/auth/made.up", TierUnknown, false},
	}
	for _, tt := range tests {
		got, ok := c.Lookup(nhi.PlatformGoogleWorkspace, tt.scope)
		if got.Tier != tt.want || ok != tt.known {
			t.Errorf("Lookup(%q) = %v, %v; want %v, %v", tt.scope, got.Tier, ok, tt.want, tt.known)
		}
		if ok && got.Source == "" {
			t.Errorf("Lookup(%q) has no source", tt.scope)
		}
	}
	if _, ok := c.Lookup("other_platform", "openid"); ok {
		t.Error("a scope is known only on its own platform")
	}
}

func TestEveryEntryHasTierDataAndSource(t *testing.T) {
	t.Parallel()
	c, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	all := c.All()
	if len(all) < 40 {
		t.Fatalf("catalogue has %d entries, want at least 40", len(all))
	}
	for _, p := range all {
		if p.Tier == TierUnknown || len(p.Data) == 0 || p.Source == "" {
			t.Errorf("entry %s/%s incomplete: %+v", p.Platform, p.Scope, p)
		}
	}
}

func TestAssessRanksReach(t *testing.T) {
	t.Parallel()
	c, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	g := nhi.PlatformGoogleWorkspace
	mail := c.Assess(g, []string{"openid", "https://mail.google.com/", "x-unknown"})
	cal := c.Assess(g, []string{"openid", "https://www.googleapis.com/auth/calendar"})
	if mail.Max != TierCritical || len(mail.Unknown) != 1 || mail.Top[0] != "https://mail.google.com/" {
		t.Errorf("mail reach = %+v", mail)
	}
	if !cal.Less(mail) || mail.Less(cal) || mail.Less(mail) {
		t.Errorf("ordering wrong: cal %+v mail %+v", cal, mail)
	}
}

func TestLoadCatalogueRejectsBadFiles(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"bad tier":    "platform: p\nscopes:\n  - {scope: a, tier: severe, data: [x]}\n",
		"duplicate":   "platform: p\nscopes:\n  - {scope: a, tier: low, data: [x]}\n  - {scope: a, tier: low, data: [x]}\n",
		"no platform": "scopes:\n  - {scope: a, tier: low}\n",
		"not yaml":    "platform: [\n",
	} {
		fsys := fstest.MapFS{"permissions/x.yaml": {Data: []byte(body)}}
		if _, err := LoadCatalogue(fsys); err == nil {
			t.Errorf("%s: LoadCatalogue accepted it", name)
		}
	}
}
