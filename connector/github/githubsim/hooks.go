package githubsim

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// hookJSON is an organization webhook.
type hookJSON struct {
	Type          string     `json:"type"`
	ID            int64      `json:"id"`
	Name          string     `json:"name"`
	Active        bool       `json:"active"`
	Events        []string   `json:"events"`
	Config        hookConfig `json:"config"`
	UpdatedAt     any        `json:"updated_at"`
	CreatedAt     any        `json:"created_at"`
	URL           string     `json:"url"`
	PingURL       string     `json:"ping_url"`
	DeliveriesURL string     `json:"deliveries_url"`
}

// hookConfig is a webhook's configuration; the secret shows as asterisks when set.
type hookConfig struct {
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
	InsecureSSL string `json:"insecure_ssl"`
	Secret      string `json:"secret,omitempty"`
}

// hookOf renders a webhook.
func (w *world) hookOf(h *estate.GHHook, base string) hookJSON {
	self := base + "/orgs/" + w.gh.Orgs[h.Org].Login + "/hooks/" + itoa(h.ID)
	cfg := hookConfig{URL: h.URL, ContentType: h.ContentType, InsecureSSL: "0"}
	if cfg.ContentType == "" {
		cfg.ContentType = "form"
	}
	if h.InsecureSSL {
		cfg.InsecureSSL = "1"
	}
	if h.HasSecret {
		cfg.Secret = "********"
	}
	return hookJSON{Type: "Organization", ID: h.ID, Name: "web", Active: h.Active, Events: append([]string{}, h.Events...),
		Config: cfg, UpdatedAt: ts(h.UpdatedAt), CreatedAt: ts(h.CreatedAt), URL: self, PingURL: self + "/pings",
		DeliveriesURL: self + "/deliveries"}
}

// listHooks answers GET /orgs/{org}/hooks.
func (s *Server) listHooks(w http.ResponseWriter, r *http.Request, c caller) {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	var pick []*hook
	for _, h := range s.w.hooks {
		if h.h.Org == c.org {
			pick = append(pick, h)
		}
	}
	p := s.pageOf(r)
	lo, hi := p.bounds(len(pick))
	base := baseURL(r)
	out := make([]hookJSON, 0, hi-lo)
	for _, h := range pick[lo:hi] {
		out = append(out, s.w.hookOf(&h.h, base))
	}
	setLinks(w, r, p, len(pick))
	writeJSON(w, http.StatusOK, out)
}

// hookByPath returns the webhook the path names in org, or nil. w.mu is held.
func (w *world) hookByPath(v string, org int32) *hook {
	id, err := strconv.ParseInt(v, 10, 64)
	i, ok := w.hookIdx[id]
	if err != nil || !ok || w.hooks[i].h.Org != org {
		return nil
	}
	return w.hooks[i]
}

// getHook answers GET /orgs/{org}/hooks/{hook_id}.
func (s *Server) getHook(w http.ResponseWriter, r *http.Request, c caller) {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	h := s.w.hookByPath(r.PathValue("hook_id"), c.org)
	if h == nil {
		writeError(w, notFound())
		return
	}
	writeJSON(w, http.StatusOK, s.w.hookOf(&h.h, baseURL(r)))
}

// patchHook answers PATCH /orgs/{org}/hooks/{hook_id}: "active" and "events" change the
// hook (audited as hook.active_changed and hook.events_changed); the other members
// GitHub takes (config, name, and the read-only ones a client may echo) are accepted
// and ignored. It answers 200 with the hook.
func (s *Server) patchHook(w http.ResponseWriter, r *http.Request, c caller) {
	var body struct {
		Active *bool     `json:"active"`
		Events *[]string `json:"events"`
	}
	if e := readBody(r, &body); e != nil {
		writeError(w, *e)
		return
	}
	if body.Events != nil && (len(*body.Events) == 0 || slices.Contains(*body.Events, "")) {
		writeError(w, invalid("Hook", "events", "events must name at least one event"))
		return
	}
	now := s.now()
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	h := s.w.hookByPath(r.PathValue("hook_id"), c.org)
	if h == nil {
		writeError(w, notFound())
		return
	}
	next := h.h
	if body.Active != nil {
		next.Active = *body.Active
	}
	if body.Events != nil {
		next.Events = slices.Clone(*body.Events)
	}
	if c.ignore {
		writeJSON(w, http.StatusOK, s.w.hookOf(&next, baseURL(r)))
		return
	}
	s.w.updateHook(h, next, c.user, now)
	writeJSON(w, http.StatusOK, s.w.hookOf(&h.h, baseURL(r)))
}

// updateHook replaces a hook's state by next and audits what changed. w.mu is held.
func (w *world) updateHook(h *hook, next estate.GHHook, actor int32, now time.Time) {
	prev := h.h
	if prev.Active == next.Active && slices.Equal(prev.Events, next.Events) {
		return
	}
	next.UpdatedAt = now
	h.h = next
	if prev.Active != next.Active {
		w.audit(h.h.Org, "hook.active_changed", actor, -1, now, map[string]any{"hook_id": h.h.ID, "name": "webhook",
			"events": slices.Clone(next.Events), "active": next.Active, "active_was": prev.Active})
	}
	if !slices.Equal(prev.Events, next.Events) {
		w.audit(h.h.Org, "hook.events_changed", actor, -1, now, map[string]any{"hook_id": h.h.ID, "name": "webhook",
			"events": slices.Clone(next.Events), "events_were": slices.Clone(prev.Events)})
	}
}
