package entra

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// listUsers lists the users, reports them as people and completes ScopePeople when every
// user was listed and usable. A failed listing is a failure of ScopePeople only.
func (s *scan) listUsers(ctx context.Context) error {
	complete := true
	_, err := list(ctx, s.g, resUsers, usersPath, func(us []user) error {
		for i := range us {
			p, ok := person(s.tenant, &us[i])
			if !ok {
				complete = false
				s.rep.fail(ctx, connector.Failure{Scope: connector.ScopePeople, Resource: "a user without a valid ID",
					Err: nhi.Errorf(nhi.CodeInvalid, "Microsoft Graph listed a user without a valid ID")})
				continue
			}
			if err := s.rep.person(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return s.failed(ctx, err, connector.ScopePeople, resUsers, "users")
	}
	if !complete {
		return nil
	}
	return s.rep.complete(ctx, connector.ScopePeople)
}

// loadSPs reads every service principal from rel (a delta round or a listing) into the
// index. The scan cannot go on without it: an error ends the scan.
func (s *scan) loadSPs(ctx context.Context, rel string) error {
	s.sps, s.byApp = map[string]*servicePrincipal{}, map[string]*servicePrincipal{}
	link, err := list(ctx, s.g, resSPs, rel, func(sps []servicePrincipal) error {
		for i := range sps {
			sp := &sps[i]
			if sp.Removed != nil {
				continue
			}
			if !validID(sp.ID) || !validID(sp.AppID) {
				s.rep.fail(ctx, connector.Failure{Resource: "a service principal without a valid ID",
					Err: nhi.Errorf(nhi.CodeInvalid, "Microsoft Graph listed a service principal without a valid id or appId")})
				continue
			}
			s.sps[sp.ID], s.byApp[strings.ToLower(sp.AppID)] = sp, sp
		}
		return nil
	})
	if err != nil {
		return s.c.mapError(err, resSPs)
	}
	if link != "" {
		s.next.SPs = link
	}
	return nil
}

// loadApps reads the tenant's app registrations from rel into s.apps and returns the
// delta link it ended with. A failed listing is reported and leaves s.apps empty: no
// credential scope is completed.
func (s *scan) loadApps(ctx context.Context, rel string) (string, error) {
	var apps []*application
	link, err := list(ctx, s.g, resApps, rel, func(page []application) error {
		for i := range page {
			a := &page[i]
			switch {
			case a.Removed != nil:
			case !validID(a.ID) || !validID(a.AppID):
				s.rep.fail(ctx, connector.Failure{Resource: "an application without a valid ID",
					Err: nhi.Errorf(nhi.CodeInvalid, "Microsoft Graph listed an application without a valid id or appId")})
			default:
				apps = append(apps, a)
			}
		}
		return nil
	})
	if err != nil {
		return "", s.failed(ctx, err, "", resApps, "app registrations")
	}
	s.apps, s.ownApps = apps, make(map[string]bool, len(apps))
	for _, a := range apps {
		s.ownApps[strings.ToLower(a.AppID)] = true
	}
	return link, nil
}

// readUsage reads the sign-in activity reports: of the service principals and, if keys,
// of the credentials. A tenant without the licence the reports need is logged, not
// reported as a failure: its identities simply have no last use.
func (s *scan) readUsage(ctx context.Context, keys bool) error {
	_, err := list(ctx, s.g, resSPActivity, spUsePath, func(acts []spActivity) error {
		for _, a := range acts {
			id := strings.ToLower(a.AppID)
			s.use.note(s.use.delegated, id, lastSignIn(a.DelegatedClientSignInActivity))
			s.use.note(s.use.app, id, lastSignIn(a.ApplicationAuthenticationClientSignInActivity))
		}
		return nil
	})
	if err == nil && keys {
		_, err = list(ctx, s.g, resKeyActivity, keyUsePath, func(acts []keyActivity) error {
			for _, a := range acts {
				s.use.note(s.use.keys, strings.ToLower(a.KeyID), lastSignIn(a.SignInActivity))
			}
			return nil
		})
	}
	if isNonPremium(err) {
		s.c.env.Log().WarnContext(ctx, "microsoft entra: the tenant has no Entra ID P1 or P2 licence, so nhi cannot "+
			"tell when apps and credentials were last used", "connector", s.c.cfg.Name)
		return nil
	}
	if err != nil {
		return s.failed(ctx, err, "", resSPActivity, "sign-in activity reports")
	}
	return nil
}

// note records t as the last use of id in m, if it is later than the one recorded.
func (u *usage) note(m map[string]time.Time, id string, t time.Time) {
	if t.IsZero() || id == "" {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if t.After(m[id]) {
		m[id] = t
	}
}

// last returns the last use of id in m.
func (u *usage) last(m map[string]time.Time, id string) time.Time {
	u.mu.Lock()
	defer u.mu.Unlock()
	return m[strings.ToLower(id)]
}

// listGrants lists the delegated grants at rel, reporting each, and completes scopeGrants
// when every grant was reported. A delta round (the full scan's) sets the cursor's delta
// link.
func (s *scan) listGrants(ctx context.Context, rel string) error {
	complete := true
	link, err := list(ctx, s.g, resGrants, rel, func(gs []grant) error {
		for i := range gs {
			if gs[i].Removed != nil {
				continue
			}
			ok, err := s.reportGrant(ctx, &gs[i])
			if err != nil {
				return err
			}
			complete = complete && ok
		}
		return nil
	})
	if err != nil {
		return s.failed(ctx, err, scopeGrants, resGrants, "delegated permission grants")
	}
	if link != "" {
		s.next.Grants = link
	}
	if !complete {
		return nil
	}
	return s.rep.complete(ctx, scopeGrants)
}

// reportGrant reports one grant; ok is false when it could not be (a failure is reported).
func (s *scan) reportGrant(ctx context.Context, g *grant) (ok bool, err error) {
	client := s.sps[g.ClientID]
	if client == nil {
		s.rep.fail(ctx, connector.Failure{Scope: scopeGrants, Resource: "grant " + nhi.CleanText(shorten(g.ID, 80)),
			Err: nhi.Errorf(nhi.CodeNotFound, "a delegated grant names client %s, which is not among the service principals",
				nhi.CleanText(shorten(g.ClientID, 64)))})
		return false, nil
	}
	f := spFacts(client, originOf(client, s.tenant, s.ownApps))
	id, ok := grantIdentity(s.tenant, g, client, s.sps[g.ResourceID], f, s.use.last(s.use.delegated, client.AppID))
	if !ok {
		s.rep.fail(ctx, connector.Failure{Scope: scopeGrants, Resource: fmt.Sprintf("a grant of %s", client.AppID),
			Err: nhi.Errorf(nhi.CodeInvalid, "Microsoft Graph listed a delegated grant without a valid id or scope")})
		return false, nil
	}
	if err := s.rep.identity(ctx, spApp(s.tenant, client, f), id); err != nil {
		return false, err
	}
	s.identities.Add(1)
	return true, nil
}
