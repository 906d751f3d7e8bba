package entrasim

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Graph's page sizes: at most maxTop a page, defaultTop without $top.
const (
	maxTop     = 999
	defaultTop = 100
)

// query is the OData system query options of a request.
type query struct {
	sel       selection // nil: the resource's defaults
	top       int       // 0: not given
	filter    []clause
	skipToken string
	// deltaToken is set on delta requests that replay a deltaLink.
	deltaToken string
	// canon is the options other than the tokens, canonically written, for next links
	// and for binding page tokens to the query they page.
	canon string
}

// The options a request may carry; which of them an endpoint takes is up to it.
const (
	optSelect = 1 << iota
	optTop
	optFilter
	optSkip
	optDelta
)

// parseQuery reads the query options of r for resource res, allowing those in allowed.
// Graph takes options with or without the "$" prefix; others it does not know are 400.
func parseQuery(r *http.Request, res *resource, allowed int) (query, *graphError) {
	vals, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		e := badRequest("BadRequest", "Invalid query string.")
		return query{}, &e
	}
	var q query
	var parts []string
	for key, vs := range vals {
		name := strings.ToLower(strings.TrimPrefix(key, "$"))
		opt := optionBit(name)
		if opt == 0 && !strings.HasPrefix(key, "$") {
			continue // Graph ignores unknown parameters without "$"
		}
		if opt == 0 || allowed&opt == 0 || len(vs) != 1 {
			e := unsupportedQuery(fmt.Sprintf("Query option '$%s' is not supported on this request.", name))
			return query{}, &e
		}
		if gerr := q.set(name, vs[0], res); gerr != nil {
			return query{}, gerr
		}
		if opt&(optSkip|optDelta) == 0 {
			parts = append(parts, "$"+name+"="+escapeQuery(vs[0]))
		}
	}
	slices.Sort(parts)
	q.canon = strings.Join(parts, "&")
	return q, nil
}

// set applies one option.
func (q *query) set(name, v string, res *resource) *graphError {
	switch name {
	case "select":
		for _, f := range strings.Split(v, ",") {
			canon, ok := res.field(strings.TrimSpace(f))
			if !ok {
				e := badRequest("Request_BadRequest", fmt.Sprintf("Could not find a property named '%s' on type 'microsoft.graph.%s'.",
					strings.TrimSpace(f), res.typeName))
				return &e
			}
			q.sel = append(q.sel, canon)
		}
	case "top":
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxTop {
			e := badRequest("Request_BadRequest", fmt.Sprintf("Invalid page size specified: '%s'. Must be between 1 and %d inclusive.", v, maxTop))
			return &e
		}
		q.top = n
	case "filter":
		cs, gerr := parseFilter(v, res)
		if gerr != nil {
			return gerr
		}
		q.filter = cs
	case "skiptoken":
		q.skipToken = v
	case "deltatoken":
		q.deltaToken = v
	}
	return nil
}

// selection returns the members to render: the $select, else the resource's defaults.
func (q *query) selection(res *resource) selection {
	if q.sel != nil {
		return q.sel
	}
	return res.defaults
}

// pageSize returns the page size: $top, else the default, capped by the server's maximum.
func (q *query) pageSize(maxPage int) int {
	n := q.top
	if n == 0 {
		n = defaultTop
	}
	if maxPage > 0 && n > maxPage {
		n = maxPage
	}
	return n
}

// escapeQuery escapes a query value as Graph writes it in next links: %20 for spaces.
func escapeQuery(v string) string {
	return strings.ReplaceAll(url.QueryEscape(v), "+", "%20")
}

// optionBit returns the bit of a query option, or 0 for one the simulator does not know.
func optionBit(name string) int {
	switch name {
	case "select":
		return optSelect
	case "top":
		return optTop
	case "filter":
		return optFilter
	case "skiptoken":
		return optSkip
	case "deltatoken":
		return optDelta
	}
	return 0
}
