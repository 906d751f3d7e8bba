package googleworkspacesim

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// Page sizes of users.list: maxResults from 1 to 500, 100 when absent.
const (
	usersMaxPage     = 500
	usersDefaultPage = 100
)

// usersQuery is a parsed users.list request.
type usersQuery struct {
	deleted    bool // showDeleted: list deleted users only, as Google does
	order      int  // orderEmail, orderGivenName, orderFamilyName
	descending bool
	public     bool // viewType=domain_public
	terms      []queryTerm
	size       int
	pos        int64
	fields     *fieldMask
}

// parseUsersQuery validates the parameters of users.list.
func (s *Server) parseUsersQuery(q url.Values) (usersQuery, *apiError) {
	uq := usersQuery{size: min(usersDefaultPage, s.pageCap(usersMaxPage))}
	for _, step := range []func(url.Values) *apiError{
		s.checkCustomer,
		func(q url.Values) *apiError { return s.parseMaxResults(q, usersMaxPage, &uq.size) },
		uq.parseOptions,
		checkProjection,
		func(q url.Values) (e *apiError) {
			uq.fields, e = s.schemas.fields(q.Get("fields"), s.schemas.users)
			return e
		},
	} {
		if e := step(q); e != nil {
			return usersQuery{}, e
		}
	}
	terms, err := parseUserQuery(q.Get("query"))
	if err != nil {
		e := invalidParam("query", "Invalid Input: "+q.Get("query"))
		return usersQuery{}, &e
	}
	uq.terms = terms
	if tok := q.Get("pageToken"); tok != "" {
		pos, _, ok := s.decodePageToken(tok, pageUsers, uq.fingerprint())
		if !ok {
			e := badPageToken()
			return usersQuery{}, &e
		}
		uq.pos = pos
	}
	return uq, nil
}

// checkCustomer checks customer and domain: one is required, and they must name this
// tenant (my_customer, its customer ID, its domain).
func (s *Server) checkCustomer(q url.Values) *apiError {
	customer, domain := q.Get("customer"), q.Get("domain")
	var e apiError
	switch {
	case customer == "" && domain == "":
		e = badRequest("Bad Request")
	case customer != "" && customer != "my_customer" && !strings.EqualFold(customer, s.w.e.CustomerID):
		e = badRequest("Bad Request")
	case domain != "" && !strings.EqualFold(domain, s.w.domain):
		e = forbidden()
	default:
		return nil
	}
	return &e
}

// parseMaxResults sets *size from maxResults, which must lie in [1, apiMax]; the page
// given is capped by MaxPageSize.
func (s *Server) parseMaxResults(q url.Values, apiMax int, size *int) *apiError {
	v := q.Get("maxResults")
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > apiMax {
		e := invalidParam("maxResults", "Invalid value '"+v+"'. Values must be within the range: [1, "+strconv.Itoa(apiMax)+"]")
		return &e
	}
	*size = min(n, s.pageCap(apiMax))
	return nil
}

// parseOptions parses showDeleted, orderBy, sortOrder and viewType.
func (uq *usersQuery) parseOptions(q url.Values) *apiError {
	bad := func(param string) *apiError {
		e := invalidParam(param, "Invalid value '"+q.Get(param)+"'")
		return &e
	}
	var ok bool
	if uq.deleted, ok = parseBool(q.Get("showDeleted")); !ok {
		return bad("showDeleted")
	}
	if uq.order, ok = parseOrderBy(q.Get("orderBy")); !ok {
		return bad("orderBy")
	}
	switch strings.ToUpper(q.Get("sortOrder")) {
	case "", "ASCENDING":
	case "DESCENDING":
		uq.descending = true
	default:
		return bad("sortOrder")
	}
	switch q.Get("viewType") {
	case "", "admin_view":
	case "domain_public":
		uq.public = true
	default:
		return bad("viewType")
	}
	return nil
}

// fingerprint hashes the parameters a page token is bound to.
func (uq *usersQuery) fingerprint() uint64 {
	h := hashString(fnvOffset, strconv.FormatBool(uq.deleted)+strconv.Itoa(uq.order)+strconv.FormatBool(uq.descending))
	for _, t := range uq.terms {
		h = hashString(hashString(hashString(h, t.field), t.op), t.value)
	}
	return h
}

// pageCap returns the largest page the server gives: MaxPageSize, or the API's maximum.
func (s *Server) pageCap(apiMax int) int {
	if s.opts.MaxPageSize > 0 {
		return min(s.opts.MaxPageSize, apiMax)
	}
	return apiMax
}

// parseBool parses an optional boolean query parameter.
func parseBool(v string) (bool, bool) {
	if v == "" {
		return false, true
	}
	b, err := strconv.ParseBool(v)
	return b, err == nil
}

