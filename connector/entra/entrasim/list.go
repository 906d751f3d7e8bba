package entrasim

import (
	"bytes"
	"net/http"
	"strings"
)

// source is the items of a listing, read under w.mu: positions 0..n-1, stable while the
// tenant changes (collections only grow), of which skip leaves some out.
type source struct {
	n int
	// skip reports whether position i is not listed (a removed object).
	skip func(i int) bool
	// prop returns the value of a filterable property of the item at i.
	prop func(i int, name string) any
	// fields renders the item at i.
	fields func(i int) []kv
	// extra, if set, returns members rendered before the selected ones ("@odata.type").
	extra func(i int) []kv
	// key and seek, if set, turn a position into the (a, b) a page token carries and
	// back, for listings whose positions move as items are inserted (the audit log, in
	// time order); by default the token carries the position itself.
	key  func(i int) (a, b int64)
	seek func(a, b int64) int
	// stop, if set, reports that no item from position i on can match.
	stop func(i int) bool
}

// matchAll reports whether the item at i satisfies every clause.
func (src *source) matchAll(i int, cs []clause) bool {
	for _, c := range cs {
		if !c.matches(src.prop(i, c.prop)) {
			return false
		}
	}
	return true
}

// render renders up to size items matching the clauses from position start, and returns
// them with the position of the next matching item, or -1 when there is none.
func (src *source) render(start, size int, cs []clause, sel selection) ([]byte, int) {
	var items bytes.Buffer
	count := 0
	for i := start; i < src.n; i++ {
		if src.stop != nil && src.stop(i) {
			break
		}
		if (src.skip != nil && src.skip(i)) || !src.matchAll(i, cs) {
			continue
		}
		if count == size {
			return items.Bytes(), i
		}
		if count > 0 {
			items.WriteByte(',')
		}
		var extra []kv
		if src.extra != nil {
			extra = src.extra(i)
		}
		appendObject(&items, src.fields(i), sel, extra...)
		count++
	}
	return items.Bytes(), -1
}

// baseURL returns the scheme and host the request was sent to: next links point back to
// the simulator, wherever it is served.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// version returns the API version of a Graph path: "v1.0" or "beta".
func version(path string) string {
	if strings.HasPrefix(path, "/beta/") {
		return "beta"
	}
	return "v1.0"
}

// contextURL returns the @odata.context of a collection (or, with entity, of one object).
func contextURL(r *http.Request, set string, sel selection, entity bool) string {
	u := baseURL(r) + "/" + version(r.URL.Path) + "/$metadata#" + set
	if sel != nil {
		u += "(" + strings.Join(sel, ",") + ")"
	}
	if entity {
		u += "/$entity"
	}
	return u
}

// page renders one page of a listing: @odata.context, @odata.nextLink while more items
// match, and value. set names the collection in the context URL.
func (s *Server) page(r *http.Request, res *resource, set string, q query, src source) ([]byte, *graphError) {
	fp := fingerprint(r.URL.Path, q.canon)
	start := 0
	if q.skipToken != "" {
		t, ok := s.decodeToken(q.skipToken, tokList, fp)
		if ok && src.seek != nil {
			t.a = int64(src.seek(t.a, t.b))
		}
		if !ok || t.a < 0 || t.a > int64(src.n) {
			e := badSkipToken()
			return nil, &e
		}
		start = int(t.a)
	}
	items, next := src.render(start, q.pageSize(s.opts.MaxPageSize), q.filter, q.selection(res))
	var link string
	if next >= 0 {
		t := pageToken{kind: tokList, fp: fp, a: int64(next)}
		if src.key != nil {
			t.a, t.b = src.key(next)
		}
		link = baseURL(r) + r.URL.Path + "?"
		if q.canon != "" {
			link += q.canon + "&"
		}
		link += "$skiptoken=" + s.encodeToken(t)
	}
	return collection(contextURL(r, set, q.sel, false), "@odata.nextLink", link, items), nil
}

// collection renders a collection page: its context, a link (next or delta) unless empty,
// and the items.
func collection(context, linkName, link string, items []byte) []byte {
	var b bytes.Buffer
	b.WriteString(`{"@odata.context":`)
	appendString(&b, context)
	if link != "" {
		b.WriteString(`,"` + linkName + `":`)
		appendString(&b, link)
	}
	b.WriteString(`,"value":[`)
	b.Write(items)
	b.WriteString("]}")
	return b.Bytes()
}

// entity renders one object with its @odata.context.
func entity(r *http.Request, res *resource, q query, fields []kv) []byte {
	var b bytes.Buffer
	appendObject(&b, fields, q.selection(res), kv{"@odata.context", contextURL(r, res.set, q.sel, true)})
	return b.Bytes()
}
