package estate

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestGitHubIsDeterministic(t *testing.T) {
	t.Parallel()
	o := Options{Seed: 9, People: 3000, Domain: "acme.test"}
	a, b := mustGenerate(t, o).GitHub, mustGenerate(t, o).GitHub
	if !reflect.DeepEqual(a, b) {
		t.Errorf("Generate(%+v) twice gives different GitHubs (-first +second):\n%s", o, cmp.Diff(a, b))
	}
	c := mustGenerate(t, Options{Seed: 10, People: 3000, Domain: "acme.test"}).GitHub
	if reflect.DeepEqual(a.Users, c.Users) || reflect.DeepEqual(a.Tokens, c.Tokens) {
		t.Error("seeds 9 and 10 gave the same users or tokens")
	}
	for i := range min(len(a.Apps), len(c.Apps)) {
		if a.Apps[i].Company != "" && a.Apps[i].ClientID != c.Apps[i].ClientID {
			t.Errorf("vendor app %q has client ID %s in one seed and %s in another", a.Apps[i].Slug, a.Apps[i].ClientID, c.Apps[i].ClientID)
		}
	}
}

// TestGitHubLeavesOtherPartsAlone checks that the GitHub phase draws from its own stream:
// the Google labels and the Microsoft tenant are what their phases make alone, and the
// GitHub labels follow the Google ones in Estate.Labels.
func TestGitHubLeavesOtherPartsAlone(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 4, People: 800})
	o := e.Options
	google := computeLabels(o.Now, e.People, e.Vendors, e.Grants)
	if n := len(google) + len(e.GitHub.Labels); len(e.Labels) < n {
		t.Fatalf("Estate.Labels has %d labels, want at least %d", len(e.Labels), n)
	}
	if diff := cmp.Diff(google, e.Labels[:len(google)]); diff != "" {
		t.Errorf("Google labels (-alone +in the estate):\n%s", diff)
	}
	if diff := cmp.Diff(e.GitHub.Labels, e.Labels[len(google):len(google)+len(e.GitHub.Labels)]); diff != "" {
		t.Errorf("GitHub labels in Estate.Labels (-GitHub.Labels +Estate.Labels):\n%s", diff)
	}
	m := genMicrosoft(newRand(o.Seed, streamMicrosoft), o, e.People, e.Vendors, e.Grants)
	if !reflect.DeepEqual(m, e.Microsoft) {
		t.Error("the Microsoft tenant differs from what its phase makes alone")
	}
	if gh := githubEstate(t, o).GitHub; !reflect.DeepEqual(gh, e.GitHub) {
		t.Error("the GitHub part differs from what its phase makes from the people alone")
	}
}

// githubEstate returns the estate of o with its people, vendors and GitHub only: what
// the GitHub phase needs and makes, faster than Generate.
func githubEstate(t testing.TB, o Options) *Estate {
	t.Helper()
	o, err := o.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	e := &Estate{Options: o, People: genPeople(newRand(o.Seed, streamPeople), o), Vendors: catalogue()}
	e.GitHub = genGitHub(newRand(o.Seed, streamGitHub), o, e.People, e.Vendors)
	return e
}

func TestGitHubInvariants(t *testing.T) {
	t.Parallel()
	for _, o := range []Options{{Seed: 1, People: 500}, {Seed: 2, People: 3000, Domain: "a-very-long-company-name-for-testing.example"}} {
		checkGitHub(t, mustGenerate(t, o))
	}
}

// TestGitHubAcrossSeeds checks the invariants and labels of small estates of many seeds,
// where pools run dry: no engineers at all, no departed ones, no one suspended.
func TestGitHubAcrossSeeds(t *testing.T) {
	t.Parallel()
	for seed := range int64(20) {
		for _, n := range []int{MinPeople, 37, 400} {
			e := githubEstate(t, Options{Seed: seed, People: n, Domain: "x.io"})
			checkGitHub(t, e)
			checkGitHubLabels(t, e)
			if t.Failed() {
				t.Fatalf("seed %d, %d people", seed, n)
			}
		}
	}
}

