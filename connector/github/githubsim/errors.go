package githubsim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// Documentation links of GitHub's error bodies.
const (
	docREST       = "https://docs.github.com/rest"
	docRateLimits = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit"
	docSecondary  = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
)

// apiError is one error answer in GitHub's body:
//
//	{"message":"...","errors":[...],"documentation_url":"https://docs.github.com/rest/...","status":"404"}
type apiError struct {
	Status  int
	Message string
	// Doc is the documentation_url; "" means docREST.
	Doc string
	// Errors are the details of a 422 Validation Failed.
	Errors []fieldError
	// RetryAfter, if positive, is sent as a retry-after header, in seconds.
	RetryAfter int
}

// fieldError is one entry of the errors array of a 422 answer.
type fieldError struct {
	Resource string `json:"resource"`
	Field    string `json:"field"`
	Code     string `json:"code"`
	Message  string `json:"message,omitempty"`
}

// errorBody is GitHub's error body.
type errorBody struct {
	Message string       `json:"message"`
	Errors  []fieldError `json:"errors,omitempty"`
	DocURL  string       `json:"documentation_url"`
	Status  string       `json:"status"`
}

// writeError writes e in GitHub's error body.
func writeError(w http.ResponseWriter, e apiError) {
	if e.Message == "" {
		e.Message = http.StatusText(e.Status)
	}
	if e.Doc == "" {
		e.Doc = docREST
	}
	if e.RetryAfter > 0 {
		w.Header().Set("retry-after", strconv.Itoa(e.RetryAfter))
	}
	writeJSON(w, e.Status, errorBody{Message: e.Message, Errors: e.Errors, DocURL: e.Doc, Status: strconv.Itoa(e.Status)})
}

// marshal encodes v as JSON without HTML escaping, as GitHub writes it; v is always one
// of the simulator's own types, which encode.
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return []byte(`{}`)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// writeJSON writes a JSON answer with GitHub's content type.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body := marshal(v)
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// noContent answers 204 with no body.
func noContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }

// notFound is GitHub's 404.
func notFound() apiError { return apiError{Status: http.StatusNotFound, Message: "Not Found"} }

// badCredentials is the 401 answer to a missing, unknown or expired token.
func badCredentials() apiError {
	return apiError{Status: http.StatusUnauthorized, Message: "Bad credentials"}
}

// notIntegrationAccessible is the 403 answer to an installation token without the
// permission a call needs, or calling what installation tokens may not.
func notIntegrationAccessible() apiError {
	return apiError{Status: http.StatusForbidden, Message: "Resource not accessible by integration"}
}

// notPATAccessible is the 403 answer to a personal access token calling an endpoint only
// GitHub Apps may call.
func notPATAccessible() apiError {
	return apiError{Status: http.StatusForbidden, Message: "Resource not accessible by personal access token"}
}

// jwtUndecodable is the 401 answer of the app endpoints to anything but a valid JWT.
func jwtUndecodable() apiError {
	return apiError{Status: http.StatusUnauthorized, Message: "A JSON web token could not be decoded"}
}

// invalid is a 422 Validation Failed about one field of a resource.
func invalid(resource, field, msg string) apiError {
	return apiError{Status: http.StatusUnprocessableEntity, Message: "Validation Failed",
		Errors: []fieldError{{Resource: resource, Field: field, Code: "invalid", Message: msg}}}
}

// badJSON is the 400 answer to a body that is not JSON.
func badJSON() apiError {
	return apiError{Status: http.StatusBadRequest, Message: "Problems parsing JSON"}
}
