package entrasim

import (
	"net/http"
	"sort"
)

// listAudits answers GET /v1.0/auditLogs/directoryAudits: newest first, with $filter on
// activityDateTime (ge, gt, le, lt), category, activityDisplayName, loggedByService and
// result.
func (s *Server) listAudits(w http.ResponseWriter, r *http.Request, _ caller) {
	res := s.res.audit
	q, gerr := parseQuery(r, res, listOpts)
	if gerr != nil {
		s.fail(w, r, *gerr)
		return
	}
	wd := s.w
	wd.mu.RLock()
	defer wd.mu.RUnlock()
	n := len(wd.audits)
	at := func(p int) *auditRec { return &wd.audits[n-1-p] }
	var floor *clause // a lower bound on the time: nothing older can match
	for i, c := range q.filter {
		if c.op == "ge" || c.op == "gt" {
			floor = &q.filter[i]
		}
	}
	body, gerr := s.page(r, res, res.set, q, source{n: n,
		prop:   func(p int, name string) any { return auditProp(at(p), name) },
		fields: func(p int) []kv { return wd.auditFields(at(p)) },
		key:    func(p int) (int64, int64) { a := at(p); return a.at.UnixNano(), int64(a.seq) },
		seek: func(a, b int64) int {
			// Positions run newest first: the next one is the newest event not after (a, b).
			i := sort.Search(n, func(i int) bool {
				e := &wd.audits[i]
				return e.at.UnixNano() > a || (e.at.UnixNano() == a && int64(e.seq) > b)
			})
			return n - i
		},
		stop: func(p int) bool { return floor != nil && !floor.matches(at(p).at) }})
	s.respond(w, r, body, gerr)
}

// auditProp returns a filterable property of an audit event.
func auditProp(a *auditRec, name string) any {
	switch name {
	case "activityDateTime":
		return a.at
	case "category":
		return a.category
	case "activityDisplayName":
		return a.activity
	case "loggedByService":
		return "Core Directory"
	case "result":
		return a.result
	}
	return nil
}
