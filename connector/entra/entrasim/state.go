package entrasim

import (
	"slices"
	"strings"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// Grant is a delegated permission grant as the state accessors show it. IDs are object
// IDs, as Graph names them; PrincipalID is empty for an AllPrincipals (admin) consent.
type Grant struct {
	ID          string
	ClientID    string
	ResourceID  string
	ConsentType string
	PrincipalID string
	Scopes      []string
}

// AuditEvent is a directory audit event as the state accessors show it.
type AuditEvent struct {
	ID       string
	Time     time.Time
	Activity string
	// TargetID is the object ID of the service principal or app registration changed.
	TargetID string
}

// grantOf describes g. w.mu is held.
func (w *world) grantOf(g *grantState) Grant {
	out := Grant{ID: g.id, ClientID: w.sps[g.client].sp.ObjectID, ResourceID: w.sps[g.resource].sp.ObjectID,
		ConsentType: g.consentType, Scopes: slices.Clone(g.scopes)}
	if g.principal >= 0 {
		out.PrincipalID = w.users[g.principal].ObjectID
	}
	return out
}

// Grant returns the live grant with ID id.
func (s *Server) Grant(id string) (Grant, bool) {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	g, ok := s.w.grant(id)
	if !ok {
		return Grant{}, false
	}
	return s.w.grantOf(g), true
}

// HasGrant reports whether the grant with ID id is there.
func (s *Server) HasGrant(id string) bool {
	_, ok := s.Grant(id)
	return ok
}

// Grants returns every live grant, in creation order.
func (s *Server) Grants() []Grant {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	var out []Grant
	for _, g := range s.w.grants {
		if !g.removed {
			out = append(out, s.w.grantOf(g))
		}
	}
	return out
}

// HasAssignment reports whether the app role assignment with ID id is there.
func (s *Server) HasAssignment(id string) bool {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	i, ok := s.w.assignIdx[id]
	return ok && !s.w.assigns[i].removed
}

// ServicePrincipalEnabled reports whether the service principal with object ID id is
// enabled (accountEnabled); ok is false when there is no such service principal.
func (s *Server) ServicePrincipalEnabled(id string) (enabled, ok bool) {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	_, sp, ok := s.w.sp(id)
	if !ok {
		return false, false
	}
	return sp.sp.AccountEnabled, true
}

// HasCredential reports whether the app registration or service principal with object
// ID objectID holds the client secret or certificate keyID.
func (s *Server) HasCredential(objectID, keyID string) bool {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	var found bool
	has := func(cs ...[]estate.MSCredential) {
		for _, c := range cs {
			found = found || slices.ContainsFunc(c, func(k estate.MSCredential) bool { return strings.EqualFold(k.KeyID, keyID) })
		}
	}
	if _, a, ok := s.w.app(objectID); ok {
		has(a.app.Passwords, a.app.Keys)
	}
	if _, sp, ok := s.w.sp(objectID); ok {
		has(sp.sp.Passwords, sp.sp.Keys)
	}
	return found
}

// Audits returns the directory audit log, oldest first.
func (s *Server) Audits() []AuditEvent {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	out := make([]AuditEvent, 0, len(s.w.audits))
	for _, a := range s.w.audits {
		e := AuditEvent{ID: a.id, Time: a.at, Activity: a.activity}
		if a.target != nil {
			e.TargetID = a.target.id
		}
		out = append(out, e)
	}
	return out
}
