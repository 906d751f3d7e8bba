package oktasim

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// eventTypeTerm matches one term of the System Log filters the simulator takes.
var eventTypeTerm = regexp.MustCompile(`^eventType eq "([a-z0-9_.]+)"$`)

// logQuery is a parsed System Log query.
type logQuery struct {
	since, until time.Time
	bounded      bool
	descending   bool
	types        []string
	after        int
}

// parseLogQuery reads r's query; false when it is malformed.
func (s *Server) parseLogQuery(r *http.Request) (logQuery, bool) {
	v := r.URL.Query()
	q := logQuery{until: s.now()}
	var err error
	if u := v.Get("until"); u != "" {
		if q.until, err = time.Parse(time.RFC3339, u); err != nil {
			return q, false
		}
		q.bounded = true
	}
	q.since = q.until.Add(-7 * 24 * time.Hour)
	if u := v.Get("since"); u != "" {
		if q.since, err = time.Parse(time.RFC3339, u); err != nil {
			return q, false
		}
	}
	if f := v.Get("filter"); f != "" {
		for _, term := range strings.Split(f, " or ") {
			m := eventTypeTerm.FindStringSubmatch(strings.TrimSpace(term))
			if m == nil {
				return q, false
			}
			q.types = append(q.types, m[1])
		}
	}
	if a := v.Get("after"); a != "" {
		if q.after, err = strconv.Atoi(a); err != nil || q.after < 0 {
			return q, false
		}
	}
	switch v.Get("sortOrder") {
	case "", "ASCENDING":
	case "DESCENDING": // bounded queries only: a poll must ascend
		q.descending = true
		if !q.bounded {
			return q, false
		}
	default:
		return q, false
	}
	return q, true
}

// matches reports whether ev answers q.
func (q logQuery) matches(ev *event) bool {
	if ev.published.Before(q.since) || q.bounded && !ev.published.Before(q.until) {
		return false
	}
	if len(q.types) == 0 {
		return true
	}
	for _, t := range q.types {
		if t == ev.eventType {
			return true
		}
	}
	return false
}

// listLogs is GET /api/v1/logs, oldest first (newest first for a bounded query with
// sortOrder DESCENDING). The after cursor counts the events already looked at. A bounded query has a next link while events remain; a polling query
// (without until) always has one.
func (s *Server) listLogs(w http.ResponseWriter, r *http.Request) {
	q, ok := s.parseLogQuery(r)
	if !ok {
		s.writeError(w, http.StatusBadRequest, "E0000030", "Bad request. Invalid start date or filter.")
		return
	}
	limit, ok := s.limitOf(w, r, 100, 1000)
	if !ok {
		return
	}
	s.w.mu.RLock()
	out := []eventJSON{}
	n := len(s.w.events)
	i := min(q.after, n)
	for ; i < n && len(out) < limit; i++ {
		k := i
		if q.descending {
			k = n - 1 - i
		}
		if ev := &s.w.events[k]; q.matches(ev) {
			out = append(out, eventOf(ev))
		}
	}
	more := i < n
	s.w.mu.RUnlock()
	next := ""
	if more || !q.bounded {
		next = nextURL(r, strconv.Itoa(i), limit)
	}
	setLinks(w, r, next)
	writeJSON(w, http.StatusOK, out)
}

type eventJSON struct {
	UUID           string           `json:"uuid"`
	Published      string           `json:"published"`
	EventType      string           `json:"eventType"`
	Version        string           `json:"version"`
	Severity       string           `json:"severity"`
	DisplayMessage string           `json:"displayMessage"`
	Actor          map[string]any   `json:"actor"`
	Client         map[string]any   `json:"client"`
	Outcome        map[string]any   `json:"outcome"`
	Target         []map[string]any `json:"target"`
	DebugContext   map[string]any   `json:"debugContext"`
}

// eventOf renders ev.
func eventOf(ev *event) eventJSON {
	debug := map[string]any{}
	if ev.scope != "" {
		debug["scopes"] = ev.scope
	}
	return eventJSON{UUID: ev.uuid, Published: ts(ev.published), EventType: ev.eventType, Version: "0",
		Severity: "INFO", DisplayMessage: ev.eventType,
		Actor:   map[string]any{"id": ev.actorID, "type": ev.actorType, "alternateId": ev.actorAlt, "displayName": ev.actorName},
		Client:  map[string]any{"ipAddress": ev.ip},
		Outcome: map[string]any{"result": "SUCCESS", "reason": nil},
		Target: []map[string]any{{"id": ev.targetID, "type": ev.targetType, "alternateId": "unknown",
			"displayName": ev.targetName}},
		DebugContext: map[string]any{"debugData": debug}}
}
