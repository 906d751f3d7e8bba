package githubsim

import (
	"net/http"
	"slices"
	"strconv"
)

// handler is an API endpoint, called once the wrapper authenticated the caller, charged
// its rate limits, resolved the organization or repository of the path and checked the
// installation's permissions.
type handler func(w http.ResponseWriter, r *http.Request, c caller)

// scope says what the path of an endpoint names.
type scope uint8

// The scopes of endpoints.
const (
	scopeNone      scope = iota
	scopeOrg             // {org}: an installation token only reaches its own organization
	scopePublicOrg       // {org}: public information, any caller
	scopeRepo            // {owner}/{repo}: an installation token only reaches its repositories
)

// policy is who may call an endpoint and what it costs.
type policy struct {
	// kinds are the credentials accepted.
	kinds []kind
	// perm and level are the installation permission the call needs ("" for none).
	perm, level string
	// resource is the rate limit resource; "" means core.
	resource string
	scope    scope
	// write marks a change, which Ignore faults apply to.
	write bool
}

// Who may call: an installation token, the owner's PAT, the app's JWT.
var (
	appOrOwner = []kind{kindInst, kindOwner}
	appOnly    = []kind{kindInst}
	ownerOnly  = []kind{kindOwner}
	jwtOnly    = []kind{kindJWT}
)

// routes registers every endpoint.
func (s *Server) routes() {
	m := http.NewServeMux()
	handle := func(pattern string, p policy, h handler) { m.Handle(pattern, s.api(p, h)) }
	s.appRoutes(handle)
	s.orgRoutes(handle)
	s.grantRoutes(handle)
	s.mux = m
}

// org and repo are the policies of endpoints under /orgs/{org} and /repos/{owner}/{repo};
// write marks a policy as a change's.
func org(kinds []kind, perm, level string) policy {
	return policy{kinds: kinds, perm: perm, level: level, scope: scopeOrg}
}

func repo(perm, level string) policy {
	return policy{kinds: appOrOwner, perm: perm, level: level, scope: scopeRepo}
}

func write(p policy) policy {
	p.write = true
	return p
}

// appRoutes registers the app endpoints (JWT) and the organization itself.
func (s *Server) appRoutes(handle func(string, policy, handler)) {
	handle("GET /orgs/{org}", policy{kinds: appOrOwner, scope: scopePublicOrg}, s.getOrg)
	handle("GET /orgs/{org}/installation", policy{kinds: jwtOnly, scope: scopePublicOrg}, s.getOrgInstallation)
	handle("GET /app", policy{kinds: jwtOnly}, s.getApp)
	handle("GET /apps/{app_slug}", policy{kinds: appOrOwner}, s.getAppBySlug)
	handle("POST /app/installations/{id}/access_tokens", policy{kinds: jwtOnly}, s.createAccessToken)
	handle("DELETE /app/installations/{id}", write(policy{kinds: jwtOnly}), s.deleteInstallation)
	handle("PUT /app/installations/{id}/suspended", write(policy{kinds: jwtOnly}), s.suspendInstallation)
	handle("DELETE /app/installations/{id}/suspended", write(policy{kinds: jwtOnly}), s.unsuspendInstallation)
	handle("POST /graphql", policy{kinds: appOrOwner, resource: "graphql"}, s.graphql)
}

// orgRoutes registers the inventory endpoints of organizations and repositories.
func (s *Server) orgRoutes(handle func(string, policy, handler)) {
	handle("GET /orgs/{org}/members", org(appOrOwner, "members", "read"), s.listMembers)
	handle("GET /orgs/{org}/repos", org(appOrOwner, "metadata", "read"), s.listRepos)
	handle("GET /orgs/{org}/installations", org(appOrOwner, "organization_administration", "read"), s.listInstallations)
	handle("GET /repos/{owner}/{repo}/keys", repo("administration", "read"), s.listKeys)
	handle("GET /repos/{owner}/{repo}/keys/{key_id}", repo("administration", "read"), s.getKey)
	handle("DELETE /repos/{owner}/{repo}/keys/{key_id}", write(repo("administration", "write")), s.deleteKey)
	handle("GET /orgs/{org}/hooks", org(appOrOwner, "organization_hooks", "read"), s.listHooks)
	handle("GET /orgs/{org}/hooks/{hook_id}", org(appOrOwner, "organization_hooks", "read"), s.getHook)
	handle("PATCH /orgs/{org}/hooks/{hook_id}", write(org(appOrOwner, "organization_hooks", "write")), s.patchHook)
	handle("GET /orgs/{org}/actions/secrets", org(appOrOwner, "organization_secrets", "read"), s.listOrgSecrets)
	handle("GET /repos/{owner}/{repo}/actions/secrets", repo("secrets", "read"), s.listRepoSecrets)
	audit := org(ownerOnly, "", "")
	audit.resource = "audit_log"
	handle("GET /orgs/{org}/audit-log", audit, s.listAudit)
}

