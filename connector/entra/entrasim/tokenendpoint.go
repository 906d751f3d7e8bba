package entrasim

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// tokenSuffix ends the path of the token endpoint, /{tenant}/oauth2/v2.0/token.
const tokenSuffix = "/oauth2/v2.0/token"

// The scopes of the client credentials grant for Microsoft Graph.
const (
	graphDefaultScope      = "https://graph.microsoft.com/.default"
	graphAppIDDefaultScope = graphAppID + "/.default"
)

// isTokenPath reports whether path is the token endpoint of some tenant.
func isTokenPath(path string) bool { return strings.HasSuffix(path, tokenSuffix) && !isAPIPath(path) }

// oauthFailure is an answer of the token endpoint other than a token: the OAuth error, the
// AADSTS number and its description.
type oauthFailure struct {
	status int
	code   string
	aadsts int
	desc   string
}

// tokenError is the body of a failure, in Entra ID's order.
type tokenError struct {
	Error         string `json:"error"`
	Description   string `json:"error_description"`
	Codes         []int  `json:"error_codes"`
	Timestamp     string `json:"timestamp"`
	TraceID       string `json:"trace_id"`
	CorrelationID string `json:"correlation_id"`
	URI           string `json:"error_uri"`
}

// writeOAuthError writes f with the given status, its description stamped with the trace
// and correlation IDs and the time, as Entra ID does.
func writeOAuthError(w http.ResponseWriter, status int, f oauthFailure, ids requestIDs, at time.Time) {
	if f.code == "" {
		f.code = "server_error"
	}
	if f.desc == "" {
		f.desc = "There was an error issuing a token or an issue with our sign-in service."
	}
	stamp := at.UTC().Format("2006-01-02 15:04:05Z")
	body := tokenError{Error: f.code, Codes: []int{f.aadsts}, Timestamp: stamp, TraceID: ids.request,
		CorrelationID: ids.client, URI: fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", f.aadsts),
		Description: fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s",
			f.aadsts, f.desc, ids.request, ids.client, stamp)}
	w.Header().Set("Cache-Control", "no-store, no-cache")
	writeJSON(w, status, marshal(body))
}

// tokenAnswer is a successful answer of the token endpoint.
type tokenAnswer struct {
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	ExtExpiresIn int64  `json:"ext_expires_in"`
	AccessToken  string `json:"access_token"`
}

// handleToken answers POST /{tenant}/oauth2/v2.0/token: the client credentials grant,
// authenticated by a client secret (form fields or HTTP Basic) or a client assertion.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	at := s.clock()
	c, f := s.authenticate(w, r, at)
	if f != nil {
		writeOAuthError(w, f.status, *f, ids(r), at)
		return
	}
	tok, err := s.auth.issue(c, at)
	if err != nil {
		writeOAuthError(w, http.StatusInternalServerError, oauthFailure{aadsts: 50000}, ids(r), at)
		return
	}
	secs := int64(s.opts.TokenLifetime / time.Second)
	w.Header().Set("Cache-Control", "no-store, no-cache")
	writeJSON(w, http.StatusOK, marshal(tokenAnswer{TokenType: "Bearer", ExpiresIn: secs, ExtExpiresIn: secs, AccessToken: tok}))
}

// authenticate checks a token request and returns the client it authenticates.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, at time.Time) (*client, *oauthFailure) {
	missing := func(p string) *oauthFailure {
		return &oauthFailure{http.StatusBadRequest, "invalid_request", 900144,
			"The request body must contain the following parameter: '" + p + "'."}
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return nil, missing("grant_type")
	}
	form := r.PostForm
	if t := r.PathValue("tenant"); !strings.EqualFold(t, s.w.tenantID) && !strings.EqualFold(t, s.w.domain) {
		return nil, &oauthFailure{http.StatusBadRequest, "invalid_request", 90002,
			"Tenant '" + t + "' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."}
	}
	switch gt := form.Get("grant_type"); gt {
	case "client_credentials":
	case "":
		return nil, missing("grant_type")
	default:
		return nil, &oauthFailure{http.StatusBadRequest, "unsupported_grant_type", 70003,
			"The app requested an unsupported grant type '" + gt + "'."}
	}
	basicID, basicSecret, basic := r.BasicAuth()
	id := form.Get("client_id")
	if id == "" && basic {
		id = basicID
	}
	if id == "" {
		return nil, missing("client_id")
	}
	if f := s.checkScope(form.Get("scope")); f != nil {
		return nil, f
	}
	c, ok := s.auth.client(id)
	if !ok {
		return nil, &oauthFailure{http.StatusBadRequest, "unauthorized_client", 700016,
			"Application with identifier '" + id + "' was not found in the directory '" + s.w.domain +
				"'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."}
	}
	secret := form.Get("client_secret")
	if secret == "" && basic {
		secret = basicSecret
	}
	return c, s.checkCredential(c, secret, r, at)
}

// checkCredential checks the client assertion or, without one, the client secret of a
// token request for client c.
func (s *Server) checkCredential(c *client, secret string, r *http.Request, at time.Time) *oauthFailure {
	form := r.PostForm
	switch {
	case form.Get("client_assertion") != "":
		return s.checkAssertion(c, form.Get("client_assertion_type"), form.Get("client_assertion"), r, at)
	case secret == "":
		return &oauthFailure{http.StatusUnauthorized, "invalid_client", 7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'."}
	case subtle.ConstantTimeCompare([]byte(secret), []byte(c.secret)) != 1:
		return &oauthFailure{http.StatusUnauthorized, "invalid_client", 7000215,
			"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" + c.id + "'."}
	}
	return nil
}

// checkScope accepts only Microsoft Graph's .default scope, as the client credentials
// grant requires.
func (s *Server) checkScope(scope string) *oauthFailure {
	scope = strings.TrimSpace(scope)
	switch {
	case scope == "":
		return &oauthFailure{http.StatusBadRequest, "invalid_request", 900144,
			"The request body must contain the following parameter: 'scope'."}
	case strings.EqualFold(scope, graphDefaultScope) || strings.EqualFold(scope, graphAppIDDefaultScope) ||
		strings.EqualFold(scope, "https://graph.microsoft.com//.default"):
		return nil
	case !strings.HasSuffix(scope, "/.default") || strings.Contains(scope, " "):
		return &oauthFailure{http.StatusBadRequest, "invalid_scope", 1002012,
			"The provided value for scope " + scope + " is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."}
	}
	return &oauthFailure{http.StatusBadRequest, "invalid_resource", 500011,
		"The resource principal named " + strings.TrimSuffix(scope, "/.default") + " was not found in the tenant named " + s.w.domain +
			". This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant."}
}
