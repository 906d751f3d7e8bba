package salesforcesim

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// queryAnswer is the query resource's body; Records holds rendered records.
type queryAnswer struct {
	TotalSize      int      `json:"totalSize"`
	Done           bool     `json:"done"`
	NextRecordsURL string   `json:"nextRecordsUrl,omitempty"`
	Records        []rawRec `json:"records"`
}

// handleQuery answers GET /services/data/vXX.X/query?q= and /queryAll?q=: the first batch
// of the result and, when there is more, a nextRecordsUrl. queryAll answers as query
// does: none of the objects served has deleted or archived rows to add.
func (s *Server) handleQuery(w http.ResponseWriter, r *http.Request, c caller) {
	src := r.URL.Query().Get("q")
	if rec, ok := w.(*recorder); ok {
		rec.soql = src
	}
	if strings.TrimSpace(src) == "" {
		writeErrors(w, http.StatusBadRequest, apiError{Code: "MALFORMED_QUERY", Message: "A query string has to be specified"})
		return
	}
	recs, aerr := s.run(src, c, r.PathValue("version"))
	if aerr != nil {
		writeErrors(w, http.StatusBadRequest, *aerr)
		return
	}
	batch := s.batchSize(r)
	ans := queryAnswer{TotalSize: len(recs), Done: true, Records: recs}
	if len(recs) > batch {
		loc := s.cursors.open(c.user, src, recs)
		ans.Done, ans.Records = false, recs[:batch]
		ans.NextRecordsURL = nextURL(r, loc, batch)
	}
	if ans.Records == nil {
		ans.Records = []rawRec{}
	}
	writeValue(w, ans)
}

// handleMore answers GET /services/data/vXX.X/query/{locator}-{offset}: the next batch of
// an open cursor.
func (s *Server) handleMore(w http.ResponseWriter, r *http.Request, c caller) {
	loc, off, ok := strings.Cut(r.PathValue("locator"), "-")
	n, err := strconv.Atoi(off)
	cur, found := s.cursors.get(loc)
	if !ok || err != nil || n < 0 || !found || cur.user != c.user || n > len(cur.recs) {
		writeErrors(w, http.StatusBadRequest, apiError{Code: "INVALID_QUERY_LOCATOR", Message: "invalid query locator"})
		return
	}
	if rec, ok := w.(*recorder); ok {
		rec.soql = cur.soql
	}
	batch := s.batchSize(r)
	end := min(n+batch, len(cur.recs))
	ans := queryAnswer{TotalSize: len(cur.recs), Done: end == len(cur.recs), Records: cur.recs[n:end]}
	if !ans.Done {
		ans.NextRecordsURL = nextURL(r, loc, end)
	}
	if ans.Records == nil {
		ans.Records = []rawRec{}
	}
	writeValue(w, ans)
}

// nextURL returns the nextRecordsUrl of a cursor at offset, under the path of r
// (query or queryAll).
func nextURL(r *http.Request, loc string, offset int) string {
	res := "query"
	if strings.Contains(r.URL.Path, "/queryAll") {
		res = "queryAll"
	}
	return "/services/data/" + r.PathValue("version") + "/" + res + "/" + loc + "-" + strconv.Itoa(offset)
}

// batchSize returns the batch size of a query: the Sforce-Query-Options batchSize
// clamped to 200..2000, at most Options.MaxBatch.
func (s *Server) batchSize(r *http.Request) int {
	size := defaultMaxBatch
	for opt := range strings.SplitSeq(r.Header.Get("Sforce-Query-Options"), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(opt), "=")
		if n, err := strconv.Atoi(strings.TrimSpace(v)); strings.EqualFold(strings.TrimSpace(k), "batchSize") && err == nil {
			size = min(max(n, minBatch), defaultMaxBatch)
		}
	}
	return max(min(size, s.opts.MaxBatch), 1)
}

// run parses, plans and evaluates a query for c, and renders the records.
func (s *Server) run(src string, c caller, version string) ([]rawRec, *apiError) {
	q, perr := parseSOQL(src)
	if perr != nil {
		e := soqlError(src, perr.pos, "MALFORMED_QUERY", perr.msg)
		return nil, &e
	}
	now := s.now()
	pl := &planner{src: src, objs: s.objs, c: c, now: now}
	p, aerr := pl.plan(q)
	if aerr != nil {
		return nil, aerr
	}
	s.w.mu.RLock()
	rows := p.obj.rows(s, c, now)
	s.w.mu.RUnlock()
	rows = p.apply(rows)
	out := make([]rawRec, len(rows))
	for i, rw := range rows {
		out[i] = render(p, rw, version)
	}
	return out, nil
}

// apply filters, sorts and limits rows.
func (p *plan) apply(rows []row) []row {
	if p.where != nil {
		rows = slices.DeleteFunc(rows, func(r row) bool { return !p.where(r) })
	}
	if len(p.order) > 0 {
		slices.SortStableFunc(rows, func(a, b row) int {
			for _, k := range p.order {
				if c := orderValues(a.vals[k.idx], b.vals[k.idx], k); c != 0 {
					return c
				}
			}
			return 0
		})
	}
	if p.limit >= 0 && len(rows) > p.limit {
		rows = rows[:p.limit]
	}
	return rows
}

// orderValues orders two values of one field under an ORDER BY key.
func orderValues(a, b any, k sortKey) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil || b == nil:
		if (a == nil) == k.nullsLast {
			return 1
		}
		return -1
	}
	c := 0
	switch x := a.(type) {
	case string:
		c = strings.Compare(strings.ToLower(x), strings.ToLower(b.(string)))
	case bool:
		c = cmpBool(x, b.(bool))
	case int64:
		c = cmpFloat(float64(x), float64(b.(int64)))
	case float64:
		c = cmpFloat(x, b.(float64))
	case time.Time:
		c = x.Compare(b.(time.Time))
	}
	if k.desc {
		c = -c
	}
	return c
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}