// grantRoutes registers the fine-grained token and credential authorization endpoints.
func (s *Server) grantRoutes(handle func(string, policy, handler)) {
	pats, reqs := "organization_personal_access_tokens", "organization_personal_access_token_requests"
	handle("GET /orgs/{org}/personal-access-tokens", org(appOnly, pats, "read"), s.listTokens)
	handle("POST /orgs/{org}/personal-access-tokens", write(org(appOnly, pats, "write")), s.revokeTokens)
	handle("POST /orgs/{org}/personal-access-tokens/{pat_id}", write(org(appOnly, pats, "write")), s.revokeToken)
	handle("GET /orgs/{org}/personal-access-tokens/{pat_id}/repositories", org(appOnly, pats, "read"), s.listTokenRepos)
	handle("GET /orgs/{org}/personal-access-token-requests", org(appOnly, reqs, "read"), s.listRequests)
	handle("POST /orgs/{org}/personal-access-token-requests", write(org(appOnly, reqs, "write")), s.reviewRequests)
	handle("POST /orgs/{org}/personal-access-token-requests/{id}", write(org(appOnly, reqs, "write")), s.reviewRequest)
	handle("GET /orgs/{org}/credential-authorizations", org(ownerOnly, "", ""), s.listCredentials)
	handle("DELETE /orgs/{org}/credential-authorizations/{credential_id}", write(org(ownerOnly, "", "")), s.deleteCredential)
}

// api wraps an endpoint: authentication, the credential kinds it accepts, rate limits,
// the organization or repository of the path, the installation's permission, and Ignore
// faults for changes.
func (s *Server) api(p policy, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := s.now()
		c, aerr := s.authenticate(r, now)
		if aerr != nil {
			s.chargeAnonymous(w, r, now)
			if slices.Equal(p.kinds, jwtOnly) && aerr.Status == http.StatusUnauthorized && aerr.Message == "Bad credentials" {
				*aerr = jwtUndecodable()
			}
			writeError(w, *aerr)
			return
		}
		if rec, ok := w.(*recorder); ok {
			rec.token = c.kind.String()
		}
		if c.kind == kindOwner {
			w.Header().Set("x-oauth-scopes", ownerScopes)
		}
		resource := p.resource
		if resource == "" {
			resource = "core"
		}
		if !s.charge(w, c, resource, now) {
			return
		}
		if !slices.Contains(p.kinds, c.kind) {
			writeError(w, refusal(p, c))
			return
		}
		if e := s.resolve(r, p.scope, &c); e != nil {
			writeError(w, *e)
			return
		}
		if c.kind == kindInst && !s.permitted(c, p.perm, p.level) {
			writeError(w, notIntegrationAccessible())
			return
		}
		c.ignore = p.write && s.ignored(r)
		h(w, r, c)
	})
}

// ownerScopes are the classic scopes of OwnerToken, as GitHub lists them in
// x-oauth-scopes.
const ownerScopes = "admin:org, read:audit_log"

// refusal is the answer to a credential the endpoint does not take.
func refusal(p policy, c caller) apiError {
	switch {
	case slices.Equal(p.kinds, jwtOnly):
		return jwtUndecodable()
	case c.kind == kindOwner:
		return notPATAccessible()
	}
	return notIntegrationAccessible()
}

// resolve looks up the organization or repository the path names. An installation token
// reaches only its own organization (403 elsewhere, 404 for another organization's
// repositories) and, for a selected-repositories installation, only those.
func (s *Server) resolve(r *http.Request, sc scope, c *caller) *apiError {
	nf := notFound()
	switch sc {
	case scopeOrg, scopePublicOrg:
		o, ok := s.w.org(r.PathValue("org"))
		if !ok {
			return &nf
		}
		c.org = o
		if sc == scopeOrg && c.kind == kindInst && c.inst.in.Org != o {
			e := notIntegrationAccessible()
			return &e
		}
	case scopeRepo:
		rp, ok := s.w.repo(r.PathValue("owner"), r.PathValue("repo"))
		if !ok {
			return &nf
		}
		c.repo, c.org = rp, s.w.gh.Repos[rp].Org
		if c.kind == kindInst && !s.reaches(c.inst, rp) {
			return &nf
		}
	}
	return nil
}

// reaches reports whether an installation reaches repository rp.
func (s *Server) reaches(in *install, rp int32) bool {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	return in.in.Org == s.w.gh.Repos[rp].Org && (in.in.All || slices.Contains(in.in.Repos, rp))
}

// itoa formats an ID.
func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// resourceOf returns the rate limit resource of a path.
func resourceOf(path string) string {
	switch {
	case path == "/graphql":
		return "graphql"
	case len(path) > len("/audit-log") && path[len(path)-len("/audit-log"):] == "/audit-log":
		return "audit_log"
	}
	return "core"
}
