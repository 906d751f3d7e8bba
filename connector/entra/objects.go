package entra

import (
	"context"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// application reports the credentials of an app registration, with its owners, and
// completes its scope.
func (s *scan) application(ctx context.Context, a *application) error {
	scope := appScope(a.ID)
	if len(a.PasswordCredentials)+len(a.KeyCredentials) == 0 {
		return s.rep.complete(ctx, scope)
	}
	own, err := s.owners(ctx, "v1.0/applications/"+a.ID+"/owners?$select="+ownerSelect)
	if err != nil {
		return s.subFailed(ctx, err, scope, resOwners, "owners of application "+a.ID)
	}
	app := registrationApp(s.tenant, a)
	if sp := s.byApp[strings.ToLower(a.AppID)]; sp != nil {
		app = spApp(s.tenant, sp, spFacts(sp, originOf(sp, s.tenant, s.ownApps)))
	}
	h := keyHolder{objectID: a.ID, appID: a.AppID, name: displayName(a.DisplayName, a.AppID), origin: "application",
		scope: scope, facts: registrationFacts(a), owners: own}
	return s.reportCredentials(ctx, app, h, a.PasswordCredentials, a.KeyCredentials)
}

// servicePrincipal reports the identities of a service principal, with its owners: a
// service account when it holds application permissions (Microsoft's own service
// principals are not asked), and its own credentials. It then completes its scope.
func (s *scan) servicePrincipal(ctx context.Context, sp *servicePrincipal) error {
	scope := spScope(sp.ID)
	o := originOf(sp, s.tenant, s.ownApps)
	f := spFacts(sp, o)
	var sa nhi.Identity
	hasSA := false
	if o != originFirstParty {
		as, err := s.assignments(ctx, sp.ID)
		if err != nil {
			return s.subFailed(ctx, err, scope, resAssignments, "application permissions of service principal "+sp.ID)
		}
		sa, hasSA = serviceAccount(s.tenant, sp, f, as, s.sps, s.use.last(s.use.app, sp.AppID))
	}
	if !hasSA && len(sp.PasswordCredentials)+len(sp.KeyCredentials) == 0 {
		return s.rep.complete(ctx, scope)
	}
	own, err := s.owners(ctx, "v1.0/servicePrincipals/"+sp.ID+"/owners?$select="+ownerSelect)
	if err != nil {
		return s.subFailed(ctx, err, scope, resOwners, "owners of service principal "+sp.ID)
	}
	app := spApp(s.tenant, sp, f)
	if hasSA {
		if err := s.rep.identity(ctx, app, withOwners(sa, own)); err != nil {
			return err
		}
		s.identities.Add(1)
	}
	h := keyHolder{objectID: sp.ID, appID: sp.AppID, name: app.Name, origin: "servicePrincipal", scope: scope,
		facts: f, owners: own}
	return s.reportCredentials(ctx, app, h, sp.PasswordCredentials, sp.KeyCredentials)
}

// reportCredentials reports the credentials of h as identities of app and completes h's
// scope, unless a credential was unusable.
func (s *scan) reportCredentials(ctx context.Context, app nhi.App, h keyHolder, pw []passwordCredential, keys []keyCredential) error {
	lastUse := func(k string) time.Time { return s.use.last(s.use.keys, k) }
	ids, bad := credentialIdentities(s.tenant, h, pw, keys, lastUse, s.now)
	for _, id := range ids {
		if err := s.rep.identity(ctx, app, id); err != nil {
			return err
		}
		s.identities.Add(1)
	}
	if bad > 0 {
		s.rep.fail(ctx, connector.Failure{Scope: h.scope, Resource: "credentials of " + h.objectID,
			Err: nhi.Errorf(nhi.CodeInvalid, "Microsoft Graph listed %d credentials of %s without a valid key ID", bad, h.name)})
		return nil
	}
	return s.rep.complete(ctx, h.scope)
}

// subFailed handles the failure of a listing below one object (its owners or app role
// assignments): an object Graph says is gone has no identities left; a refused
// permission ends the scan, as it would fail for every object; anything else fails the
// object's scope only.
func (s *scan) subFailed(ctx context.Context, err error, scope, resource, what string) error {
	switch {
	case isGone(err):
		return s.rep.complete(ctx, scope)
	case denied(err):
		return s.c.mapError(err, resource)
	}
	return s.failed(ctx, err, scope, resource, what)
}

// owners lists the owners at rel.
func (s *scan) owners(ctx context.Context, rel string) (owned, error) {
	var objs []directoryObject
	_, err := list(ctx, s.g, resOwners, rel, func(page []directoryObject) error {
		objs = append(objs, page...)
		return nil
	})
	return ownersOf(objs), err
}

// assignments lists the app role assignments a service principal holds.
func (s *scan) assignments(ctx context.Context, spID string) ([]assignment, error) {
	var out []assignment
	_, err := list(ctx, s.g, resAssignments, "v1.0/servicePrincipals/"+spID+"/appRoleAssignments?$top="+pageSize,
		func(page []assignment) error {
			out = append(out, page...)
			return nil
		})
	return out, err
}
