package storetest

import (
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// seedFindings puts findings across two platforms, three tenants, every severity and
// status into st and returns them by name as stored. c1/med/g3 is resolved and
// c1/low/k1 suppressed.
func seedFindings(t *testing.T, st store.Store, fs store.Findings) map[string]nhi.Finding {
	t.Helper()
	on := func(p nhi.Platform, tenant, app, owner string, owasp ...string) func(*nhi.Finding) {
		return func(f *nhi.Finding) { f.Platform, f.Tenant, f.AppID, f.OwnerID, f.OWASP = p, tenant, app, owner, owasp }
	}
	in := map[string]nhi.Finding{
		"c1/crit/g1": finding("permission.critical", nhi.SeverityCritical, "g1", on(gws, "C01", "app1", "u1", "NHI5:2025", "NHI7:2025")),
		"c1/crit/g4": finding("permission.critical", nhi.SeverityCritical, "g4", on(gws, "C01", "app1", "u9", "NHI5:2025")),
		"c1/high/g2": finding("owner.departed", nhi.SeverityHigh, "g2", on(gws, "C01", "app1", "u2", "NHI1:2025")),
		"c1/med/g3":  finding("usage.stale", nhi.SeverityMedium, "g3", on(gws, "C01", "app2", "u3", "NHI1:2025")),
		"c1/low/k1":  finding("credential.long_lived", nhi.SeverityLow, "k1", on(gws, "C01", "", "u1", "NHI7:2025")),
		"c1/info/a1": finding("app.unverified_publisher", nhi.SeverityInfo, nhi.AppKey(gws, "C01", "app1"),
			on(gws, "C01", "app1", "", "NHI3:2025"), func(f *nhi.Finding) { f.SubjectKind = nhi.SubjectApp }),
		"c2/crit/g1": finding("permission.critical", nhi.SeverityCritical, "c2g1", on(gws, "C02", "app1", "u1", "NHI5:2025")),
		"gh/high/t1": finding("credential.long_lived", nhi.SeverityHigh, "t1", on(gh, "acme", "", "u2", "NHI10:2025")),
	}
	c1, c2, acme := begin(t, st, gws, "C01"), begin(t, st, gws, "C02"), begin(t, st, gh, "acme")
	putPeople(t, st, c1, at(0),
		person(gws, "C01", "u1", "alice@example.com", nhi.PersonActive),
		person(gws, "C01", "u2", "Bob@Example.com", nhi.PersonSuspended))
	putPeople(t, st, c2, at(0), person(gws, "C02", "u1", "alice@other.example", nhi.PersonActive))
	putPeople(t, st, acme, at(0), person(gh, "acme", "u2", "bob@example.com", nhi.PersonActive))
	evals := map[string]string{"c1": c1, "c2": c2, "gh": acme}
	out := map[string]nhi.Finding{}
	for name, f := range in {
		putFindings(t, fs, evals[name[:2]], at(0), f)
		out[name] = storedFinding(f, at(0), at(0))
	}
	later := begin(t, st, gws, "C01")
	var again []nhi.Finding
	for name, f := range in {
		if name[:2] == "c1" && name != "c1/med/g3" {
			again = append(again, f)
		}
	}
	putFindings(t, fs, later, at(0), again...)
	r := store.ResolveFindings{EvalID: later, Platform: gws, Tenant: "C01", At: at(time.Hour)}
	if n, err := fs.ResolveFindings(t.Context(), r); err != nil || n != 1 {
		t.Fatalf("ResolveFindings = %d, %v; want 1", n, err)
	}
	out["c1/med/g3"] = resolved(out["c1/med/g3"], at(time.Hour))
	sup := nhi.Suppression{Reason: "accepted", Author: "alice@example.com", At: at(0)}
	got, err := fs.SuppressFinding(t.Context(), out["c1/low/k1"].ID, sup)
	if err != nil {
		t.Fatalf("SuppressFinding: %v", err)
	}
	out["c1/low/k1"] = got
	return out
}

// testListFindings checks every filter of ListFindings and the list order.
func testListFindings(t *testing.T, s suite) {
	st, fs := s.findings(t)
	all := seedFindings(t, st, fs)
	current := []string{"c1/crit/g1", "c1/crit/g4", "c1/high/g2", "c1/low/k1", "c1/info/a1", "c2/crit/g1", "gh/high/t1"}
	tests := []struct {
		name   string
		filter store.FindingFilter
		want   []string
	}{
		{"open and suppressed", store.FindingFilter{}, current},
		{"open", store.FindingFilter{Status: nhi.FindingOpen}, []string{"c1/crit/g1", "c1/crit/g4", "c1/high/g2", "c1/info/a1", "c2/crit/g1", "gh/high/t1"}},
		{"suppressed", store.FindingFilter{Status: nhi.FindingSuppressed}, []string{"c1/low/k1"}},
		{"resolved", store.FindingFilter{Status: nhi.FindingResolved}, []string{"c1/med/g3"}},
		{"at least info", store.FindingFilter{MinSeverity: nhi.SeverityInfo}, current},
		{"at least high", store.FindingFilter{MinSeverity: nhi.SeverityHigh}, []string{"c1/crit/g1", "c1/crit/g4", "c1/high/g2", "c2/crit/g1", "gh/high/t1"}},
		{"critical", store.FindingFilter{MinSeverity: nhi.SeverityCritical}, []string{"c1/crit/g1", "c1/crit/g4", "c2/crit/g1"}},
		{"at least medium, resolved", store.FindingFilter{MinSeverity: nhi.SeverityMedium, Status: nhi.FindingResolved}, []string{"c1/med/g3"}},
		{"platform", store.FindingFilter{Platform: gh}, []string{"gh/high/t1"}},
		{"platform and tenant", store.FindingFilter{Platform: gws, Tenant: "C02"}, []string{"c2/crit/g1"}},
		{"tenant", store.FindingFilter{Tenant: "C01"}, []string{"c1/crit/g1", "c1/crit/g4", "c1/high/g2", "c1/low/k1", "c1/info/a1"}},
		{"signal", store.FindingFilter{Signal: "permission.critical"}, []string{"c1/crit/g1", "c1/crit/g4", "c2/crit/g1"}},
		{"signal is exact", store.FindingFilter{Signal: "permission"}, nil},
		{"OWASP item", store.FindingFilter{OWASP: "NHI7:2025"}, []string{"c1/crit/g1", "c1/low/k1"}},
		{"OWASP prefix", store.FindingFilter{OWASP: "NHI1"}, []string{"c1/high/g2"}},
		{"OWASP prefix is not a string prefix", store.FindingFilter{OWASP: "NHI"}, nil},
		{"OWASP in other case", store.FindingFilter{OWASP: "nhi10"}, []string{"gh/high/t1"}},
		{"OWASP wildcards are literal", store.FindingFilter{OWASP: "NHI%"}, nil},
		{"OWASP of resolved", store.FindingFilter{OWASP: "NHI1", Status: nhi.FindingResolved}, []string{"c1/med/g3"}},
		{"subject kind app", store.FindingFilter{SubjectKind: nhi.SubjectApp}, []string{"c1/info/a1"}},
		{"subject kind identity", store.FindingFilter{SubjectKind: nhi.SubjectIdentity, Tenant: "C01"},
			[]string{"c1/crit/g1", "c1/crit/g4", "c1/high/g2", "c1/low/k1"}},
		{"subject ID", store.FindingFilter{SubjectID: nhi.AppKey(gws, "C01", "app1")}, []string{"c1/info/a1"}},
		{"app", store.FindingFilter{AppID: "app1"}, []string{"c1/crit/g1", "c1/crit/g4", "c1/high/g2", "c1/info/a1", "c2/crit/g1"}},
		{"owner ID", store.FindingFilter{Owner: "u1"}, []string{"c1/crit/g1", "c1/low/k1", "c2/crit/g1"}},
		{"owner email", store.FindingFilter{Owner: "alice@example.com"}, []string{"c1/crit/g1", "c1/low/k1"}},
		{"owner email in other case", store.FindingFilter{Owner: "ALICE@Example.COM"}, []string{"c1/crit/g1", "c1/low/k1"}},
		{"owner email on two platforms", store.FindingFilter{Owner: "bob@example.com"}, []string{"c1/high/g2", "gh/high/t1"}},
		{"owner ID is case-sensitive", store.FindingFilter{Owner: "U1"}, nil},
		{"unknown owner", store.FindingFilter{Owner: "nobody@example.com"}, nil},
		{"combined", store.FindingFilter{Platform: gws, AppID: "app1", MinSeverity: nhi.SeverityHigh, OWASP: "NHI5"},
			[]string{"c1/crit/g1", "c1/crit/g4", "c2/crit/g1"}},
		{"combined with paging", store.FindingFilter{AppID: "app1", Limit: 1}, []string{"c1/crit/g1", "c1/crit/g4", "c1/high/g2", "c1/info/a1", "c2/crit/g1"}},
	}
	for _, tc := range tests {
		var want []nhi.Finding
		for _, name := range tc.want {
			want = append(want, all[name])
		}
		if d := diff(bySeverity(want), listAllFindings(t, fs, tc.filter)); d != "" {
			t.Errorf("%s: ListFindings(%+v) (-want +got):\n%s", tc.name, tc.filter, d)
		}
	}
}

// testListFindingsInvalid checks that ListFindings refuses bad filters and cursors.
func testListFindingsInvalid(t *testing.T, s suite) {
	st, fs := s.findings(t)
	seedFindings(t, st, fs)
	putIDs(t, st, begin(t, st, gws, "C01"), at(0), ident(gws, "C01", nhi.KindAPIKey, "a"), ident(gws, "C01", nhi.KindAPIKey, "b"))
	ids, err := st.ListIdentities(t.Context(), store.IdentityFilter{Limit: 1})
	if err != nil || ids.Next == "" {
		t.Fatalf("ListIdentities of 2 by 1 = next %q, %v; want a cursor", ids.Next, err)
	}
	first, err := fs.ListFindings(t.Context(), store.FindingFilter{Limit: 1})
	if err != nil || first.Next == "" {
		t.Fatalf("ListFindings by 1 = next %q, %v; want a cursor", first.Next, err)
	}
	if _, err := fs.ListFindings(t.Context(), store.FindingFilter{After: first.Next}); err != nil {
		t.Errorf("ListFindings with its own cursor: %v", err)
	}
	tests := map[string]store.FindingFilter{
		"unknown severity":         {MinSeverity: "severe"},
		"unknown status":           {Status: "closed"},
		"unknown subject kind":     {SubjectKind: "vendor"},
		"negative limit":           {Limit: -1},
		"garbage cursor":           {After: "%%% not a cursor"},
		"base64 text cursor":       {After: "bm90IGEgY3Vyc29y"},
		"cursor of identities":     {After: ids.Next},
		"cursor with an extra key": {After: first.Next + ".eA"},
	}
	for name, f := range tests {
		_, err := fs.ListFindings(t.Context(), f)
		wantCode(t, "ListFindings with "+name, err, nhi.CodeInvalid)
	}
}
