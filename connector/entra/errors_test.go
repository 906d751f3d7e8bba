package entra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/nhiscope/nhi"
)

// TestMapError checks the code and the operator's message of each kind of failure.
func TestMapError(t *testing.T) {
	t.Parallel()
	c := &Connector{cfg: validConfig().withDefaults()}
	g := func(status int, code string) error {
		return fmt.Errorf("list: %w", &graphError{Status: status, Code: code, Message: "m"})
	}
	var se *json.SyntaxError
	_ = json.Unmarshal([]byte("{"), &se)
	tests := []struct {
		name     string
		err      error
		resource string
		code     nhi.Code
		msg      string
	}{
		{"canceled", fmt.Errorf("get: %w", context.Canceled), resUsers, nhi.CodeCanceled, "canceled"},
		{"deadline", context.DeadlineExceeded, resUsers, nhi.CodeCanceled, "canceled"},
		{"401", g(401, "InvalidAuthenticationToken"), resUsers, nhi.CodeUnauthorized, fixClient},
		{"429", g(429, "TooManyRequests"), resGrants, nhi.CodeRateLimited, "kept throttling requests for oauth2PermissionGrants"},
		{"403 on grants", g(403, codeDenied), resGrants, nhi.CodeForbidden, "application permission Directory.Read.All"},
		{"403 on users", g(403, codeDenied), resUsers, nhi.CodeForbidden, PermissionUser},
		{"403 on owners", g(403, codeDenied), resOwners, nhi.CodeForbidden, PermissionApplication},
		{"403 on reports", g(403, codeDenied), resSPActivity, nhi.CodeForbidden, PermissionAuditLog},
		{"licence", g(403, codeNonPremium), resSPActivity, nhi.CodeForbidden, "P1 or P2"},
		{"404", g(404, codeNotFound), resOwners, nhi.CodeNotFound, "deleted meanwhile"},
		{"expired delta", g(400, codeSyncState), resGrants, nhi.CodeInvalid, "expired"},
		{"410", g(410, ""), resGrants, nhi.CodeInvalid, "expired"},
		{"400", g(400, "Request_BadRequest"), resUsers, nhi.CodeInvalid, "rejected the request"},
		{"502", g(502, ""), resApps, nhi.CodeUnavailable, "try again later"},
		{"418", g(418, ""), resApps, nhi.CodeInternal, "unexpected"},
		{"too large", fmt.Errorf("read: %w", errTooLarge), resApps, nhi.CodeUnavailable, "larger than 32 MiB"},
		{"syntax", se, resApps, nhi.CodeUnavailable, "malformed"},
		{"truncated", io.ErrUnexpectedEOF, resApps, nhi.CodeUnavailable, "malformed"},
		{"foreign link", errForeignLink, resApps, nhi.CodeUnavailable, "malformed"},
		{"network", errors.New("dial tcp: refused"), resApps, nhi.CodeUnavailable, "cannot reach Microsoft Graph"},
		{"mapped already", nhi.Errorf(nhi.CodeConflict, "x"), resApps, nhi.CodeConflict, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := c.mapError(tt.err, tt.resource)
			if code := nhi.ErrorCode(err); code != tt.code || !strings.Contains(nhi.ErrorMessage(err), tt.msg) {
				t.Errorf("mapError = %q (code %s), want code %s and a message with %q", nhi.ErrorMessage(err), code, tt.code, tt.msg)
			}
		})
	}
	if c.mapError(nil, resApps) != nil {
		t.Error("mapError(nil) is not nil")
	}
}

// TestTokenFailure checks that token endpoint failures keep only the status, the OAuth
// error code and the AADSTS number of the answer.
func TestTokenFailure(t *testing.T) {
	t.Parallel()
	c := &Connector{cfg: validConfig().withDefaults()}
	body := `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. ` +
		`Ensure the secret being sent is the client secret value, not the ID, for the secret added to app 'x'. Trace ID: 1"}`
	tests := []struct {
		name   string
		status int
		code   nhi.Code
	}{{"rejected", 401, nhi.CodeUnauthorized}, {"bad request", 400, nhi.CodeUnauthorized},
		{"down", 503, nhi.CodeUnavailable}, {"throttled", 429, nhi.CodeUnavailable}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			re := &oauth2.RetrieveError{Response: &http.Response{StatusCode: tt.status}, Body: []byte(body)}
			err := c.mapError(&tokenError{err: re}, resUsers)
			if nhi.ErrorCode(err) != tt.code {
				t.Errorf("code = %s, want %s", nhi.ErrorCode(err), tt.code)
			}
			want := fmt.Sprintf("token endpoint answered %d invalid_client AADSTS7000215", tt.status)
			if !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "Trace ID") {
				t.Errorf("error %q: want %q and nothing more of the answer", err, want)
			}
		})
	}
	err := c.mapError(&tokenError{err: errors.New("dial tcp 10.0.0.1: refused")}, resUsers)
	if nhi.ErrorCode(err) != nhi.CodeUnavailable || strings.Contains(err.Error(), "10.0.0.1") {
		t.Errorf("unreachable token endpoint: %v (code %s)", err, nhi.ErrorCode(err))
	}
}

// TestCheckResponse checks how error answers are read.
func TestCheckResponse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		body   string
		want   *graphError
	}{
		{200, "{}", nil},
		{204, "", nil},
		{403, `{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges\u202e."}}`,
			&graphError{Status: 403, Code: codeDenied, Message: "Insufficient privileges."}},
		{502, `<html>bad gateway</html>`, &graphError{Status: 502}},
	}
	for _, tt := range tests {
		err := checkResponse(&http.Response{StatusCode: tt.status, Body: io.NopCloser(strings.NewReader(tt.body))})
		if tt.want == nil {
			if err != nil {
				t.Errorf("%d: %v", tt.status, err)
			}
			continue
		}
		if ge := asGraph(err); ge == nil || *ge != *tt.want {
			t.Errorf("%d: %#v, want %#v", tt.status, err, tt.want)
		}
	}
}
