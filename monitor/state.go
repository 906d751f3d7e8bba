package monitor

import (
	"net/netip"
	"time"

	"github.com/nhiscope/nhi"
)

// maxRecent bounds the recent queries a subject keeps for the recon pattern, and
// maxDays the daily counts kept for volume baselines.
const (
	maxRecent = 256
	maxDays   = 60
	// maxNetworks and maxClients bound the networks and client families a subject
	// remembers; past them, new ones are judged but not remembered.
	maxNetworks = 4096
	maxClients  = 256
	// maxExports is how many export jobs a subject remembers before the ones older than
	// a day are forgotten.
	maxExports = 64
)

// state is what the detector keeps about one subject.
type state struct {
	// first and last are the times of the subject's first and last events; events the
	// number seen.
	first, last time.Time
	events      int
	// networks and clients are the network prefixes and user-agent families seen.
	networks map[netip.Prefix]bool
	clients  map[string]bool
	// recent are the subject's latest queries (object, address, event), oldest first.
	recent []query
	// exports are the export jobs seen, by job ID, with the export event; exported
	// counts the export days seen before the current one.
	exports  map[string]exportSeen
	exported int
	// exportDay is the day of the latest export.
	exportDay time.Time
	// days are the counts of events per day (UTC), oldest first; spiked says which day's
	// spike was already reported.
	days   []dayCount
	spiked time.Time
	// ownerReported is the day owner_gone was last reported.
	ownerReported time.Time
}

// maxRecentIDs is how many event IDs the detector remembers, so that an event read again
// (after a crash, before the position was saved: at most a poll's batch) is not judged or
// counted twice. About 2 MB.
const maxRecentIDs = 20000

// recentIDs is the detector's latest event IDs, oldest first, and the same as a set.
type recentIDs struct {
	ids []string
	set map[string]bool
}

// repeat reports whether id was seen among the latest, and remembers it otherwise.
func (r *recentIDs) repeat(id string) bool {
	if id == "" {
		return false
	}
	if r.set == nil {
		r.set = map[string]bool{}
	}
	if r.set[id] {
		return true
	}
	r.ids = append(r.ids, id)
	r.set[id] = true
	if len(r.ids) > maxRecentIDs {
		delete(r.set, r.ids[0])
		r.ids = r.ids[1:]
	}
	return false
}

// query is one query event kept for the recon pattern.
type query struct {
	at             time.Time
	object, source string
	id             string
}

// exportSeen is an export job.
type exportSeen struct {
	at     time.Time
	id     string
	source string
}

// dayCount is the number of events of one day.
type dayCount struct {
	day time.Time
	n   int
}

func newState() *state {
	return &state{networks: map[netip.Prefix]bool{}, clients: map[string]bool{}, exports: map[string]exportSeen{}}
}

// record adds ev to the state after it was judged.
func (st *state) record(ev *nhi.Event, cfg Config) {
	if st.first.IsZero() || ev.Time.Before(st.first) {
		st.first = ev.Time
	}
	if ev.Time.After(st.last) {
		st.last = ev.Time
	}
	st.events++
	if p, ok := prefixOf(cfg, ev.SourceIP); ok && len(st.networks) < maxNetworks {
		st.networks[p] = true
	}
	if f := clientFamily(ev.UserAgent); f != "" && len(st.clients) < maxClients {
		st.clients[f] = true
	}
	switch {
	case ev.Kind == nhi.EventAPICall && objectOf(ev) != "":
		st.recent = append(st.recent, query{at: ev.Time, object: objectOf(ev), source: ev.SourceIP, id: ev.ID})
		if len(st.recent) > maxRecent {
			st.recent = st.recent[len(st.recent)-maxRecent:]
		}
	case ev.Kind == nhi.EventExport:
		// Exports of the day that first exported are one episode: a day later, exporting
		// is what this subject does.
		if day := ev.Time.UTC().Truncate(24 * time.Hour); day.After(st.exportDay) {
			if !st.exportDay.IsZero() {
				st.exported++
			}
			st.exportDay = day
		}
		if job := jobOf(ev); job != "" {
			if _, seen := st.exports[job]; !seen {
				st.exports[job] = exportSeen{at: ev.Time, id: ev.ID, source: ev.SourceIP}
			}
			if len(st.exports) > maxExports {
				for j, ex := range st.exports {
					if ev.Time.Sub(ex.at) > 24*time.Hour {
						delete(st.exports, j)
					}
				}
			}
		}
	}
	st.count(ev.Time)
}

// count adds one event to its day's count.
func (st *state) count(t time.Time) {
	day := t.UTC().Truncate(24 * time.Hour)
	if n := len(st.days); n > 0 && st.days[n-1].day.Equal(day) {
		st.days[n-1].n++
		return
	}
	if n := len(st.days); n > 0 && day.Before(st.days[n-1].day) {
		return // a late event of a past day: baselines do not need it
	}
	st.days = append(st.days, dayCount{day: day, n: 1})
	if len(st.days) > maxDays {
		st.days = st.days[len(st.days)-maxDays:]
	}
}

// objectOf returns the object an API event read ("Account"), from its details.
func objectOf(ev *nhi.Event) string {
	return ev.Details["entity"]
}

// jobOf returns the export job an event is about: the job_id detail, or the last
// segment of a /jobs/ URI.
func jobOf(ev *nhi.Event) string {
	if j := ev.Details["job_id"]; j != "" {
		return j
	}
	uri := ev.Details["uri"]
	if i := lastIndexJobs(uri); i >= 0 {
		rest := uri[i:]
		for j := 0; j < len(rest); j++ {
			if rest[j] == '/' || rest[j] == '?' {
				rest = rest[:j]
				break
			}
		}
		return rest
	}
	return ""
}

// lastIndexJobs returns where the job ID starts in a Bulk API URI ("/jobs/query/<id>",
// "/jobs/ingest/<id>"), or -1.
func lastIndexJobs(uri string) int {
	for _, p := range []string{"/jobs/query/", "/jobs/ingest/"} {
		for i := 0; i+len(p) <= len(uri); i++ {
			if uri[i:i+len(p)] == p && i+len(p) < len(uri) {
				return i + len(p)
			}
		}
	}
	return -1
}
