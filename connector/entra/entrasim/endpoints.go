package entrasim

import (
	"net/http"
)

// routes registers the endpoints at Microsoft Graph's and the identity platform's paths.
// The number passed to api is the base cost of the call in resource units.
func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("POST /{tenant}/oauth2/v2.0/token", s.handleToken)
	const v1 = "/v1.0"
	const apps, sps, grants = v1 + "/applications", v1 + "/servicePrincipals", v1 + "/oauth2PermissionGrants"
	m.Handle("GET "+apps, s.api(2, readApps(), s.listApps))
	m.Handle("GET "+apps+"/delta", s.api(2, readApps(), s.deltaApps))
	m.Handle("GET "+apps+"/{id}", s.api(1, readApps(), s.getApp))
	m.Handle("GET "+apps+"/{id}/owners", s.api(1, readApps(), s.appOwners))
	m.Handle("POST "+apps+"/{id}/removePassword", s.api(1, writeApps(), s.removeAppPassword))
	m.Handle("GET "+sps, s.api(1, readApps(), s.listSPs))
	m.Handle("GET "+sps+"/delta", s.api(1, readApps(), s.deltaSPs))
	m.Handle("GET "+sps+"/{id}", s.api(1, readApps(), s.getSP))
	m.Handle("PATCH "+sps+"/{id}", s.api(1, writeApps(), s.patchSP))
	m.Handle("GET "+sps+"/{id}/owners", s.api(1, readApps(), s.spOwners))
	m.Handle("POST "+sps+"/{id}/removePassword", s.api(1, writeApps(), s.removeSPPassword))
	m.Handle("GET "+sps+"/{id}/appRoleAssignments", s.api(2, readAssignments(), s.listAssignments))
	m.Handle("GET "+sps+"/{id}/appRoleAssignedTo", s.api(2, readAssignments(), s.listAssignedTo))
	m.Handle("DELETE "+sps+"/{id}/appRoleAssignments/{assignmentId}", s.api(1, writeAssigns(), s.deleteAssignment))
	m.Handle("DELETE "+sps+"/{id}/appRoleAssignedTo/{assignmentId}", s.api(1, writeAssigns(), s.deleteAssignment))
	m.Handle("GET "+v1+"/{segment}", s.api(1, readApps(), s.getByAppID))
	m.Handle("GET "+grants, s.api(2, readGrants(), s.listGrants))
	m.Handle("GET "+grants+"/delta", s.api(2, readGrantDelta(), s.deltaGrants))
	m.Handle("GET "+grants+"/{id}", s.api(1, readGrants(), s.getGrant))
	m.Handle("DELETE "+grants+"/{id}", s.api(1, writeGrants(), s.deleteGrant))
	m.Handle("PATCH "+grants+"/{id}", s.api(1, writeGrants(), s.patchGrant))
	m.Handle("GET "+v1+"/users", s.api(2, readUsers(), s.listUsers))
	m.Handle("GET "+v1+"/auditLogs/directoryAudits", s.api(1, readAudits(), s.listAudits))
	m.Handle("GET /beta/reports/servicePrincipalSignInActivities", s.api(1, readReports(), s.listSPActivities))
	m.Handle("GET /beta/reports/appCredentialSignInActivities", s.api(1, readReports(), s.listCredActivities))
	s.mux = m
}

// respond writes a JSON body with 200, or the error.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, body []byte, gerr *graphError) {
	if gerr != nil {
		s.fail(w, r, *gerr)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// propOf returns member name of rendered fields, for $filter.
func propOf(fields []kv, name string) any {
	for _, f := range fields {
		if f.k == name {
			return f.v
		}
	}
	return nil
}
