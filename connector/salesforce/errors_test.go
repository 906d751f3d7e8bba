package salesforce

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
)

// TestParseError checks the error shapes of the REST API, the OAuth endpoints and the
// Metadata API, and that hostile text is cleaned.
func TestParseError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body string
		want apiError
	}{
		{`[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`,
			apiError{Status: 401, Code: "INVALID_SESSION_ID", Message: "Session expired or invalid"}},
		{`{"error":"invalid_grant","error_description":"user hasn't approved this consumer"}`,
			apiError{Status: 401, Code: "invalid_grant", Message: "user hasn't approved this consumer"}},
		{`<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
			`<soapenv:Fault><faultcode>sf:INSUFFICIENT_ACCESS</faultcode><faultstring>no</faultstring></soapenv:Fault>` +
			`</soapenv:Body></soapenv:Envelope>`, apiError{Status: 401, Code: "INSUFFICIENT_ACCESS", Message: "no"}},
		{`[{"message":"a\u202eb<script>","errorCode":"X"}]`, apiError{Status: 401, Code: "X", Message: nhi.CleanText("a\u202eb<script>")}},
		{`not an error body`, apiError{Status: 401}},
		{`[]`, apiError{Status: 401}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, *parseError(401, []byte(tt.body))); diff != "" {
			t.Errorf("parseError(%q) (-want +got):\n%s", tt.body, diff)
		}
	}
}

// TestMapError checks the code and the operator's message of each kind of failure.
func TestMapError(t *testing.T) {
	t.Parallel()
	c := &Connector{cfg: validConfig().withDefaults()}
	tests := []struct {
		err    error
		what   string
		code   nhi.Code
		inText string
	}{
		{&apiError{Status: 403, Code: codeLimit}, "users", nhi.CodeRateLimited, "daily API limit"},
		{errBudget, "users", nhi.CodeRateLimited, "reserve of 10%"},
		{&apiError{Status: 401, Code: codeSession}, "users", nhi.CodeUnauthorized, "nhi@example.com"},
		{&apiError{Status: 403, Code: "INSUFFICIENT_ACCESS"}, "OAuth tokens", nhi.CodeForbidden, "Customize Application"},
		{&apiError{Status: 400, Code: "INVALID_TYPE"}, "event log files", nhi.CodeInvalid, "INVALID_TYPE"},
		{&apiError{Status: 403, Code: "INSUFFICIENT_ACCESS"}, "freezing user 005", nhi.CodeForbidden, "Manage Users"},
		{&apiError{Status: 404, Code: "NOT_FOUND"}, "users", nhi.CodeNotFound, "found no"},
		{&apiError{Status: 503}, "users", nhi.CodeRateLimited, "throttling"},
		{&apiError{Status: 500, Code: "UNKNOWN_EXCEPTION"}, "users", nhi.CodeUnavailable, "try again"},
		{&tokenError{status: 400, code: "invalid_grant", description: "user hasn't approved this consumer"}, "x",
			nhi.CodeUnauthorized, "pre-authorized"},
		{&tokenError{err: errors.New("dial tcp: refused")}, "x", nhi.CodeUnavailable, "token endpoint"},
		{fmt.Errorf("read: %w", context.Canceled), "x", nhi.CodeCanceled, "canceled"},
		{errPageLoop, "users", nhi.CodeUnavailable, "malformed"},
	}
	for _, tt := range tests {
		err := c.mapError(tt.err, tt.what)
		if nhi.ErrorCode(err) != tt.code || !strings.Contains(nhi.ErrorMessage(err), tt.inText) {
			t.Errorf("mapError(%v, %q) = %q (code %s), want code %s saying %q", tt.err, tt.what, nhi.ErrorMessage(err),
				nhi.ErrorCode(err), tt.code, tt.inText)
		}
	}
	if !fatal(&apiError{Status: http.StatusForbidden, Code: codeLimit}) || fatal(&apiError{Status: 500}) {
		t.Error("fatal: REQUEST_LIMIT_EXCEEDED must end a scan, a server error must not")
	}
}
