package entra_test

import (
	"cmp"
	"maps"
	"slices"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/entra/entrasim"
	"github.com/nhiscope/nhi/estate"
)

// zeroGUID is the app role of an assignment without a role.
const zeroGUID = "00000000-0000-0000-0000-000000000000"

// truth is what a full scan of e's Microsoft tenant must find, by the connector's mapping:
// a grant per delegated grant, a service account per service principal (not Microsoft's)
// holding application permissions, a credential per secret and certificate of app
// registrations and service principals.
func truth(e *estate.Estate) connectortest.Truth {
	ms := e.Microsoft
	tr := connectortest.Truth{Tenant: ms.TenantID}
	for _, u := range ms.Users {
		p := e.People[u.Person]
		tp := connectortest.TruthPerson{ExternalID: u.ObjectID, Status: nhi.PersonActive, Email: p.Email,
			Name: nhi.CleanText(p.GivenName + " " + p.FamilyName)}
		if !u.AccountEnabled {
			tp.Status = nhi.PersonSuspended
		}
		tr.People = append(tr.People, tp)
	}
	withGrants := map[int32]bool{}
	for _, g := range ms.Grants {
		withGrants[g.Client] = true
		tr.Identities = append(tr.Identities, grantTruth(ms, g))
	}
	for i, sp := range ms.ServicePrincipals {
		if ti, ok := serviceAccountTruth(ms, int32(i), withGrants[int32(i)]); ok {
			tr.Identities = append(tr.Identities, ti)
		}
		tr.Identities = append(tr.Identities, credentialTruth(ms, sp.ObjectID, sp.AppID, sp.Owners, sp.Passwords, sp.Keys)...)
	}
	for _, a := range ms.Applications {
		tr.Identities = append(tr.Identities, credentialTruth(ms, a.ObjectID, a.AppID, a.Owners, a.Passwords, a.Keys)...)
	}
	return tr
}

// grantTruth is the truth of one delegated grant: its client's last sign-in is its last use.
func grantTruth(ms *estate.Microsoft, g estate.MSGrant) connectortest.TruthIdentity {
	client := ms.ServicePrincipals[g.Client]
	ti := connectortest.TruthIdentity{ExternalID: g.ID, Kind: nhi.KindOAuthGrant, AppID: client.AppID,
		Scopes: slices.Compact(slices.Sorted(slices.Values(g.Scopes))), LastUsedAt: client.LastSignIn}
	if g.Principal >= 0 {
		ti.OwnerID = ms.Users[g.Principal].ObjectID
	}
	return ti
}

// serviceAccountTruth is the truth of service principal i as a holder of application
// permissions, named by the values its resources publish. Its app-only last use is the
// last use of its credentials, or its last sign-in when it has none and no grants.
func serviceAccountTruth(ms *estate.Microsoft, i int32, hasGrants bool) (connectortest.TruthIdentity, bool) {
	sp := ms.ServicePrincipals[i]
	if sp.FirstParty && sp.ServicePrincipalType != "ManagedIdentity" {
		return connectortest.TruthIdentity{}, false
	}
	ti := connectortest.TruthIdentity{ExternalID: sp.ObjectID, Kind: nhi.KindServiceAccount, AppID: sp.AppID,
		OwnerID: firstOwner(ms, sp.Owners)}
	for _, a := range ms.Assignments {
		if a.Principal != i || a.AppRoleID == zeroGUID {
			continue
		}
		value := a.AppRoleID
		for _, r := range ms.ServicePrincipals[a.Resource].AppRoles {
			if r.ID == a.AppRoleID {
				value = r.Value
			}
		}
		if !slices.Contains(ti.Scopes, value) {
			ti.Scopes = append(ti.Scopes, value)
		}
		if ti.CreatedAt.IsZero() || a.Created.Before(ti.CreatedAt) {
			ti.CreatedAt = a.Created
		}
	}
	var creds []estate.MSCredential
	for _, app := range ms.Applications {
		if app.AppID == sp.AppID {
			creds = slices.Concat(app.Passwords, app.Keys)
		}
	}
	for _, c := range slices.Concat(creds, sp.Passwords, sp.Keys) {
		if c.LastUsed.After(ti.LastUsedAt) {
			ti.LastUsedAt = c.LastUsed
		}
	}
	if ti.LastUsedAt.IsZero() && !hasGrants {
		ti.LastUsedAt = sp.LastSignIn
	}
	return ti, len(ti.Scopes) > 0
}

// credentialTruth is the truth of the secrets and certificates of one object.
func credentialTruth(ms *estate.Microsoft, objectID, appID string, owners []int32, sets ...[]estate.MSCredential) []connectortest.TruthIdentity {
	var out []connectortest.TruthIdentity
	for _, c := range slices.Concat(sets...) {
		out = append(out, connectortest.TruthIdentity{ExternalID: objectID + "/" + c.KeyID, Kind: nhi.KindAppCredential,
			AppID: appID, OwnerID: firstOwner(ms, owners), CreatedAt: c.Start, LastUsedAt: c.LastUsed})
	}
	return out
}

// firstOwner returns the object ID of the first owner, or "".
func firstOwner(ms *estate.Microsoft, owners []int32) string {
	if len(owners) == 0 {
		return ""
	}
	return ms.Users[owners[0]].ObjectID
}

// mutate gives a user without one a grant to the app holding the most grants and removes
// another grant of that app, through the simulator, at the estate's "now".
func mutate(t *testing.T, e *estate.Estate, sim *entrasim.Server, before connectortest.Truth) connectortest.Change {
	t.Helper()
	ms := e.Microsoft
	counts := map[int32]int{}
	for _, g := range ms.Grants {
		if g.Principal >= 0 {
			counts[g.Client]++
		}
	}
	client := slices.MaxFunc(slices.Collect(maps.Keys(counts)), func(a, b int32) int {
		return cmp.Or(cmp.Compare(counts[a], counts[b]), cmp.Compare(b, a))
	})
	granted := map[int32]bool{}
	var gone estate.MSGrant
	for _, g := range ms.Grants {
		if g.Client == client && g.Principal >= 0 {
			granted[g.Principal], gone = true, g
		}
	}
	graph := ms.ServicePrincipals[gone.Resource].ObjectID
	var ch connectortest.Change
	for i, u := range ms.Users {
		if !granted[int32(i)] && u.AccountEnabled {
			id, err := sim.AddGrant(ms.ServicePrincipals[client].ObjectID, graph, u.ObjectID, []string{"User.Read"}, e.Options.Now)
			if err != nil {
				t.Fatal(err)
			}
			ch.Added = []string{id}
			ch.Truth.Identities = append(ch.Truth.Identities, grantTruth(ms, estate.MSGrant{ID: id, Client: client,
				Resource: gone.Resource, ConsentType: "Principal", Principal: int32(i), Scopes: []string{"User.Read"}}))
			break
		}
	}
	if err := sim.RemoveGrant(gone.ID); err != nil {
		t.Fatal(err)
	}
	ch.Removed = []string{gone.ID}
	ch.Truth.Tenant, ch.Truth.People = before.Tenant, before.People
	for _, ti := range before.Identities {
		if ti.ExternalID != gone.ID {
			ch.Truth.Identities = append(ch.Truth.Identities, ti)
		}
	}
	return ch
}
