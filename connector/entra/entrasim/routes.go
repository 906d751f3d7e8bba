package entrasim

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// requestIDs are the request-id Graph stamps on an answer and the client-request-id the
// client sent (or the request-id when it sent none).
type requestIDs struct{ request, client string }

// idsKey is the context key of a request's requestIDs.
type idsKey struct{}

// requestIDs numbers a request.
func (s *Server) requestIDs(r *http.Request) requestIDs {
	id := guid("entrasim request", s.w.tenantID, strconv.FormatUint(s.reqSeq.Add(1), 10))
	client := r.Header.Get("client-request-id")
	if client == "" || len(client) > 64 {
		client = id
	}
	return requestIDs{request: id, client: client}
}

// ids returns the IDs ServeHTTP gave r.
func ids(r *http.Request) requestIDs {
	v, _ := r.Context().Value(idsKey{}).(requestIDs)
	return v
}

// fail writes a Graph error answer to r.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, e graphError) {
	writeGraphError(w, e, ids(r), s.clock())
}

// caller is the authenticated app of an API request.
type caller struct {
	clientID, name string
	roles          []string
}

// apiHandler is a Graph endpoint.
type apiHandler func(w http.ResponseWriter, r *http.Request, c caller)

// The permission sets of the endpoints, any one role of which will do (Microsoft Graph's
// permissions reference; Application.ReadWrite.OwnedBy is left out, as the simulated
// client owns no app).
func readApps() []string {
	return []string{RoleApplicationRead, RoleApplicationReadWrite, RoleDirectoryRead, RoleDirectoryReadWrite}
}

func readAssignments() []string {
	return append(readApps(), RoleAppRoleAssignmentReadWrite)
}

func readGrants() []string {
	return []string{RoleGrantRead, RoleGrantReadWrite, RoleDirectoryRead, RoleDirectoryReadWrite}
}

func readGrantDelta() []string {
	return []string{RoleDirectoryRead, RoleGrantReadWrite, RoleDirectoryReadWrite}
}

func readUsers() []string {
	return []string{RoleUserRead, RoleDirectoryRead, RoleDirectoryReadWrite}
}

func readReports() []string { return []string{RoleAuditLogRead, RoleDirectoryRead} }
func readAudits() []string  { return []string{RoleAuditLogRead} }

func writeGrants() []string  { return []string{RoleGrantReadWrite, RoleDirectoryReadWrite} }
func writeAssigns() []string { return []string{RoleAppRoleAssignmentReadWrite, RoleDirectoryReadWrite} }
func writeApps() []string    { return []string{RoleApplicationReadWrite, RoleDirectoryReadWrite} }

// api wraps an endpoint: a bearer token the simulator issued and still valid, one of the
// roles, the resource units of the call (base cost, less one for $select and for $top
// under 20, at least 1). A write that an Ignore fault matches is answered 204 here,
// without reaching the endpoint.
func (s *Server) api(base int, roles []string, h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := s.clock()
		raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		raw = strings.TrimSpace(raw)
		if !ok || raw == "" {
			w.Header().Set("WWW-Authenticate", wwwAuthenticate)
			s.fail(w, r, tokenEmpty())
			return
		}
		tok, state := s.auth.lookup(raw, now)
		if state != tokenLive {
			w.Header().Set("WWW-Authenticate", wwwAuthenticate)
			if state == tokenStale {
				s.fail(w, r, tokenExpired())
			} else {
				s.fail(w, r, tokenInvalid())
			}
			return
		}
		if !slices.ContainsFunc(roles, func(role string) bool { return slices.Contains(tok.roles, role) }) {
			s.fail(w, r, denied())
			return
		}
		if !s.spend(w, r, cost(base, r), tok.clientID, now) {
			return
		}
		if r.Method != http.MethodGet && s.ignored(r) {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h(w, r, caller{clientID: tok.clientID, name: tok.name, roles: tok.roles})
	})
}

// wwwAuthenticate is the challenge Graph sends with a 401.
const wwwAuthenticate = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`

// cost returns the resource units of a request.
func cost(base int, r *http.Request) int {
	q := r.URL.Query()
	if q.Has("$select") || q.Has("select") {
		base--
	}
	for _, k := range []string{"$top", "top"} {
		if n, err := strconv.Atoi(q.Get(k)); err == nil && n < 20 {
			base--
		}
	}
	return max(base, 1)
}

// unrouted answers a request no endpoint takes: 405 when another method of the path is
// served, else Graph's 400 for an unknown segment.
func (s *Server) unrouted(w http.ResponseWriter, r *http.Request, ids requestIDs, at time.Time) {
	probe := r.Clone(r.Context())
	probe.Method = http.MethodGet
	if _, p := s.mux.Handler(probe); p != "" && r.Method != http.MethodGet {
		writeGraphError(w, graphError{Status: http.StatusMethodNotAllowed, Code: "Request_BadRequest",
			Message: "Specified HTTP method is not allowed for the request target."}, ids, at)
		return
	}
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	seg := segs[len(segs)-1]
	if len(segs) > 1 {
		seg = segs[1]
	}
	writeGraphError(w, segmentNotFound(seg), ids, at)
}
