package salesforcesim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// page fetches a query or nextRecordsUrl path and decodes it.
func (sm *sim) page(t *testing.T, path string, hdr ...string) result {
	t.Helper()
	status, _, body := sm.do(t, http.MethodGet, path, sm.token, "", hdr...)
	if status != http.StatusOK {
		t.Fatalf("%s: %d %s", path, status, body)
	}
	var r result
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestPagingWithLocators(t *testing.T) {
	t.Parallel()
	for _, res := range []string{"query", "queryAll"} {
		t.Run(res, func(t *testing.T) {
			t.Parallel()
			sm := newSim(t, nil, Options{MaxBatch: 3})
			soql := "SELECT Id FROM PermissionSetAssignment ORDER BY Id"
			all := sm.page(t, "/services/data/v62.0/"+res+"?q="+url.QueryEscape(soql))
			var ids []any
			ids = append(ids, column(all, "Id")...)
			pattern := regexp.MustCompile(`^/services/data/v62\.0/` + res + `/01g[0-9A-Za-z]{15}-\d+$`)
			pages := 1
			for next := all.NextRecordsURL; next != ""; pages++ {
				if !pattern.MatchString(next) {
					t.Fatalf("nextRecordsUrl %q", next)
				}
				r := sm.page(t, next)
				if r.TotalSize != all.TotalSize {
					t.Errorf("page totalSize %d, want %d", r.TotalSize, all.TotalSize)
				}
				ids = append(ids, column(r, "Id")...)
				next = r.NextRecordsURL
				if r.Done != (next == "") {
					t.Errorf("done %v with nextRecordsUrl %q", r.Done, next)
				}
			}
			if all.Done || len(all.Records) != 3 || len(ids) != all.TotalSize || pages != (all.TotalSize+2)/3 {
				t.Errorf("first page done=%v len=%d; %d ids of %d over %d pages", all.Done, len(all.Records), len(ids), all.TotalSize, pages)
			}
		})
	}
}

func TestBatchSizeHeader(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	for i := range 450 {
		l := sm.w.logins[1]
		l.ID = ""
		if err := sm.AddLogin(l); err != nil {
			t.Fatal(i, err)
		}
	}
	path := "/services/data/v62.0/query?q=" + url.QueryEscape("SELECT Id FROM LoginHistory")
	for _, tt := range []struct {
		header string
		want   int
	}{{"", 454}, {"batchSize=200", 200}, {"batchSize=50", 200}, {"batchSize=300", 300}, {"batchSize=9000", 454}, {"junk", 454}} {
		r := sm.page(t, path, "Sforce-Query-Options", tt.header)
		if len(r.Records) != tt.want || r.TotalSize != 454 {
			t.Errorf("Sforce-Query-Options %q: %d records of %d, want %d", tt.header, len(r.Records), r.TotalSize, tt.want)
		}
	}
}

func TestBadLocators(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{MaxBatch: 2})
	first := sm.page(t, "/services/data/v62.0/query?q="+url.QueryEscape("SELECT Id FROM User"))
	loc := strings.TrimPrefix(first.NextRecordsURL, "/services/data/v62.0/query/")
	other := sm.signIn(t, "ada@example.com")
	for name, tt := range map[string]struct{ path, tok string }{
		"unknown":      {"/services/data/v62.0/query/01gAAAAAAAAAAAAAAA-2", sm.token},
		"no offset":    {"/services/data/v62.0/query/" + strings.Split(loc, "-")[0], sm.token},
		"past the end": {"/services/data/v62.0/query/" + strings.Split(loc, "-")[0] + "-99", sm.token},
		"other user":   {first.NextRecordsURL, other},
	} {
		status, _, body := sm.do(t, http.MethodGet, tt.path, tt.tok, "")
		var errs []apiError
		if status != http.StatusBadRequest || json.Unmarshal(body, &errs) != nil || errs[0].Code != "INVALID_QUERY_LOCATOR" {
			t.Errorf("%s: %d %s", name, status, body)
		}
	}
	sm.ResetRequests()
	sm.page(t, first.NextRecordsURL)
	if reqs := sm.Requests(); len(reqs) != 1 || reqs[0].SOQL != "SELECT Id FROM User" {
		t.Errorf("next page not logged with its SOQL: %+v", reqs)
	}
}

func TestVisibility(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	_, _, me := sm.Client()
	tokens := func(tok string) []any {
		return column(sm.query(t, tok, "SELECT UserId FROM OauthToken ORDER BY UseCount"), "UserId")
	}
	if diff := cmp.Diff([]any{userBob, userAda, userBot}, tokens(sm.token)); diff != "" {
		t.Errorf("with Customize Application (-want +got):\n%s", diff)
	}
	bob := sm.signIn(t, "bob@example.com")
	if diff := cmp.Diff([]any{userBob}, tokens(bob)); diff != "" {
		t.Errorf("without Customize Application, own rows only (-want +got):\n%s", diff)
	}
	logins := sm.query(t, bob, "SELECT UserId FROM LoginHistory")
	if diff := cmp.Diff([]any{userBob}, column(logins, "UserId")); diff != "" {
		t.Errorf("LoginHistory without View All Users (-want +got):\n%s", diff)
	}
	if status, e := sm.queryError(t, bob, "SELECT Id FROM EventLogFile"); status != 400 || e.Code != "INVALID_TYPE" {
		t.Errorf("EventLogFile without View Event Log Files: %d %+v", status, e)
	}
	if err := sm.SetUserPermissions(me, false, false, false); err != nil {
		t.Fatal(err)
	}
	if got := tokens(sm.token); len(got) != 0 {
		t.Errorf("after SetUserPermissions(false): %v, want none (nhi's user holds no token)", got)
	}
	if status, e := sm.queryError(t, sm.token, "SELECT Id FROM EventLogFile"); status != 400 || e.Code != "INVALID_TYPE" {
		t.Errorf("EventLogFile after SetUserPermissions(false): %d %+v", status, e)
	}
	if err := sm.SetUserPermissions("nobody@example.com", true, true, true); err == nil {
		t.Error("SetUserPermissions accepted an unknown user")
	}
}
