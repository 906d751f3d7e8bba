package okta

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// refreshUse is what the refresh tokens of one (user, client) pair show.
type refreshUse struct {
	last   time.Time
	tokens []refreshToken
}

// serviceApps lists the apps, then the okta.* scope grants of each service app, and
// reports the service apps. An app whose grants cannot be read is reported as a failure
// of the apps scope, which then stays incomplete.
func (s *scan) serviceApps(ctx context.Context) error {
	var services []*app
	err := list(ctx, s.api, "/api/v1/apps?limit="+pageSize, func(page []app) error {
		for i := range page {
			a := page[i]
			if a.ID == "" {
				continue
			}
			s.apps[a.ID] = &a
			s.apps[a.clientID()] = &a
			if a.appType() == "service" {
				services = append(services, &a)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	complete := true
	used, usedKnown := s.serviceUse(ctx, s.c.env.Clock()())
	for _, a := range services {
		var grants []grant
		err := list(ctx, s.api, "/api/v1/apps/"+url.PathEscape(a.ID)+"/grants?limit="+pageSize, func(p []grant) error {
			grants = append(grants, p...)
			return nil
		})
		if err != nil {
			if fatal(err) {
				return err
			}
			complete = false
			s.r.Fail(ctx, connector.Failure{Scope: scopeApps, Resource: "okta.* scope grants of app " + a.ID,
				Err: s.c.mapError(err, "the scope grants of app "+a.ID)})
			continue
		}
		id := s.c.serviceIdentity(a, grants)
		id.LastUsedAt = used[a.ID]
		if !usedKnown && id.LastUsedAt.IsZero() {
			id.Attributes["last_used"] = "unknown"
		}
		if err := s.report(ctx, a, id); err != nil {
			return err
		}
	}
	if !complete {
		return nil
	}
	return wrapReporter(s.r.ScopeComplete(ctx, scopeApps))
}

// report reports an identity after its app, which it reports once a scan.
func (s *scan) report(ctx context.Context, a *app, id nhi.Identity) error {
	if !s.reported[a.ID] {
		if err := s.r.App(ctx, s.c.appOf(a)); err != nil {
			return wrapReporter(err)
		}
		s.reported[a.ID] = true
	}
	return wrapReporter(s.r.Identity(ctx, id))
}

// grants reads the refresh tokens of the user-facing OAuth apps, then every person's
// consent grants, and reports a grant per (person, app). A DEPROVISIONED person has none:
// Okta does not keep them. A person whose grants cannot be read is a failure of the
// person's scope.
func (s *scan) grants(ctx context.Context) error {
	for _, a := range s.userApps() {
		err := list(ctx, s.api, "/api/v1/apps/"+url.PathEscape(a.ID)+"/tokens?limit="+pageSize, func(p []refreshToken) error {
			for _, t := range p {
				k := t.UserID + "/" + t.ClientID
				u := s.used[k]
				u.tokens = append(u.tokens, t)
				if t.LastUpdated.After(u.last) {
					u.last = t.LastUpdated
				}
				s.used[k] = u
			}
			return nil
		})
		if err != nil {
			if fatal(err) {
				return err
			}
			s.r.Fail(ctx, connector.Failure{Resource: "refresh tokens of app " + a.ID, Err: s.c.mapError(err, "the refresh tokens of app "+a.ID)})
		}
	}
	ids := make([]string, 0, len(s.people))
	for id := range s.people {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := s.personGrants(ctx, s.people[id]); err != nil {
			return err
		}
	}
	return nil
}

// userApps returns the OAuth apps people sign in to (not service apps), in ID order.
func (s *scan) userApps() []*app {
	var out []*app
	for id, a := range s.apps {
		if id == a.ID && a.appType() != "" && a.appType() != "service" {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b *app) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// personGrants reports the grants of person u, grouped by client, and completes the
// person's scope.
func (s *scan) personGrants(ctx context.Context, u *user) error {
	scope := connector.PersonScope(u.ID)
	if u.Status == "DEPROVISIONED" {
		return wrapReporter(s.r.ScopeComplete(ctx, scope))
	}
	byClient := map[string][]grant{}
	err := list(ctx, s.api, "/api/v1/users/"+url.PathEscape(u.ID)+"/grants?limit="+pageSize, func(p []grant) error {
		for _, g := range p {
			if g.ClientID != "" && (g.Status == "" || g.Status == "ACTIVE") {
				byClient[g.ClientID] = append(byClient[g.ClientID], g)
			}
		}
		return nil
	})
	if err != nil {
		if fatal(err) {
			return err
		}
		s.r.Fail(ctx, connector.Failure{Scope: scope, Resource: "OAuth grants of user " + u.ID, Err: s.c.mapError(err, "the grants of user "+u.ID)})
		return nil
	}
	clients := make([]string, 0, len(byClient))
	for c := range byClient {
		clients = append(clients, c)
	}
	slices.Sort(clients)
	for _, client := range clients {
		a := s.apps[client]
		if a == nil {
			a = &app{ID: client, Label: client}
		}
		id := s.c.grantIdentity(u.ID, a, byClient[client], s.used[u.ID+"/"+client])
		if err := s.report(ctx, a, id); err != nil {
			return err
		}
	}
	return wrapReporter(s.r.ScopeComplete(ctx, scope))
}
