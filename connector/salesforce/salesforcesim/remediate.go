package salesforcesim

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
)

// maxPatchBody caps a PATCH body.
const maxPatchBody = 1 << 16

// handleRevoke answers POST (and GET) /services/oauth2/revoke with token=<DeleteToken>:
// 200 and the OauthToken row is gone. An access token the simulator issued is revoked
// too (its session ends). Anything else is 400 invalid_token.
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "invalid request body")
		return
	}
	tok := r.Form.Get("token")
	if tok == "" {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_token_type", "this token type is not supported")
		return
	}
	if s.ignored(r) {
		w.WriteHeader(http.StatusOK)
		return
	}
	if s.revokeToken(tok) || s.sessions.end(tok) {
		w.Header().Set("Cache-Control", "no-cache,must-revalidate,max-age=0,no-store,private")
		w.WriteHeader(http.StatusOK)
		return
	}
	writeOAuthError(w, http.StatusBadRequest, "invalid_token", "invalid token")
}

// revokeToken removes the live OauthToken row whose DeleteToken is tok.
func (s *Server) revokeToken(tok string) bool {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	for _, t := range s.w.tokens {
		if !t.revoked && t.deleteToken == tok {
			t.revoked = true
			s.w.version++
			return true
		}
	}
	return false
}

// patchUserLogin answers PATCH /services/data/vXX.X/sobjects/UserLogin/{id}
// {"IsFrozen":bool}: 204, and the user is frozen or unfrozen.
func (s *Server) patchUserLogin(w http.ResponseWriter, r *http.Request, _ caller) {
	s.patch(w, r, "UserLogin", "IsFrozen", func(u *user, v bool) { u.IsFrozen = v }, s.w.byLogin)
}

// patchUser answers PATCH /services/data/vXX.X/sobjects/User/{id} {"IsActive":bool}: 204,
// and the user is deactivated or reactivated. A deactivated user's tokens stay as rows
// but the user's sessions stop working.
func (s *Server) patchUser(w http.ResponseWriter, r *http.Request, _ caller) {
	s.patch(w, r, "User", "IsActive", func(u *user, v bool) { u.IsActive = v }, s.w.byID)
}

// patch applies a PATCH of one boolean field to the user found by the record ID in
// index, with the REST API's errors: NOT_FOUND, JSON_PARSER_ERROR, INVALID_FIELD.
func (s *Server) patch(w http.ResponseWriter, r *http.Request, object, field string, set func(*user, bool), index map[string]int) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxPatchBody))
	var fields map[string]json.RawMessage
	if err != nil || json.Unmarshal(body, &fields) != nil {
		writeErrors(w, http.StatusBadRequest, apiError{Code: "JSON_PARSER_ERROR",
			Message: "The request body is either invalid or incomplete"})
		return
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var v bool
	for _, k := range keys {
		if k != field {
			writeErrors(w, http.StatusBadRequest, apiError{Code: "INVALID_FIELD",
				Message: "No such column '" + k + "' on sobject of type " + object})
			return
		}
		if json.Unmarshal(fields[k], &v) != nil {
			writeErrors(w, http.StatusBadRequest, apiError{Code: "JSON_PARSER_ERROR",
				Message: "Cannot deserialize instance of boolean from " + string(fields[k]) + " value at [line:1, column:1]"})
			return
		}
	}
	id := r.PathValue("id")
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	i, ok := index[id15(id)]
	if !validID(id) || !ok {
		writeErrors(w, http.StatusNotFound, errMissing)
		return
	}
	if _, has := fields[field]; has {
		set(s.w.users[i], v)
		s.w.version++
	}
	w.WriteHeader(http.StatusNoContent)
}
