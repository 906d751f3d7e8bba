package googleworkspacesim

import (
	"net/http"
	"strconv"
	"time"
)

// apiError is one answer in Google's JSON error envelope:
//
//	{"error":{"code":N,"message":"...","errors":[{"message","domain","reason",...}],"status":"..."}}
type apiError struct {
	Code    int
	Message string
	// Reason and Domain fill errors[0]; Domain defaults to "global". ItemMessage is the
	// message of errors[0] when it differs from Message.
	Reason      string
	Domain      string
	ItemMessage string
	// RetryAfter, if positive, is sent as a Retry-After header in whole seconds.
	RetryAfter time.Duration
	// Location and LocationType say which input was wrong ("Authorization", "header").
	Location     string
	LocationType string
	// Status is the canonical status name; empty derives it from Code.
	Status string
	// Details is a raw JSON array of google.rpc details, or empty.
	Details string
}

// statusName returns the canonical google.rpc status name of an HTTP status code.
func statusName(code int) string {
	switch code {
	case http.StatusBadRequest:
		return "INVALID_ARGUMENT"
	case http.StatusUnauthorized:
		return "UNAUTHENTICATED"
	case http.StatusForbidden:
		return "PERMISSION_DENIED"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusConflict:
		return "ABORTED"
	case http.StatusTooManyRequests:
		return "RESOURCE_EXHAUSTED"
	case http.StatusNotImplemented:
		return "UNIMPLEMENTED"
	case http.StatusServiceUnavailable:
		return "UNAVAILABLE"
	case http.StatusGatewayTimeout:
		return "DEADLINE_EXCEEDED"
	}
	return "INTERNAL"
}

// defaultReason returns the errors[].reason Google uses for a status code.
func defaultReason(code int) string {
	switch code {
	case http.StatusBadRequest:
		return "badRequest"
	case http.StatusUnauthorized:
		return "authError"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "notFound"
	case http.StatusConflict:
		return "conflict"
	case http.StatusTooManyRequests:
		return "rateLimitExceeded"
	}
	return "backendError"
}

// body renders the envelope.
func (e apiError) body() []byte {
	domain, status, item := e.Domain, e.Status, e.ItemMessage
	if domain == "" {
		domain = "global"
	}
	if status == "" {
		status = statusName(e.Code)
	}
	if item == "" {
		item = e.Message
	}
	b := make([]byte, 0, 256+len(e.Details))
	b = append(b, `{"error":{"code":`...)
	b = strconv.AppendInt(b, int64(e.Code), 10)
	b = appendStringField(b, "message", e.Message)
	b = append(b, `,"errors":[{`...)
	b = appendStringField(b, "message", item)
	b = appendStringField(b, "domain", domain)
	b = appendStringField(b, "reason", e.Reason)
	if e.Location != "" {
		b = appendStringField(b, "location", e.Location)
		b = appendStringField(b, "locationType", e.LocationType)
	}
	b = append(b, "}]"...)
	b = appendStringField(b, "status", status)
	if e.Details != "" {
		b = append(appendKey(b, "details"), e.Details...)
	}
	return append(b, "}}\n"...)
}

// writeJSON writes a JSON answer.
func writeJSON(w http.ResponseWriter, code int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	_, _ = w.Write(body)
}

// writeError writes e in Google's envelope.
func writeError(w http.ResponseWriter, e apiError) {
	if e.RetryAfter > 0 {
		secs := (e.RetryAfter + time.Second - 1) / time.Second
		w.Header().Set("Retry-After", strconv.FormatInt(int64(secs), 10))
	}
	writeJSON(w, e.Code, e.body())
}

// badRequest is a 400 with reason "badRequest" and the given message.
func badRequest(msg string) apiError {
	return apiError{Code: http.StatusBadRequest, Message: msg, Reason: "badRequest"}
}

// invalidParam is a 400 for a query parameter with a bad value.
func invalidParam(param, msg string) apiError {
	return apiError{Code: http.StatusBadRequest, Message: msg, Reason: "invalid",
		Location: param, LocationType: "parameter"}
}

// notFound is Google's 404 for a path parameter naming nothing ("Resource Not Found: userKey").
func notFound(param string) apiError {
	return apiError{Code: http.StatusNotFound, Message: "Resource Not Found: " + param, Reason: "notFound"}
}

// forbidden is Google's 403 for a resource the caller may not see.
func forbidden() apiError {
	return apiError{Code: http.StatusForbidden, Message: "Not Authorized to access this resource/api",
		Reason: "forbidden"}
}

// missingCredentials is the 401 answer to a request without a bearer token.
func missingCredentials() apiError {
	return apiError{Code: http.StatusUnauthorized,
		Message:     "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
		ItemMessage: "Login Required.", Reason: "required",
		Location: "Authorization", LocationType: "header"}
}

// badCredentials is the 401 answer to an unknown or expired bearer token.
func badCredentials() apiError {
	return apiError{Code: http.StatusUnauthorized,
		Message:     "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
		ItemMessage: "Invalid Credentials", Reason: "authError",
		Location: "Authorization", LocationType: "header"}
}

// scopeInsufficient is the 403 answer to a token without the scope the method needs.
func scopeInsufficient(method string) apiError {
	return apiError{Code: http.StatusForbidden,
		Message:     "Request had insufficient authentication scopes.",
		ItemMessage: "Insufficient Permission", Reason: "insufficientPermissions",
		Details: `[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"ACCESS_TOKEN_SCOPE_INSUFFICIENT",` +
			`"domain":"googleapis.com","metadata":{"service":"admin.googleapis.com","method":` +
			string(appendString(nil, method)) + `}}]`}
}