// checkProjection validates projection and customFieldMask.
func checkProjection(q url.Values) *apiError {
	switch q.Get("projection") {
	case "", "basic", "full":
		return nil
	case "custom":
		if q.Get("customFieldMask") != "" {
			return nil
		}
		e := badRequest("Bad Request")
		return &e
	}
	e := invalidParam("projection", "Invalid value '"+q.Get("projection")+"'")
	return &e
}

// listUsers answers GET /admin/directory/v1/users: one page of users in a stable order
// (by email unless orderBy says otherwise).
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, _ caller) {
	uq, e := s.parseUsersQuery(r.URL.Query())
	if e != nil {
		writeError(w, *e)
		return
	}
	order := s.w.order(uq.order)
	n := int64(len(order))
	bp := s.buffer()
	page := newListPage(*bp, "admin#directory#users", "users", uq.fields)
	um := uq.fields.sub("users")
	pos := uq.pos
	for ; pos < n; pos++ {
		p := order[pos]
		if uq.descending {
			p = order[n-1-pos]
		}
		if !s.userMatches(p, &uq) {
			continue
		}
		if page.n == uq.size {
			break
		}
		page.add(func(b []byte) ([]byte, uint64) { return s.appendUser(b, p, uq.public, um) })
	}
	next := ""
	if pos < n {
		next = s.encodePageToken(pageUsers, uq.fingerprint(), pos, 0)
	}
	body := page.finish(next)
	writeJSON(w, http.StatusOK, body)
	s.release(bp, body)
}

// userMatches reports whether person p belongs in the listing.
func (s *Server) userMatches(p int32, uq *usersQuery) bool {
	st, _ := s.w.status(p)
	if (st == estate.Departed) != uq.deleted {
		return false
	}
	for _, t := range uq.terms {
		if !t.matches(&s.w.e.People[p], st) {
			return false
		}
	}
	return true
}

// appendUser renders the user resource of person p, filtered by m, and returns it with its
// hash.
func (s *Server) appendUser(b []byte, p int32, public bool, m *fieldMask) ([]byte, uint64) {
	per := &s.w.e.People[p]
	st, since := s.w.status(p)
	h := hashString(hashString(hashString(fnvOffset, per.GoogleID), per.Email), string(st))
	h = hashString(hashString(h, per.GivenName), per.FamilyName)
	b = m.str(append(b, '{'), "kind", "admin#directory#user")
	b = m.str(b, "id", per.GoogleID)
	b = m.etag(b, h)
	b = m.str(b, "primaryEmail", per.Email)
	var sub *fieldMask
	var ok bool
	if b, sub, ok = m.open(b, "name", '{'); ok {
		b = sub.str(b, "givenName", per.GivenName)
		b = sub.str(b, "familyName", per.FamilyName)
		b = append(sub.str(b, "fullName", strings.TrimSpace(per.GivenName+" "+per.FamilyName)), '}')
	}
	if b, sub, ok = m.open(b, "emails", '['); ok {
		b = sub.boolean(sub.str(element(b), "address", per.Email), "primary", true)
		b = append(b, '}', ']')
	}
	if public {
		return append(b, '}'), h
	}
	return append(s.appendUserAdmin(b, per, st, since, m), '}'), h
}

// appendUserAdmin renders the members of a user only admins see (viewType=admin_view).
func (s *Server) appendUserAdmin(b []byte, per *estate.Person, st estate.Status, since time.Time, m *fieldMask) []byte {
	b = m.boolean(b, "isAdmin", per.Admin)
	b = m.boolean(b, "isDelegatedAdmin", false)
	b = m.time(b, "lastLoginTime", loginTime(per.LastLoginAt))
	b = m.time(b, "creationTime", per.CreatedAt)
	b = m.boolean(b, "agreedToTerms", true)
	b = m.boolean(b, "suspended", st == estate.Suspended)
	if st == estate.Suspended {
		b = m.str(b, "suspensionReason", "ADMIN")
	}
	b = m.boolean(b, "archived", false)
	b = m.boolean(b, "changePasswordAtNextLogin", false)
	b = m.boolean(b, "ipWhitelisted", false)
	b = m.str(b, "customerId", s.w.e.CustomerID)
	b = m.str(b, "orgUnitPath", orgUnitPath(per.Department))
	b = m.boolean(b, "isMailboxSetup", true)
	if m.has("isEnrolledIn2Sv") {
		b = m.boolean(b, "isEnrolledIn2Sv", per.Admin || mix64(hashString(fnvOffset, per.GoogleID))%10 < 8)
	}
	b = m.boolean(b, "isEnforcedIn2Sv", per.Admin)
	b = m.boolean(b, "includeInGlobalAddressList", true)
	if st == estate.Departed {
		b = m.time(b, "deletionTime", since)
	}
	return b
}

// loginTime returns t, or the Unix epoch Google shows for a user who never signed in.
func loginTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Unix(0, 0)
	}
	return t
}

// orgUnitPath returns the organizational unit of a department.
func orgUnitPath(dept string) string {
	return "/" + dept
}
