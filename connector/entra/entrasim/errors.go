package entrasim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// graphError is one answer in Microsoft Graph's JSON error envelope:
//
//	{"error":{"code":"...","message":"...","innerError":{"date":"...","request-id":"...","client-request-id":"..."}}}
type graphError struct {
	Status  int
	Code    string
	Message string
	// RetryAfter, if positive, is sent as a Retry-After header in whole seconds.
	RetryAfter time.Duration
}

// defaultCode returns the error code Graph uses for a status when nothing more precise
// applies.
func defaultCode(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "BadRequest"
	case http.StatusUnauthorized:
		return "InvalidAuthenticationToken"
	case http.StatusForbidden:
		return "Authorization_RequestDenied"
	case http.StatusNotFound:
		return "Request_ResourceNotFound"
	case http.StatusTooManyRequests:
		return "TooManyRequests"
	case http.StatusServiceUnavailable:
		return "serviceNotAvailable"
	case http.StatusGatewayTimeout:
		return "gatewayTimeout"
	}
	if status >= 500 {
		return "generalException"
	}
	return "UnknownError"
}

// innerError is the innerError member of the envelope.
type innerError struct {
	Date            string `json:"date"`
	RequestID       string `json:"request-id"`
	ClientRequestID string `json:"client-request-id"`
}

// errorBody is the envelope.
type errorBody struct {
	Error struct {
		Code       string     `json:"code"`
		Message    string     `json:"message"`
		InnerError innerError `json:"innerError"`
	} `json:"error"`
}

// writeGraphError writes e in Graph's envelope, stamped with the request's IDs and the
// given time.
func writeGraphError(w http.ResponseWriter, e graphError, ids requestIDs, at time.Time) {
	if e.Code == "" {
		e.Code = defaultCode(e.Status)
	}
	if e.Message == "" {
		e.Message = http.StatusText(e.Status)
	}
	var body errorBody
	body.Error.Code = e.Code
	body.Error.Message = e.Message
	body.Error.InnerError = innerError{Date: at.UTC().Format("2006-01-02T15:04:05"),
		RequestID: ids.request, ClientRequestID: ids.client}
	if e.RetryAfter > 0 {
		secs := (e.RetryAfter + time.Second - 1) / time.Second
		w.Header().Set("Retry-After", strconv.FormatInt(int64(secs), 10))
	}
	writeJSON(w, e.Status, marshal(body))
}

// marshal encodes v as JSON without HTML escaping, as Graph writes it; v never fails to
// encode (the simulator marshals its own types only).
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return []byte(`{}`)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// writeJSON writes a JSON answer with Graph's content type.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// badRequest is a 400 with the given code and message.
func badRequest(code, msg string) graphError {
	return graphError{Status: http.StatusBadRequest, Code: code, Message: msg}
}

// notFound is Graph's 404 for an object ID that names nothing.
func notFound(id string) graphError {
	return graphError{Status: http.StatusNotFound, Code: "Request_ResourceNotFound",
		Message: "Resource '" + id + "' does not exist or one of its queried reference-property objects are not present."}
}

// segmentNotFound is Graph's 400 for a path it does not know.
func segmentNotFound(seg string) graphError {
	return badRequest("BadRequest", "Resource not found for the segment '"+seg+"'.")
}

// denied is the 403 for a token without an application permission the call needs.
func denied() graphError {
	return graphError{Status: http.StatusForbidden, Code: "Authorization_RequestDenied",
		Message: "Insufficient privileges to complete the operation."}
}

// tokenEmpty and tokenInvalid are the 401 answers to a missing and an unknown or expired
// bearer token.
func tokenEmpty() graphError {
	return graphError{Status: http.StatusUnauthorized, Code: "InvalidAuthenticationToken", Message: "Access token is empty."}
}

func tokenInvalid() graphError {
	return graphError{Status: http.StatusUnauthorized, Code: "InvalidAuthenticationToken", Message: "Access token validation failure. Invalid audience."}
}

// tokenExpired is the 401 answer to an access token past its expiry.
func tokenExpired() graphError {
	return graphError{Status: http.StatusUnauthorized, Code: "InvalidAuthenticationToken",
		Message: "Lifetime validation failed, the token is expired."}
}

// unsupportedQuery is the 400 for a query option or filter the endpoint does not take.
func unsupportedQuery(msg string) graphError {
	return badRequest("Request_UnsupportedQuery", msg)
}
