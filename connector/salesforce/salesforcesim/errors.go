package salesforcesim

import (
	"encoding/json"
	"net/http"
)

// apiError is one element of the REST API's error array,
// [{"message":"...","errorCode":"...","fields":[...]}].
type apiError struct {
	Message string   `json:"message"`
	Code    string   `json:"errorCode"`
	Fields  []string `json:"fields,omitempty"`
}

// Errors the REST API answers in several places.
var (
	errSession = apiError{Code: "INVALID_SESSION_ID", Message: "Session expired or invalid"}
	errLimit   = apiError{Code: "REQUEST_LIMIT_EXCEEDED", Message: "TotalRequests Limit exceeded."}
	errMissing = apiError{Code: "NOT_FOUND", Message: "The requested resource does not exist"}
)

// defaultCode returns the error code Salesforce uses for a status when nothing more
// precise applies.
func defaultCode(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "MALFORMED_QUERY"
	case http.StatusUnauthorized:
		return "INVALID_SESSION_ID"
	case http.StatusForbidden:
		return "REQUEST_LIMIT_EXCEEDED"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusMethodNotAllowed:
		return "METHOD_NOT_ALLOWED"
	case http.StatusServiceUnavailable:
		return "SERVER_UNAVAILABLE"
	}
	return "UNKNOWN_EXCEPTION"
}

// defaultMessage returns the message that goes with defaultCode.
func defaultMessage(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return errSession.Message
	case http.StatusForbidden:
		return errLimit.Message
	case http.StatusNotFound:
		return errMissing.Message
	case http.StatusServiceUnavailable:
		return "Server temporarily unavailable, please try again later."
	}
	return "An unexpected error occurred. Please include this ErrorId if you contact support: 1471519442-42 (-1213413374)"
}

// writeErrors writes an error array.
func writeErrors(w http.ResponseWriter, status int, errs ...apiError) {
	body, _ := json.Marshal(errs)
	writeJSON(w, status, body)
}

// writeJSON writes a JSON body.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// oauthError is the OAuth endpoints' error body, {"error","error_description"}.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// writeOAuthError answers an OAuth endpoint's failure.
func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	body, _ := json.Marshal(oauthError{Error: code, Description: desc})
	w.Header().Set("Cache-Control", "no-cache,must-revalidate,max-age=0,no-store,private")
	writeJSON(w, status, body)
}
