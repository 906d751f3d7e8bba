package githubsim

import (
	"maps"

	"github.com/nhiscope/nhi/estate"
)

// HasToken reports whether the fine-grained token grant patID of organization org is
// still there (not revoked).
func (s *Server) HasToken(org string, patID int64) bool {
	o, ok := s.w.org(org)
	if !ok {
		return false
	}
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	return s.w.grantByPath(itoa(patID), o, false) != nil
}

// HasRequest reports whether the token request requestID of organization org is still
// pending.
func (s *Server) HasRequest(org string, requestID int64) bool {
	o, ok := s.w.org(org)
	if !ok {
		return false
	}
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	return s.w.grantByPath(itoa(requestID), o, true) != nil
}

// HasCredential reports whether the SAML credential authorization credentialID of
// organization org is still there.
func (s *Server) HasCredential(org string, credentialID int64) bool {
	o, ok := s.w.org(org)
	if !ok {
		return false
	}
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	i, ok := s.w.credIdx[credentialID]
	return ok && !s.w.creds[i].gone && s.w.creds[i].c.Org == o
}

// HasDeployKey reports whether repository org/repo still holds the deploy key keyID.
func (s *Server) HasDeployKey(org, repo string, keyID int64) bool {
	rp, ok := s.w.repo(org, repo)
	if !ok {
		return false
	}
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	return s.w.keyByPath(itoa(keyID), rp) != nil
}

// HookActive reports whether webhook hookID of organization org is active; ok is false
// when there is no such hook.
func (s *Server) HookActive(org string, hookID int64) (active, ok bool) {
	o, found := s.w.org(org)
	if !found {
		return false, false
	}
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	h := s.w.hookByPath(itoa(hookID), o)
	if h == nil {
		return false, false
	}
	return h.h.Active, true
}

// InstallationSuspended reports whether installation installationID on organization
// org is suspended; ok is false when there is no such installation (or it was deleted).
func (s *Server) InstallationSuspended(org string, installationID int64) (suspended, ok bool) {
	o, found := s.w.org(org)
	if !found {
		return false, false
	}
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	i, found := s.w.instIdx[installationID]
	if !found || s.w.installs[i].gone || s.w.installs[i].in.Org != o {
		return false, false
	}
	return !s.w.installs[i].in.SuspendedAt.IsZero(), true
}

// Audits returns organization org's audit log as served, oldest first (nil for an
// organization the estate does not have). Actor and User index the estate's
// GitHub.Users; an event by one of the simulator's own accounts (nhi's app bot
// "nhi-scanner[bot]", or "nhi-admin" when the estate has no owner) has Actor -1 and its
// login in Fields["actor"].
func (s *Server) Audits(org string) []estate.GHAudit {
	o, ok := s.w.org(org)
	if !ok {
		return nil
	}
	n := int32(len(s.w.gh.Users))
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	out := make([]estate.GHAudit, 0, len(s.w.audits[o]))
	for _, rec := range s.w.audits[o] {
		a := rec.a
		a.Fields = maps.Clone(a.Fields)
		if a.Actor >= n {
			if a.Fields == nil {
				a.Fields = map[string]any{}
			}
			a.Fields["actor"] = s.w.users[a.Actor].Login
			a.Actor = -1
		}
		out = append(out, a)
	}
	return out
}
