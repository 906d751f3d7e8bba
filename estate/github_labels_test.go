package estate

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
)

// wantGitHubLabels derives the labels of the company's GitHub from the rules on their
// Risk constants, with the critical lists written out again.
func wantGitHubLabels(e *Estate) []Label {
	gh, now := e.GitHub, e.Options.Now
	criticalScopes := []string{"admin:org", "admin:enterprise", "delete_repo", "admin:org_hook", "admin:repo_hook", "site_admin"}
	criticalPerms := strings.Fields(`administration organization_administration members secrets organization_secrets
		workflows organization_personal_access_tokens environments organization_self_hosted_runners
		dependabot_secrets organization_custom_roles organization_hooks repository_hooks`)
	critical := func(perms ...map[string]string) bool {
		for _, m := range perms {
			for p, l := range m {
				if slices.Contains(criticalPerms, p) && (l == "write" || l == "admin") {
					return true
				}
			}
		}
		return false
	}
	stale := func(last, since time.Time) bool {
		if last.IsZero() {
			last = since
		}
		return now.Sub(last) > 90*24*time.Hour
	}
	var out []Label
	add := func(subject string, risks map[string]bool) {
		for risk, on := range risks {
			if on {
				out = append(out, Label{risk, "github", subject})
			}
		}
	}
	status := func(u int32) Status {
		if p := gh.Users[u].Person; p >= 0 {
			return e.People[p].Status
		}
		return Active
	}
	for _, in := range gh.Installations {
		add(gh.Orgs[in.Org].Login+"/installation/"+strconv.FormatInt(in.ID, 10), map[string]bool{
			"app.suspicious": gh.Apps[in.App].Suspicious, "permission.critical": critical(in.Permissions)})
	}
	for _, tk := range gh.Tokens {
		add(gh.Orgs[tk.Org].Login+"/pat/"+strconv.FormatInt(tk.ID, 10), map[string]bool{
			"owner.departed": status(tk.Owner) == Departed, "owner.suspended": status(tk.Owner) == Suspended,
			"usage.stale": stale(tk.LastUsedAt, tk.GrantedAt), "permission.critical": critical(tk.OrgPermissions, tk.RepoPermissions),
			"credential.no_expiry": tk.ExpiresAt.IsZero()})
	}
	for _, tk := range gh.Requests {
		add(gh.Orgs[tk.Org].Login+"/patreq/"+strconv.FormatInt(tk.ID, 10), map[string]bool{
			"owner.departed": status(tk.Owner) == Departed, "owner.suspended": status(tk.Owner) == Suspended,
			"credential.no_expiry": tk.ExpiresAt.IsZero()})
	}
	for _, c := range gh.Credentials {
		add(gh.Orgs[c.Org].Login+"/cred/"+strconv.FormatInt(c.ID, 10), map[string]bool{
			"owner.departed": status(c.User) == Departed, "owner.suspended": status(c.User) == Suspended,
			"usage.stale":          stale(c.AccessedAt, c.AuthorizedAt),
			"permission.critical":  slices.ContainsFunc(c.Scopes, func(s string) bool { return slices.Contains(criticalScopes, s) }),
			"credential.no_expiry": c.Type == "personal access token" && c.ExpiresAt.IsZero()})
	}
	for _, k := range gh.DeployKeys {
		r := gh.Repos[k.Repo]
		add(gh.Orgs[r.Org].Login+"/"+r.Name+"/"+strconv.FormatInt(k.ID, 10), map[string]bool{
			"owner.departed": status(k.AddedBy) == Departed, "owner.suspended": status(k.AddedBy) == Suspended,
			"usage.stale": stale(k.LastUsedAt, k.CreatedAt)})
	}
	return out
}

// checkGitHubLabels checks the labels against wantGitHubLabels and that each subject
// resolves to one thing of the kind its risk applies to.
func checkGitHubLabels(t *testing.T, e *Estate) {
	t.Helper()
	got, want := slices.Clone(e.GitHub.Labels), wantGitHubLabels(e)
	slices.SortFunc(got, labelOrder)
	slices.SortFunc(want, labelOrder)
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	kinds := map[string]string{RiskAppSuspicious: "installation", RiskCredentialNoExpiry: "pat patreq cred",
		RiskOwnerDeparted: "pat patreq cred key", RiskOwnerSuspended: "pat patreq cred key", RiskUsageStale: "pat cred key",
		RiskPermissionCritical: "installation pat cred key"}
	for _, l := range e.GitHub.Labels {
		if kind := githubSubjectKind(e.GitHub, l.Subject); kind == "" || !slices.Contains(strings.Fields(kinds[l.Risk]), kind) {
			t.Errorf("label %+v: subject is a %q", l, kind)
		}
	}
}

