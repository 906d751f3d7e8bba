package entrasim

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// AddCredential adds a client secret or, when c.Type is set, a certificate to the app
// registration or service principal with object ID objectID. The key ID must be new.
func (s *Server) AddCredential(objectID string, c estate.MSCredential, at time.Time) error {
	if c.KeyID == "" {
		return errors.New("entrasim: add credential: key ID is required")
	}
	if s.HasCredential(objectID, c.KeyID) {
		return fmt.Errorf("entrasim: add credential: %s already holds key %s", objectID, c.KeyID)
	}
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	kind, when := "Password", s.at(at)
	if c.Type != "" {
		kind = "AsymmetricX509Cert"
	}
	mod := [3]string{"KeyDescription", "[]", keyDescription(c, kind)}
	add := func(secrets, certs *[]estate.MSCredential) {
		if c.Type != "" {
			*certs = append(slices.Clip(*certs), c)
		} else {
			*secrets = append(slices.Clip(*secrets), c)
		}
	}
	if _, a, ok := w.app(objectID); ok {
		add(&a.app.Passwords, &a.app.Keys)
		a.ver = w.bump()
		w.audit(when, actAppCredentials, w.admin(), appTarget(&a.app, mod))
		return nil
	}
	i, sp, ok := w.sp(objectID)
	if !ok {
		return fmt.Errorf("add credential to %q: %w", objectID, errNoObject)
	}
	add(&sp.sp.Passwords, &sp.sp.Keys)
	sp.ver = w.bump()
	w.audit(when, actAddSPCredentials, w.admin(), w.spTarget(i, mod))
	return nil
}

// AddServicePrincipal adds a service principal, as consenting to a new multi-tenant app
// or registering an app does. Its object and app IDs must be new among the live ones and
// its owners must index the estate's users.
func (s *Server) AddServicePrincipal(sp estate.MSServicePrincipal, at time.Time) error {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	_, _, dupID := w.sp(sp.ObjectID)
	j, byApp := w.spByApp[sp.AppID]
	if sp.ObjectID == "" || sp.AppID == "" || dupID || (byApp && !w.sps[j].removed) || !allIn(sp.Owners, len(w.users)) {
		return fmt.Errorf("entrasim: add service principal %q: IDs empty or taken, or an owner is not a user", sp.ObjectID)
	}
	w.bump()
	i := w.addSP(sp)
	w.audit(s.at(at), "Add service principal", w.admin(), w.spTarget(i))
	return nil
}

// RemoveServicePrincipal deletes a service principal and, as Entra ID does, the
// delegated grants and app role assignments it is the client, principal or resource of.
func (s *Server) RemoveServicePrincipal(id string, at time.Time) error {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	i, sp, ok := w.sp(id)
	if !ok {
		return fmt.Errorf("remove service principal %q: %w", id, errNoSP)
	}
	ver := w.bump()
	sp.removed, sp.ver = true, ver
	for _, g := range w.grants {
		if !g.removed && (g.client == i || g.resource == i) {
			g.removed, g.ver = true, ver
		}
	}
	for _, a := range w.assigns {
		if !a.removed && (a.principal == i || a.resource == i) {
			a.removed, a.ver = true, ver
		}
	}
	w.audit(s.at(at), actDeleteSP, w.admin(), w.spTarget(i))
	return nil
}

// RecordSignIn records a sign-in of the service principal with object ID id at the
// given time: the sign-in activity report shows it. Sign-ins change no directory object,
// so delta queries do not.
func (s *Server) RecordSignIn(id string, at time.Time) error {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	_, sp, ok := w.sp(id)
	if !ok {
		return fmt.Errorf("record sign-in of %q: %w", id, errNoSP)
	}
	sp.sp.LastSignIn = latest(sp.sp.LastSignIn, at)
	return nil
}

// RecordCredentialUse records a sign-in with the client secret or certificate keyID at
// the given time: the credential sign-in activity report shows it.
func (s *Server) RecordCredentialUse(keyID string, at time.Time) error {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	use := func(cs []estate.MSCredential) ([]estate.MSCredential, bool) {
		i := slices.IndexFunc(cs, func(c estate.MSCredential) bool { return strings.EqualFold(c.KeyID, keyID) })
		if i < 0 {
			return cs, false
		}
		cs = slices.Clone(cs)
		cs[i].LastUsed = latest(cs[i].LastUsed, at)
		return cs, true
	}
	var hit bool
	for _, a := range w.apps {
		var h1, h2 bool
		a.app.Passwords, h1 = use(a.app.Passwords)
		a.app.Keys, h2 = use(a.app.Keys)
		hit = hit || h1 || h2
	}
	for _, sp := range w.sps {
		var h1, h2 bool
		sp.sp.Passwords, h1 = use(sp.sp.Passwords)
		sp.sp.Keys, h2 = use(sp.sp.Keys)
		hit = hit || h1 || h2
	}
	if !hit {
		return fmt.Errorf("record use of credential %q: %w", keyID, errNoObject)
	}
	return nil
}
