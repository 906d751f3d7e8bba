package salesforcesim

import (
	"strconv"
	"strings"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// csvWriter writes CSV as Salesforce's event log files have it: every value quoted, quotes
// doubled, lines ended by \n.
type csvWriter struct{ sb strings.Builder }

// row writes one line.
func (c *csvWriter) row(vals ...string) {
	for i, v := range vals {
		if i > 0 {
			c.sb.WriteByte(',')
		}
		c.sb.WriteByte('"')
		c.sb.WriteString(strings.ReplaceAll(v, `"`, `""`))
		c.sb.WriteByte('"')
	}
	c.sb.WriteByte('\n')
}

// elfTimes returns TIMESTAMP (20250812031415.123) and TIMESTAMP_DERIVED
// (2025-08-12T03:14:15.123Z) of t.
func elfTimes(t time.Time) (string, string) {
	t = t.UTC()
	return t.Format("20060102150405.000"), t.Format("2006-01-02T15:04:05.000Z")
}

// apiColumns are the columns of the API event log files: the fields nhi reads first, then
// more of ApiTotalUsage's.
var apiColumns = []string{"EVENT_TYPE", "TIMESTAMP", "REQUEST_ID", "USER_ID", "USER_ID_DERIVED", "CLIENT_IP",
	"CONNECTED_APP_ID", "API_FAMILY", "HTTP_METHOD", "URI", "ENTITY_NAME", "CLIENT_NAME", "STATUS_CODE",
	"ROWS_PROCESSED", "TIMESTAMP_DERIVED", "ORGANIZATION_ID", "API_RESOURCE", "API_VERSION", "COUNTS_AGAINST_API_LIMIT"}

// apiTypes are the LogFileFieldTypes of apiColumns.
var apiTypes = []string{"String", "String", "String", "Id", "Id", "IP", "Id", "String", "String", "String", "String",
	"String", "Number", "Number", "DateTime", "Id", "String", "Number", "Boolean"}

// apiCSV renders the API events at the given indexes. w.mu is held.
func (s *Server) apiCSV(idx []int) []byte {
	var c csvWriter
	c.row(apiColumns...)
	for _, i := range idx {
		ev := s.w.events[i]
		u := s.w.users[ev.User]
		app := ""
		if a := s.w.appOf(int(ev.App)); a != nil {
			app = id15(a.ID)
		}
		ts, derived := elfTimes(ev.Time)
		c.row(ev.EventType, ts, ev.RequestID, id15(u.ID), u.ID, ev.ClientIP, app, ev.APIFamily, ev.Method,
			apiURI(ev), ev.Entity, ev.ClientName, strconv.Itoa(ev.StatusCode), strconv.Itoa(ev.Rows), derived,
			id15(s.w.orgID), ev.Resource, "62.0", "true")
	}
	return []byte(c.sb.String())
}

// apiURI returns the request URI of an API event: the SOAP endpoint, or the REST or Bulk
// API 2.0 path of its resource with the query job's ID in place of {id}.
func apiURI(ev estate.SFAPIEvent) string {
	res := ev.Resource
	switch {
	case ev.APIFamily == "SOAP":
		return "/services/Soap/u/62.0"
	case strings.HasPrefix(res, "/services/"):
		return res
	case !strings.HasPrefix(res, "/"):
		res = "/" + res
	}
	if ev.JobID != "" {
		res = strings.ReplaceAll(res, "{id}", ev.JobID)
	}
	return "/services/data/v62.0" + res
}

// loginColumns are the columns of the Login event log file: Salesforce's (BROWSER_TYPE
// holds the user agent), then USER_AGENT and CONNECTED_APP_ID, which the simulator adds.
var loginColumns = []string{"EVENT_TYPE", "TIMESTAMP", "REQUEST_ID", "ORGANIZATION_ID", "USER_ID", "USER_NAME",
	"USER_TYPE", "SOURCE_IP", "CLIENT_IP", "LOGIN_TYPE", "LOGIN_STATUS", "BROWSER_TYPE", "API_TYPE", "API_VERSION",
	"URI", "TLS_PROTOCOL", "CIPHER_SUITE", "TIMESTAMP_DERIVED", "USER_ID_DERIVED", "USER_AGENT", "CONNECTED_APP_ID"}

// loginTypes are the LogFileFieldTypes of loginColumns.
var loginTypes = []string{"String", "String", "String", "Id", "Id", "String", "String", "IP", "IP", "String", "String",
	"String", "String", "Number", "String", "String", "String", "DateTime", "Id", "String", "Id"}

// columnsOf returns the LogFileFieldNames and LogFileFieldTypes of an event type.
func columnsOf(eventType string) (names, types string) {
	if eventType == "Login" {
		return strings.Join(loginColumns, ","), strings.Join(loginTypes, ",")
	}
	return strings.Join(apiColumns, ","), strings.Join(apiTypes, ",")
}

// loginCSV renders the logins at the given indexes. w.mu is held.
func (s *Server) loginCSV(idx []int) []byte {
	var c csvWriter
	c.row(loginColumns...)
	for _, i := range idx {
		l := s.w.logins[i]
		u := s.w.users[l.User]
		ts, derived := elfTimes(l.Time)
		c.row("Login", ts, randText(22, "login request", l.ID), id15(s.w.orgID), id15(u.ID), u.Username,
			userTypeCode(u.UserType), l.SourceIP, l.SourceIP, l.LoginType, loginStatus(l.Status), l.UserAgent,
			l.APIType, "62.0", "/services/oauth2/token", "TLSv1.3", "TLS_AES_256_GCM_SHA384", derived, u.ID, l.UserAgent,
			s.appIDByName(l.Application))
	}
	return []byte(c.sb.String())
}

// appIDByName returns the 15-character ID of the connected app named name, or "".
func (s *Server) appIDByName(name string) string {
	for _, a := range s.w.apps {
		if a.Name == name {
			return id15(a.ID)
		}
	}
	return ""
}

// userTypeCode returns the Login log's USER_TYPE code of a user type.
func userTypeCode(t string) string {
	switch t {
	case "Standard", "":
		return "S"
	case "AutomatedProcess":
		return "A"
	case "PowerPartner":
		return "P"
	}
	return t[:1]
}

// loginStatus returns the LOGIN_STATUS code of a LoginHistory status.
func loginStatus(status string) string {
	switch status {
	case "Success", "":
		return "LOGIN_NO_ERROR"
	case "Invalid Password":
		return "LOGIN_ERROR_INVALID_PASSWORD"
	case "Invalid Login", "Invalid Username":
		return "LOGIN_ERROR_INVALID_USERNAME"
	}
	var sb strings.Builder
	for _, r := range strings.ToUpper(status) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			sb.WriteRune(r)
		} else if sb.Len() > 0 && !strings.HasSuffix(sb.String(), "_") {
			sb.WriteByte('_')
		}
	}
	return "LOGIN_ERROR_" + strings.TrimSuffix(sb.String(), "_")
}
