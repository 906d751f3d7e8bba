package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector/internal/answers"
)

// jwtGrant is the grant type of the OAuth 2.0 JWT bearer flow.
const jwtGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// assertionLife is how long a JWT assertion is valid: Salesforce takes at most three
// minutes.
const assertionLife = 3 * time.Minute

// session is what one token answer gave: the access token, the instance the REST calls
// go to, and the org and user IDs from the identity URL.
type session struct {
	token    string
	instance string
	orgID    string
	userID   string
}

// tokenAnswer is a successful answer of the token endpoint.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	InstanceURL string `json:"instance_url"`
	ID          string `json:"id"`
	TokenType   string `json:"token_type"`
}

// tokenError is a failure to obtain an access token; it ends a scan.
type tokenError struct {
	// status is the token endpoint's status (0 when it was not reached); code and
	// description its error and error_description.
	status            int
	code, description string
	err               error
}

// Error describes the failure without any secret.
func (e *tokenError) Error() string {
	if e.err != nil {
		return "salesforce: token request: " + e.err.Error()
	}
	return fmt.Sprintf("salesforce: token request answered %d %s: %s", e.status, e.code, e.description)
}

// Unwrap returns the transport error, if any.
func (e *tokenError) Unwrap() error { return e.err }

// tokenFailure maps a token failure for an operator.
func (c *Connector) tokenFailure(te *tokenError) error {
	switch {
	case te.err != nil && (isCanceled(te.err)):
		return nhi.WrapError(nhi.CodeCanceled, contextCause(te.err), "Salesforce sign-in canceled")
	case te.err != nil && te.status == 0:
		return nhi.WrapError(nhi.CodeUnavailable, te, fmt.Sprintf("cannot reach the Salesforce token endpoint at %s", c.cfg.LoginURL))
	case te.err != nil:
		return nhi.WrapError(nhi.CodeUnavailable, te, fmt.Sprintf(
			"the Salesforce token endpoint at %s gave no usable session (access token, identity or instance URL)", c.cfg.LoginURL))
	case te.status == http.StatusBadRequest || te.status == http.StatusUnauthorized:
		return nhi.WrapError(nhi.CodeUnauthorized, te, fmt.Sprintf(
			"Salesforce refused the JWT bearer sign-in of %s (%s: %s): check the consumer key, that the connected app "+
				"holds the certificate of the private key, that the user is pre-authorized (admin approved) and active",
			c.describe(), te.code, te.description))
	case te.status == http.StatusTooManyRequests || te.status == http.StatusServiceUnavailable:
		return nhi.WrapError(nhi.CodeRateLimited, te, "the Salesforce token endpoint is throttling sign-ins; try again later")
	}
	return nhi.WrapError(nhi.CodeUnavailable, te, fmt.Sprintf("the Salesforce token endpoint at %s failed", c.cfg.LoginURL))
}

// assertion returns a signed JWT bearer assertion.
func (c *Connector) assertion() (string, error) {
	now := c.env.Clock()()
	claims := jwt.MapClaims{"iss": c.cfg.ConsumerKey, "sub": c.cfg.Username, "aud": audience(c.cfg.LoginURL),
		"exp": now.Add(assertionLife).Unix()}
	return jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(c.key)
}

// audience returns the JWT audience for a login URL: Salesforce's authorization server,
// https://login.salesforce.com (https://test.salesforce.com for sandboxes), also when the
// token request goes to the org's My Domain; any other login URL is its own audience.
func audience(loginURL string) string {
	u, err := url.Parse(loginURL)
	if err != nil {
		return loginURL
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case strings.HasSuffix(host, ".sandbox.my.salesforce.com"):
		return "https://test.salesforce.com"
	case strings.HasSuffix(host, ".my.salesforce.com"):
		return DefaultLoginURL
	}
	return loginURL
}

// signIn obtains a new session with the JWT bearer flow.
func (c *Connector) signIn(ctx context.Context) (*session, error) {
	a, err := c.assertion()
	if err != nil {
		return nil, &tokenError{err: fmt.Errorf("sign assertion: %w", err)}
	}
	form := url.Values{"grant_type": {jwtGrant}, "assertion": {a}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.LoginURL+"/services/oauth2/token",
		strings.NewReader(form.Encode()))
	if err != nil {
		return nil, &tokenError{err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, &tokenError{err: transportCause(err)}
	}
	defer answers.Discard(resp)
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, answers.MaxErrorBody))
		ae := parseError(resp.StatusCode, b)
		return nil, &tokenError{status: resp.StatusCode, code: ae.Code, description: ae.Message}
	}
	var ta tokenAnswer
	if err := json.NewDecoder(io.LimitReader(resp.Body, answers.MaxErrorBody)).Decode(&ta); err != nil {
		return nil, &tokenError{status: resp.StatusCode, err: fmt.Errorf("decode token answer: %w", err)}
	}
	return c.newSession(ta)
}

// newSession checks a token answer and makes a session of it.
func (c *Connector) newSession(ta tokenAnswer) (*session, error) {
	org, user, ok := parseIdentityURL(ta.ID)
	if ta.AccessToken == "" || !ok {
		return nil, &tokenError{status: http.StatusOK, err: errNoIdentity}
	}
	inst := c.cfg.InstanceURL
	if inst == "" {
		inst = strings.TrimSuffix(ta.InstanceURL, "/")
		if msg := checkURL(inst); msg != "" || inst == "" {
			return nil, &tokenError{status: http.StatusOK, err: fmt.Errorf("instance URL %q %s", clip(inst, 100), msg)}
		}
	}
	return &session{token: ta.AccessToken, instance: inst, orgID: org, userID: user}, nil
}

// parseIdentityURL returns the org and user IDs of an identity URL
// ("https://login.salesforce.com/id/00D.../005...").
func parseIdentityURL(s string) (org, user string, ok bool) {
	u, err := url.Parse(s)
	if err != nil {
		return "", "", false
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 3 || parts[len(parts)-3] != "id" {
		return "", "", false
	}
	org, user = parts[len(parts)-2], parts[len(parts)-1]
	if !validSFID(org, "00D") || !validSFID(user, "005") {
		return "", "", false
	}
	return org, user, true
}

// validSFID reports whether s is a 15- or 18-character Salesforce ID with the given key
// prefix ("" for any).
func validSFID(s, prefix string) bool {
	if (len(s) != 15 && len(s) != 18) || !strings.HasPrefix(s, prefix) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// currentSession returns the connector's session, signing in when there is none or
// when stale is the session a request was refused with.
func (c *Connector) currentSession(ctx context.Context, stale *session) (*session, error) {
	c.sessMu.Lock()
	defer c.sessMu.Unlock()
	if c.sess != nil && c.sess != stale {
		return c.sess, nil
	}
	s, err := c.signIn(ctx)
	if err != nil {
		return nil, err
	}
	c.sess = s
	c.env.Log().DebugContext(ctx, "salesforce sign-in", "connector", c.cfg.Name, "org", s.orgID, "user", s.userID)
	return s, nil
}
