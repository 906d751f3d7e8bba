package slacksim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// method is one Web API method (or Audit Logs API endpoint) the simulator serves.
type method struct {
	// scope is the OAuth scope the call needs; "" for none.
	scope string
	// org says the method needs an org-level token (admin.apps.*, audit logs).
	org bool
	h   func(c *call) (map[string]any, string)
}

// call is one authenticated call being answered.
type call struct {
	s   *Server
	r   *http.Request
	p   url.Values
	now time.Time
	// actor indexes the organization's users: the token's owner, the primary org owner.
	actor int32
}

// serve authenticates, throttles and answers a request that no fault took.
func (s *Server) serve(w *recorder, r *http.Request) {
	audit := strings.HasPrefix(r.URL.Path, "/audit/v1/")
	name := strings.TrimPrefix(r.URL.Path, "/api/")
	if audit {
		name = "audit." + strings.TrimPrefix(r.URL.Path, "/audit/v1/")
	}
	m, ok := s.routes[name]
	if !ok || (!audit && !strings.HasPrefix(r.URL.Path, "/api/")) {
		writeError(w, statusFor(audit, http.StatusNotFound), "unknown_method", 0, nil)
		return
	}
	if err := r.ParseForm(); err != nil {
		writeError(w, statusFor(audit, http.StatusBadRequest), "invalid_form_data", 0, nil)
		return
	}
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if token == "" && !audit {
		token = r.Form.Get("token")
	}
	switch {
	case token == "":
		writeError(w, statusFor(audit, http.StatusUnauthorized), "not_authed", 0, nil)
		return
	case token != s.opts.Token:
		writeError(w, statusFor(audit, http.StatusUnauthorized), "invalid_auth", 0, nil)
		return
	case m.org && s.opts.Workspace && audit:
		writeError(w, http.StatusForbidden, "feature_not_enabled", 0, nil)
		return
	case m.org && s.opts.Workspace:
		writeError(w, http.StatusOK, "not_allowed_token_type", 0, nil)
		return
	case m.scope != "" && !s.hasScope(m.scope):
		writeError(w, statusFor(audit, http.StatusForbidden), "missing_scope", 0,
			map[string]any{"needed": m.scope, "provided": strings.Join(s.opts.Scopes, ",")})
		return
	}
	if ok, wait := s.limits.take(name, s.clock()); !ok {
		writeError(w, http.StatusTooManyRequests, "ratelimited", wait, nil)
		return
	}
	if r.Method == http.MethodPost && s.takeFault(r, true) != nil {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
		return
	}
	body, slackErr := m.h(&call{s: s, r: r, p: r.Form, now: s.now()})
	if slackErr != "" {
		writeError(w, statusFor(audit, http.StatusBadRequest), slackErr, 0, nil)
		return
	}
	body["ok"] = true
	writeJSON(w, http.StatusOK, body)
}

// hasScope reports whether the token holds scope.
func (s *Server) hasScope(scope string) bool {
	for _, have := range s.opts.Scopes {
		if have == scope {
			return true
		}
	}
	return false
}

// statusFor returns the HTTP status of an error: the Web API answers every error but
// throttling with 200, the Audit Logs API with status.
func statusFor(audit bool, status int) int {
	if audit {
		return status
	}
	return http.StatusOK
}

// writeError writes {"ok":false,"error":code} with extra fields and, if wait is
// positive, Retry-After in whole seconds.
func writeError(w http.ResponseWriter, status int, code string, wait time.Duration, extra map[string]any) {
	if rec, ok := w.(*recorder); ok {
		rec.slackErr = code
	}
	if wait > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10))
	}
	body := map[string]any{"ok": false, "error": code}
	for k, v := range extra {
		body[k] = v
	}
	writeJSON(w, status, body)
}

// writeJSON writes v as JSON, without HTML escaping, as Slack does.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("slacksim: encoding an answer: %v", err)) // the simulator's own types never fail
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// limit returns the page size of a call: the limit parameter (default def, at most
// most), capped by Options.MaxPageSize; at least 1.
func (c *call) limit(param string, def, most int) int {
	n := def
	if v := c.p.Get(param); v != "" {
		if k, err := strconv.Atoi(v); err == nil && k > 0 {
			n = min(k, most)
		}
	}
	if c.s.opts.MaxPageSize > 0 {
		n = min(n, c.s.opts.MaxPageSize)
	}
	return max(n, 1)
}

// page returns the offset the cursor parameter of a listing of kind encodes (0 without
// one), or false for a cursor that is not one of the listing's.
func (c *call) page(kind string) (int, bool) {
	v := c.p.Get("cursor")
	if v == "" {
		return 0, true
	}
	raw, err := base64.StdEncoding.DecodeString(v)
	rest, found := strings.CutPrefix(string(raw), kind+":")
	n, nerr := strconv.Atoi(rest)
	if err != nil || !found || nerr != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// cursor returns the next_cursor of a page of kind ending at end of total: "" when it
// is the last.
func cursor(kind string, end, total int) map[string]any {
	next := ""
	if end < total {
		next = base64.StdEncoding.EncodeToString([]byte(kind + ":" + strconv.Itoa(end)))
	}
	return map[string]any{"next_cursor": next}
}
