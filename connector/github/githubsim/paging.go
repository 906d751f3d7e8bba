package githubsim

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// pageReq is the page a list request asks for: per_page (default 30, at most
// MaxPageSize) and page (from 1).
type pageReq struct{ per, page int }

// pageOf reads per_page and page; values that are not positive integers take the
// defaults, as GitHub does.
func (s *Server) pageOf(r *http.Request) pageReq {
	q := r.URL.Query()
	p := pageReq{per: min(defaultPerPage, s.opts.MaxPageSize), page: 1}
	if n, err := strconv.Atoi(q.Get("per_page")); err == nil && n > 0 {
		p.per = min(n, s.opts.MaxPageSize)
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 0 {
		p.page = n
	}
	return p
}

// bounds returns the positions [lo, hi) of the page among total items.
func (p pageReq) bounds(total int) (lo, hi int) {
	lo = min(total, (p.page-1)*p.per)
	if p.page-1 > total/p.per { // guard against overflow of huge page numbers
		lo = total
	}
	return lo, min(total, lo+p.per)
}

// setLinks writes the Link header of page p of total items: next and last while pages
// follow, first and prev after the first, with absolute URLs to where the request was
// sent. A list that fits one page gets none.
func setLinks(w http.ResponseWriter, r *http.Request, p pageReq, total int) {
	last := max(1, (total+p.per-1)/p.per)
	if last == 1 && p.page == 1 {
		return
	}
	var links []string
	add := func(page int, rel string) {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(page))
		q.Set("per_page", strconv.Itoa(p.per))
		links = append(links, "<"+baseURL(r)+r.URL.Path+"?"+q.Encode()+`>; rel="`+rel+`"`)
	}
	if p.page > 1 {
		add(min(p.page-1, last), "prev")
	}
	if p.page < last {
		add(p.page+1, "next")
		add(last, "last")
	}
	if p.page > 1 {
		add(1, "first")
	}
	w.Header().Set("Link", strings.Join(links, ", "))
}

// baseURL returns the scheme and host the request was sent to: links point back to the
// simulator, wherever it is served.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// cursorLink returns the URL of the request with the given parameters replaced.
func cursorLink(r *http.Request, set map[string]string) string {
	q := r.URL.Query()
	for k, v := range set {
		q.Set(k, v)
	}
	return baseURL(r) + r.URL.Path + "?" + q.Encode()
}

// queryValues returns the values of a repeated array parameter (name[] or name).
func queryValues(q url.Values, name string) []string {
	return append(q[name+"[]"], q[name]...)
}
