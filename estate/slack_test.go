package estate

import (
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
)

func TestSlackDeterministic(t *testing.T) {
	t.Parallel()
	a := mustGenerate(t, Options{Seed: 3})
	b := mustGenerate(t, Options{Seed: 3})
	if diff := gocmp.Diff(a.Slack, b.Slack); diff != "" {
		t.Errorf("same seed, different Slack (-a +b):\n%s", diff)
	}
	c := mustGenerate(t, Options{Seed: 4})
	if a.Slack.EnterpriseID == c.Slack.EnterpriseID {
		t.Error("seeds 3 and 4 give the same enterprise ID")
	}
}

// TestSlackInvariants checks the organization's references and the shape of its IDs.
func TestSlackInvariants(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{1, 2, 5} {
		e := mustGenerate(t, Options{Seed: seed})
		s := e.Slack
		if len(s.Teams) != 2 || !strings.HasPrefix(s.EnterpriseID, "E") {
			t.Fatalf("seed %d: %d teams, enterprise %q", seed, len(s.Teams), s.EnterpriseID)
		}
		seen := map[string]bool{}
		unique := func(id, prefix string) {
			t.Helper()
			if seen[id] || !strings.HasPrefix(id, prefix) {
				t.Errorf("seed %d: ID %q repeats or lacks prefix %q", seed, id, prefix)
			}
			seen[id] = true
		}
		for i, u := range s.Users {
			switch {
			case u.Person >= 0:
				unique(u.ID, "W")
				if p := e.People[u.Person]; u.Deleted != (p.Status == Departed) || u.Email != p.Email || i != int(u.Person) {
					t.Errorf("seed %d: user %s does not match person %d", seed, u.ID, u.Person)
				}
			default:
				unique(u.ID, "U")
				if s.Bots[u.Bot].User != int32(i) {
					t.Errorf("seed %d: bot user %s and its bot disagree", seed, u.ID)
				}
			}
		}
		for _, a := range s.Apps {
			unique(a.ID, "A")
			if a.Status == SlackApproved && (s.Users[a.InstalledBy].Person < 0 || a.InstalledAt.After(e.Options.Now)) {
				t.Errorf("seed %d: app %s installed by %d at %v", seed, a.ID, a.InstalledBy, a.InstalledAt)
			}
			if a.Status == SlackApproved && !a.OrgWide && len(a.Teams) == 0 {
				t.Errorf("seed %d: app %s is installed nowhere", seed, a.ID)
			}
		}
		for _, w := range s.Webhooks {
			if strings.Contains(w.ServiceID, "/") || strings.HasPrefix(w.Channel, "http") {
				t.Errorf("seed %d: webhook %+v looks like it carries a URL", seed, w)
			}
		}
		if !slices.IsSortedFunc(s.Audits, func(a, b SlackAudit) int { return a.Time.Compare(b.Time) }) ||
			!slices.IsSortedFunc(s.Logs, func(a, b SlackLog) int { return a.Time.Compare(b.Time) }) {
			t.Errorf("seed %d: audit or integration log out of order", seed)
		}
		for _, a := range s.Audits {
			if e.Options.Now.Sub(a.Time) > SlackAuditWindow || a.Time.After(e.Options.Now) {
				t.Errorf("seed %d: audit %s at %v outside the window", seed, a.Action, a.Time)
			}
		}
		var legacy, sensitive, orgWide bool
		for _, a := range s.Apps {
			for _, sc := range a.Scopes {
				legacy = legacy || (a.Status == SlackApproved && IsLegacySlackScope(sc.Name))
				sensitive = sensitive || (a.Status == SlackApproved && sc.Sensitive)
			}
			orgWide = orgWide || a.OrgWide
		}
		if !legacy || !sensitive || !orgWide {
			t.Errorf("seed %d: installed apps with legacy scopes %v, sensitive scopes %v, org-wide %v; want all", seed, legacy, sensitive, orgWide)
		}
		if len(s.Requests) == 0 || len(s.Bots) == 0 || len(s.Webhooks) == 0 {
			t.Errorf("seed %d: %d requests, %d bots, %d webhooks", seed, len(s.Requests), len(s.Bots), len(s.Webhooks))
		}
	}
}

// TestSlackLabels checks the labels against their rules, computed here independently,
// and that every risk the organization seeds occurs.
func TestSlackLabels(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{1, 2, 7} {
		e := mustGenerate(t, Options{Seed: seed})
		s, now := e.Slack, e.Options.Now
		want := map[Label]bool{}
		for _, a := range s.Apps {
			if a.Status != SlackApproved {
				continue
			}
			if s.Users[a.InstalledBy].Deleted {
				want[Label{RiskOwnerDeparted, "slack", a.ID}] = true
			}
			for _, sc := range a.Scopes {
				if IsCriticalSlackScope(sc.Name) {
					want[Label{RiskPermissionCritical, "slack", a.ID}] = true
				}
			}
		}
		for _, b := range s.Bots {
			last := b.LastActiveAt
			if last.IsZero() {
				last = s.Apps[b.App].InstalledAt
			}
			if now.Sub(last) > StaleAfter {
				want[Label{RiskUsageStale, "slack", b.ID}] = true
			}
		}
		for _, w := range s.Webhooks {
			if s.Users[w.AddedBy].Deleted {
				want[Label{RiskOwnerDeparted, "slack", w.ServiceID}] = true
			}
		}
		got := map[Label]bool{}
		for _, l := range s.Labels {
			got[l] = true
		}
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Errorf("seed %d: labels (-want +got):\n%s", seed, diff)
		}
		inEstate := 0
		for _, l := range e.Labels {
			if l.Platform == LabelPlatformSlack {
				inEstate++
			}
		}
		if inEstate != len(s.Labels) {
			t.Errorf("seed %d: Estate.Labels holds %d Slack labels, Slack.Labels %d", seed, inEstate, len(s.Labels))
		}
		for _, risk := range []string{RiskOwnerDeparted, RiskPermissionCritical, RiskUsageStale} {
			if !slices.ContainsFunc(s.Labels, func(l Label) bool { return l.Risk == risk }) {
				t.Errorf("seed %d: no %s label", seed, risk)
			}
		}
	}
}

func TestIsCriticalSlackScope(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"admin": true, "client": true, "bot": true, "admin.apps:write": true, "admin.users:write": true,
		"im:history": false, "admin.usergroups:write": false, "admin.barriers:write": false, "admin.apps:read": false,
		"channels:history": false, "chat:write": false,
		"users:read": false, "": false, "admin.": false,
	}
	for scope, want := range tests {
		if got := IsCriticalSlackScope(scope); got != want {
			t.Errorf("IsCriticalSlackScope(%q) = %v, want %v", scope, got, want)
		}
	}
}
