package salesforcesim

import (
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The JWT bearer grant type, and how far ahead an assertion may expire.
const (
	jwtBearer    = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	maxAssertion = 3 * time.Minute
	skew         = 10 * time.Second
)

// tokenAnswer is the token endpoint's success body.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	Signature   string `json:"signature"`
	Scope       string `json:"scope"`
	InstanceURL string `json:"instance_url"`
	ID          string `json:"id"`
	TokenType   string `json:"token_type"`
	IssuedAt    string `json:"issued_at"`
}

// jwtClaims are the claims of an assertion the simulator checks.
type jwtClaims struct {
	Iss string          `json:"iss"`
	Sub string          `json:"sub"`
	Aud json.RawMessage `json:"aud"`
	Exp float64         `json:"exp"`
}

// handleToken answers POST /services/oauth2/token: the JWT bearer flow for nhi's
// connected app, with Salesforce's invalid_grant failures.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "invalid request body")
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != jwtBearer {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant type not supported")
		return
	}
	cl, desc := s.verifyAssertion(r.PostForm.Get("assertion"))
	if desc != "" {
		code := "invalid_grant"
		if desc == "client identifier invalid" {
			code = "invalid_client_id"
		}
		writeOAuthError(w, http.StatusBadRequest, code, desc)
		return
	}
	now := s.now()
	if !audienceOK(cl.Aud, baseURL(r), "https://"+s.w.myDomain+".my.salesforce.com") {
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "audience is invalid")
		return
	}
	exp := time.Unix(int64(cl.Exp), 0)
	if cl.Exp <= 0 || !now.Before(exp.Add(skew)) || exp.After(now.Add(maxAssertion+skew)) {
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "expired authorization code")
		return
	}
	s.issueSession(w, r, cl.Sub, now)
}

// issueSession answers the token request of the user named sub, if that user may use the
// app.
func (s *Server) issueSession(w http.ResponseWriter, r *http.Request, sub string, now time.Time) {
	s.w.mu.RLock()
	i, ok := s.w.byName[strings.ToLower(sub)]
	var u *user
	if ok {
		u = s.w.users[i]
	}
	s.w.mu.RUnlock()
	switch {
	case !ok:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "user hasn't approved this consumer")
		return
	case !u.IsActive:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "inactive user")
		return
	case u.IsFrozen:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "user is frozen")
		return
	}
	tok := s.sessions.issue(s.w.orgID, i, now.Add(sessionTTL))
	base := baseURL(r)
	id := base + "/id/" + s.w.orgID + "/" + u.ID
	issued := strconv.FormatInt(now.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(s.consumerKey))
	mac.Write([]byte(id + issued))
	body, _ := json.Marshal(tokenAnswer{AccessToken: tok, Signature: base64.StdEncoding.EncodeToString(mac.Sum(nil)),
		Scope: "api", InstanceURL: base, ID: id, TokenType: "Bearer", IssuedAt: issued})
	w.Header().Set("Cache-Control", "no-cache,must-revalidate,max-age=0,no-store,private")
	writeJSON(w, http.StatusOK, body)
}

// verifyAssertion checks the JWT's form, its RS256 signature by nhi's connected app and
// its issuer; it returns the claims, or the error_description of the failure.
func (s *Server) verifyAssertion(assertion string) (jwtClaims, string) {
	var cl jwtClaims
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return cl, "invalid assertion"
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	hb, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	cb, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if errors.Join(err1, err2, err3) != nil || json.Unmarshal(hb, &hdr) != nil || json.Unmarshal(cb, &cl) != nil {
		return cl, "invalid assertion"
	}
	if cl.Iss != s.consumerKey {
		return cl, "client identifier invalid"
	}
	pub := s.publicKey()
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if hdr.Alg != "RS256" || pub == nil || rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig) != nil {
		return cl, "invalid assertion"
	}
	return cl, ""
}

// audienceOK reports whether the aud claim (a string or an array) names a login server,
// this instance or the org's My Domain.
func audienceOK(raw json.RawMessage, base, myDomain string) bool {
	var one string
	var many []string
	if json.Unmarshal(raw, &one) == nil {
		many = []string{one}
	} else if json.Unmarshal(raw, &many) != nil {
		return false
	}
	for _, a := range many {
		a = strings.TrimSuffix(a, "/")
		if a == "https://login.salesforce.com" || a == "https://test.salesforce.com" || a == base || a == myDomain {
			return true
		}
	}
	return false
}
