package salesforce

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// maxFileRows bounds the rows read from one event log file.
const maxFileRows = 1 << 20

// errNoColumns is the error of a file without the columns the connector needs.
var errNoColumns = errors.New("event log file lacks REQUEST_ID or a timestamp column")

// csvColumns finds the columns of an event log file by name; unknown columns are ignored,
// and a column may go by several names (RestApi's METHOD is ApiTotalUsage's HTTP_METHOD).
type csvColumns map[string]int

// get returns the value of the first of names that the file has, cleaned and shortened.
func (c csvColumns) get(row []string, names ...string) string {
	for _, n := range names {
		if i, ok := c[n]; ok && i < len(row) {
			if v := strings.TrimSpace(row[i]); v != "" {
				return clip(v, 512)
			}
		}
	}
	return ""
}

// apiRow is one row of an API event log file, as an event and its REQUEST_ID.
type apiRow struct {
	requestID string
	ev        nhi.Event
}

// readAPIFile parses the CSV of an API event log file (ApiTotalUsage, RestApi, BulkApi2)
// into events of org, in file order. Rows without a REQUEST_ID or a time are skipped.
func readAPIFile(r io.Reader, org string) ([]apiRow, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		_, _ = br.Discard(3) // a byte order mark
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, err
	}
	cols := csvColumns{}
	for i, h := range header {
		cols[strings.ToUpper(strings.TrimSpace(h))] = i
	}
	if _, ok := cols["REQUEST_ID"]; !ok {
		return nil, errNoColumns
	}
	var out []apiRow
	for len(out) < maxFileRows {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if ev, ok := apiEvent(cols, row, org); ok {
			out = append(out, apiRow{requestID: ev.ID, ev: ev})
		}
	}
	return out, nil
}

// apiEvent converts one row; ok is false without a REQUEST_ID or a time.
func apiEvent(cols csvColumns, row []string, org string) (nhi.Event, bool) {
	id := cols.get(row, "REQUEST_ID")
	at := elfTime(cols.get(row, "TIMESTAMP_DERIVED"), cols.get(row, "TIMESTAMP"))
	if id == "" || at.IsZero() {
		return nhi.Event{}, false
	}
	method := strings.ToUpper(cols.get(row, "HTTP_METHOD", "METHOD"))
	uri := cols.get(row, "URI", "API_RESOURCE")
	status := cols.get(row, "STATUS_CODE")
	ev := nhi.Event{ID: id, Platform: nhi.PlatformSalesforce, Tenant: org, Time: at, Kind: apiKind(method, uri),
		Activity: cols.get(row, "EVENT_TYPE"), Actor: id18(cols.get(row, "USER_ID_DERIVED", "USER_ID")),
		AppID: id18(cols.get(row, "CONNECTED_APP_ID")), Target: cols.get(row, "ENTITY_NAME"),
		SourceIP: cols.get(row, "CLIENT_IP", "SOURCE_IP"), UserAgent: cols.get(row, "CLIENT_NAME", "USER_AGENT")}
	if n, err := strconv.Atoi(status); err == nil {
		ev.Result = "success"
		if n >= 400 {
			ev.Result = "failure"
		}
	}
	ev.Details = map[string]string{}
	for k, v := range map[string]string{"api_family": cols.get(row, "API_FAMILY"), "entity": ev.Target,
		"rows": cols.get(row, "ROWS_PROCESSED", "NUMBER_OF_RECORDS", "ROWS"), "uri": uri, "status_code": status,
		"method": method, "job_id": jobID(uri)} {
		if v != "" {
			ev.Details[k] = v
		}
	}
	return ev, true
}

// apiKind returns the kind of an API request: creating a Bulk API 2.0 query job and
// downloading its results are exports, deleting one hides an export, the rest are calls.
func apiKind(method, uri string) nhi.EventKind {
	path, _, _ := strings.Cut(uri, "?")
	_, job, ok := strings.Cut(path, "/jobs/query")
	if !ok {
		return nhi.EventAPICall
	}
	job = strings.Trim(job, "/")
	switch {
	case job == "" && method == http.MethodPost:
		return nhi.EventExport
	case strings.HasSuffix(job, "/results") && method == http.MethodGet:
		return nhi.EventExport
	case job != "" && !strings.Contains(job, "/") && method == http.MethodDelete:
		return nhi.EventExportDeleted
	}
	return nhi.EventAPICall
}

// jobID returns the Bulk API 2.0 query job a URI names ("/jobs/query/<id>/results"), or "".
func jobID(uri string) string {
	path, _, _ := strings.Cut(uri, "?")
	_, rest, ok := strings.Cut(path, "/jobs/query/")
	id, _, _ := strings.Cut(rest, "/")
	if !ok || !validSFID(id, "") {
		return ""
	}
	return id
}

// elfTime parses an event log time: TIMESTAMP_DERIVED (RFC 3339) or TIMESTAMP
// ("20250812031415.123", UTC).
func elfTime(derived, raw string) time.Time {
	if t, err := time.Parse(time.RFC3339Nano, derived); err == nil {
		return t.UTC()
	}
	if t, err := time.Parse("20060102150405.000", raw); err == nil {
		return t.UTC()
	}
	return time.Time{}
}

// id18 returns the 18-character case-safe form of a 15-character Salesforce ID (event
// log files write 15), and any other value unchanged.
func id18(id string) string {
	if !validSFID(id, "") || len(id) != 15 {
		return id
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	var suffix [3]byte
	for i := range 3 {
		flags := 0
		for j := range 5 {
			if c := id[i*5+j]; c >= 'A' && c <= 'Z' {
				flags |= 1 << j
			}
		}
		suffix[i] = alphabet[flags]
	}
	return id + string(suffix[:])
}
