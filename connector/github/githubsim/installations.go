package githubsim

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// installJSON is an app installation.
type installJSON struct {
	ID                  int64             `json:"id"`
	ClientID            string            `json:"client_id"`
	AppID               int64             `json:"app_id"`
	AppSlug             string            `json:"app_slug"`
	Account             account           `json:"account"`
	TargetID            int64             `json:"target_id"`
	TargetType          string            `json:"target_type"`
	RepositorySelection string            `json:"repository_selection"`
	Permissions         map[string]string `json:"permissions"`
	Events              []string          `json:"events"`
	CreatedAt           any               `json:"created_at"`
	UpdatedAt           any               `json:"updated_at"`
	SuspendedAt         any               `json:"suspended_at"`
	SuspendedBy         *simpleUser       `json:"suspended_by"`
	SingleFileName      any               `json:"single_file_name"`
	SingleFilePaths     []string          `json:"single_file_paths"`
	AccessTokensURL     string            `json:"access_tokens_url"`
	RepositoriesURL     string            `json:"repositories_url"`
	HTMLURL             string            `json:"html_url"`
}

// installOf renders an installation. w.mu is held.
func (w *world) installOf(in *install, base string) installJSON {
	o := &w.gh.Orgs[in.in.Org]
	sel := "selected"
	if in.in.All {
		sel = "all"
	}
	events := in.in.Events
	if events == nil {
		events = []string{}
	}
	j := installJSON{ID: in.in.ID, ClientID: in.app.ClientID, AppID: in.app.ID, AppSlug: in.app.Slug,
		Account:  account{Login: o.Login, ID: o.ID, Type: "Organization", URL: base + "/users/" + o.Login},
		TargetID: o.ID, TargetType: "Organization", RepositorySelection: sel, Permissions: maps.Clone(in.in.Permissions),
		Events: events, CreatedAt: ts(in.in.CreatedAt), UpdatedAt: ts(in.in.UpdatedAt), SuspendedAt: ts(in.in.SuspendedAt),
		SingleFilePaths: []string{}, AccessTokensURL: base + "/app/installations/" + itoa(in.in.ID) + "/access_tokens",
		RepositoriesURL: base + "/installation/repositories",
		HTMLURL:         webHost + "/organizations/" + o.Login + "/settings/installations/" + itoa(in.in.ID)}
	if j.Permissions == nil {
		j.Permissions = map[string]string{}
	}
	if !in.in.SuspendedAt.IsZero() {
		j.SuspendedBy = w.userOf(in.in.SuspendedBy, base)
	}
	return j
}

// listInstallations answers GET /orgs/{org}/installations: the organization's
// installations, nhi's own included, in {"total_count","installations"}.
func (s *Server) listInstallations(w http.ResponseWriter, r *http.Request, c caller) {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	var pick []*install
	for _, in := range s.w.installs {
		if in.in.Org == c.org && !in.gone {
			pick = append(pick, in)
		}
	}
	p := s.pageOf(r)
	lo, hi := p.bounds(len(pick))
	base := baseURL(r)
	out := make([]installJSON, 0, hi-lo)
	for _, in := range pick[lo:hi] {
		out = append(out, s.w.installOf(in, base))
	}
	setLinks(w, r, p, len(pick))
	writeJSON(w, http.StatusOK, struct {
		Total         int           `json:"total_count"`
		Installations []installJSON `json:"installations"`
	}{len(pick), out})
}

// getOrgInstallation answers GET /orgs/{org}/installation with the app's JWT: nhi's
// installation on the organization.
func (s *Server) getOrgInstallation(w http.ResponseWriter, r *http.Request, c caller) {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	in := s.w.ownInstall(c.org)
	if in == nil {
		writeError(w, notFound())
		return
	}
	writeJSON(w, http.StatusOK, s.w.installOf(in, baseURL(r)))
}

// getApp answers GET /app with the app's JWT.
func (s *Server) getApp(w http.ResponseWriter, r *http.Request, _ caller) {
	a := s.w.app
	writeJSON(w, http.StatusOK, map[string]any{"id": a.ID, "slug": a.Slug, "client_id": a.ClientID, "name": a.Name,
		"node_id": nodeID("A", a.ID), "owner": map[string]any{"login": a.Owner, "type": "Organization"},
		"permissions": OwnPermissions(), "events": []string{}, "html_url": webHost + "/apps/" + a.Slug})
}

