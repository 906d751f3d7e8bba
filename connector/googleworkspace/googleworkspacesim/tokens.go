package googleworkspacesim

import (
	"fmt"
	"net/http"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// Token is a user's OAuth grant to a third-party app, as the Directory API shows it.
type Token struct {
	Kind string `json:"kind"`
	// Etag is the entity tag, quotes included, as Google sends it.
	Etag     string `json:"etag"`
	ClientID string `json:"clientId"`
	// DisplayText is the app's name, verbatim from the estate (it may hold markup and
	// control characters).
	DisplayText string `json:"displayText"`
	Anonymous   bool   `json:"anonymous"`
	NativeApp   bool   `json:"nativeApp"`
	// UserKey is the user's immutable Google ID.
	UserKey string   `json:"userKey"`
	Scopes  []string `json:"scopes"`
}

// tokenHash is the hash the entity tag of a token is made from.
func tokenHash(userKey string, v *estate.Vendor, scopes []string) uint64 {
	h := hashString(hashString(fnvOffset, userKey), v.GoogleClientID)
	h = hashString(h, v.Product)
	for _, sc := range scopes {
		h = hashString(h, sc)
	}
	return h
}

// appendToken renders one token resource, filtered by m, and returns it with the token's
// hash.
func appendToken(b []byte, userKey string, v *estate.Vendor, scopes []string, m *fieldMask) ([]byte, uint64) {
	h := tokenHash(userKey, v, scopes)
	b = m.str(append(b, '{'), "kind", "admin#directory#token")
	b = m.etag(b, h)
	b = m.str(b, "clientId", v.GoogleClientID)
	b = m.str(b, "displayText", v.Product)
	b = m.boolean(b, "anonymous", v.Anonymous)
	b = m.boolean(b, "nativeApp", v.Native)
	b = m.str(b, "userKey", userKey)
	b = m.strings(b, "scopes", scopes)
	return append(b, '}'), h
}

// resolveUser returns the existing (not deleted) user a userKey names.
func (s *Server) resolveUser(userKey string) (int32, bool) {
	p, ok := s.w.person(userKey)
	if !ok {
		return 0, false
	}
	st, _ := s.w.status(p)
	return p, st != estate.Departed
}

// tokenRequest reads what both token reads start with: the field selection against schema
// and the user. It answers the error itself and returns false when either is bad.
func (s *Server) tokenRequest(w http.ResponseWriter, r *http.Request, schema *fieldMask) (*fieldMask, int32, bool) {
	m, e := s.schemas.fields(r.URL.Query().Get("fields"), schema)
	if e != nil {
		writeError(w, *e)
		return nil, 0, false
	}
	p, ok := s.resolveUser(r.PathValue("userKey"))
	if !ok {
		writeError(w, notFound("userKey"))
		return nil, 0, false
	}
	return m, p, true
}

// listTokens answers GET /admin/directory/v1/users/{userKey}/tokens. The list is not paged;
// items is omitted when the user has no grants.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, _ caller) {
	m, p, ok := s.tokenRequest(w, r, s.schemas.tokens)
	if !ok {
		return
	}
	ids := s.w.grantsOf(p)
	v := s.w.snapshot()
	userKey := s.w.e.People[p].GoogleID
	bp := s.buffer()
	b := m.str(append(*bp, '{'), "kind", "admin#directory#tokenList")
	h := hashString(fnvOffset, userKey)
	items, im := m.has("items") && len(ids) > 0, m.sub("items")
	if items {
		b = append(appendKey(b, "items"), '[')
	}
	for i, id := range ids {
		g := s.w.grant(v, id)
		vendor := &v.vendors[g.Vendor]
		var th uint64
		if items {
			if i > 0 {
				b = append(b, ',')
			}
			b, th = appendToken(b, userKey, vendor, g.Scopes, im)
		} else {
			th = tokenHash(userKey, vendor, g.Scopes)
		}
		h = h*fnvPrime ^ th
	}
	if items {
		b = append(b, ']')
	}
	b = append(m.etag(b, h), "}\n"...)
	writeJSON(w, http.StatusOK, b)
	s.release(bp, b)
}

// findGrant returns the position in ids of the grant to clientID, or -1.
func (s *Server) findGrant(v view, ids []int32, clientID string) int {
	for i, id := range ids {
		if v.vendors[s.w.grant(v, id).Vendor].GoogleClientID == clientID {
			return i
		}
	}
	return -1
}

// getToken answers GET /admin/directory/v1/users/{userKey}/tokens/{clientId}.
func (s *Server) getToken(w http.ResponseWriter, r *http.Request, _ caller) {
	m, p, ok := s.tokenRequest(w, r, s.schemas.token)
	if !ok {
		return
	}
	ids := s.w.grantsOf(p)
	v := s.w.snapshot()
	i := s.findGrant(v, ids, r.PathValue("clientId"))
	if i < 0 {
		writeError(w, notFound("clientId"))
		return
	}
	g := s.w.grant(v, ids[i])
	b, _ := appendToken(nil, s.w.e.People[p].GoogleID, &v.vendors[g.Vendor], g.Scopes, m)
	writeJSON(w, http.StatusOK, append(b, '\n'))
}

// deleteToken answers DELETE /admin/directory/v1/users/{userKey}/tokens/{clientId}: it
// revokes the grant, records a revoke event and answers 204 with an empty body. An Ignore
// fault makes it answer 204 and change nothing.
func (s *Server) deleteToken(w http.ResponseWriter, r *http.Request, _ caller) {
	p, ok := s.resolveUser(r.PathValue("userKey"))
	if !ok {
		writeError(w, notFound("userKey"))
		return
	}
	if s.ignored(r) {
		if rec, ok := w.(*recorder); ok {
			rec.faulted = true
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if err := s.revoke(p, r.PathValue("clientId"), s.now()); err != nil {
		writeError(w, notFound("clientId"))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// revoke removes person p's grant to clientID and records the revoke event.
func (s *Server) revoke(p int32, clientID string, at time.Time) error {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	ids := w.userGrants[p]
	i := s.findGrant(view{vendors: w.vendors, extra: w.extra}, ids, clientID)
	if i < 0 {
		return fmt.Errorf("revoke: %s has no grant to %s", w.e.People[p].Email, clientID)
	}
	rest := make([]int32, 0, len(ids)-1)
	rest = append(append(rest, ids[:i]...), ids[i+1:]...)
	w.userGrants[p] = rest
	w.addEvent(ids[i], evRevoke, at)
	return nil
}

// Tokens returns the user's current grants as the Directory API shows them. userKey is a
// primary email or Google user ID; a deleted user has none to show and is an error.
func (s *Server) Tokens(userKey string) ([]Token, error) {
	p, ok := s.resolveUser(userKey)
	if !ok {
		return nil, fmt.Errorf("tokens: no user %q", userKey)
	}
	ids := s.w.grantsOf(p)
	v := s.w.snapshot()
	id := s.w.e.People[p].GoogleID
	out := make([]Token, 0, len(ids))
	for _, gi := range ids {
		g := s.w.grant(v, gi)
		vendor := &v.vendors[g.Vendor]
		out = append(out, Token{Kind: "admin#directory#token", Etag: etagValue(tokenHash(id, vendor, g.Scopes)),
			ClientID: vendor.GoogleClientID, DisplayText: vendor.Product, Anonymous: vendor.Anonymous,
			NativeApp: vendor.Native, UserKey: id, Scopes: append([]string(nil), g.Scopes...)})
	}
	return out, nil
}
