package githubsim

import (
	"bytes"
	"crypto"
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

// The JWT rules of GitHub Apps: iat at most clockSkew in the future (GitHub advises
// signing it 60 s in the past), exp in the future and at most maxJWTLife after iat.
const (
	clockSkew  = 60 * time.Second
	maxJWTLife = 10 * time.Minute
)

// jwtToken is a decoded, not yet verified, app JWT.
type jwtToken struct {
	alg      string
	iss      string // a number is kept as its decimal string
	iat, exp int64
	signed   []byte // header.payload, what the signature covers
	sig      []byte
}

// errNotJWT is returned for a string that is not a compact JWS with JSON parts.
var errNotJWT = errors.New("not a JWT")

// looksLikeJWT reports whether a credential is shaped like a compact JWS (three
// base64url parts, the first a JSON object), as opposed to an opaque token.
func looksLikeJWT(raw string) bool {
	return strings.HasPrefix(raw, "eyJ") && strings.Count(raw, ".") == 2
}

// parseJWT decodes a compact JWS with an RS256-style header and integer iat and exp. It
// never panics, whatever the input.
func parseJWT(raw string) (jwtToken, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 || len(raw) > 8192 {
		return jwtToken{}, errNotJWT
	}
	var dec [3][]byte
	for i, p := range parts {
		b, err := base64.RawURLEncoding.DecodeString(p)
		if err != nil {
			return jwtToken{}, errNotJWT
		}
		dec[i] = b
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	var claims struct {
		Iss json.RawMessage `json:"iss"`
		Iat json.Number     `json:"iat"`
		Exp json.Number     `json:"exp"`
	}
	if json.Unmarshal(dec[0], &hdr) != nil || unmarshalNumbers(dec[1], &claims) != nil {
		return jwtToken{}, errNotJWT
	}
	t := jwtToken{alg: hdr.Alg, signed: []byte(parts[0] + "." + parts[1]), sig: dec[2]}
	t.iss = issuer(claims.Iss)
	var err1, err2 error
	t.iat, err1 = claims.Iat.Int64()
	t.exp, err2 = claims.Exp.Int64()
	if err1 != nil || err2 != nil {
		return jwtToken{}, errNotJWT
	}
	return t, nil
}

// unmarshalNumbers decodes JSON keeping numbers as json.Number.
func unmarshalNumbers(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// issuer returns the iss claim as a string: a JSON string's value, or a JSON integer's
// decimal digits; "" for anything else.
func issuer(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if unmarshalNumbers(raw, &n) == nil {
		if i, err := n.Int64(); err == nil {
			return strconv.FormatInt(i, 10)
		}
	}
	return ""
}

// verifyJWT checks an app JWT against nhi's app: RS256 signature by the app's key, iss
// the app ID or client ID, iat not in the future (beyond the skew), exp in the future
// and within ten minutes of iat. The errors are GitHub's 401 messages.
func (s *Server) verifyJWT(raw string, now time.Time) *apiError {
	t, err := parseJWT(raw)
	key := s.appKey()
	if err != nil || t.alg != "RS256" || key == nil || !verifyRS256(&key.PublicKey, t.signed, t.sig) {
		e := jwtUndecodable()
		return &e
	}
	unauthorized := func(msg string) *apiError { return &apiError{Status: http.StatusUnauthorized, Message: msg} }
	switch {
	case t.iss != strconv.FormatInt(s.w.app.ID, 10) && t.iss != s.w.app.ClientID:
		return unauthorized("Integration not found")
	case time.Unix(t.iat, 0).After(now.Add(clockSkew)):
		return unauthorized("'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued")
	case !time.Unix(t.exp, 0).After(now):
		return unauthorized("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires")
	case t.exp-t.iat > int64(maxJWTLife/time.Second) || time.Unix(t.exp, 0).After(now.Add(maxJWTLife+clockSkew)):
		return unauthorized("'Expiration time' claim ('exp') is too far in the future")
	}
	return nil
}

// verifyRS256 checks an RSASSA-PKCS1-v1_5 SHA-256 signature.
func verifyRS256(pub *rsa.PublicKey, signed, sig []byte) bool {
	sum := sha256.Sum256(signed)
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) == nil
}
