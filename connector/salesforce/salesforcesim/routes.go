package salesforcesim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// apiVersion is the REST API version the simulator is modelled on; minVersion and
// maxVersion bound the versions it answers (OauthToken needs 32.0).
const (
	apiVersion = "v62.0"
	minVersion = 32
	maxVersion = 66
)

// routes registers the endpoints at Salesforce's paths.
func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("POST /services/oauth2/token", s.handleToken)
	m.HandleFunc("POST /services/oauth2/revoke", s.handleRevoke)
	m.HandleFunc("GET /services/oauth2/revoke", s.handleRevoke)
	const data = "/services/data/{version}"
	m.Handle("GET "+data+"/limits", s.api(s.handleLimits))
	m.Handle("GET "+data+"/query", s.api(s.handleQuery))
	m.Handle("GET "+data+"/queryAll", s.api(s.handleQuery))
	m.Handle("GET "+data+"/query/{locator}", s.api(s.handleMore))
	m.Handle("GET "+data+"/queryAll/{locator}", s.api(s.handleMore))
	m.Handle("GET "+data+"/sobjects/EventLogFile/{id}/LogFile", s.api(s.handleLogFile))
	m.Handle("PATCH "+data+"/sobjects/UserLogin/{id}", s.api(s.patchUserLogin))
	m.Handle("PATCH "+data+"/sobjects/User/{id}", s.api(s.patchUser))
	m.HandleFunc("POST /services/Soap/m/{version}", s.handleMetadata)
	s.mux = m
}

// apiHandler is a REST endpoint, called with the session's user.
type apiHandler func(w http.ResponseWriter, r *http.Request, c caller)

// api wraps a REST endpoint: a known API version, a live session (else 401
// INVALID_SESSION_ID), one request of the daily allocation (else 403
// REQUEST_LIMIT_EXCEEDED) and the Sforce-Limit-Info header. A change that an Ignore fault
// matches is answered 204 here, without reaching the endpoint.
func (s *Server) api(h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !knownVersion(r.PathValue("version")) {
			writeErrors(w, http.StatusNotFound, errMissing)
			return
		}
		c, ok := s.callerOf(bearer(r))
		if !ok {
			s.setLimitInfo(w)
			writeErrors(w, http.StatusUnauthorized, errSession)
			return
		}
		if !s.spend() {
			s.setLimitInfo(w)
			writeErrors(w, http.StatusForbidden, errLimit)
			return
		}
		s.setLimitInfo(w)
		if r.Method != http.MethodGet && s.ignored(r) {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		c.version = r.PathValue("version")
		h(w, r, c)
	})
}

// bearer returns the access token of a request's Authorization header ("Bearer" or
// Salesforce's older "OAuth" scheme).
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	for _, scheme := range []string{"Bearer ", "OAuth "} {
		if tok, ok := strings.CutPrefix(h, scheme); ok {
			return strings.TrimSpace(tok)
		}
	}
	return ""
}

// knownVersion reports whether v is "vNN.0" with NN a version the simulator answers.
func knownVersion(v string) bool {
	num, ok := strings.CutPrefix(v, "v")
	if !ok {
		return false
	}
	major, ok := strings.CutSuffix(num, ".0")
	n, err := strconv.Atoi(major)
	return ok && err == nil && n >= minVersion && n <= maxVersion && strconv.Itoa(n) == major
}

// unrouted answers a request no endpoint takes: 405 when another method of the path is
// served, else 404, in the REST API's error array under /services/data.
func (s *Server) unrouted(w http.ResponseWriter, r *http.Request) {
	if !isDataPath(r.URL.Path) {
		http.NotFound(w, r)
		return
	}
	for _, m := range []string{http.MethodGet, http.MethodPatch, http.MethodPost} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, p := s.mux.Handler(probe); p != "" && m != r.Method {
			writeErrors(w, http.StatusMethodNotAllowed, apiError{Code: "METHOD_NOT_ALLOWED",
				Message: "HTTP Method '" + r.Method + "' not allowed. Allowed are " + m})
			return
		}
	}
	writeErrors(w, http.StatusNotFound, errMissing)
}

// writeValue writes v as a JSON body with 200.
func writeValue(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeErrors(w, http.StatusInternalServerError, apiError{Code: "UNKNOWN_EXCEPTION", Message: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, body)
}