// getAppBySlug answers GET /apps/{app_slug}: the public page of an app installed in the
// estate (or nhi's own), with its display name and the account that owns it; 404 for an
// unknown slug.
func (s *Server) getAppBySlug(w http.ResponseWriter, r *http.Request, _ caller) {
	slug := strings.ToLower(r.PathValue("app_slug"))
	if strings.EqualFold(slug, s.w.app.Slug) {
		s.getApp(w, r, caller{})
		return
	}
	for i := range s.w.gh.Apps {
		a := &s.w.gh.Apps[i]
		if strings.ToLower(a.Slug) != slug {
			continue
		}
		ownerType := "Organization"
		writeJSON(w, http.StatusOK, map[string]any{"id": a.ID, "slug": a.Slug, "client_id": a.ClientID, "name": a.Name,
			"node_id": nodeID("A", a.ID), "owner": map[string]any{"login": a.Owner, "type": ownerType},
			"html_url": webHost + "/apps/" + a.Slug})
		return
	}
	writeError(w, notFound())
}

// ownByPath returns nhi's installation the path's {id} names, or answers and returns
// nil: 404 for no such installation, and for another app's one 404 too (the JWT does
// not see it) or, with forbid, 403 (a change only that app's own JWT could make). w.mu
// is held.
func (s *Server) ownByPath(w http.ResponseWriter, r *http.Request, forbid bool) *install {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	i, ok := s.w.instIdx[id]
	switch {
	case err != nil || !ok || s.w.installs[i].gone:
		writeError(w, notFound())
		return nil
	case !s.w.installs[i].own && forbid:
		writeError(w, notIntegrationAccessible())
		return nil
	case !s.w.installs[i].own:
		writeError(w, notFound())
		return nil
	}
	return s.w.installs[i]
}

// createAccessToken answers POST /app/installations/{id}/access_tokens: 201 with a new
// installation token, narrowed to the body's "permissions" when it names any (422 for
// one the installation does not hold).
func (s *Server) createAccessToken(w http.ResponseWriter, r *http.Request, _ caller) {
	var body struct {
		Permissions map[string]string `json:"permissions"`
	}
	if raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20)); len(raw) > 0 && json.Unmarshal(raw, &body) != nil {
		writeError(w, badJSON())
		return
	}
	s.w.mu.RLock()
	in := s.ownByPath(w, r, false)
	var perms map[string]string
	suspended := false
	if in != nil {
		perms, suspended = maps.Clone(in.in.Permissions), !in.in.SuspendedAt.IsZero()
	}
	s.w.mu.RUnlock()
	switch {
	case in == nil:
		return
	case suspended:
		writeError(w, apiError{Status: http.StatusForbidden, Message: "This installation has been suspended"})
		return
	}
	if len(body.Permissions) > 0 {
		for k, v := range body.Permissions {
			if levelOf(v) == 0 || levelOf(v) > levelOf(perms[k]) {
				writeError(w, invalid("Installation", "permissions", "The permissions requested are not granted to this installation."))
				return
			}
		}
		perms = body.Permissions
	}
	tok, exp := s.mint(in, perms, s.now())
	writeJSON(w, http.StatusCreated, map[string]any{"token": tok, "expires_at": ts(exp), "permissions": perms,
		"repository_selection": "all"})
}

// suspendInstallation answers PUT /app/installations/{id}/suspended.
func (s *Server) suspendInstallation(w http.ResponseWriter, r *http.Request, c caller) {
	s.changeInstallation(w, r, c, "integration_installation.suspend", func(in *install, now time.Time) bool {
		if !in.in.SuspendedAt.IsZero() {
			return false
		}
		in.in.SuspendedAt, in.in.SuspendedBy = now, s.w.bot
		return true
	})
}

// unsuspendInstallation answers DELETE /app/installations/{id}/suspended.
func (s *Server) unsuspendInstallation(w http.ResponseWriter, r *http.Request, c caller) {
	s.changeInstallation(w, r, c, "integration_installation.unsuspend", func(in *install, _ time.Time) bool {
		if in.in.SuspendedAt.IsZero() {
			return false
		}
		in.in.SuspendedAt, in.in.SuspendedBy = time.Time{}, -1
		return true
	})
}

// deleteInstallation answers DELETE /app/installations/{id}: the app uninstalls itself.
func (s *Server) deleteInstallation(w http.ResponseWriter, r *http.Request, c caller) {
	s.changeInstallation(w, r, c, "integration_installation.destroy", func(in *install, _ time.Time) bool {
		in.gone = true
		return true
	})
}

// changeInstallation applies change to nhi's installation the path names and, when it
// changed something, audits action; it answers 204.
func (s *Server) changeInstallation(w http.ResponseWriter, r *http.Request, c caller, action string, change func(*install, time.Time) bool) {
	now := s.now()
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	in := s.ownByPath(w, r, true)
	if in == nil {
		return
	}
	if !c.ignore && change(in, now) {
		in.in.UpdatedAt = now
		s.w.audit(in.in.Org, action, s.w.bot, -1, now, map[string]any{"installation_id": in.in.ID,
			"integration": in.app.Slug, "name": in.app.Name, "repository_selection": "all"})
	}
	noContent(w)
}
