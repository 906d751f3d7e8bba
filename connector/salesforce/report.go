package salesforce

import (
	"context"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// report reports what the reads gave, failing the scopes of what they could not read.
func (s *scan) report(ctx context.Context) error {
	active := map[string]bool{}
	if s.usersErr == nil {
		for i := range s.users {
			active[s.users[i].ID] = s.users[i].IsActive
		}
	}
	if err := s.reportUsers(ctx); err != nil {
		return err
	}
	if s.orgErr != nil {
		s.failed(ctx, s.orgErr, "", resApps)
		return nil
	}
	for i := range s.apps {
		meta, _ := s.meta.get(s.apps[i].ID)
		if err := s.rep.app(ctx, appFacts{rec: &s.apps[i], meta: meta}.app(s.org)); err != nil {
			return err
		}
	}
	switch {
	case s.tokensErr != nil:
		s.failed(ctx, s.tokensErr, "", resTokens)
		return nil
	case s.listErr != nil:
		s.failed(ctx, s.listErr, "", resMetadata+" (OAuth scopes and policies of every app's tokens)")
		return nil
	}
	return s.reportTokens(ctx, active)
}

// reportUsers reports the people and the integration users, or fails both scopes.
func (s *scan) reportUsers(ctx context.Context) error {
	if s.usersErr != nil {
		s.failed(ctx, s.usersErr, connector.ScopePeople, resUsers)
		s.failed(ctx, s.usersErr, scopeIntegration, "integration users")
		return nil
	}
	holders := map[string]bool{}
	for _, t := range s.tokens {
		holders[t.UserID] = true
	}
	for i := range s.users {
		if err := ctx.Err(); err != nil {
			return err
		}
		u := &s.users[i]
		if !validSFID(u.ID, "005") {
			continue
		}
		p := s.perms[u.ID]
		if p == nil {
			p = &sysPerms{}
		}
		var err error
		if integrationUser(u, p, holders[u.ID]) {
			err = s.rep.identity(ctx, nhi.App{}, serviceAccount(s.org, u, *p, s.frozen[u.ID]))
		} else {
			err = s.rep.person(ctx, person(s.org, u, s.frozen[u.ID]))
		}
		if err != nil {
			return err
		}
	}
	if err := s.rep.complete(ctx, connector.ScopePeople); err != nil {
		return err
	}
	return s.rep.complete(ctx, scopeIntegration)
}

// integrationUser reports whether a user is an integration user rather than a person:
// API only through its profile or a permission set, a user type other than Standard, or
// the holder of OAuth tokens with a profile named for integrations.
func integrationUser(u *userRecord, p *sysPerms, holdsTokens bool) bool {
	return p.apiOnly || (u.UserType != "" && u.UserType != "Standard") ||
		(holdsTokens && strings.Contains(strings.ToLower(u.profileName()), "integration"))
}

// reportTokens reports the OAuth tokens, app by app, and completes the scope of every
// app whose metadata was read.
func (s *scan) reportTokens(ctx context.Context, active map[string]bool) error {
	facts, known := map[string]appFacts{}, map[string]bool{}
	for i := range s.apps {
		a := &s.apps[i]
		known[a.ID] = true
		meta, err := s.meta.get(a.ID)
		if err != nil {
			s.failed(ctx, err, appScope(a.ID), "metadata of connected app "+clip(a.Name, 100))
			continue
		}
		facts[a.ID] = appFacts{rec: a, meta: meta}
	}
	seen := map[string]bool{}
	for i := range s.tokens {
		if err := ctx.Err(); err != nil {
			return err
		}
		t := &s.tokens[i]
		appID := s.menu[t.AppMenuItemID]
		f, ok := facts[appID]
		if !ok && known[appID] {
			continue // its app's metadata failed: its scope stays incomplete
		}
		if !ok {
			appID = ""
		}
		isActive, known := active[t.UserID]
		id, ok := tokenIdentity(s.org, t, appID, f, isActive || !known)
		if !ok || seen[id.ExternalID] {
			continue
		}
		seen[id.ExternalID] = true
		if err := s.rep.identity(ctx, s.appOf(f), id); err != nil {
			return err
		}
	}
	for id := range facts {
		if err := s.rep.complete(ctx, appScope(id)); err != nil {
			return err
		}
	}
	return s.rep.complete(ctx, scopeOrphanTokens)
}

// appOf returns the nhi.App of f, or the zero App for a token of no known app.
func (s *scan) appOf(f appFacts) nhi.App {
	if f.rec == nil {
		return nhi.App{}
	}
	return f.app(s.org)
}
