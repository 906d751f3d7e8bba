package githubsim

import (
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// readBody decodes a JSON request body of at most 1 MiB into v; a body that is not JSON
// is GitHub's 400.
func readBody(r *http.Request, v any) *apiError {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || json.Unmarshal(raw, v) != nil {
		e := badJSON()
		return &e
	}
	return nil
}

// revokeToken answers POST /orgs/{org}/personal-access-tokens/{pat_id} {"action":"revoke"}:
// 204, and the grant is gone.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, c caller) {
	var body struct {
		Action string `json:"action"`
	}
	if e := readBody(r, &body); e != nil {
		writeError(w, *e)
		return
	}
	if body.Action != "revoke" {
		writeError(w, invalid("PersonalAccessToken", "action", "action must be revoke"))
		return
	}
	now := s.now()
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	g := s.w.grantByPath(r.PathValue("pat_id"), c.org, false)
	if g == nil {
		writeError(w, notFound())
		return
	}
	if !c.ignore {
		s.w.revoke(g, c.user, now)
	}
	noContent(w)
}

// revoke removes a grant and audits it. w.mu is held.
func (w *world) revoke(g *grant, actor int32, now time.Time) {
	g.gone = true
	w.audit(g.t.Org, "personal_access_token.access_revoked", actor, g.t.Owner, now, tokenFields(g))
}

// tokenFields are the audit-log fields of a token event.
func tokenFields(g *grant) map[string]any {
	return map[string]any{"token_id": g.t.TokenID, "user_programmatic_access_name": g.t.Name,
		"repository_selection": g.t.Selection, "operation_type": "modify"}
}

// revokeTokens answers POST /orgs/{org}/personal-access-tokens
// {"action":"revoke","pat_ids":[...]}: 202 once every grant named is gone; an ID that
// names no live grant of the organization is 422 and nothing changes.
func (s *Server) revokeTokens(w http.ResponseWriter, r *http.Request, c caller) {
	var body struct {
		Action string  `json:"action"`
		IDs    []int64 `json:"pat_ids"`
	}
	if e := readBody(r, &body); e != nil {
		writeError(w, *e)
		return
	}
	if body.Action != "revoke" || len(body.IDs) == 0 || len(body.IDs) > 100 {
		writeError(w, invalid("PersonalAccessToken", "pat_ids", "action must be revoke, with 1 to 100 pat_ids"))
		return
	}
	now := s.now()
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	gs, ok := s.w.grantsByID(body.IDs, c.org, false)
	if !ok {
		writeError(w, invalid("PersonalAccessToken", "pat_ids", "some pat_ids name no token with access to the organization"))
		return
	}
	if !c.ignore {
		for _, g := range gs {
			s.w.revoke(g, c.user, now)
		}
	}
	writeJSON(w, http.StatusAccepted, struct{}{})
}

// grantsByID returns the live grants (or requests) of org with the given IDs, each once;
// false if one is missing. w.mu is held.
func (w *world) grantsByID(ids []int64, org int32, request bool) ([]*grant, bool) {
	var out []*grant
	seen := map[int64]bool{}
	for _, id := range ids {
		g := w.grantByPath(itoa(id), org, request)
		if g == nil {
			return nil, false
		}
		if !seen[id] {
			out = append(out, g)
			seen[id] = true
		}
	}
	return out, true
}

// review is the body of a request review.
type review struct {
	Action string  `json:"action"`
	Reason *string `json:"reason"`
	IDs    []int64 `json:"pat_request_ids"`
}

// valid checks the action and the reason's length.
func (b *review) valid() *apiError {
	if b.Action != "approve" && b.Action != "deny" {
		e := invalid("PersonalAccessTokenRequest", "action", "action must be approve or deny")
		return &e
	}
	if b.Reason != nil && len(*b.Reason) > 1024 {
		e := invalid("PersonalAccessTokenRequest", "reason", "reason is too long (maximum is 1024 characters)")
		return &e
	}
	return nil
}

// reviewRequest answers POST /orgs/{org}/personal-access-token-requests/{id}
// {"action":"approve"|"deny","reason":...}: 204, and the request is no longer pending.
func (s *Server) reviewRequest(w http.ResponseWriter, r *http.Request, c caller) {
	var body review
	if e := readBody(r, &body); e != nil {
		writeError(w, *e)
		return
	}
	if e := body.valid(); e != nil {
		writeError(w, *e)
		return
	}
	now := s.now()
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	g := s.w.grantByPath(r.PathValue("id"), c.org, true)
	if g == nil {
		writeError(w, notFound())
		return
	}
	if !c.ignore {
		s.w.decide(g, body.Action == "approve", c.user, now)
	}
	noContent(w)
}

// reviewRequests answers POST /orgs/{org}/personal-access-token-requests
// {"pat_request_ids":[...],"action":...}: 202.
func (s *Server) reviewRequests(w http.ResponseWriter, r *http.Request, c caller) {
	var body review
	if e := readBody(r, &body); e != nil {
		writeError(w, *e)
		return
	}
	if e := body.valid(); e != nil {
		writeError(w, *e)
		return
	}
	if len(body.IDs) == 0 || len(body.IDs) > 100 {
		writeError(w, invalid("PersonalAccessTokenRequest", "pat_request_ids", "1 to 100 pat_request_ids are needed"))
		return
	}
	now := s.now()
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	gs, ok := s.w.grantsByID(body.IDs, c.org, true)
	if !ok {
		writeError(w, invalid("PersonalAccessTokenRequest", "pat_request_ids", "some pat_request_ids name no pending request"))
		return
	}
	if !c.ignore {
		for _, g := range gs {
			s.w.decide(g, body.Action == "approve", c.user, now)
		}
	}
	writeJSON(w, http.StatusAccepted, struct{}{})
}

// decide approves or denies a pending request and audits it: an approved request
// becomes a grant with a new ID. w.mu is held.
func (w *world) decide(g *grant, approve bool, actor int32, now time.Time) {
	g.gone = true
	if !approve {
		w.audit(g.t.Org, "personal_access_token.request_denied", actor, g.t.Owner, now, tokenFields(g))
		return
	}
	t := g.t
	t.ID, t.GrantedAt, t.Reason = w.newID(), now, ""
	ng := w.addGrant(t, false)
	w.audit(t.Org, "personal_access_token.access_granted", actor, t.Owner, now, tokenFields(ng))
}
