package okta

import (
	"context"
	"net/url"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// The scopes identities are reported under, beside connector.PersonScope for a person's
// grants.
const (
	scopeTokens = "api-tokens"
	scopeApps   = "apps"
)

// scan is the state of one Discover call.
type scan struct {
	c   *Connector
	r   connector.Reporter
	api *api
	// people are the users by ID; roles the admin roles of admins by user ID.
	people map[string]*user
	roles  map[string][]string
	// apps are the org's apps by ID (and by client ID).
	apps map[string]*app
	// used is the last use of a (user, client) pair's refresh tokens, by "<user>/<client>".
	used map[string]refreshUse
	// reported are the apps reported so far.
	reported map[string]bool
	// partial marks an incremental scan, which has not listed the people and roles.
	partial bool
}

// Discover lists the org's people, their admin roles, API tokens, service apps with their
// okta.* scope grants and people's OAuth grants, and reports them to r. With a cursor it
// returned less than FullScanInterval before, it makes an incremental scan instead (see
// incremental). See connector.Connector.
func (c *Connector) Discover(ctx context.Context, since nhi.Cursor, r connector.Reporter) (nhi.Cursor, error) {
	s := c.newScan(ctx, r)
	now := c.env.Clock()()
	if since != "" {
		if cur, err := parseScanCursor(since); err == nil && now.Sub(cur.Full) < FullScanInterval && !cur.Full.After(now) {
			return c.incremental(ctx, s, cur)
		}
	}
	steps := []struct {
		resource string
		run      func(context.Context) error
	}{
		{"users", s.users},
		{"admin roles", s.adminRoles},
		{"API tokens", s.tokens},
		{"apps", s.serviceApps},
		{"OAuth grants", s.grants},
	}
	for _, st := range steps {
		if err := st.run(ctx); err != nil {
			return "", c.mapError(err, st.resource)
		}
	}
	return c.fullCursor(ctx, s, now)
}

// newScan returns the state of a scan reporting to r.
func (c *Connector) newScan(ctx context.Context, r connector.Reporter) *scan {
	return &scan{c: c, r: r, api: c.newAPI(ctx, r.Progress), people: map[string]*user{}, roles: map[string][]string{},
		apps: map[string]*app{}, used: map[string]refreshUse{}, reported: map[string]bool{}}
}

// users lists every user: those Okta lists by default and the DEPROVISIONED ones, which
// it lists only when asked. Both listings done, the people scope is complete.
func (s *scan) users(ctx context.Context) error {
	deprovisioned := "/api/v1/users?limit=" + pageSize + "&filter=" + url.QueryEscape(`status eq "DEPROVISIONED"`)
	for _, rel := range []string{"/api/v1/users?limit=" + pageSize, deprovisioned} {
		err := list(ctx, s.api, rel, func(page []user) error {
			for i := range page {
				u := page[i]
				if u.ID != "" {
					s.people[u.ID] = &u
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// adminRoles lists the users holding admin roles and the roles of each; then it reports
// the people, with IsAdmin.
func (s *scan) adminRoles(ctx context.Context) error {
	rel := "/api/v1/iam/assignees/users?limit=100"
	var admins []string
	for rel != "" {
		var page assignees
		if _, err := s.api.send(ctx, "GET", rel, &page); err != nil {
			return err
		}
		for _, v := range page.Value {
			admins = append(admins, v.ID)
		}
		next := page.Links.Next.Href
		if next == "" {
			break
		}
		var err error
		if rel, err = s.api.local(next); err != nil {
			return err
		}
	}
	for _, id := range admins {
		var roles []roleAssignment
		if _, err := s.api.send(ctx, "GET", "/api/v1/users/"+url.PathEscape(id)+"/roles", &roles); err != nil {
			return err
		}
		s.roles[id] = activeRoles(roles)
	}
	for _, u := range s.people {
		if err := s.r.Person(ctx, s.c.person(u, s.roles[u.ID] != nil)); err != nil {
			return wrapReporter(err)
		}
	}
	return wrapReporter(s.r.ScopeComplete(ctx, connector.ScopePeople))
}

// tokens lists the API tokens and reports each, with its creator's admin roles; in an
// incremental scan, it reads each creator and their roles first.
func (s *scan) tokens(ctx context.Context) error {
	var all []apiToken
	err := list(ctx, s.api, "/api/v1/api-tokens?limit="+pageSize, func(page []apiToken) error {
		for _, t := range page {
			if t.ID != "" {
				all = append(all, t)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := range all {
		if s.partial {
			if err := s.creator(ctx, all[i].UserID); err != nil {
				return err
			}
		}
		if err := s.r.Identity(ctx, s.c.tokenIdentity(&all[i], s.roles[all[i].UserID], s.people[all[i].UserID])); err != nil {
			return wrapReporter(err)
		}
	}
	return wrapReporter(s.r.ScopeComplete(ctx, scopeTokens))
}

// activeRoles returns the types of the active role assignments, never nil.
func activeRoles(roles []roleAssignment) []string {
	out := []string{}
	for _, r := range roles {
		if r.Status == "" || r.Status == "ACTIVE" {
			out = append(out, nhi.CleanText(r.Type))
		}
	}
	return out
}
