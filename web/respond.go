package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/nhiscope/nhi"
)

// csp is the Content-Security-Policy of every answer: only the server's own scripts,
// styles and images, no plugins, no framing, forms posting only to the server.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// secure sets the security headers of every answer.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if r.TLS != nil || s.cfg.Secure {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// httpError is an error with an HTTP status of its own (405) or extra headers (429).
type httpError struct {
	status     int
	code       nhi.Code
	msg        string
	retryAfter time.Duration
}

// Error returns the message.
func (e *httpError) Error() string { return e.msg }

// status maps an nhi error code to its HTTP status and the code the API shows. This is
// the one place where that mapping lives.
func status(c nhi.Code) (int, nhi.Code) {
	switch c {
	case nhi.CodeInvalid:
		return http.StatusBadRequest, c
	case nhi.CodeUnauthorized:
		return http.StatusUnauthorized, c
	case nhi.CodeForbidden:
		return http.StatusForbidden, c
	case nhi.CodeNotFound:
		return http.StatusNotFound, c
	case nhi.CodeConflict:
		return http.StatusConflict, c
	case nhi.CodeRateLimited:
		return http.StatusTooManyRequests, c
	case nhi.CodeUnavailable, nhi.CodeCanceled:
		return http.StatusServiceUnavailable, nhi.CodeInternal
	}
	return http.StatusInternalServerError, nhi.CodeInternal
}

// errorBody is the one shape of every error answer.
type errorBody struct {
	Error struct {
		Code    nhi.Code `json:"code"`
		Message string   `json:"message"`
	} `json:"error"`
}

// writeError answers with the error shape. Internal errors are logged with their cause;
// the client sees only the user-safe message.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var body errorBody
	var he *httpError
	code := http.StatusInternalServerError
	if errors.As(err, &he) {
		code, body.Error.Code, body.Error.Message = he.status, he.code, he.msg
		if he.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(he.retryAfter.Round(time.Second)/time.Second)+1))
		}
	} else {
		code, body.Error.Code = status(nhi.ErrorCode(err))
		body.Error.Message = nhi.ErrorMessage(err)
		if code >= 500 {
			log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, code, body)
}

// writeJSON answers with v as JSON. The encoder escapes <, > and & so that no answer can
// be read as markup.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v) // a client gone away is not our error
}

// maxBody is the largest request body the API reads.
const maxBody = 1 << 20

// decode reads a JSON object into v: the body must be application/json (which a
// cross-site HTML form cannot send), at most maxBody bytes, one object, no unknown fields.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return &httpError{status: http.StatusUnsupportedMediaType, code: nhi.CodeInvalid, msg: "the body must be application/json"}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return nhi.WrapError(nhi.CodeInvalid, err, "the body is not a valid JSON object of the expected shape: "+jsonProblem(err))
	}
	if dec.More() {
		return nhi.Errorf(nhi.CodeInvalid, "the body holds more than one JSON value")
	}
	return nil
}

// jsonProblem describes a decoding error without echoing the body.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	var me *http.MaxBytesError
	switch {
	case errors.As(err, &te):
		return "field " + strconv.Quote(te.Field) + " has the wrong type"
	case errors.As(err, &me):
		return "it is too large"
	}
	return "it does not parse"
}
