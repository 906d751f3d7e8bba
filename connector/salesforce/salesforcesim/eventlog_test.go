package salesforcesim

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nhiscope/nhi/estate"
)

// logFileRow is an EventLogFile row, decoded.
type logFileRow struct {
	ID, EventType, LogDate, Created string
	Length                          float64
}

// listLogFiles queries every event log file.
func (sm *sim) listLogFiles(t *testing.T) []logFileRow {
	t.Helper()
	r := sm.query(t, sm.token, "SELECT Id, EventType, LogDate, Interval, LogFileLength, LogFileContentType, Sequence, CreatedDate "+
		"FROM EventLogFile WHERE Interval = 'Hourly' ORDER BY LogDate, EventType")
	var out []logFileRow
	for _, rec := range r.Records {
		if rec["LogFileContentType"] != "csv" || rec["Sequence"] != 1.0 {
			t.Errorf("file %v", rec)
		}
		out = append(out, logFileRow{ID: rec["Id"].(string), EventType: rec["EventType"].(string),
			LogDate: rec["LogDate"].(string), Created: rec["CreatedDate"].(string), Length: rec["LogFileLength"].(float64)})
	}
	return out
}

// logFile downloads a file's CSV and parses it.
func (sm *sim) logFile(t *testing.T, id string) [][]string {
	t.Helper()
	status, hdr, body := sm.do(t, http.MethodGet, "/services/data/v62.0/sobjects/EventLogFile/"+id+"/LogFile", sm.token, "")
	if status != http.StatusOK || hdr.Get("Content-Type") != "text/csv" {
		t.Fatalf("LogFile %s: %d %v %s", id, status, hdr, body)
	}
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil {
		t.Fatalf("LogFile %s: %v\n%s", id, err, body)
	}
	return rows
}

