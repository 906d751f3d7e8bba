package googleworkspacesim

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// tokenPath is the path of the OAuth token endpoint; jwtBearer its only grant type.
const (
	tokenPath = "/token"
	jwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	// jwtSkew is the clock difference tolerated on a JWT's iat.
	jwtSkew = time.Minute
)

// The OAuth error descriptions of Google's token endpoint.
const (
	descUnauthorizedClient = "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested."
	descBadSignature       = "Invalid JWT Signature."
	descBadTime            = "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."
	descNoAccount          = "Invalid grant: account not found"
	descBadScope           = "Invalid OAuth scope or ID token audience provided."
)

// oauthError is an answer of the token endpoint other than a token.
type oauthError struct {
	status      int
	code        string
	description string
}

// Error returns the description.
func (e *oauthError) Error() string { return e.code + ": " + e.description }

// writeOAuthError writes {"error":code,"error_description":description}.
func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	if code == "" {
		code = "server_error"
	}
	b := appendStringField([]byte("{"), "error", code)
	b = appendStringField(b, "error_description", description)
	writeJSON(w, status, append(b, "}\n"...))
}

// jwtClaims are the claims of a JWT-bearer assertion the simulator checks.
type jwtClaims struct {
	Iss   string  `json:"iss"`
	Scope string  `json:"scope"`
	Aud   string  `json:"aud"`
	Exp   float64 `json:"exp"`
	Iat   float64 `json:"iat"`
	Sub   string  `json:"sub"`
	Prn   string  `json:"prn"`
}

// handleToken answers POST /token: the OAuth 2.0 JWT-bearer grant of a service account with
// domain-wide delegation.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Invalid request.")
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != jwtBearer {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type: "+gt)
		return
	}
	c, err := s.verifyJWT(r.PostForm.Get("assertion"), requestTokenURL(r))
	if err == nil {
		err = s.grant(w, c)
	}
	var oe *oauthError
	if errors.As(err, &oe) {
		writeOAuthError(w, oe.status, oe.code, oe.description)
	}
}

// grant checks the subject and scopes of verified claims and answers with a token.
func (s *Server) grant(w http.ResponseWriter, c *jwtClaims) error {
	scopes := strings.Fields(c.Scope)
	if len(scopes) == 0 {
		return &oauthError{http.StatusBadRequest, "invalid_scope", descBadScope}
	}
	sub := c.Sub
	if sub == "" {
		sub = c.Prn
	}
	p, err := s.checkSubject(sub)
	if err == nil {
		err = s.checkScopes(scopes)
	}
	if err != nil {
		return err
	}
	tok := s.auth.issue(p, scopeBits(scopes), s.clock())
	b := appendStringField([]byte("{"), "access_token", tok)
	b = append(appendKey(b, "expires_in"), "3599"...)
	b = appendStringField(b, "token_type", "Bearer")
	writeJSON(w, http.StatusOK, append(b, "}\n"...))
	return nil
}

// checkSubject returns the person an access token may impersonate: an active admin.
func (s *Server) checkSubject(sub string) (int32, error) {
	p, ok := s.w.person(sub)
	if ok {
		st, _ := s.w.status(p)
		ok = st == estate.Active && s.w.e.People[p].Admin
	}
	if !ok {
		return 0, &oauthError{http.StatusUnauthorized, "unauthorized_client", descUnauthorizedClient}
	}
	return p, nil
}

// checkScopes reports an error unless domain-wide delegation covers every scope.
func (s *Server) checkScopes(scopes []string) error {
	for _, sc := range scopes {
		found := false
		for _, d := range s.opts.DelegatedScopes {
			found = found || d == sc
		}
		if !found {
			return &oauthError{http.StatusUnauthorized, "unauthorized_client", descUnauthorizedClient}
		}
	}
	return nil
}

// verifyJWT checks an RS256 assertion signed by the service account's key and its claims.
func (s *Server) verifyJWT(assertion, requestURL string) (*jwtClaims, error) {
	grantErr := func(desc string) error { return &oauthError{http.StatusBadRequest, "invalid_grant", desc} }
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return nil, grantErr("Invalid JWT.")
	}
	var hdr struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	var c jwtClaims
	hb, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	cb, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if errors.Join(err1, err2, err3) != nil || json.Unmarshal(hb, &hdr) != nil || json.Unmarshal(cb, &c) != nil {
		return nil, grantErr("Invalid JWT.")
	}
	key, keyID, err := s.auth.signingKey()
	if err != nil {
		return nil, &oauthError{http.StatusInternalServerError, "server_error", "Internal error."}
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if hdr.Alg != "RS256" || (hdr.Kid != "" && hdr.Kid != keyID) ||
		rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, digest[:], sig) != nil {
		return nil, grantErr(descBadSignature)
	}
	if c.Iss != s.auth.email {
		return nil, grantErr(descNoAccount)
	}
	if !s.auth.audienceOK(c.Aud, requestURL) {
		return nil, grantErr("Invalid JWT: Failed audience check. The right audience is " + requestURL)
	}
	now := s.clock()
	iat := time.Unix(int64(c.Iat), 0)
	exp := time.Unix(int64(c.Exp), 0)
	if c.Iat <= 0 || c.Exp <= 0 || iat.After(now.Add(jwtSkew)) || !exp.After(now) ||
		!exp.After(iat) || exp.Sub(iat) > time.Hour {
		return nil, grantErr(descBadTime)
	}
	return &c, nil
}

// requestTokenURL returns the URL the request was sent to, the audience a client that
// read token_uri from the key file puts in its JWT.
func requestTokenURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + tokenPath
}