func TestGitHubSizes(t *testing.T) {
	t.Parallel()
	for _, n := range []int{MinPeople, 500, 20000} {
		e := githubEstate(t, Options{Seed: 3, People: n})
		gh, engineers := e.GitHub, 0
		for _, p := range e.People {
			if p.Department == "Engineering" {
				engineers++
			}
		}
		accounts := len(gh.Users) - 5 // bots and contractors
		if accounts < engineers || accounts > engineers+engineers/5+2 {
			t.Errorf("%d people: %d accounts of people for %d engineers", n, accounts, engineers)
		}
		want := repoCounts(len(gh.Users))
		got := [2]int{}
		for _, r := range gh.Repos {
			got[r.Org]++
		}
		if got != want || got[0] < 25 || got[0] > 600 || got[1] < 6 {
			t.Errorf("%d people: repos per organization %v, want %v", n, got, want)
		}
		if len(gh.Installations) < 8 || len(gh.Hooks) < 2 || len(gh.Secrets) < 5 || len(gh.DeployKeys) < 2 {
			t.Errorf("%d people: %d installations, %d hooks, %d secrets, %d deploy keys", n,
				len(gh.Installations), len(gh.Hooks), len(gh.Secrets), len(gh.DeployKeys))
		}
	}
}

func TestLogins(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		max  int
		want string
	}{
		{"John.Doe", 39, "john-doe"}, {"--a__b--", 39, "a-b"}, {"ЖЖЖ", 39, ""}, {"abc-def", 4, "abc"},
		{strings.Repeat("x", 50), 39, strings.Repeat("x", 39)}, {"it-admin", 39, "it-admin"},
	} {
		if got := cleanLogin(tt.in, tt.max); got != tt.want || (got != "" && !validLogin(got)) {
			t.Errorf("cleanLogin(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
	s := make(loginSet)
	long := strings.Repeat("y", 39)
	got := []string{s.claim("ann"), s.claim("ann"), s.claim("ANN"), s.claim(long), s.claim(long), s.claim("!!")}
	want := []string{"ann", "ann2", "ann3", long, strings.Repeat("y", 38) + "2", "user"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"", "-a", "a-", "a--b", "A", "a_b", strings.Repeat("a", 40)} {
		if validLogin(bad) {
			t.Errorf("validLogin(%q) = true", bad)
		}
	}
	if got := orgLogin("my--co.example"); got != "my-co" {
		t.Errorf("orgLogin = %q", got)
	}
}

// checkGitHub checks the GitHub of e: indexes in range, IDs unique per kind, logins
// valid and unique, memberships following the people's status, and times in order.
func checkGitHub(t *testing.T, e *Estate) {
	t.Helper()
	gh := e.GitHub
	if len(gh.Orgs) != 2 || !gh.Orgs[0].SAML || gh.Orgs[1].SAML || gh.Orgs[1].Login != gh.Orgs[0].Login+"-labs" ||
		!strings.HasPrefix(e.Options.Domain, gh.Orgs[0].Login) || !validLogin(gh.Orgs[1].Login) {
		t.Errorf("organizations %+v", gh.Orgs)
	}
	checkGitHubUsers(t, e)
	checkGitHubMembers(t, e)
	checkGitHubRepos(t, e)
	checkGitHubApps(t, e)
	checkGitHubTokens(t, e)
	checkGitHubCredentials(t, e)
	checkGitHubKeys(t, e)
	checkGitHubHooksSecrets(t, e)
	checkGitHubAudits(t, e)
}

// uniqueIDs checks that the n IDs id returns are distinct and positive.
func uniqueIDs(t *testing.T, what string, n int, id func(int) int64) {
	t.Helper()
	seen := make(map[int64]bool, n)
	for i := range n {
		v := id(i)
		if v <= 0 || v >= 1<<53 || seen[v] {
			t.Errorf("%s %d: ID %d not positive, too large or shared", what, i, v)
		}
		seen[v] = true
	}
}

// memberOf returns, per organization, the role of each member user.
func memberOf(gh *GitHub) [2]map[int32]string {
	out := [2]map[int32]string{{}, {}}
	for _, m := range gh.Members {
		out[m.Org][m.User] = m.Role
	}
	return out
}

func checkGitHubUsers(t *testing.T, e *Estate) {
	t.Helper()
	gh := e.GitHub
	members := memberOf(gh)
	logins, persons := map[string]bool{}, map[int32]bool{}
	for i, u := range gh.Users {
		if !validLogin(u.Login) || logins[u.Login] {
			t.Errorf("user %d: login %q invalid or shared", i, u.Login)
		}
		logins[u.Login] = true
		if u.Person < -1 || int(u.Person) >= len(e.People) || persons[u.Person] || (u.Bot && u.Person >= 0) {
			t.Errorf("user %d %q: person %d, bot %v", i, u.Login, u.Person, u.Bot)
		}
		if u.Person >= 0 {
			persons[u.Person] = true
			if i > 0 && gh.Users[i-1].Person >= u.Person {
				t.Errorf("users %d and %d are out of People order", i-1, i)
			}
		}
		_, inMain := members[ghMain][int32(i)]
		if wantEmail := ""; u.Person >= 0 && inMain {
			if wantEmail = e.People[u.Person].Email; u.Email != wantEmail {
				t.Errorf("user %q: email %q, want %q", u.Login, u.Email, wantEmail)
			}
		} else if u.Email != "" {
			t.Errorf("user %q without a SAML identity has email %q", u.Login, u.Email)
		}
	}
	uniqueIDs(t, "user", len(gh.Users), func(i int) int64 { return gh.Users[i].ID })
	for p, person := range e.People {
		if person.Department == "Engineering" && !persons[int32(p)] {
			t.Errorf("engineer %s has no GitHub account", person.Email)
		}
	}
}

func checkGitHubMembers(t *testing.T, e *Estate) {
	t.Helper()
	gh, now := e.GitHub, e.Options.Now
	seen := map[[2]int32]bool{}
	admins := [2]int{}
	for i, m := range gh.Members {
		if m.Org < 0 || m.Org > 1 || m.User < 0 || int(m.User) >= len(gh.Users) || seen[[2]int32{m.Org, m.User}] ||
			(m.Role != "admin" && m.Role != "member") {
			t.Errorf("member %d %+v: bad indexes, role or a repeat", i, m)
			continue
		}
		seen[[2]int32{m.Org, m.User}] = true
		if m.Role == "admin" {
			admins[m.Org]++
		}
		if m.JoinedAt.After(now) || m.JoinedAt.Before(gh.Orgs[m.Org].CreatedAt) {
			t.Errorf("member %d joined %v", i, m.JoinedAt)
		}
		if p := gh.Users[m.User].Person; p >= 0 {
			person := e.People[p]
			if m.JoinedAt.Before(person.CreatedAt) || (person.Status != Active && !m.JoinedAt.Before(person.DepartedAt)) {
				t.Errorf("member %d joined %v, person created %v, left %v", i, m.JoinedAt, person.CreatedAt, person.DepartedAt)
			}
		}
	}
	if admins[0] == 0 || admins[1] == 0 {
		t.Errorf("owners per organization %v", admins)
	}
	for i, u := range gh.Users {
		if u.Person >= 0 && e.People[u.Person].Status != Departed && !seen[[2]int32{ghMain, int32(i)}] {
			t.Errorf("%s %q is no member of the main organization", e.People[u.Person].Status, u.Login)
		}
	}
}

func checkGitHubRepos(t *testing.T, e *Estate) {
	t.Helper()
	gh := e.GitHub
	names := map[string]bool{}
	for i, r := range gh.Repos {
		key := gh.Orgs[r.Org].Login + "/" + r.Name
		if r.Org < 0 || r.Org > 1 || names[key] || r.Name == "" || r.CreatedAt.Before(gh.Orgs[r.Org].CreatedAt) ||
			r.CreatedAt.After(e.Options.Now) {
			t.Errorf("repo %d %+v: bad org, name or time", i, r)
		}
		names[key] = true
	}
	uniqueIDs(t, "repo", len(gh.Repos), func(i int) int64 { return gh.Repos[i].ID })
}

// inOrg checks that repos are distinct repositories of org, in ascending order.
func inOrg(t *testing.T, gh *GitHub, what string, org int32, repos []int32) {
	t.Helper()
	for k, r := range repos {
		if r < 0 || int(r) >= len(gh.Repos) || gh.Repos[r].Org != org || (k > 0 && repos[k-1] >= r) {
			t.Errorf("%s: repository %d is out of range, of another organization or out of order", what, r)
		}
	}
}

// validPerms checks that every permission level is read, write or admin.
func validPerms(t *testing.T, what string, perms ...map[string]string) {
	t.Helper()
	for _, m := range perms {
		for p, l := range m {
			if p == "" || (l != "read" && l != "write" && l != "admin") {
				t.Errorf("%s: permission %q at %q", what, p, l)
			}
		}
	}
}

func checkGitHubApps(t *testing.T, e *Estate) {
	t.Helper()
	gh, now := e.GitHub, e.Options.Now
	members := memberOf(gh)
	slugs, suspicious := map[string]bool{}, 0
	for i, a := range gh.Apps {
		if slugs[a.Slug] || len(a.ClientID) != 20 || !strings.HasPrefix(a.ClientID, "Iv23li") || a.Owner == "" ||
			int(a.Vendor) >= len(e.Vendors) || a.Vendor < -1 || (a.Vendor >= 0 && e.Vendors[a.Vendor].Company != a.Company) {
			t.Errorf("app %d %+v", i, a)
		}
		slugs[a.Slug] = true
		if a.Suspicious {
			suspicious++
			if a.Company != "" || a.Vendor != -1 || a.Owner == gh.Orgs[0].Login {
				t.Errorf("suspicious app %+v has a known publisher", a)
			}
		}
	}
	if suspicious != 1 {
		t.Errorf("%d suspicious apps, want 1", suspicious)
	}
	uniqueIDs(t, "app", len(gh.Apps), func(i int) int64 { return gh.Apps[i].ID })
	uniqueIDs(t, "installation", len(gh.Installations), func(i int) int64 { return gh.Installations[i].ID })
	for i, in := range gh.Installations {
		what := "installation " + gh.Apps[in.App].Slug
		if in.App < 0 || int(in.App) >= len(gh.Apps) || members[in.Org][in.InstalledBy] != "admin" ||
			in.All != (len(in.Repos) == 0) || in.Permissions["metadata"] != "read" {
			t.Errorf("installation %d %+v", i, in)
		}
		inOrg(t, gh, what, in.Org, in.Repos)
		validPerms(t, what, in.Permissions)
		if in.CreatedAt.After(in.UpdatedAt) || in.UpdatedAt.After(now) || in.LastUsedAt.After(now) ||
			in.SuspendedAt.IsZero() != (in.SuspendedBy == -1) || (!in.SuspendedAt.IsZero() && members[in.Org][in.SuspendedBy] != "admin") {
			t.Errorf("%s: times or suspension %+v", what, in)
		}
	}
}

func checkGitHubTokens(t *testing.T, e *Estate) {
	t.Helper()
	gh, now := e.GitHub, e.Options.Now
	members := memberOf(gh)
	tokenIDs := map[int64]bool{}
	for _, list := range []struct {
		what   string
		tokens []GHToken
	}{{"token", gh.Tokens}, {"request", gh.Requests}} {
		uniqueIDs(t, list.what, len(list.tokens), func(i int) int64 { return list.tokens[i].ID })
		for i, tk := range list.tokens {
			what := list.what + " " + tk.Name
			if _, ok := members[tk.Org][tk.Owner]; !ok || tokenIDs[tk.TokenID] || tk.Name == "" || (tk.Reason != "") != (list.what == "request") {
				t.Errorf("%s %d: owner is no member, token ID shared, or reason wrong: %+v", list.what, i, tk)
			}
			tokenIDs[tk.TokenID] = true
			if (tk.Selection == "subset") != (len(tk.Repos) > 0) || !slices.Contains([]string{"all", "subset", "none"}, tk.Selection) ||
				(tk.Selection == "none") != (len(tk.RepoPermissions) == 0) {
				t.Errorf("%s: selection %q, %d repos, repo permissions %v", what, tk.Selection, len(tk.Repos), tk.RepoPermissions)
			}
			inOrg(t, gh, what, tk.Org, tk.Repos)
			validPerms(t, what, tk.OrgPermissions, tk.RepoPermissions)
			life := tk.ExpiresAt.Sub(tk.GrantedAt)
			if tk.GrantedAt.After(now) || (!tk.LastUsedAt.IsZero() && (tk.LastUsedAt.Before(tk.GrantedAt) || tk.LastUsedAt.After(now))) ||
				(!tk.ExpiresAt.IsZero() && (life < 30*24*time.Hour || life > 366*24*time.Hour)) ||
				(!tk.ExpiresAt.IsZero() && !tk.LastUsedAt.IsZero() && tk.LastUsedAt.After(tk.ExpiresAt)) {
				t.Errorf("%s: granted %v, last used %v, expires %v", what, tk.GrantedAt, tk.LastUsedAt, tk.ExpiresAt)
			}
			if p := gh.Users[tk.Owner].Person; p >= 0 && e.People[p].Status != Active && !tk.GrantedAt.Before(e.People[p].DepartedAt) {
				t.Errorf("%s: granted %v after its owner left %v", what, tk.GrantedAt, e.People[p].DepartedAt)
			}
			if list.what == "request" && (now.Sub(tk.GrantedAt) > 30*24*time.Hour || !tk.LastUsedAt.IsZero() || gh.Users[tk.Owner].Person < 0 ||
				e.People[gh.Users[tk.Owner].Person].Status != Active) {
				t.Errorf("%s: requested %v by %q, last used %v", what, tk.GrantedAt, gh.Users[tk.Owner].Login, tk.LastUsedAt)
			}
		}
	}
}

func checkGitHubCredentials(t *testing.T, e *Estate) {
	t.Helper()
	gh, now := e.GitHub, e.Options.Now
	members := memberOf(gh)
	uniqueIDs(t, "credential", len(gh.Credentials), func(i int) int64 { return gh.Credentials[i].ID })
	uniqueIDs(t, "authorized credential", len(gh.Credentials), func(i int) int64 { return gh.Credentials[i].AuthorizedCredentialID })
	for i, c := range gh.Credentials {
		if _, ok := members[ghMain][c.User]; c.Org != ghMain || !ok {
			t.Errorf("credential %d %+v: not of a member of the SAML organization", i, c)
		}
		var ok bool
		switch c.Type {
		case GHCredentialPAT:
			ok = len(c.LastEight) == 8 && len(c.Scopes) > 0 && c.Fingerprint == "" && c.Application == "" && c.Note != ""
		case GHCredentialSSH:
			ok = len(c.Fingerprint) == 50 && strings.HasPrefix(c.Fingerprint, "SHA256:") && c.LastEight == "" &&
				len(c.Scopes) == 0 && c.Title != "" && c.ExpiresAt.IsZero()
		case GHCredentialOAuth:
			ok = len(c.LastEight) == 8 && len(c.Scopes) > 0 && c.Application != "" &&
				strings.HasPrefix(c.ApplicationClientID, "Ov23li") && c.ExpiresAt.IsZero()
		}
		if !ok || c.AuthorizedAt.After(now) || (!c.AccessedAt.IsZero() && (c.AccessedAt.Before(c.AuthorizedAt) || c.AccessedAt.After(now))) ||
			(!c.ExpiresAt.IsZero() && !c.ExpiresAt.After(c.AuthorizedAt)) {
			t.Errorf("credential %d: %+v", i, c)
		}
	}
}

func checkGitHubKeys(t *testing.T, e *Estate) {
	t.Helper()
	gh, now := e.GitHub, e.Options.Now
	uniqueIDs(t, "deploy key", len(gh.DeployKeys), func(i int) int64 { return gh.DeployKeys[i].ID })
	for i, k := range gh.DeployKeys {
		if k.Repo < 0 || int(k.Repo) >= len(gh.Repos) || k.AddedBy < 0 || int(k.AddedBy) >= len(gh.Users) {
			t.Errorf("deploy key %d: bad indexes %+v", i, k)
			continue
		}
		if !strings.HasPrefix(k.Key, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI") || len(k.Key) != len("ssh-ed25519 ")+68 ||
			k.Title == "" || !k.Verified || !k.Enabled {
			t.Errorf("deploy key %d: key %q, title %q", i, k.Key, k.Title)
		}
		if k.CreatedAt.Before(gh.Repos[k.Repo].CreatedAt) || k.CreatedAt.After(now) ||
			(!k.LastUsedAt.IsZero() && (k.LastUsedAt.Before(k.CreatedAt) || k.LastUsedAt.After(now))) {
			t.Errorf("deploy key %d: created %v (repo %v), last used %v", i, k.CreatedAt, gh.Repos[k.Repo].CreatedAt, k.LastUsedAt)
		}
		if p := gh.Users[k.AddedBy].Person; p >= 0 && e.People[p].Status != Active && !k.CreatedAt.Before(e.People[p].DepartedAt) {
			t.Errorf("deploy key %d: added %v after its adder left %v", i, k.CreatedAt, e.People[p].DepartedAt)
		}
	}
}

func checkGitHubHooksSecrets(t *testing.T, e *Estate) {
	t.Helper()
	gh, now := e.GitHub, e.Options.Now
	members := memberOf(gh)
	uniqueIDs(t, "hook", len(gh.Hooks), func(i int) int64 { return gh.Hooks[i].ID })
	for i, h := range gh.Hooks {
		if !strings.HasPrefix(h.URL, "https://") || len(h.Events) == 0 || members[h.Org][h.CreatedBy] != "admin" ||
			h.CreatedAt.After(h.UpdatedAt) || h.UpdatedAt.After(now) || (h.ContentType != "json" && h.ContentType != "form") {
			t.Errorf("hook %d: %+v", i, h)
		}
	}
	names := map[string]bool{}
	for i, s := range gh.Secrets {
		key := gh.Orgs[s.Org].Login + "/" + s.Name
		if s.Repo >= 0 {
			key = gh.Orgs[s.Org].Login + "/" + gh.Repos[s.Repo].Name + "/" + s.Name
		}
		orgVisibility := slices.Contains([]string{"all", "private", "selected"}, s.Visibility)
		if names[key] || s.Name == "" || (s.Repo >= 0 && (gh.Repos[s.Repo].Org != s.Org || s.Visibility != "")) ||
			(s.Repo < 0 && !orgVisibility) || (s.Visibility == "selected") != (len(s.Repos) > 0) ||
			s.CreatedAt.After(s.UpdatedAt) || s.UpdatedAt.After(now) {
			t.Errorf("secret %d %+v", i, s)
		}
		inOrg(t, gh, "secret "+key, s.Org, s.Repos)
		names[key] = true
	}
}
