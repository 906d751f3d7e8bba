package estate

import (
	"cmp"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
)

// wantLabels derives the labels of an estate from the rules on their Risk constants,
// grant by grant, without the generator's code.
func wantLabels(e *Estate) []Label {
	critical := []string{"https://mail.google.com/", "https://www.googleapis.com/auth/drive",
		"https://www.googleapis.com/auth/cloud-platform"}
	var out []Label
	for _, g := range e.Grants {
		p, v := e.People[g.Person], e.Vendors[g.Vendor]
		subject := p.GoogleID + "/" + v.GoogleClientID
		add := func(risk string) { out = append(out, Label{risk, "google_workspace", subject}) }
		if p.Status == Departed {
			add("owner.departed")
		}
		if p.Status == Suspended {
			add("owner.suspended")
		}
		if (g.LastUsedAt.IsZero() && e.Options.Now.Sub(g.AuthorizedAt) > 90*24*time.Hour) ||
			(!g.LastUsedAt.IsZero() && e.Options.Now.Sub(g.LastUsedAt) > 90*24*time.Hour) {
			add("usage.stale")
		}
		if slices.ContainsFunc(g.Scopes, func(s string) bool {
			return slices.Contains(critical, s) || strings.Contains(s, "/auth/admin.directory.") && !strings.HasSuffix(s, ".readonly") ||
				strings.HasSuffix(s, "/gmail.settings.sharing")
		}) {
			add("permission.critical")
		}
		if !strings.HasPrefix(v.ClientType, "NATIVE_") && (v.Servers.Addr().String() == "185.220.101.0" || g.FromTor) &&
			!g.LastUsedAt.IsZero() && e.Options.Now.Sub(g.LastUsedAt) <= 180*24*time.Hour {
			add("usage.tor_exit")
		}
		if v.Suspicious && !slices.ContainsFunc(out, func(l Label) bool { return l.Subject == v.GoogleClientID }) {
			out = append(out, Label{"app.suspicious", "google_workspace", v.GoogleClientID})
		}
	}
	return out
}

// googleLabels returns the Google Workspace labels of labels, which also holds the other
// platforms' (GitHub's, ...), in a new slice.
func googleLabels(labels []Label) []Label {
	return slices.DeleteFunc(slices.Clone(labels), func(l Label) bool { return l.Platform != LabelPlatform })
}

func labelOrder(a, b Label) int {
	return cmp.Or(strings.Compare(a.Subject, b.Subject), strings.Compare(a.Risk, b.Risk))
}

func TestLabelsMatchGrants(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{1, 2} {
		e := mustGenerate(t, Options{Seed: seed, People: 4000})
		got, want := googleLabels(e.Labels), wantLabels(e)
		slices.SortFunc(got, labelOrder)
		slices.SortFunc(want, labelOrder)
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Errorf("seed %d: labels (-want +got):\n%s", seed, diff)
		}
		counts := make(map[string]int)
		for _, l := range googleLabels(e.Labels) {
			counts[l.Risk]++
		}
		for _, risk := range []string{RiskOwnerDeparted, RiskOwnerSuspended, RiskUsageStale, RiskAppSuspicious, RiskPermissionCritical} {
			if counts[risk] == 0 {
				t.Errorf("seed %d: no %s label", seed, risk)
			}
		}
	}
}

func TestLabelSubjectsResolve(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 6, People: 2000})
	for _, l := range googleLabels(e.Labels) {
		if l.Risk == RiskAppSuspicious {
			if v, ok := e.VendorByClientID(l.Subject); !ok || !e.Vendors[v].Suspicious {
				t.Errorf("label %+v: subject is not a suspicious app", l)
			}
			continue
		}
		id, client, _ := strings.Cut(l.Subject, "/")
		p, okP := e.PersonByGoogleID(id)
		v, okV := e.VendorByClientID(client)
		if !okP || !okV || !slices.ContainsFunc(e.GrantsOf(p), func(g Grant) bool { return int(g.Vendor) == v }) {
			t.Errorf("label %+v: subject is no live grant", l)
			continue
		}
		if got := e.GrantSubject(Grant{Person: int32(p), Vendor: int32(v)}); got != l.Subject {
			t.Errorf("GrantSubject = %q, want %q", got, l.Subject)
		}
	}
}

func TestIsCriticalScope(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"https://mail.google.com/":                                      true,
		"https://www.googleapis.com/auth/drive":                         true,
		"https://www.googleapis.com/auth/gmail.modify":                  false,
		"https://www.googleapis.com/auth/cloud-platform":                true,
		"https://www.googleapis.com/auth/gmail.settings.sharing":        true,
		"https://www.googleapis.com/auth/admin.directory.user":          true,
		"https://www.googleapis.com/auth/admin.directory.group":         true,
		"https://www.googleapis.com/auth/admin.directory.user.security": true,
		"https://www.googleapis.com/auth/drive.readonly":                false,
		"https://www.googleapis.com/auth/drive.file":                    false,
		"https://www.googleapis.com/auth/gmail.readonly":                false,
		"https://www.googleapis.com/auth/admin.directory.user.readonly": false,
		"https://mail.google.com":                                       false,
		"openid":                                                        false,
		"":                                                              false,
	}
	for scope, want := range tests {
		if got := IsCriticalScope(scope); got != want {
			t.Errorf("IsCriticalScope(%q) = %v, want %v", scope, got, want)
		}
	}
}
