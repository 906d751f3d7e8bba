package googleworkspace_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	reports "google.golang.org/api/admin/reports/v1"
	"google.golang.org/api/option"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/googleworkspace"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/estate"
)

// simConnector serves e from a simulator with o and returns it, its URL and a connector
// over it with the given concurrency.
func simConnector(t *testing.T, e *estate.Estate, o googleworkspacesim.Options, concurrency int) (*googleworkspacesim.Server, string, *googleworkspace.Connector) {
	t.Helper()
	sim, err := googleworkspacesim.New(e, o)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(sim)
	t.Cleanup(hs.Close)
	path := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(path, sim.ServiceAccountKey(hs.URL), 0o600); err != nil {
		t.Fatal(err)
	}
	env := connector.Env{HTTPClient: hs.Client(), Now: func() time.Time { return e.Options.Now }}
	c, err := googleworkspace.New(googleworkspace.Config{Name: "google-test", AdminEmail: e.FirstAdmin().Email,
		Credentials: connector.SecretRef("file:" + path), BaseURL: hs.URL, Concurrency: concurrency}, env)
	if err != nil {
		t.Fatal(err)
	}
	return sim, hs.URL, c
}

// grantTimes are the times the token audit log gives a grant, in Unix milliseconds, and
// the address of its last use.
type grantTimes struct {
	authorized, used int64
	ip               string
}

