package entrasim

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
)

// The client assertion type of RFC 7523, and the clock skew tolerated on its times.
const (
	assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	assertionSkew = 5 * time.Minute
)

// assertionClaims are the claims of a client assertion the simulator checks.
type assertionClaims struct {
	Aud string  `json:"aud"`
	Iss string  `json:"iss"`
	Sub string  `json:"sub"`
	Exp float64 `json:"exp"`
	Nbf float64 `json:"nbf"`
	Jti string  `json:"jti"`
}

// checkAssertion verifies a client assertion: a JWT signed with the certificate of c,
// naming it in x5t (SHA-1) or x5t#S256, issued by and about c, for this token endpoint,
// and current.
func (s *Server) checkAssertion(c *client, typ, assertion string, r *http.Request, now time.Time) *oauthFailure {
	malformed := &oauthFailure{http.StatusBadRequest, "invalid_request", 50027, "JWT token is invalid or malformed."}
	if typ != assertionType {
		return &oauthFailure{http.StatusBadRequest, "invalid_request", 900144,
			"The request body must contain the following parameter: 'client_assertion_type'."}
	}
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return malformed
	}
	var hdr struct {
		Alg     string `json:"alg"`
		X5t     string `json:"x5t"`
		X5tS256 string `json:"x5t#S256"`
	}
	var cl assertionClaims
	hb, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	cb, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if errors.Join(err1, err2, err3) != nil || json.Unmarshal(hb, &hdr) != nil || json.Unmarshal(cb, &cl) != nil {
		return malformed
	}
	badSig := &oauthFailure{http.StatusUnauthorized, "invalid_client", 700027, "Client assertion failed signature validation."}
	cert, _, err := c.certificate(now)
	if err != nil {
		return badSig
	}
	s256 := sha256.Sum256(cert.Raw)
	named := hdr.X5t == thumbprint(cert) || hdr.X5tS256 == base64.RawURLEncoding.EncodeToString(s256[:])
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	switch {
	case !named || !ok:
		return badSig
	case hdr.Alg == "RS256" && rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig) == nil:
	case hdr.Alg == "PS256" && rsa.VerifyPSS(pub, crypto.SHA256, digest[:], sig, nil) == nil:
	default:
		return badSig
	}
	return s.checkAssertionClaims(c, cl, r, now)
}

// checkAssertionClaims checks the issuer, subject, audience and times of an assertion.
func (s *Server) checkAssertionClaims(c *client, cl assertionClaims, r *http.Request, now time.Time) *oauthFailure {
	if cl.Iss != c.id || cl.Sub != c.id {
		return &oauthFailure{http.StatusUnauthorized, "invalid_client", 700021,
			"Client assertion application identifier doesn't match 'client_id' parameter."}
	}
	here := baseURL(r) + r.URL.Path
	real := "https://login.microsoftonline.com/" + r.PathValue("tenant") + tokenSuffix
	if cl.Aud != here && !strings.EqualFold(cl.Aud, real) {
		return &oauthFailure{http.StatusUnauthorized, "invalid_client", 700212,
			"Client assertion audience claim does not match Realm issuer. Expected " + here + "."}
	}
	exp, nbf := time.Unix(int64(cl.Exp), 0), time.Unix(int64(cl.Nbf), 0)
	if cl.Exp <= 0 || !now.Before(exp.Add(assertionSkew)) || (cl.Nbf > 0 && now.Add(assertionSkew).Before(nbf)) {
		return &oauthFailure{http.StatusUnauthorized, "invalid_client", 700024,
			"Client assertion is not within its valid time range."}
	}
	return nil
}
