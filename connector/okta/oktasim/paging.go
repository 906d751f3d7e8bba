package oktasim

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
)

// limitOf returns the page size r asks for: def when absent, capped at max and at
// Options.MaxPageSize; false (after answering 400) when limit is not a positive number.
func (s *Server) limitOf(w http.ResponseWriter, r *http.Request, def, max int) (int, bool) {
	n := def
	if v := r.URL.Query().Get("limit"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			s.writeError(w, http.StatusBadRequest, "E0000001", "Api validation failed: limit")
			return 0, false
		}
	}
	n = min(n, max)
	if s.opts.MaxPageSize > 0 {
		n = min(n, s.opts.MaxPageSize)
	}
	return n, true
}

// nextURL returns the URL of r with after (and the page size) set: the next page.
func nextURL(r *http.Request, after string, limit int) string {
	q := r.URL.Query()
	q.Set("after", after)
	q.Set("limit", strconv.Itoa(limit))
	u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}
	return u.String()
}

// setLinks sets Okta's Link headers: self, and next when there is one.
func setLinks(w http.ResponseWriter, r *http.Request, next string) {
	self := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawQuery: r.URL.RawQuery}
	w.Header().Add("Link", "<"+self.String()+`>; rel="self"`)
	if next != "" {
		w.Header().Add("Link", "<"+next+`>; rel="next"`)
	}
}

// page answers one page of items, sorted by id, after the cursor r carries (the last ID
// of the previous page), with Link headers.
func page[T any](s *Server, w http.ResponseWriter, r *http.Request, items []T, id func(T) string, def, max int) {
	limit, ok := s.limitOf(w, r, def, max)
	if !ok {
		return
	}
	sort.SliceStable(items, func(i, j int) bool { return id(items[i]) < id(items[j]) })
	lo := 0
	if after := r.URL.Query().Get("after"); after != "" {
		lo = sort.Search(len(items), func(i int) bool { return id(items[i]) > after })
	}
	hi := min(len(items), lo+limit)
	next := ""
	if hi < len(items) {
		next = nextURL(r, id(items[hi-1]), limit)
	}
	setLinks(w, r, next)
	out := items[lo:hi]
	if out == nil {
		out = []T{}
	}
	writeJSON(w, http.StatusOK, out)
}
