package entrasim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The changes below are made as the tenant's users and admins would make them outside
// nhi: each appears in delta queries and in the directory audit log, at the time given
// (the data clock's now when it is zero).

// at returns t, or the data clock's now for the zero time.
func (s *Server) at(t time.Time) time.Time {
	if t.IsZero() {
		return s.now()
	}
	return t
}

// admin is the actor of changes an administrator makes: the first user who is an admin,
// else an unnamed app. w.mu is held.
func (w *world) admin() auditActor {
	for i, u := range w.users {
		if w.e.People[u.Person].Admin {
			return auditActor{user: int32(i)}
		}
	}
	return auditActor{user: -1}
}

// guidBytes returns the 16 bytes of a GUID, or of a hash of any other ID.
func guidBytes(id string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(id, "-", ""))
	if err != nil || len(b) != 16 {
		sum := sha256.Sum256([]byte(id))
		return sum[:16]
	}
	return b
}

// AddGrant records a consent: principalID (a user's object ID) lets the service
// principal clientID use resourceID (a service principal, Microsoft Graph's say) with the
// scopes; an empty principalID is an admin's consent for all users (AllPrincipals). As
// in Entra ID, consenting again to the same client, resource and user merges the scopes
// into the existing grant. It returns the grant's ID.
func (s *Server) AddGrant(clientID, resourceID, principalID string, scopes []string, at time.Time) (string, error) {
	if len(scopes) == 0 {
		return "", errors.New("entrasim: add grant: scopes are required")
	}
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	ci, _, ok1 := w.sp(clientID)
	ri, _, ok2 := w.sp(resourceID)
	pi, ok3 := int32(-1), true
	actor, consent := w.admin(), "AllPrincipals"
	if principalID != "" {
		pi, ok3 = w.userIdx[principalID]
		actor, consent = auditActor{user: pi}, "Principal"
	}
	if !ok1 || !ok2 || !ok3 {
		return "", fmt.Errorf("add grant: client %q, resource %q or principal %q: %w", clientID, resourceID, principalID, errNoObject)
	}
	g := w.findGrant(ci, ri, pi)
	if g != nil {
		for _, sc := range scopes {
			if !slices.Contains(g.scopes, sc) {
				g.scopes = append(slices.Clip(g.scopes), sc)
			}
		}
		g.ver = w.bump()
	} else {
		raw := append(guidBytes(clientID), guidBytes(resourceID)...)
		if pi >= 0 {
			raw = append(raw, guidBytes(principalID)...)
		}
		w.bump()
		g = &grantState{id: base64.RawURLEncoding.EncodeToString(raw), client: ci, resource: ri,
			consentType: consent, principal: pi, scopes: slices.Clone(scopes)}
		w.addGrant(g)
	}
	when := s.at(at)
	w.audit(when, actConsent, actor, w.spTarget(ci, [3]string{"ConsentContext.IsAdminConsent", jsonString(pi < 0), ""}))
	w.audit(when, actAddGrant, actor, w.spTarget(ri, [3]string{"DelegatedPermissionGrant.Scope", "", jsonString(strings.Join(g.scopes, " "))}))
	return g.id, nil
}

// findGrant returns the live grant of client to resource for principal (-1 for all). w.mu
// is held.
func (w *world) findGrant(client, resource, principal int32) *grantState {
	for _, i := range w.grantsBy["c"+strings.ToLower(w.sps[client].sp.ObjectID)] {
		g := w.grants[i]
		if !g.removed && g.resource == resource && g.principal == principal {
			return g
		}
	}
	return nil
}

// RemoveGrant deletes a grant, as an admin would in the Entra admin center.
func (s *Server) RemoveGrant(id string) error {
	s.w.mu.RLock()
	actor := s.w.admin()
	s.w.mu.RUnlock()
	if err := s.removeGrant(id, actor); err != nil {
		return fmt.Errorf("remove grant %q: %w", id, err)
	}
	return nil
}

// AddAssignment grants service principal principalID the app role appRoleID of
// resourceID (an application permission), as an admin's consent does, and returns the
// assignment's ID. The role must be one the resource publishes and not held already.
func (s *Server) AddAssignment(principalID, resourceID, appRoleID string, at time.Time) (string, error) {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	pi, _, ok1 := w.sp(principalID)
	ri, _, ok2 := w.sp(resourceID)
	if !ok1 || !ok2 {
		return "", fmt.Errorf("add assignment: principal %q or resource %q: %w", principalID, resourceID, errNoSP)
	}
	value := w.roleValue(ri, appRoleID)
	if value == "" {
		return "", fmt.Errorf("add assignment: %q publishes no app role %q", resourceID, appRoleID)
	}
	for _, a := range w.assigns {
		if !a.removed && a.principal == pi && a.resource == ri && strings.EqualFold(a.appRoleID, appRoleID) {
			return "", fmt.Errorf("add assignment: %q already holds %s", principalID, value)
		}
	}
	when := s.at(at)
	w.bump()
	sum := sha256.Sum256([]byte(fmt.Sprint("assignment\x00", principalID, "\x00", appRoleID, "\x00", len(w.assigns))))
	id := base64.RawURLEncoding.EncodeToString(sum[:])
	w.addAssign(&assignState{id: id, principal: pi, resource: ri, appRoleID: appRoleID, created: when})
	w.audit(when, actAddAssignment, w.admin(), w.spTarget(pi,
		[3]string{"AppRole.Id", "", jsonString(appRoleID)}, [3]string{"AppRole.Value", "", jsonString(value)}))
	return id, nil
}
