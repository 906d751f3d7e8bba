package googleworkspacesim

// HasGrant reports whether the user (a primary email or Google user ID) currently holds a
// grant to the app clientID, as tokens.get would show it. A deleted or unknown user holds
// none.
func (s *Server) HasGrant(userKey, clientID string) bool {
	p, ok := s.resolveUser(userKey)
	if !ok {
		return false
	}
	ids := s.w.grantsOf(p)
	return s.findGrant(s.w.snapshot(), ids, clientID) >= 0
}

// Holders returns the Google user IDs of the users who currently hold a grant to the app
// clientID, in the order of the estate's people; deleted users hold none.
func (s *Server) Holders(clientID string) []string {
	var out []string
	for p := range s.w.e.People {
		if id := s.w.e.People[p].GoogleID; s.HasGrant(id, clientID) {
			out = append(out, id)
		}
	}
	return out
}
