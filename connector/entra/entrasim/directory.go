package entrasim

import (
	"net/http"
	"strings"

	"github.com/nhiscope/nhi/estate"
)

// listOpts are the query options a listing takes.
const listOpts = optSelect | optTop | optFilter | optSkip

// listApps answers GET /v1.0/applications.
func (s *Server) listApps(w http.ResponseWriter, r *http.Request, _ caller) {
	res := s.res.app
	q, gerr := parseQuery(r, res, listOpts)
	if gerr != nil {
		s.fail(w, r, *gerr)
		return
	}
	wd := s.w
	wd.mu.RLock()
	body, gerr := s.page(r, res, res.set, q, source{n: len(wd.apps),
		skip:   func(i int) bool { return wd.apps[i].removed },
		prop:   func(i int, name string) any { return propOf(applicationFields(&wd.apps[i].app), name) },
		fields: func(i int) []kv { return applicationFields(&wd.apps[i].app) }})
	wd.mu.RUnlock()
	s.respond(w, r, body, gerr)
}

// listSPs answers GET /v1.0/servicePrincipals.
func (s *Server) listSPs(w http.ResponseWriter, r *http.Request, _ caller) {
	res := s.res.sp
	q, gerr := parseQuery(r, res, listOpts)
	if gerr != nil {
		s.fail(w, r, *gerr)
		return
	}
	wd := s.w
	wd.mu.RLock()
	body, gerr := s.page(r, res, res.set, q, source{n: len(wd.sps),
		skip:   func(i int) bool { return wd.sps[i].removed },
		prop:   func(i int, name string) any { return spProp(&wd.sps[i].sp, name) },
		fields: func(i int) []kv { return spFields(&wd.sps[i].sp) }})
	wd.mu.RUnlock()
	s.respond(w, r, body, gerr)
}

// spProp returns a filterable property of a service principal.
func spProp(sp *estate.MSServicePrincipal, name string) any {
	switch name {
	case "id":
		return sp.ObjectID
	case "appId":
		return sp.AppID
	case "displayName":
		return sp.DisplayName
	case "servicePrincipalType":
		if sp.ServicePrincipalType == "" {
			return "Application"
		}
		return sp.ServicePrincipalType
	case "accountEnabled":
		return sp.AccountEnabled
	case "appOwnerOrganizationId":
		return nullable(sp.AppOwnerOrganizationID)
	}
	return nil
}

// getApp answers GET /v1.0/applications/{id}.
func (s *Server) getApp(w http.ResponseWriter, r *http.Request, _ caller) {
	s.getOne(w, r, s.res.app, func() ([]kv, bool) {
		_, a, ok := s.w.app(r.PathValue("id"))
		if !ok {
			return nil, false
		}
		return applicationFields(&a.app), true
	})
}

// getSP answers GET /v1.0/servicePrincipals/{id}.
func (s *Server) getSP(w http.ResponseWriter, r *http.Request, _ caller) {
	s.getOne(w, r, s.res.sp, func() ([]kv, bool) {
		_, sp, ok := s.w.sp(r.PathValue("id"))
		if !ok {
			return nil, false
		}
		return spFields(&sp.sp), true
	})
}

// getByAppID answers GET /v1.0/servicePrincipals(appId='{appId}') and
// /v1.0/applications(appId='{appId}'): the object of an application ID.
func (s *Server) getByAppID(w http.ResponseWriter, r *http.Request, _ caller) {
	seg := r.PathValue("segment")
	set, rest, ok := strings.Cut(seg, "(")
	appID, ok2 := strings.CutPrefix(rest, "appId='")
	appID, ok3 := strings.CutSuffix(appID, "')")
	if !ok || !ok2 || !ok3 || (set != "servicePrincipals" && set != "applications") {
		s.fail(w, r, segmentNotFound(seg))
		return
	}
	res := s.res.sp
	if set == "applications" {
		res = s.res.app
	}
	s.getOne(w, r, res, func() ([]kv, bool) {
		if set == "applications" {
			i, found := s.w.appByApp[appID]
			if !found || s.w.apps[i].removed {
				return nil, false
			}
			return applicationFields(&s.w.apps[i].app), true
		}
		i, found := s.w.spByApp[appID]
		if !found || s.w.sps[i].removed {
			return nil, false
		}
		return spFields(&s.w.sps[i].sp), true
	})
}

// getOne answers a GET of one object: find runs under the read lock and reports false when
// there is no such object, which is Graph's 404.
func (s *Server) getOne(w http.ResponseWriter, r *http.Request, res *resource, find func() ([]kv, bool)) {
	q, gerr := parseQuery(r, res, optSelect)
	if gerr != nil {
		s.fail(w, r, *gerr)
		return
	}
	s.w.mu.RLock()
	fields, ok := find()
	s.w.mu.RUnlock()
	if !ok {
		id := r.PathValue("id")
		if id == "" {
			id = r.PathValue("segment")
		}
		s.fail(w, r, notFound(id))
		return
	}
	writeJSON(w, http.StatusOK, entity(r, res, q, fields))
}