func TestEventLogFiles(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	files := sm.listLogFiles(t)
	type fileKey struct{ Typ, LogDate, Created string }
	var got []fileKey
	for _, f := range files {
		got = append(got, fileKey{f.EventType, f.LogDate, f.Created})
	}
	// At 12:00, the files of hours 09 and 10 exist; hour 11 appears at 13:00, and the
	// login of 40 days ago is past the 30 days kept.
	want := []fileKey{
		{"BulkApi2", "2025-09-01T09:00:00.000+0000", "2025-09-01T11:00:00.000+0000"},
		{"Login", "2025-09-01T09:00:00.000+0000", "2025-09-01T11:00:00.000+0000"},
		{"RestApi", "2025-09-01T09:00:00.000+0000", "2025-09-01T11:00:00.000+0000"},
		{"ApiTotalUsage", "2025-09-01T10:00:00.000+0000", "2025-09-01T12:00:00.000+0000"},
		{"Login", "2025-09-01T10:00:00.000+0000", "2025-09-01T12:00:00.000+0000"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("files (-want +got):\n%s", diff)
	}
	rest := sm.logFile(t, files[2].ID)
	if diff := cmp.Diff(apiColumns, rest[0]); diff != "" {
		t.Errorf("RestApi header (-want +got):\n%s", diff)
	}
	wantRow := []string{"RestApi", "20250901094200.000", "4exLFvgbfVv0qDLkTG1dOk", userBot[:15], userBot, "198.51.100.77",
		appDrift[:15], "REST", "GET", "/services/data/v62.0/query", "Account", "python-requests/2.32.4", "200", "2000",
		"2025-09-01T09:42:00.000Z", orgID[:15], "/query", "62.0", "true"}
	if len(rest) != 2 {
		t.Fatalf("RestApi rows %v", rest)
	}
	if diff := cmp.Diff(wantRow, rest[1]); diff != "" {
		t.Errorf("RestApi row (-want +got):\n%s", diff)
	}
	login := sm.logFile(t, files[4].ID)
	if len(login) != 2 || login[0][11] != "BROWSER_TYPE" || login[1][11] != `Mozilla/5.0 "quoted"` ||
		login[1][10] != "LOGIN_ERROR_INVALID_PASSWORD" || login[1][4] != userBob[:15] {
		t.Errorf("Login file %q", login)
	}
	names := sm.query(t, sm.token, "SELECT LogFileFieldNames, LogFileFieldTypes FROM EventLogFile WHERE EventType = 'Login' LIMIT 1")
	if got := names.Records[0]["LogFileFieldNames"]; got != strings.Join(login[0], ",") ||
		len(strings.Split(names.Records[0]["LogFileFieldTypes"].(string), ",")) != len(login[0]) {
		t.Errorf("LogFileFieldNames %q / LogFileFieldTypes %q for header %q", got, names.Records[0]["LogFileFieldTypes"], login[0])
	}
	_, _, raw := sm.do(t, http.MethodGet, "/services/data/v58.0/query?q=SELECT+LogFile,LogFileLength+FROM+EventLogFile+WHERE+Id+=+'"+
		files[4].ID+"'", sm.token, "")
	if want := `"LogFile":"/services/data/v58.0/sobjects/EventLogFile/` + files[4].ID + `/LogFile","LogFileLength":` +
		strconv.Itoa(int(files[4].Length)) + `.0}`; !strings.Contains(string(raw), want) {
		t.Errorf("LogFile and LogFileLength: %s, want %s", raw, want)
	}
	if files[4].Length <= 0 {
		t.Errorf("LogFileLength %v", files[4].Length)
	}
}

func TestEventLogFilesAppearAnHourLate(t *testing.T) {
	t.Parallel()
	var offset atomic.Int64
	sm := newSim(t, nil, Options{Now: func() time.Time { return testNow.Add(time.Duration(offset.Load())) }})
	ev := estate.SFAPIEvent{Time: testNow.Add(10 * time.Minute), EventType: "BulkApi2", User: 2, App: 0, APIFamily: "BulkV2",
		Method: "DELETE", Resource: "/jobs/query/750xx", Entity: "Case", ClientIP: "192.0.2.10", StatusCode: 204}
	if err := sm.AddAPIEvent(ev); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		n := 0
		for _, f := range sm.listLogFiles(t) {
			if f.LogDate == "2025-09-01T12:00:00.000+0000" && f.EventType == "BulkApi2" {
				n++
			}
		}
		return n
	}
	for _, tt := range []struct {
		after time.Duration
		want  int
	}{{time.Hour, 0}, {2*time.Hour - time.Second, 0}, {2 * time.Hour, 1}} {
		offset.Store(int64(tt.after))
		sm.token = sm.signIn(t, "")
		if got := count(); got != tt.want {
			t.Errorf("at 12:00+%v: %d files of hour 12, want %d", tt.after, got, tt.want)
		}
	}
	for _, bad := range []estate.SFAPIEvent{{EventType: "Bogus", Time: testNow}, {EventType: "RestApi", User: 7, Time: testNow},
		{EventType: "RestApi", App: 5, Time: testNow}, {EventType: "RestApi"}} {
		if err := sm.AddAPIEvent(bad); err == nil {
			t.Errorf("AddAPIEvent(%+v) succeeded", bad)
		}
	}
}

func TestLogFileRefusals(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	files := sm.listLogFiles(t)
	bob := sm.signIn(t, "bob@example.com")
	for name, tt := range map[string]struct{ id, tok string }{
		"no permission": {files[0].ID, bob},
		"unknown":       {hashID("0AT", "nope"), sm.token},
		"malformed":     {"bogus", sm.token},
	} {
		status, _, _ := sm.do(t, http.MethodGet, "/services/data/v62.0/sobjects/EventLogFile/"+tt.id+"/LogFile", tt.tok, "")
		if status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", name, status)
		}
	}
}

func TestColumnTypesMatchColumns(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{"Login", "RestApi"} {
		names, types := columnsOf(typ)
		if n, m := len(strings.Split(names, ",")), len(strings.Split(types, ",")); n != m {
			t.Errorf("%s: %d field names, %d field types", typ, n, m)
		}
	}
}