// githubSubjectKind returns the kind of thing a label subject names ("installation",
// "pat", "patreq", "cred", "key"), or "" when it names nothing.
func githubSubjectKind(gh *GitHub, subject string) string {
	parts := strings.Split(subject, "/")
	if len(parts) != 3 {
		return ""
	}
	org := slices.IndexFunc(gh.Orgs, func(o GHOrg) bool { return o.Login == parts[0] })
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if org < 0 || err != nil {
		return ""
	}
	found := false
	switch parts[1] {
	case "installation":
		found = slices.ContainsFunc(gh.Installations, func(in GHInstallation) bool { return int(in.Org) == org && in.ID == id })
	case "pat":
		found = slices.ContainsFunc(gh.Tokens, func(t GHToken) bool { return int(t.Org) == org && t.ID == id })
	case "patreq":
		found = slices.ContainsFunc(gh.Requests, func(t GHToken) bool { return int(t.Org) == org && t.ID == id })
	case "cred":
		found = slices.ContainsFunc(gh.Credentials, func(c GHCredential) bool { return int(c.Org) == org && c.ID == id })
	default:
		found = slices.ContainsFunc(gh.DeployKeys, func(k GHDeployKey) bool {
			r := gh.Repos[k.Repo]
			return int(r.Org) == org && r.Name == parts[1] && k.ID == id
		})
		parts[1] = "key"
	}
	if !found {
		return ""
	}
	return parts[1]
}

func TestGitHubLabelsMatchRules(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{1, 2} {
		e := githubEstate(t, Options{Seed: seed, People: 4000})
		checkGitHubLabels(t, e)
		counts := map[string]int{}
		for _, l := range e.GitHub.Labels {
			counts[l.Risk]++
			if l.Platform != LabelPlatformGitHub {
				t.Errorf("label %+v: platform", l)
			}
		}
		for _, risk := range []string{RiskAppSuspicious, RiskOwnerDeparted, RiskOwnerSuspended, RiskUsageStale,
			RiskPermissionCritical, RiskCredentialNoExpiry} {
			if counts[risk] == 0 {
				t.Errorf("seed %d: no %s label", seed, risk)
			}
		}
	}
}

// TestGitHubLabelMargins checks that no labelled time hangs on a rounding: tokens,
// credentials and deploy keys keep days away from StaleAfter.
func TestGitHubLabelMargins(t *testing.T) {
	t.Parallel()
	e := githubEstate(t, Options{Seed: 3, People: 20000})
	gh, now := e.GitHub, e.Options.Now
	near := func(what string, last, since time.Time) {
		if (now.Sub(cmpOr(last, since)) - StaleAfter).Abs() < 5*24*time.Hour {
			t.Errorf("%s last used %v (since %v), at the stale threshold", what, last, since)
		}
	}
	for _, tk := range gh.Tokens {
		near("token "+tk.Name, tk.LastUsedAt, tk.GrantedAt)
	}
	for _, c := range gh.Credentials {
		near("credential "+c.Type, c.AccessedAt, c.AuthorizedAt)
	}
	for _, k := range gh.DeployKeys {
		near("deploy key "+k.Title, k.LastUsedAt, k.CreatedAt)
	}
}

func TestCriticalGitHubLists(t *testing.T) {
	t.Parallel()
	scopes := map[string]bool{"admin:org": true, "admin:enterprise": true, "delete_repo": true, "admin:org_hook": true,
		"admin:repo_hook": true, "site_admin": true, "repo": false, "workflow": false, "read:org": false,
		"write:org": false, "admin:public_key": false, "": false, "ADMIN:ORG": false}
	for s, want := range scopes {
		if got := IsCriticalGitHubScope(s); got != want {
			t.Errorf("IsCriticalGitHubScope(%q) = %v, want %v", s, got, want)
		}
	}
	perms := map[[2]string]bool{{"administration", "write"}: true, {"administration", "admin"}: true,
		{"administration", "read"}: false, {"secrets", "write"}: true, {"workflows", "write"}: true,
		{"organization_personal_access_tokens", "write"}: true, {"members", "read"}: false,
		{"contents", "write"}: false, {"metadata", "read"}: false, {"environments", "write"}: true,
		{"organization_custom_roles", "admin"}: true, {"pull_requests", "write"}: false, {"secrets", ""}: false}
	for p, want := range perms {
		if got := IsCriticalGitHubPermission(p[0], p[1]); got != want {
			t.Errorf("IsCriticalGitHubPermission(%q, %q) = %v, want %v", p[0], p[1], got, want)
		}
	}
}

