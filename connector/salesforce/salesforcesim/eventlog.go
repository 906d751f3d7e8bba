package salesforcesim

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Event log files are hourly, kept 30 days, and appear an hour after their hour ends.
const (
	logRetention = 30 * 24 * time.Hour
	logDelay     = time.Hour
)

// The event types of the API event log files.
var apiEventTypes = []string{"ApiTotalUsage", "RestApi", "BulkApi2"}

// knownEventType reports whether t is an API event type the simulator logs.
func knownEventType(t string) bool { return slices.Contains(apiEventTypes, t) }

// logFile is one hourly EventLogFile with its CSV body.
type logFile struct {
	id, eventType string
	hour, created time.Time
	body          []byte
}

// fileCache keeps the event log files of one state of the org in one hour, as rendering
// them all is the dearest thing the simulator does.
type fileCache struct {
	mu      sync.Mutex
	version uint64
	at      time.Time
	files   []logFile
}

// logFiles returns the event log files that exist at now, by event type and hour: one
// per type and hour that has events, for the last 30 days, each appearing an hour after
// its hour ends. w.mu is held.
func (s *Server) logFiles(now time.Time) []logFile {
	c := &s.fileCache
	c.mu.Lock()
	defer c.mu.Unlock()
	hour := now.Truncate(time.Hour) // which files exist changes on the hour only
	if c.files != nil && c.version == s.w.version && c.at.Equal(hour) {
		return c.files
	}
	c.files, c.version, c.at = s.renderLogFiles(now), s.w.version, hour
	return c.files
}

// renderLogFiles renders the files of logFiles. w.mu is held.
func (s *Server) renderLogFiles(now time.Time) []logFile {
	type key struct {
		typ  string
		hour time.Time
	}
	logins := map[time.Time][]int{}
	events := map[key][]int{}
	var keys []key
	oldest := now.Add(-logRetention).Truncate(time.Hour)
	visible := func(h time.Time) bool { return !h.Before(oldest) && !h.Add(time.Hour+logDelay).After(now) }
	for i, l := range s.w.logins {
		h := l.Time.UTC().Truncate(time.Hour)
		if !visible(h) {
			continue
		}
		if logins[h] == nil {
			keys = append(keys, key{"Login", h})
		}
		logins[h] = append(logins[h], i)
	}
	for i, ev := range s.w.events {
		k := key{ev.EventType, ev.Time.UTC().Truncate(time.Hour)}
		if !visible(k.hour) {
			continue
		}
		if events[k] == nil {
			keys = append(keys, k)
		}
		events[k] = append(events[k], i)
	}
	out := make([]logFile, 0, len(keys))
	for _, k := range keys {
		lf := logFile{id: hashID("0AT", s.w.orgID, k.typ, k.hour.Format(time.RFC3339)), eventType: k.typ, hour: k.hour,
			created: k.hour.Add(time.Hour + logDelay)}
		if k.typ == "Login" {
			lf.body = s.loginCSV(logins[k.hour])
		} else {
			lf.body = s.apiCSV(events[k])
		}
		out = append(out, lf)
	}
	slices.SortStableFunc(out, func(a, b logFile) int {
		if c := a.hour.Compare(b.hour); c != 0 {
			return c
		}
		return strings.Compare(a.eventType, b.eventType)
	})
	return out
}

// handleLogFile answers GET /services/data/vXX.X/sobjects/EventLogFile/{id}/LogFile with
// the file's CSV.
func (s *Server) handleLogFile(w http.ResponseWriter, r *http.Request, c caller) {
	if !c.viewEventLogFiles {
		writeErrors(w, http.StatusNotFound, apiError{Code: "NOT_FOUND", Message: "The requested resource does not exist"})
		return
	}
	id := r.PathValue("id")
	s.w.mu.RLock()
	files := s.logFiles(s.now())
	s.w.mu.RUnlock()
	for _, lf := range files {
		if validID(id) && id15(lf.id) == id15(id) {
			w.Header().Set("Content-Type", "text/csv")
			w.Header().Set("Content-Length", strconv.Itoa(len(lf.body)))
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(lf.body)
			return
		}
	}
	writeErrors(w, http.StatusNotFound, errMissing)
}
