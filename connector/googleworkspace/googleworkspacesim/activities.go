package googleworkspacesim

import (
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Page sizes of activities.list: maxResults from 1 to 1000, 1000 when absent.
const activitiesMaxPage = 1000

// The applications of the Reports API the simulator serves.
const (
	appToken = "token"
	appAdmin = "admin"
)

// activityQuery is a parsed activities.list request.
type activityQuery struct {
	app     string
	person  int32 // -1 for all users
	name    string
	ip      string
	filters []activityFilter
	lo      int64    // oldest event time served, Unix ms
	from    eventKey // events below this key are served
	size    int
	fp      uint64
	fields  *fieldMask
}

// activityFilter is one term of the filters parameter: name==value or name<>value.
type activityFilter struct {
	name, value string
	negate      bool
}

// parseActivityQuery validates the path and query of activities.list.
func (s *Server) parseActivityQuery(r *http.Request) (activityQuery, *apiError) {
	q := r.URL.Query()
	aq := activityQuery{app: r.PathValue("applicationName"), person: -1, name: q.Get("eventName"),
		ip: q.Get("actorIpAddress"), size: s.pageCap(activitiesMaxPage)}
	for _, step := range []func() *apiError{
		func() *apiError { return s.parseActivityPath(r, &aq) },
		func() *apiError { return s.parseMaxResults(q, activitiesMaxPage, &aq.size) },
		func() *apiError { return aq.parseTimes(q, s.now()) },
		aq.parseFilters(q.Get("filters")),
		func() (e *apiError) { aq.fields, e = s.schemas.fields(q.Get("fields"), s.schemas.activities); return e },
	} {
		if e := step(); e != nil {
			return activityQuery{}, e
		}
	}
	aq.fp = hashString(fnvOffset, r.URL.Path)
	for _, k := range []string{"eventName", "actorIpAddress", "filters", "startTime", "endTime", "customerId"} {
		aq.fp = hashString(aq.fp, q.Get(k))
	}
	if tok := q.Get("pageToken"); tok != "" {
		at, qual, ok := s.decodePageToken(tok, pageActivities, aq.fp)
		if !ok {
			e := badPageToken()
			return activityQuery{}, &e
		}
		aq.from = eventKey{at: at, qual: qual}
	}
	return aq, nil
}

// parseActivityPath checks the application, the user and customerId.
func (s *Server) parseActivityPath(r *http.Request, aq *activityQuery) *apiError {
	var e apiError
	if aq.app != appToken && aq.app != appAdmin {
		e = invalidParam("applicationName", "Invalid value '"+aq.app+"'")
		return &e
	}
	if key := r.PathValue("userKey"); key != "all" {
		p, ok := s.w.person(key)
		if !ok {
			e = notFound("userKey")
			return &e
		}
		aq.person = p
	}
	if c := r.URL.Query().Get("customerId"); c != "" && !strings.EqualFold(c, s.w.e.CustomerID) {
		e = badRequest("Bad Request")
		return &e
	}
	return nil
}

// parseTimes sets the time window: from startTime (or the look-back, whichever is later)
// to endTime (or now), both inclusive. Google's reference returns activities "from
// startTime until endTime" without saying whether one at endTime is included; the
// simulator includes it, and the connector works either way.
func (aq *activityQuery) parseTimes(q url.Values, now time.Time) *apiError {
	start, end := now.Add(-lookBack), now
	var startSet, endSet time.Time
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"startTime", &startSet}, {"endTime", &endSet}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			e := invalidParam(p.name, "Invalid value '"+v+"' for "+p.name)
			return &e
		}
		*p.dst = t
	}
	if !startSet.IsZero() && !endSet.IsZero() && !startSet.Before(endSet) {
		e := invalidParam("startTime", "Start time occurs after end time")
		return &e
	}
	if startSet.After(start) {
		start = startSet
	}
	if !endSet.IsZero() {
		end = endSet
	}
	aq.lo = ms(start)
	aq.from = eventKey{at: ms(end) + 1, qual: math.MinInt64}
	return nil
}

// parseFilters returns the step that parses filters: "name==value,name<>value".
func (aq *activityQuery) parseFilters(v string) func() *apiError {
	return func() *apiError {
		if v == "" {
			return nil
		}
		for _, term := range strings.Split(v, ",") {
			f := activityFilter{}
			var ok bool
			if f.name, f.value, ok = strings.Cut(term, "=="); !ok {
				f.name, f.value, ok = strings.Cut(term, "<>")
				f.negate = true
			}
			f.name = strings.TrimSpace(f.name)
			if !ok || f.name == "" || strings.ContainsAny(f.name, "<>=") {
				e := invalidParam("filters", "Invalid value '"+v+"'")
				return &e
			}
			aq.filters = append(aq.filters, f)
		}
		return nil
	}
}

// listActivities answers GET /admin/reports/v1/activity/users/{userKey}/applications/{app}:
// one page of events, newest first.
func (s *Server) listActivities(w http.ResponseWriter, r *http.Request, _ caller) {
	aq, e := s.parseActivityQuery(r)
	if e != nil {
		writeError(w, *e)
		return
	}
	v := s.w.snapshot()
	bp := s.buffer()
	page := newListPage(*bp, "admin#reports#activities", "items", aq.fields)
	am := newActivityMask(aq.fields.sub("items"))
	var last eventKey
	more := false
	emit := func(key eventKey, render func([]byte) []byte) bool {
		if more = page.n == aq.size; more {
			return false
		}
		page.add(func(b []byte) ([]byte, uint64) { return render(b), uint64(key.qual) })
		last = key
		return true
	}
	if aq.app == appToken {
		walkEvents(s.w.static, v.dyn, aq.from, aq.lo, func(ev *event) bool {
			return !s.tokenEventMatches(&v, ev, &aq) ||
				emit(ev.key(), func(b []byte) []byte { return s.appendTokenActivity(b, &v, ev, &am) })
		})
	} else {
		walkAdmin(v.admin, aq.from, aq.lo, func(ev *adminEvent) bool {
			return !s.adminEventMatches(ev, &aq) ||
				emit(ev.key, func(b []byte) []byte { return s.appendAdminActivity(b, ev, &am) })
		})
	}
	next := ""
	if more {
		next = s.encodePageToken(pageActivities, aq.fp, last.at, last.qual)
	}
	body := page.finish(next)
	writeJSON(w, http.StatusOK, body)
	s.release(bp, body)
}
