package estate

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
)

// wantSalesforceLabels derives the labels of an org from the rules in the contract,
// apart from salesforceLabels.
func wantSalesforceLabels(e *Estate) []Label {
	s, now := e.Salesforce, e.Options.Now
	var out []Label
	add := func(risk, subject string) { out = append(out, Label{risk, "salesforce", subject}) }
	for _, u := range s.Users {
		if u.Person == -1 && (u.ViewAllData || u.ModifyAllData) {
			add("permission.critical", u.ID)
		}
	}
	for _, tok := range s.Tokens {
		u, a := s.Users[tok.User], s.Apps[tok.App]
		subject := strings.Join([]string{u.ID, a.MenuItemID, strconv.FormatInt(tok.CreatedAt.UnixMilli(), 10)}, "/")
		if u.Person >= 0 && e.People[u.Person].Status == Departed {
			add("owner.departed", subject)
		}
		last := tok.LastUsedAt
		if last.IsZero() {
			last = tok.CreatedAt
		}
		if now.Sub(last) > 90*24*time.Hour {
			add("usage.stale", subject)
		}
		if slices.Contains(a.Scopes, "full") {
			add("permission.critical", subject)
		}
		if a.RefreshTokenPolicy == "infinite" {
			add("credential.no_expiry", subject)
		}
	}
	return out
}

func TestSalesforceLabelsMatchRules(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{1, 2} {
		e := mustGenerate(t, Options{Seed: seed, People: 3000})
		s := e.Salesforce
		got, want := slices.Clone(s.Labels), wantSalesforceLabels(e)
		slices.SortFunc(got, labelOrder)
		slices.SortFunc(want, labelOrder)
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Errorf("seed %d: labels (-want +got):\n%s", seed, diff)
		}
		counts := make(map[string]int)
		for _, l := range s.Labels {
			counts[l.Risk]++
		}
		for _, risk := range []string{RiskOwnerDeparted, RiskUsageStale, RiskPermissionCritical, sfRiskNoExpiry} {
			if counts[risk] == 0 {
				t.Errorf("seed %d: no %s label", seed, risk)
			}
		}
		if !slices.ContainsFunc(e.Labels, func(l Label) bool { return l == s.Labels[0] }) ||
			!slices.Contains(e.Labels, s.Labels[len(s.Labels)-1]) {
			t.Errorf("seed %d: the Salesforce labels are not in Estate.Labels", seed)
		}
	}
}

// TestSalesforceSeededRisks checks that the risks the brief seeds are labelled: the
// stale app's tokens, the forgotten departed users' tokens, the integration users with
// data access, and the Drift tokens.
func TestSalesforceSeededRisks(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 11, People: 2000})
	s := e.Salesforce
	has := make(map[Label]bool)
	for _, l := range s.Labels {
		has[l] = true
	}
	label := func(risk, subject string) Label { return Label{risk, LabelPlatformSalesforce, subject} }
	for _, tok := range s.Tokens {
		sub, a, u := s.TokenSubject(tok), s.Apps[tok.App], s.Users[tok.User]
		if a.Name == "Yesware" && !has[label(RiskUsageStale, sub)] {
			t.Errorf("a token of the stale app is not labelled stale")
		}
		if u.Person >= 0 && e.People[u.Person].Status == Departed && !has[label(RiskOwnerDeparted, sub)] {
			t.Errorf("a token of a departed person is not labelled")
		}
		if a.Name == "Salesforce CLI" && !has[label(RiskPermissionCritical, sub)] {
			t.Errorf("a token with scope full is not labelled critical")
		}
	}
	for _, u := range s.Users {
		if want := u.Name == "Drift Integration" || u.Name == "ETL Service"; want && !has[label(RiskPermissionCritical, u.ID)] {
			t.Errorf("integration user %s is not labelled critical", u.Name)
		}
		if u.Person >= 0 && has[label(RiskPermissionCritical, u.ID)] {
			t.Errorf("person's user %s is labelled as an integration user", u.Name)
		}
	}
}

func TestSFUserPermissions(t *testing.T) {
	t.Parallel()
	got := SFUserPermissions(SFUser{ViewAllData: true, APIEnabled: true, APIOnly: true})
	if diff := gocmp.Diff([]string{"ViewAllData", "ApiEnabled", "ApiUserOnly"}, got); diff != "" {
		t.Errorf("permissions (-want +got):\n%s", diff)
	}
	if got := SFUserPermissions(SFUser{}); len(got) != 0 {
		t.Errorf("permissions of a bare user = %v", got)
	}
	for name, want := range map[string]bool{"ViewAllData": true, "ModifyAllData": true, "ManageUsers": false, "": false} {
		if IsCriticalSalesforcePermission(name) != want {
			t.Errorf("IsCriticalSalesforcePermission(%q) != %v", name, want)
		}
	}
	for scope, want := range map[string]bool{"full": true, "api": false, "refresh_token": false, "Full": false} {
		if IsCriticalSalesforceScope(scope) != want {
			t.Errorf("IsCriticalSalesforceScope(%q) != %v", scope, want)
		}
	}
}

// TestSalesforceEdges checks the smallest estates and an odd clock: the org still has
// its integrations, the attack and a stale token, and its labels follow the rules.
func TestSalesforceEdges(t *testing.T) {
	t.Parallel()
	odd := time.Date(2010, time.March, 3, 7, 8, 9, 500_000_000, time.UTC)
	for _, o := range []Options{{Seed: 1, People: MinPeople}, {Seed: -3, People: 60, Domain: "acme-corp.test"}, {Seed: 5, People: 200, Now: odd}} {
		e := mustGenerate(t, o)
		s := e.Salesforce
		checkAttack(t, e)
		got, want := slices.Clone(s.Labels), wantSalesforceLabels(e)
		slices.SortFunc(got, labelOrder)
		slices.SortFunc(want, labelOrder)
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Errorf("%+v: labels (-want +got):\n%s", o, diff)
		}
		if !slices.ContainsFunc(s.Tokens, func(tok SFToken) bool { return s.Apps[tok.App].Name == "Yesware" }) {
			t.Errorf("%+v: the stale app holds no token", o)
		}
		for i, l := range s.Logins {
			if i > 0 && l.Time.Before(s.Logins[i-1].Time) || !l.Time.Before(e.Options.Now) {
				t.Fatalf("%+v: login %d at %v out of order or after Now", o, i, l.Time)
			}
		}
	}
}
