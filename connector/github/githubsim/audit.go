package githubsim

import (
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// audit appends an event to org's audit log, in time order (after events of the same
// time). w.mu is held.
func (w *world) audit(org int32, action string, actor, user int32, at time.Time, fields map[string]any) {
	w.seq++
	var b [16]byte
	binary.BigEndian.PutUint64(b[:], w.seq)
	binary.BigEndian.PutUint32(b[8:], uint32(org))
	sum := sha256.Sum256(append([]byte("githubsim audit\x00"), b[:]...))
	rec := auditRec{seq: w.seq, a: estate.GHAudit{ID: base64.RawURLEncoding.EncodeToString(sum[:16]), Org: org,
		Time: at.UTC(), Action: action, Actor: actor, User: user, Fields: fields}}
	log := w.audits[org]
	i := sort.Search(len(log), func(i int) bool { return log[i].a.Time.After(at) })
	log = append(log, auditRec{})
	copy(log[i+1:], log[i:])
	log[i] = rec
	w.audits[org] = log
}

// auditOf renders an event as the audit log API does: times in epoch milliseconds, the
// actor's and user's logins and IDs, the organization, then the action's own fields.
func (w *world) auditOf(rec *auditRec) map[string]any {
	a := &rec.a
	o := &w.gh.Orgs[a.Org]
	ms := a.Time.UnixMilli()
	m := make(map[string]any, len(a.Fields)+10)
	for k, v := range a.Fields {
		m[k] = v
	}
	m["@timestamp"], m["created_at"], m["_document_id"], m["action"] = ms, ms, a.ID, a.Action
	m["org"], m["org_id"] = o.Login, o.ID
	if a.Actor >= 0 {
		m["actor"], m["actor_id"] = w.users[a.Actor].Login, w.users[a.Actor].ID
	} else if _, ok := m["actor"]; !ok {
		m["actor"] = "github"
	}
	if a.User >= 0 {
		m["user"], m["user_id"] = w.users[a.User].Login, w.users[a.User].ID
	}
	return m
}

// listAudit answers GET /orgs/{org}/audit-log?phrase=&order=asc|desc&per_page=&after=
// &include=web|git|all: the events matching the phrase, newest first unless order=asc,
// paged by an opaque after cursor in the Link header (no next link on the last page).
// Every event is a web event: include=git lists none.
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request, c caller) {
	q := r.URL.Query()
	ph, err := parsePhrase(q.Get("phrase"))
	if err != nil {
		writeError(w, invalid("AuditLog", "phrase", err.Error()))
		return
	}
	order := q.Get("order")
	switch {
	case order != "" && order != "asc" && order != "desc":
		writeError(w, invalid("AuditLog", "order", "order must be asc or desc"))
		return
	case !slices.Contains([]string{"", "web", "git", "all"}, q.Get("include")):
		writeError(w, invalid("AuditLog", "include", "include must be web, git or all"))
		return
	case q.Get("before") != "":
		writeError(w, invalid("AuditLog", "before", "before cursors are not supported by the simulator"))
		return
	}
	asc := order == "asc"
	fp := fingerprint(s.w.gh.Orgs[c.org].Login, q.Get("phrase"), order)
	var from *cursor
	if a := q.Get("after"); a != "" {
		cur, ok := s.decodeCursor(a, fp)
		if !ok {
			writeError(w, invalid("AuditLog", "after", "the cursor is not valid for this query"))
			return
		}
		from = &cur
	}
	var page []auditRec
	more := false
	if q.Get("include") != "git" { // the estate's events are all web events
		page, more = s.auditPage(c.org, &ph, asc, from, s.pageOf(r).per)
	}
	if more && len(page) > 0 {
		last := page[len(page)-1]
		tok := s.encodeCursor(cursor{fp: fp, a: last.a.Time.UnixNano(), b: int64(last.seq)})
		w.Header().Set("Link", "<"+cursorLink(r, map[string]string{"after": tok, "before": ""})+`>; rel="next"`)
	}
	out := make([]map[string]any, 0, len(page))
	s.w.mu.RLock()
	for i := range page {
		out = append(out, s.w.auditOf(&page[i]))
	}
	s.w.mu.RUnlock()
	writeJSON(w, http.StatusOK, out)
}

// auditPage returns up to n events of org's log matching ph, in the given order,
// strictly after the cursor's position, and whether more follow. The log is sorted by
// (time, seq), so the cursor and the phrase's time bounds are found by binary search.
func (s *Server) auditPage(org int32, ph *phrase, asc bool, from *cursor, n int) ([]auditRec, bool) {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	log := s.w.audits[org]
	lo, hi := auditRange(log, ph, from, asc) // candidates are log[lo:hi]
	var out []auditRec
	for k := range hi - lo {
		i := lo + k
		if !asc {
			i = hi - 1 - k
		}
		rec := &log[i]
		if !ph.matchAction(rec.a.Action) || !s.matchActor(ph, rec) {
			continue
		}
		if len(out) == n {
			return out, true
		}
		out = append(out, *rec)
	}
	return out, false
}

// auditRange returns the positions [lo, hi) of the events within the phrase's time
// bounds and past the cursor in the walk's direction.
func auditRange(log []auditRec, ph *phrase, from *cursor, asc bool) (lo, hi int) {
	hi = len(log)
	if !ph.from.IsZero() {
		lo = sort.Search(len(log), func(i int) bool { return !log[i].a.Time.Before(ph.from) })
	}
	if !ph.until.IsZero() {
		hi = sort.Search(len(log), func(i int) bool { return !log[i].a.Time.Before(ph.until) })
	}
	if from != nil {
		pos := func(i int) int { // log[i]'s position against the cursor's, ascending
			if t := log[i].a.Time.UnixNano(); t != from.a {
				return cmp.Compare(t, from.a)
			}
			return cmp.Compare(int64(log[i].seq), from.b)
		}
		if asc {
			lo = max(lo, sort.Search(len(log), func(i int) bool { return pos(i) > 0 }))
		} else {
			hi = min(hi, sort.Search(len(log), func(i int) bool { return pos(i) >= 0 }))
		}
	}
	return lo, max(lo, hi)
}

// matchActor reports whether an event's actor is one of the phrase's. w.mu is held.
func (s *Server) matchActor(ph *phrase, rec *auditRec) bool {
	if len(ph.actors) == 0 {
		return true
	}
	for _, a := range ph.actors {
		if rec.a.Actor >= 0 && lower(s.w.users[rec.a.Actor].Login) == a {
			return true
		}
	}
	return false
}
