package googleworkspacesim

import (
	"strconv"
	"strings"

	"github.com/nhiscope/nhi/estate"
)

// productBucket returns the Reports API product_bucket of a scope.
func productBucket(scope string) string {
	s := strings.TrimPrefix(scope, "https://www.googleapis.com/auth/")
	switch {
	case strings.Contains(scope, "mail.google.com"), strings.HasPrefix(s, "gmail"):
		return "GMAIL"
	case strings.HasPrefix(s, "drive"), strings.HasPrefix(s, "docs"), strings.HasPrefix(s, "spreadsheets"):
		return "DRIVE"
	case strings.HasPrefix(s, "calendar"):
		return "CALENDAR"
	case strings.HasPrefix(s, "contacts"), strings.HasPrefix(s, "directory"):
		return "CONTACTS"
	case strings.HasPrefix(s, "admin."):
		return "GSUITE_ADMIN"
	case strings.HasPrefix(s, "script"):
		return "APPS_SCRIPT_API"
	case strings.HasPrefix(s, "tasks"):
		return "TASKS"
	case strings.HasPrefix(s, "classroom"):
		return "CLASSROOM"
	case strings.HasPrefix(s, "chat"):
		return "COMMUNICATIONS"
	case s == "openid", s == "email", s == "profile", strings.HasPrefix(s, "userinfo"):
		return "IDENTITY"
	}
	return "OTHER"
}

// bucketAPI returns the api_name and method_name of an activity event in a product bucket.
func bucketAPI(bucket string) (api, method string) {
	switch bucket {
	case "GMAIL":
		return "gmail", "gmail.users.messages.list"
	case "DRIVE":
		return "drive", "drive.files.list"
	case "CALENDAR":
		return "calendar", "calendar.events.list"
	case "CONTACTS":
		return "people", "people.people.connections.list"
	case "GSUITE_ADMIN":
		return "admin", "directory.users.list"
	case "APPS_SCRIPT_API":
		return "script", "script.projects.get"
	case "TASKS":
		return "tasks", "tasks.tasklists.list"
	case "CLASSROOM":
		return "classroom", "classroom.courses.list"
	case "COMMUNICATIONS":
		return "chat", "chat.spaces.list"
	case "IDENTITY":
		return "oauth2", "oauth2.userinfo.get"
	}
	return "oauth2", "oauth2.tokeninfo"
}

// activityDetail derives what an activity event says the app did: which product it
// touched (preferring one of its scopes beyond sign-in), the API method and the bytes read.
func activityDetail(g *estate.Grant, ev *event) (bucket, api, method string, bytes int64) {
	h := mix64(uint64(ev.grant)<<20 ^ uint64(ev.seq)<<4 ^ uint64(ev.at))
	bucket = "OTHER"
	if n := len(g.Scopes); n > 0 {
		for i := range n {
			bucket = productBucket(g.Scopes[(int(h%uint64(n))+i)%n])
			if bucket != "IDENTITY" {
				break
			}
		}
	}
	api, method = bucketAPI(bucket)
	return bucket, api, method, int64(200 + h>>8%60_000)
}

// ipAddress derives a documentation-range IPv4 address from a seed.
func ipAddress(seed uint64) string {
	h := mix64(seed)
	prefix := [...]string{"192.0.2.", "198.51.100.", "203.0.113."}[h%3]
	return prefix + strconv.Itoa(int(1+(h>>8)%254))
}

// eventIP returns the IP address of a token event of a grant to vendor: the user's for
// authorize and revoke, and for activity the app's servers' (one of them per call), or the
// user's for a native app, which calls from the user's device; a Tor exit's for a grant
// used from Tor (estate.Grant.FromTor).
func eventIP(vendor *estate.Vendor, g *estate.Grant, ev *event) string {
	if ev.kind == evActivity {
		if g.FromTor {
			return estate.TorExitAddr(mix64(uint64(ev.at) ^ uint64(g.Person)<<40)).String()
		}
		if a := vendor.ServerAddr(mix64(uint64(ev.at) ^ uint64(g.Person)<<40 ^ uint64(ev.seq)<<24)); a.IsValid() {
			return a.String()
		}
	}
	return ipAddress(uint64(g.Person)<<32 | 0x05e)
}

// clientType returns the client_type of an app.
func clientType(v *estate.Vendor) string {
	if v.ClientType == "" {
		return "TYPE_UNSPECIFIED"
	}
	return v.ClientType
}

// tokenParam returns the value of the named parameter of a token event, for filters.
func (s *Server) tokenParam(v *view, ev *event, name string) (string, bool) {
	g := s.w.grant(*v, ev.grant)
	vendor := &v.vendors[g.Vendor]
	switch name {
	case "client_id":
		return vendor.GoogleClientID, true
	case "app_name":
		return vendor.Product, true
	case "client_type":
		return clientType(vendor), true
	}
	if ev.kind != evActivity {
		return "", false
	}
	bucket, api, method, n := activityDetail(g, ev)
	switch name {
	case "api_name":
		return api, true
	case "method_name":
		return method, true
	case "product_bucket":
		return bucket, true
	case "num_response_bytes":
		return strconv.FormatInt(n, 10), true
	}
	return "", false
}

// tokenEventMatches reports whether a token event passes the query's filters.
func (s *Server) tokenEventMatches(v *view, ev *event, aq *activityQuery) bool {
	if aq.name != "" && ev.kind.String() != aq.name {
		return false
	}
	g := s.w.grant(*v, ev.grant)
	if (aq.person >= 0 && g.Person != aq.person) || (aq.ip != "" && eventIP(&v.vendors[g.Vendor], g, ev) != aq.ip) {
		return false
	}
	for _, f := range aq.filters {
		got, ok := s.tokenParam(v, ev, f.name)
		if !ok || (got == f.value) == f.negate {
			return false
		}
	}
	return true
}

// adminEventMatches reports whether an admin event passes the query's filters.
func (s *Server) adminEventMatches(ev *adminEvent, aq *activityQuery) bool {
	if (aq.name != "" && ev.name != aq.name) || (aq.person >= 0 && ev.actor != aq.person) ||
		(aq.ip != "" && ipAddress(uint64(ev.actor)<<32|0x05e) != aq.ip) {
		return false
	}
	for _, f := range aq.filters {
		found := false
		for _, p := range ev.params {
			if p.name == f.name {
				found = (p.filterValue() == f.value) != f.negate
			}
		}
		if !found {
			return false
		}
	}
	return true
}