// referenceTimes reads the whole token audit log with Google's Reports client, one page
// after another and without fields, and returns the times of each user/client grant.
func referenceTimes(t *testing.T, sim *googleworkspacesim.Server, base, admin string) map[string]grantTimes {
	t.Helper()
	tok, err := sim.AccessToken(admin, googleworkspacesim.ScopeAuditReadonly)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	hc := oauth2.NewClient(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok}))
	rpt, err := reports.NewService(ctx, option.WithHTTPClient(hc), option.WithEndpoint(base+"/"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]grantTimes{}
	err = rpt.Activities.List("all", "token").Pages(ctx, func(page *reports.Activities) error {
		for _, a := range page.Items {
			at, err := time.Parse(time.RFC3339Nano, a.Id.Time)
			if err != nil {
				t.Fatalf("activity time %q: %v", a.Id.Time, err)
			}
			for _, ev := range a.Events {
				var client string
				for _, p := range ev.Parameters {
					if p.Name == "client_id" {
						client = p.Value
						break
					}
				}
				k := a.Actor.ProfileId + "/" + client
				g := out[k]
				switch ev.Name {
				case "authorize":
					g.authorized = max(g.authorized, at.UnixMilli())
				case "activity":
					// the newest use's address; of uses at the same millisecond, the greatest
					switch ms := at.UnixMilli(); {
					case ms > g.used:
						g.used, g.ip = ms, a.IpAddress
					case ms == g.used && a.IpAddress > g.ip:
						g.ip = a.IpAddress
					}
				}
				out[k] = g
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// millis returns t in Unix milliseconds, 0 for the zero time.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// TestFullScanReadsTheWholeAuditLog scans with small pages and six audit readers: every
// identity must carry exactly the times (and last-use address) Google's own client reads
// from the log, the log
// must be read in several time slices with partial responses, and no page twice.
func TestFullScanReadsTheWholeAuditLog(t *testing.T) {
	t.Parallel()
	e, err := estate.Generate(estate.Options{Seed: 3, People: 400})
	if err != nil {
		t.Fatal(err)
	}
	sim, base, c := simConnector(t, e, googleworkspacesim.Options{MaxPageSize: 20}, 6)
	rec := connectortest.NewRecorder()
	next, err := c.Discover(t.Context(), "", rec)
	if err != nil {
		t.Fatal(err)
	}
	scanRequests := sim.Requests()
	want := referenceTimes(t, sim, base, e.FirstAdmin().Email)
	var newest int64
	addrs := map[string]bool{}
	for _, g := range want {
		newest = max(newest, g.authorized, g.used)
		addrs[g.ip] = true
	}
	if len(addrs) < 10 {
		t.Errorf("the log shows %d last-use addresses, want many", len(addrs))
	}
	for _, id := range rec.Identities() {
		w := want[id.ExternalID]
		if got := (grantTimes{millis(id.CreatedAt), millis(id.LastUsedAt), id.Attributes["last_used_ip"]}); got != w {
			t.Errorf("identity %s has times %+v, want %+v", id.ExternalID, got, w)
		}
	}
	if len(rec.Identities()) == 0 || !strings.HasPrefix(string(next), "gws1:"+strconv.FormatInt(newest, 10)) {
		t.Errorf("%d identities, cursor %q; want identities and a cursor at %d", len(rec.Identities()), next, newest)
	}
	ends, seen := map[string]bool{}, map[string]bool{}
	for _, r := range scanRequests {
		if !strings.Contains(r.Path, "/reports/") {
			continue
		}
		q, _ := url.ParseQuery(r.RawQuery)
		ends[q.Get("endTime")] = true
		if q.Get("fields") == "" || seen[r.RawQuery] {
			t.Errorf("activities request %s: without fields, or repeated", r.RawQuery)
		}
		seen[r.RawQuery] = true
	}
	if len(ends) < 4 {
		t.Errorf("the audit log was read in %d slices, want at least 4", len(ends))
	}
}

// cursorTime returns the time of a cursor of this connector.
func cursorTime(t *testing.T, c nhi.Cursor) time.Time {
	t.Helper()
	at, _, _ := strings.Cut(strings.TrimPrefix(string(c), "gws1:"), ":")
	ms, err := strconv.ParseInt(at, 10, 64)
	if err != nil {
		t.Fatalf("cursor %q: %v", c, err)
	}
	return time.UnixMilli(ms).UTC()
}

// TestIncrementalScanPicksUpLateEvents records events Google publishes late, dated before
// the cursor of a full scan: the next incremental scan picks up one less than the overlap
// old, not one older; events it reads again change nothing.
func TestIncrementalScanPicksUpLateEvents(t *testing.T) {
	t.Parallel()
	e, err := estate.Generate(estate.Options{Seed: 5, People: 80})
	if err != nil {
		t.Fatal(err)
	}
	sim, _, c := simConnector(t, e, googleworkspacesim.Options{MaxPageSize: 10}, 4)
	full := connectortest.NewRecorder()
	since, err := c.Discover(t.Context(), "", full)
	if err != nil {
		t.Fatal(err)
	}
	at := cursorTime(t, since)
	before := map[string]nhi.Identity{}
	for _, id := range full.Identities() {
		before[id.ExternalID] = id
	}
	late, tooLate := pickGrants(t, e, before, at)
	lateAt, tooLateAt := at.Add(-10*time.Minute), at.Add(-4*time.Hour)
	for _, g := range []struct {
		ext string
		at  time.Time
	}{{late, lateAt}, {tooLate, tooLateAt}} {
		user, client, _ := strings.Cut(g.ext, "/")
		if err := sim.RecordActivity(user, client, g.at); err != nil {
			t.Fatal(err)
		}
	}
	inc := connectortest.NewRecorder()
	next, err := c.Discover(t.Context(), since, inc)
	if err != nil {
		t.Fatal(err)
	}
	if cursorTime(t, next).Before(at) {
		t.Errorf("incremental cursor %q went back from %q", next, since)
	}
	found := false
	for _, id := range inc.Identities() {
		old := before[id.ExternalID]
		switch {
		case id.ExternalID == late:
			found = true
			if !id.LastUsedAt.Equal(lateAt) {
				t.Errorf("late event: %s last used %s, want %s", late, id.LastUsedAt, lateAt)
			}
		case id.ExternalID == tooLate && id.LastUsedAt.Equal(tooLateAt):
			t.Errorf("an event older than the overlap was read: %s last used %s", tooLate, id.LastUsedAt)
		case !id.LastUsedAt.IsZero() && !id.LastUsedAt.Equal(old.LastUsedAt),
			!id.CreatedAt.IsZero() && !id.CreatedAt.Equal(old.CreatedAt):
			t.Errorf("%s: times %s, %s read again as %s, %s", id.ExternalID, old.CreatedAt, old.LastUsedAt, id.CreatedAt, id.LastUsedAt)
		}
	}
	if !found {
		t.Errorf("the incremental scan did not report %s, which has a late event", late)
	}
}

// pickGrants returns two grants of different active users last used long before at, by
// user ID/client ID, for late events.
func pickGrants(t *testing.T, e *estate.Estate, ids map[string]nhi.Identity, at time.Time) (string, string) {
	t.Helper()
	var picked []string
	users := map[string]bool{}
	for _, g := range e.Grants {
		p := e.People[g.Person]
		ext := p.GoogleID + "/" + e.Vendors[g.Vendor].GoogleClientID
		id, ok := ids[ext]
		if !ok || p.Status != estate.Active || users[p.GoogleID] || id.LastUsedAt.After(at.Add(-24*time.Hour)) {
			continue
		}
		users[p.GoogleID] = true
		if picked = append(picked, ext); len(picked) == 2 {
			return picked[0], picked[1]
		}
	}
	t.Fatal("no two grants to record late events for")
	return "", ""
}
