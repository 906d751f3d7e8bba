package githubsim

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nhiscope/nhi/estate"
)

// checkEstate reports indexes out of range, duplicate logins and duplicate IDs in the
// estate's GitHub, which the simulator would otherwise trip over.
func checkEstate(gh *estate.GitHub) error {
	c := checker{}
	c.unique("organization login", len(gh.Orgs), func(i int) string { return strings.ToLower(gh.Orgs[i].Login) })
	c.unique("user login", len(gh.Users), func(i int) string { return strings.ToLower(gh.Users[i].Login) })
	c.people(gh)
	c.grants(gh)
	c.things(gh)
	c.ids(gh)
	return errors.Join(c.errs...)
}

// people checks memberships, repositories and installations.
func (c *checker) people(gh *estate.GitHub) {
	nOrg, nUser, nRepo := len(gh.Orgs), len(gh.Users), len(gh.Repos)
	for i, m := range gh.Members {
		c.in("member", i, "org", m.Org, nOrg, false)
		c.in("member", i, "user", m.User, nUser, false)
	}
	for i, r := range gh.Repos {
		c.in("repo", i, "org", r.Org, nOrg, false)
	}
	for i, in := range gh.Installations {
		c.in("installation", i, "org", in.Org, nOrg, false)
		c.in("installation", i, "app", in.App, len(gh.Apps), false)
		c.in("installation", i, "installed_by", in.InstalledBy, nUser, true)
		c.in("installation", i, "suspended_by", in.SuspendedBy, nUser, true)
		c.all("installation", i, "repo", in.Repos, nRepo)
	}
}

// grants checks token grants, requests and credential authorizations.
func (c *checker) grants(gh *estate.GitHub) {
	nOrg, nUser, nRepo := len(gh.Orgs), len(gh.Users), len(gh.Repos)
	for _, ts := range []struct {
		what string
		list []estate.GHToken
	}{{"token", gh.Tokens}, {"request", gh.Requests}} {
		for i, t := range ts.list {
			c.in(ts.what, i, "org", t.Org, nOrg, false)
			c.in(ts.what, i, "owner", t.Owner, nUser, false)
			c.all(ts.what, i, "repo", t.Repos, nRepo)
		}
		c.unique(ts.what+" id", len(ts.list), func(i int) string { return fmt.Sprint(ts.list[i].ID) })
	}
	for i, cr := range gh.Credentials {
		c.in("credential", i, "org", cr.Org, nOrg, false)
		c.in("credential", i, "user", cr.User, nUser, false)
	}
}

// things checks deploy keys, hooks, secrets and audit events.
func (c *checker) things(gh *estate.GitHub) {
	nOrg, nUser, nRepo := len(gh.Orgs), len(gh.Users), len(gh.Repos)
	for i, k := range gh.DeployKeys {
		c.in("deploy key", i, "repo", k.Repo, nRepo, false)
		c.in("deploy key", i, "added_by", k.AddedBy, nUser, true)
	}
	for i, h := range gh.Hooks {
		c.in("hook", i, "org", h.Org, nOrg, false)
		c.in("hook", i, "created_by", h.CreatedBy, nUser, true)
	}
	for i, s := range gh.Secrets {
		c.in("secret", i, "org", s.Org, nOrg, false)
		c.in("secret", i, "repo", s.Repo, nRepo, true)
		c.all("secret", i, "repo", s.Repos, nRepo)
	}
	for i, a := range gh.Audits {
		c.in("audit event", i, "org", a.Org, nOrg, false)
		c.in("audit event", i, "actor", a.Actor, nUser, true)
		c.in("audit event", i, "user", a.User, nUser, true)
	}
}

// checker collects the problems checkEstate finds, up to a few dozen.
type checker struct{ errs []error }

// add records a problem.
func (c *checker) add(format string, args ...any) {
	if len(c.errs) < 30 {
		c.errs = append(c.errs, fmt.Errorf(format, args...))
	}
}

// in checks that index v of field of item i of what is in [0, n), or -1 when none is
// allowed.
func (c *checker) in(what string, i int, field string, v int32, n int, none bool) {
	if (v == -1 && none) || (v >= 0 && int(v) < n) {
		return
	}
	c.add("%s %d: %s index %d out of range", what, i, field, v)
}

// all checks a list of indexes.
func (c *checker) all(what string, i int, field string, vs []int32, n int) {
	for _, v := range vs {
		c.in(what, i, field, v, n, false)
	}
}

// unique checks that the n keys are distinct.
func (c *checker) unique(what string, n int, keyOf func(int) string) {
	seen := make(map[string]bool, n)
	for i := range n {
		k := keyOf(i)
		if seen[k] {
			c.add("duplicate %s %q", what, k)
		}
		seen[k] = true
	}
}

// ids checks that the numeric IDs the simulator looks things up by are unique per kind.
func (c *checker) ids(gh *estate.GitHub) {
	id := func(v int64) string { return fmt.Sprint(v) }
	c.unique("installation id", len(gh.Installations), func(i int) string { return id(gh.Installations[i].ID) })
	c.unique("credential id", len(gh.Credentials), func(i int) string { return id(gh.Credentials[i].ID) })
	c.unique("deploy key id", len(gh.DeployKeys), func(i int) string { return id(gh.DeployKeys[i].ID) })
	c.unique("hook id", len(gh.Hooks), func(i int) string { return id(gh.Hooks[i].ID) })
}

// lower returns s in lower case.
func lower(s string) string { return strings.ToLower(s) }
