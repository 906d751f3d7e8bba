package googleworkspace

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// apiErr returns a Google error answer with one reason.
func apiErr(code int, reason, body string) error {
	return fmt.Errorf("call: %w", &googleapi.Error{Code: code, Message: "m", Body: body,
		Errors: []googleapi.ErrorItem{{Reason: reason}}})
}

// retrieveErr returns a token endpoint refusal whose body holds a secret-looking value.
func retrieveErr(status int, body string) error {
	return &tokenError{err: &oauth2.RetrieveError{Response: &http.Response{StatusCode: status}, Body: []byte(body)}}
}

func TestMapError(t *testing.T) {
	t.Parallel()
	c, err := New(Config{Name: "g", AdminEmail: "admin@example.com", Credentials: writeKey(t, "https://oauth2.example/token")},
		connector.Env{})
	if err != nil {
		t.Fatal(err)
	}
	syntax := json.Unmarshal([]byte(`{"items":[`), new(any))
	if _, ok := syntax.(*json.SyntaxError); !ok {
		t.Fatalf("no syntax error: %v", syntax)
	}
	tests := []struct {
		name     string
		err      error
		resource string
		want     nhi.Code
		mention  []string // in the message
		fatal    bool
	}{
		{"nil", nil, resUsers, "", nil, false},
		{"canceled", &url.Error{Op: "Get", URL: "u", Err: context.Canceled}, resTokens, nhi.CodeCanceled, nil, true},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), resTokens, nhi.CodeCanceled, nil, true},
		{"token refused", retrieveErr(400, `{"error":"invalid_grant","error_description":"Invalid JWT Signature.","assertion":"eyJSECRET"}`),
			resUsers, nhi.CodeUnauthorized, []string{"admin@example.com", "1234567890", "domain-wide delegation", ScopeUserSecurity}, true},
		{"token endpoint down", retrieveErr(503, `{}`), resUsers, nhi.CodeUnavailable, []string{"token endpoint"}, true},
		{"token endpoint unreachable", &tokenError{err: errors.New("dial tcp: connection refused")}, resUsers,
			nhi.CodeUnavailable, []string{"https://oauth2.example/token"}, true},
		{"401", apiErr(401, "authError", ""), resTokens, nhi.CodeUnauthorized, []string{"admin@example.com"}, true},
		{"missing scope", apiErr(403, "insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"), resTokens,
			nhi.CodeForbidden, []string{ScopeUserSecurity, "1234567890"}, true},
		{"missing audit scope", apiErr(403, "insufficientPermissions", ""), resActivities,
			nhi.CodeForbidden, []string{ScopeAuditReadonly}, true},
		{"not authorized", apiErr(403, "forbidden", ""), resTokens, nhi.CodeForbidden, []string{"privileges"}, false},
		{"rate limited", apiErr(403, "userRateLimitExceeded", ""), resTokens, nhi.CodeRateLimited, []string{"quota"}, false},
		{"429", apiErr(429, "rateLimitExceeded", ""), resUsers, nhi.CodeRateLimited, nil, false},
		{"404", apiErr(404, "notFound", ""), resTokens, nhi.CodeNotFound, nil, false},
		{"400", apiErr(400, "invalid", ""), resUsers, nhi.CodeInvalid, []string{"customer ID"}, false},
		{"500", apiErr(500, "backendError", ""), resTokens, nhi.CodeUnavailable, nil, false},
		{"418", apiErr(418, "teapot", ""), resTokens, nhi.CodeInternal, []string{"unexpected"}, false},
		{"malformed JSON", fmt.Errorf("decode: %w", syntax), resTokens, nhi.CodeUnavailable, []string{"malformed"}, false},
		{"page loop", errPageLoop, resUsers, nhi.CodeUnavailable, []string{"malformed"}, false},
		{"huge page", fmt.Errorf("read: %w", errTooLarge), resTokens, nhi.CodeUnavailable, []string{"32 MiB", "tokens"}, false},
		{"network", &url.Error{Op: "Get", URL: "u", Err: errors.New("connection reset")}, resUsers,
			nhi.CodeUnavailable, []string{DefaultBaseURL}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := c.mapError(tt.err, tt.resource)
			if code := nhi.ErrorCode(got); code != tt.want {
				t.Fatalf("mapError() = %v (code %q), want code %q", got, code, tt.want)
			}
			msg := nhi.ErrorMessage(got)
			for _, m := range tt.mention {
				if !strings.Contains(msg, m) {
					t.Errorf("message %q does not mention %q", msg, m)
				}
			}
			if got != nil && (strings.Contains(got.Error(), "SECRET") || strings.Contains(got.Error(), "PRIVATE KEY")) {
				t.Errorf("error %q reveals a secret", got)
			}
			if f := fatal(tt.err); f != tt.fatal {
				t.Errorf("fatal() = %v, want %v", f, tt.fatal)
			}
		})
	}
}

func TestIsRateLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		reason string
		want   bool
	}{
		{429, "", true},
		{403, "userRateLimitExceeded", true},
		{403, "rateLimitExceeded", true},
		{403, "quotaExceeded", true},
		{403, "forbidden", false},
		{403, "insufficientPermissions", false},
		{400, "rateLimitExceeded", false},
		{500, "", false},
	}
	for _, tt := range tests {
		if got := isRateLimit(tt.status, tt.reason); got != tt.want {
			t.Errorf("isRateLimit(%d, %q) = %v, want %v", tt.status, tt.reason, got, tt.want)
		}
	}
}
