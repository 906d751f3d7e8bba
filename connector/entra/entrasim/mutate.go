package entrasim

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/nhiscope/nhi/estate"
)

// The reasons a change finds nothing to change.
var (
	errNoSP     = errors.New("entrasim: no such service principal")
	errNoObject = errors.New("entrasim: no such object")
)

// Activity names of the directory audit log for changes made through the simulator.
const (
	actRemoveGrant      = "Remove delegated permission grant"
	actUpdateGrant      = "Update delegated permission grant"
	actAddGrant         = "Add delegated permission grant"
	actConsent          = "Consent to application"
	actRemoveAssignment = "Remove app role assignment from service principal"
	actAddAssignment    = "Add app role assignment to service principal"
	actUpdateSP         = "Update service principal"
	actDeleteSP         = "Delete service principal"
	actAppCredentials   = "Update application – Certificates and secrets management"
	actAddSPCredentials = "Add service principal credentials"
	actRemoveSPCreds    = "Remove service principal credentials"
)

// jsonString renders a value of modifiedProperties as Entra ID does: JSON text.
func jsonString(v any) string { return string(marshal(v)) }

// removeGrant deletes a grant.
func (s *Server) removeGrant(id string, by auditActor) error {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	g, ok := w.grant(id)
	if !ok {
		return errNoObject
	}
	g.removed, g.ver = true, w.bump()
	w.audit(s.now(), actRemoveGrant, by, w.spTarget(g.client,
		[3]string{"DelegatedPermissionGrant.Scope", jsonString(strings.Join(g.scopes, " ")), `""`}))
	return nil
}

// setGrantScopes replaces the scopes of a grant.
func (s *Server) setGrantScopes(id string, scopes []string, by auditActor) error {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	g, ok := w.grant(id)
	if !ok {
		return errNoObject
	}
	old := strings.Join(g.scopes, " ")
	g.scopes, g.ver = slices.Clone(scopes), w.bump()
	w.audit(s.now(), actUpdateGrant, by, w.spTarget(g.client,
		[3]string{"DelegatedPermissionGrant.Scope", jsonString(old), jsonString(strings.Join(scopes, " "))}))
	return nil
}

// removeAssignment deletes an app role assignment of service principal spID: one granted
// to it or, with viaResource, one of its roles granted to another.
func (s *Server) removeAssignment(spID, id string, viaResource bool, by auditActor) error {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	spi, _, ok := w.sp(spID)
	if !ok {
		return errNoSP
	}
	i, ok := w.assignIdx[id]
	if !ok || w.assigns[i].removed {
		return errNoObject
	}
	a := w.assigns[i]
	if (viaResource && a.resource != spi) || (!viaResource && a.principal != spi) {
		return errNoObject
	}
	a.removed, a.ver = true, w.bump()
	w.audit(s.now(), actRemoveAssignment, by, w.spTarget(a.principal,
		[3]string{"AppRole.Id", jsonString(a.appRoleID), `""`},
		[3]string{"AppRole.Value", jsonString(w.roleValue(a.resource, a.appRoleID)), `""`}))
	return nil
}

// roleValue returns the value of app role id of service principal sp, or "".
func (w *world) roleValue(sp int32, id string) string {
	for _, p := range w.sps[sp].sp.AppRoles {
		if strings.EqualFold(p.ID, id) {
			return p.Value
		}
	}
	return ""
}

// setEnabled enables or disables a service principal; disabled, it can get no tokens.
func (s *Server) setEnabled(id string, enabled bool, by auditActor) error {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	i, sp, ok := w.sp(id)
	if !ok {
		return errNoSP
	}
	if sp.sp.AccountEnabled == enabled {
		return nil
	}
	old := sp.sp.AccountEnabled
	sp.sp.AccountEnabled, sp.ver = enabled, w.bump()
	w.audit(s.now(), actUpdateSP, by, w.spTarget(i, [3]string{"AccountEnabled",
		"[" + strconv.FormatBool(old) + "]", "[" + strconv.FormatBool(enabled) + "]"}))
	return nil
}

// withoutKey returns cs without the credential keyID, and whether it was there.
func withoutKey(cs []estate.MSCredential, keyID string) ([]estate.MSCredential, estate.MSCredential, bool) {
	i := slices.IndexFunc(cs, func(c estate.MSCredential) bool { return strings.EqualFold(c.KeyID, keyID) })
	if i < 0 {
		return cs, estate.MSCredential{}, false
	}
	return slices.Delete(slices.Clone(cs), i, i+1), cs[i], true
}

// keyDescription renders a credential in modifiedProperties.
func keyDescription(c estate.MSCredential, kind string) string {
	return "[KeyIdentifier=" + c.KeyID + ",KeyType=" + kind + ",KeyUsage=Verify,DisplayName=" + c.DisplayName + "]"
}

// removePassword removes client secret keyID from the app registration (or, with sp, the
// service principal) objectID.
func (s *Server) removePassword(objectID, keyID string, sp bool, by auditActor) error {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	if sp {
		i, st, ok := w.sp(objectID)
		if !ok {
			return errNoSP
		}
		rest, gone, found := withoutKey(st.sp.Passwords, keyID)
		if !found {
			return errNoObject
		}
		st.sp.Passwords, st.ver = rest, w.bump()
		w.audit(s.now(), actRemoveSPCreds, by, w.spTarget(i, [3]string{"KeyDescription", keyDescription(gone, "Password"), "[]"}))
		return nil
	}
	_, st, ok := w.app(objectID)
	if !ok {
		return errNoSP
	}
	rest, gone, found := withoutKey(st.app.Passwords, keyID)
	if !found {
		return errNoObject
	}
	st.app.Passwords, st.ver = rest, w.bump()
	w.audit(s.now(), actAppCredentials, by, appTarget(&st.app, [3]string{"KeyDescription", keyDescription(gone, "Password"), "[]"}))
	return nil
}

// appTarget is an app registration as an audit target.
func appTarget(a *estate.MSApplication, modified ...[3]string) auditTarget {
	return auditTarget{id: a.ObjectID, name: a.DisplayName, typ: "Application", appID: a.AppID, modified: modified}
}
