package oktasim

import (
	"crypto/rsa"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// assertionType is the client_assertion_type of private_key_jwt.
const assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// oauthError answers the token endpoint's error envelope.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// handleToken is POST /oauth2/v1/token: the client credentials grant, authenticated by a
// private_key_jwt client assertion.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The request could not be parsed.")
		return
	}
	f := r.PostForm
	if f.Get("grant_type") != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
		return
	}
	if f.Get("client_assertion_type") != assertionType || f.Get("client_assertion") == "" {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed. Either the client or the client credentials are invalid.")
		return
	}
	aud := "http://" + r.Host + r.URL.Path
	if err := s.checkAssertion(f.Get("client_assertion"), aud); err != nil {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "The client_assertion signature is invalid or its claims are wrong.")
		return
	}
	asked := strings.Fields(f.Get("scope"))
	if len(asked) == 0 {
		oauthError(w, http.StatusBadRequest, "invalid_scope", "The authorization server resource does not have any configured default scopes, 'scope' must be provided.")
		return
	}
	for _, sc := range asked {
		if !slices.Contains(s.auth.scopes, sc) {
			oauthError(w, http.StatusBadRequest, "invalid_scope", "The following scopes are not allowed: "+sc)
			return
		}
	}
	tok := s.auth.issue(asked, s.clock())
	writeJSON(w, http.StatusOK, map[string]any{"token_type": "Bearer", "expires_in": int(accessTokenLifetime / time.Second),
		"access_token": tok, "scope": strings.Join(asked, " ")})
}

// checkAssertion verifies a client assertion: RS256 with the client's key, iss and sub the
// client ID, aud the token URL, unexpired, and a jti not seen before.
func (s *Server) checkAssertion(raw, aud string) error {
	key, err := s.auth.key()
	if err != nil {
		return err
	}
	claims := jwt.RegisteredClaims{}
	_, err = jwt.ParseWithClaims(raw, &claims, func(*jwt.Token) (any, error) { return key.Public().(*rsa.PublicKey), nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithAudience(aud), jwt.WithIssuer(s.opts.ClientID),
		jwt.WithSubject(s.opts.ClientID), jwt.WithExpirationRequired(), jwt.WithTimeFunc(s.clock), jwt.WithLeeway(time.Minute))
	if err != nil {
		return err
	}
	a := s.auth
	a.mu.Lock()
	defer a.mu.Unlock()
	if claims.ID == "" || a.jtis[claims.ID] {
		return jwt.ErrTokenInvalidId
	}
	a.jtis[claims.ID] = true
	return nil
}
