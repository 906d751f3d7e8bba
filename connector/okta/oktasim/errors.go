package oktasim

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// errorBody is Okta's error envelope.
type errorBody struct {
	ErrorCode    string     `json:"errorCode"`
	ErrorSummary string     `json:"errorSummary"`
	ErrorLink    string     `json:"errorLink"`
	ErrorID      string     `json:"errorId"`
	ErrorCauses  []struct{} `json:"errorCauses"`
}

// defaultError returns Okta's usual error code and summary for status.
func defaultError(status int) (code, summary string) {
	switch {
	case status == http.StatusUnauthorized:
		return "E0000011", "Invalid token provided"
	case status == http.StatusForbidden:
		return "E0000006", "You do not have permission to perform the requested action"
	case status == http.StatusNotFound:
		return "E0000007", "Not found: Resource not found"
	case status == http.StatusTooManyRequests:
		return "E0000047", "API call exceeded rate limit due to too many requests."
	case status == http.StatusBadRequest:
		return "E0000001", "Api validation failed"
	case status >= 500:
		return "E0000009", "Internal Server Error"
	}
	return "E0000001", "Api validation failed"
}

// writeError answers with Okta's error envelope; an empty code or summary takes the usual
// one for status.
func (s *Server) writeError(w http.ResponseWriter, status int, code, summary string) {
	dc, ds := defaultError(status)
	if code == "" {
		code = dc
	}
	if summary == "" {
		summary = ds
	}
	body := errorBody{ErrorCode: code, ErrorSummary: summary, ErrorLink: code,
		ErrorID: fmt.Sprintf("oae%017d", s.errSeq.Add(1)), ErrorCauses: []struct{}{}}
	writeJSON(w, status, body)
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// notFound answers 404 E0000007 for the resource id of kind.
func (s *Server) notFound(w http.ResponseWriter, id, kind string) {
	s.writeError(w, http.StatusNotFound, "E0000007", fmt.Sprintf("Not found: Resource not found: %s (%s)", id, kind))
}
