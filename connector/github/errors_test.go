package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	gh "github.com/google/go-github/v89/github"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector/internal/answers"
)

// errAnswer returns go-github's error for an answer with status and message.
func errAnswer(status int, msg string, header ...string) error {
	resp := &http.Response{StatusCode: status, Header: http.Header{},
		Request: &http.Request{Method: "GET", URL: &url.URL{Scheme: "https", Host: "api.github.com", Path: "/x"}}}
	for i := 0; i+1 < len(header); i += 2 {
		resp.Header.Set(header[i], header[i+1])
	}
	return &gh.ErrorResponse{Response: resp, Message: msg}
}

func TestMapError(t *testing.T) {
	t.Parallel()
	c := &Connector{cfg: Config{AppID: 42, APIURL: DefaultAPIURL, Token: "env:GH_OWNER", MaxWait: DefaultMaxWait}}
	tests := []struct {
		name     string
		err      error
		resource string
		code     nhi.Code
		msg      string
		fatal    bool
	}{
		{"canceled", fmt.Errorf("x: %w", context.Canceled), resHooks, nhi.CodeCanceled, "canceled", true},
		{"401 app", errAnswer(401, "Bad credentials"), resHooks, nhi.CodeUnauthorized, "private_key", true},
		{"401 owner", errAnswer(401, "Bad credentials"), resCredentials, nhi.CodeUnauthorized, "owner token env:GH_OWNER", true},
		{"403 permission", errAnswer(403, "Resource not accessible by integration"), resHooks, nhi.CodeForbidden, "Webhooks: read", false},
		{"403 retry-after", errAnswer(403, "slow down", "Retry-After", "60"), resHooks, nhi.CodeRateLimited, "rate-limiting", false},
		{"429", errAnswer(429, "slow down"), resKeys, nhi.CodeRateLimited, "rate-limiting", false},
		{"primary", &gh.RateLimitError{Message: "API rate limit exceeded"}, resHooks, nhi.CodeRateLimited, "rate-limiting", false},
		{"404", errAnswer(404, "Not Found"), resKeys, nhi.CodeNotFound, "found no keys", false},
		{"422", errAnswer(422, "Validation Failed"), resPATs, nhi.CodeInvalid, "rejected", false},
		{"502", errAnswer(502, "<html>"), resPATs, nhi.CodeUnavailable, "try again later", false},
		{"too large", fmt.Errorf("read: %w", answers.ErrTooLarge), resHooks, nhi.CodeUnavailable, "larger than", false},
		{"loop", errPageLoop, resHooks, nhi.CodeUnavailable, "malformed", false},
		{"transport", &url.Error{Op: "Get", URL: "https://api.github.com/x", Err: errors.New("dial tcp: refused")}, resHooks,
			nhi.CodeUnavailable, "cannot reach GitHub", false},
		{"auth 401", &authError{org: "acme", err: errAnswer(401, "A JSON web token could not be decoded")}, resTokens,
			nhi.CodeUnauthorized, "JSON web token", true},
		{"auth 404", &authError{org: "acme", err: errAnswer(404, "Not Found")}, resTokens, nhi.CodeNotFound, "not installed on organization acme", true},
		{"auth transport", &authError{org: "acme", err: errors.New("dial")}, resTokens, nhi.CodeUnavailable, "installation token", true},
	}
	for _, tt := range tests {
		got := c.mapError(tt.err, tt.resource)
		if nhi.ErrorCode(got) != tt.code || !strings.Contains(nhi.ErrorMessage(got), tt.msg) {
			t.Errorf("%s: mapError = %v (code %s), want code %s with %q", tt.name, got, nhi.ErrorCode(got), tt.code, tt.msg)
		}
		if fatal(tt.err) != tt.fatal {
			t.Errorf("%s: fatal = %v, want %v", tt.name, !tt.fatal, tt.fatal)
		}
	}
}

func TestResourceOf(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"/orgs/acme/personal-access-tokens/5":       resPATs,
		"/orgs/acme/personal-access-token-requests": resPATRequests,
		"/repos/acme/keys/keys":                     resKeys, // a repository named "keys"
		"/repos/acme/web/actions/secrets":           resSecrets,
		"/app/installations/7/access_tokens":        resTokens,
		"/orgs/acme/installation":                   resInstallation,
		"/graphql":                                  resSAML,
		"/orgs/acme":                                "api",
	}
	for path, want := range tests {
		if got := resourceOf(path); got != want {
			t.Errorf("resourceOf(%q) = %q, want %q", path, got, want)
		}
	}
}