// TestGitHubScenarios checks that every seeded scenario shows at 500 people.
func TestGitHubScenarios(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{1, 2, 3, 4} {
		e := mustGenerate(t, Options{Seed: seed, People: 500})
		for name, ok := range githubScenarios(e) {
			if !ok {
				t.Errorf("seed %d: no %s", seed, name)
			}
		}
	}
}

// githubScenarios reports, for each seeded scenario, whether the estate shows it.
func githubScenarios(e *Estate) map[string]bool {
	gh, now := e.GitHub, e.Options.Now
	members := memberOf(gh)
	departed := func(u int32) bool { p := gh.Users[u].Person; return p >= 0 && e.People[p].Status == Departed }
	suspended := func(u int32) bool { p := gh.Users[u].Person; return p >= 0 && e.People[p].Status == Suspended }
	kept := func(u int32) bool { _, ok := members[ghMain][u]; return ok && departed(u) }
	removed := func(u int32) bool {
		_, a := members[ghMain][u]
		_, b := members[ghLabs][u]
		return departed(u) && !a && !b
	}
	day := 24 * time.Hour
	s := map[string]bool{
		"departed member with a token":      slices.ContainsFunc(gh.Tokens, func(t GHToken) bool { return kept(t.Owner) }),
		"departed member with a credential": slices.ContainsFunc(gh.Credentials, func(c GHCredential) bool { return kept(c.User) }),
		"removed engineer's deploy key":     slices.ContainsFunc(gh.DeployKeys, func(k GHDeployKey) bool { return removed(k.AddedBy) }),
		"suspended engineer's token":        slices.ContainsFunc(gh.Tokens, func(t GHToken) bool { return suspended(t.Owner) }),
		"never-expiring admin:org classic token": slices.ContainsFunc(gh.Credentials, func(c GHCredential) bool {
			return c.Type == GHCredentialPAT && c.ExpiresAt.IsZero() && slices.Contains(c.Scopes, "admin:org")
		}),
		"write deploy key unused for a year": slices.ContainsFunc(gh.DeployKeys, func(k GHDeployKey) bool {
			return !k.ReadOnly && now.Sub(cmpOr(k.LastUsedAt, k.CreatedAt)) > 365*day
		}),
		"suspicious app with write on administration and secrets": slices.ContainsFunc(gh.Installations, func(in GHInstallation) bool {
			return gh.Apps[in.App].Suspicious && in.Permissions["administration"] == "write" && in.Permissions["secrets"] == "write" &&
				now.Sub(in.CreatedAt) < GitHubAuditWindow
		}),
		"hook to an unknown host, unverified": slices.ContainsFunc(gh.Hooks, func(h GHHook) bool {
			u, err := url.Parse(h.URL)
			return err == nil && strings.Trim(u.Hostname(), "0123456789.") == "" && (h.InsecureSSL || !h.HasSecret)
		}),
		"own app":                     slices.ContainsFunc(gh.Apps, func(a GHApp) bool { return a.Owner == gh.Orgs[0].Login }),
		"vendor app of the catalogue": slices.ContainsFunc(gh.Apps, func(a GHApp) bool { return a.Vendor >= 0 }),
		"request with a reason":       slices.ContainsFunc(gh.Requests, func(t GHToken) bool { return t.Reason != "" }),
		"OAuth app token":             slices.ContainsFunc(gh.Credentials, func(c GHCredential) bool { return c.Application != "" }),
		"bot":                         slices.ContainsFunc(gh.Users, func(u GHUser) bool { return u.Bot }),
		"contractor":                  slices.ContainsFunc(gh.Users, func(u GHUser) bool { return u.Person < 0 && !u.Bot }),
		"selected installation":       slices.ContainsFunc(gh.Installations, func(in GHInstallation) bool { return !in.All }),
		"org and repo secrets": slices.ContainsFunc(gh.Secrets, func(s GHSecret) bool { return s.Repo < 0 }) &&
			slices.ContainsFunc(gh.Secrets, func(s GHSecret) bool { return s.Repo >= 0 }),
	}
	for _, use := range []struct {
		name string
		ok   func(last time.Time) bool
	}{
		{"token used recently", func(l time.Time) bool { return !l.IsZero() && now.Sub(l) < 30*day }},
		{"token used long ago", func(l time.Time) bool { return !l.IsZero() && now.Sub(l) > 105*day }},
		{"token never used", func(l time.Time) bool { return l.IsZero() }},
	} {
		s[use.name] = slices.ContainsFunc(gh.Tokens, func(t GHToken) bool { return use.ok(t.LastUsedAt) })
	}
	s["expiring and never-expiring tokens"] = slices.ContainsFunc(gh.Tokens, func(t GHToken) bool { return t.ExpiresAt.IsZero() }) &&
		slices.ContainsFunc(gh.Tokens, func(t GHToken) bool { return !t.ExpiresAt.IsZero() })
	return s
}
