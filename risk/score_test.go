package risk

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
)

func TestBand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		points int
		want   nhi.Severity
	}{
		{0, nhi.SeverityInfo}, {1, nhi.SeverityLow}, {19, nhi.SeverityLow}, {20, nhi.SeverityMedium},
		{44, nhi.SeverityMedium}, {45, nhi.SeverityHigh}, {69, nhi.SeverityHigh},
		{70, nhi.SeverityCritical}, {100, nhi.SeverityCritical},
	}
	for _, tt := range tests {
		if got := Band(tt.points); got != tt.want {
			t.Errorf("Band(%d) = %s, want %s", tt.points, got, tt.want)
		}
	}
}

func TestFinishCapsAndOrders(t *testing.T) {
	t.Parallel()
	s := Score{Points: 130, Contributions: []Contribution{
		{Signal: "b.x", Points: 10}, {Signal: "c.x", Points: 60}, {Signal: "a.x", Points: 10}, {Signal: "d.x", Points: 50},
	}}
	s.finish()
	want := Score{Points: 100, Severity: nhi.SeverityCritical, Contributions: []Contribution{
		{Signal: "c.x", Points: 60}, {Signal: "d.x", Points: 50}, {Signal: "a.x", Points: 10}, {Signal: "b.x", Points: 10},
	}}
	if d := cmp.Diff(want, s); d != "" {
		t.Errorf("score (-want +got):\n%s", d)
	}
}

func TestFindings(t *testing.T) {
	t.Parallel()
	s := Score{Points: 45, Severity: nhi.SeverityHigh, Contributions: []Contribution{
		{Signal: "owner.departed", Title: "Owner has left", Severity: nhi.SeverityHigh, Points: 35,
			OWASP: []string{"NHI1:2025"}, Evidence: []string{"owner bob departed"}},
		{Signal: "permission.unknown", Title: "Unknown", Severity: nhi.SeverityLow, Points: 10,
			OWASP: []string{"NHI5:2025"}, Evidence: []string{"holds x"}},
	}}
	p := nhi.PlatformGoogleWorkspace
	got := s.Findings(nhi.SubjectIdentity, "gws_abc", p, "C01", "app1", "u1")
	want := []nhi.Finding{
		{ID: nhi.NewFindingID("owner.departed", nhi.SubjectIdentity, "gws_abc"), Signal: "owner.departed",
			Title: "Owner has left", Severity: nhi.SeverityHigh, Points: 35, OWASP: []string{"NHI1:2025"},
			SubjectKind: nhi.SubjectIdentity, SubjectID: "gws_abc", Platform: p, Tenant: "C01", AppID: "app1",
			OwnerID: "u1", Evidence: []string{"owner bob departed"}, Status: nhi.FindingOpen},
		{ID: nhi.NewFindingID("permission.unknown", nhi.SubjectIdentity, "gws_abc"), Signal: "permission.unknown",
			Title: "Unknown", Severity: nhi.SeverityLow, Points: 10, OWASP: []string{"NHI5:2025"},
			SubjectKind: nhi.SubjectIdentity, SubjectID: "gws_abc", Platform: p, Tenant: "C01", AppID: "app1",
			OwnerID: "u1", Evidence: []string{"holds x"}, Status: nhi.FindingOpen},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	got[0].OWASP[0] = "changed"
	if s.Contributions[0].OWASP[0] != "NHI1:2025" {
		t.Error("a finding shares its OWASP slice with the score")
	}
	if f := (Score{Severity: nhi.SeverityInfo}).Findings(nhi.SubjectApp, "k", p, "C01", "a", ""); f != nil {
		t.Errorf("empty score gave findings %v", f)
	}
}

func TestAppFindingsUseTheAppKey(t *testing.T) {
	t.Parallel()
	e := defaultEngine(t)
	in := exApp(appScopes(1, exMail))
	key := nhi.AppKey(in.App.Platform, in.App.Tenant, in.App.ExternalID)
	f := e.ScoreApp(in).Findings(nhi.SubjectApp, key, in.App.Platform, in.App.Tenant, in.App.ExternalID, "")
	if len(f) != 1 || f[0].ID != nhi.NewFindingID("app.critical_scopes", nhi.SubjectApp, key) || f[0].SubjectKind != nhi.SubjectApp {
		t.Errorf("findings = %+v", f)
	}
}
